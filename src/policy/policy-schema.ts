import { SEVERITIES } from '../model/desired-state.js';
import { OPERATORS } from '../operators/index.js';
import type { JsonObject } from '../model/json.js';
import { isJsonObject } from '../model/json.js';
import { RESOURCE_TYPES } from '../resources/registry.js';
import { RAW_ATTRIBUTE_PATTERN } from '../config/schema.js';

/** The committed schema, relative to this module in both `src/` and `dist/`. */
export const POLICY_SCHEMA_URL = new URL('../../schemas/policy.schema.json', import.meta.url);

/**
 * Rule ids: lowercase words joined by `.`, `-` or `_`, with at least one `.` or `-` — waivers
 * name either an attribute (snake_case) or a rule id, and this is how they are told apart.
 */
const RULE_ID_PATTERN = '^[a-z0-9]+(?:_[a-z0-9]+)*(?:[.-][a-z0-9]+(?:_[a-z0-9]+)*)+$';

// A pattern rather than minLength so that the precompiled validator needs no ajv runtime helpers.
const NON_BLANK = '\\S';

const stringOrList = (description: string): JsonObject => ({
  description,
  anyOf: [
    { type: 'string', pattern: NON_BLANK },
    { type: 'array', minItems: 1, items: { type: 'string', pattern: NON_BLANK } },
  ],
});

function attributesSchema(typeName: string): JsonObject {
  const type = RESOURCE_TYPES.find((t) => t.name === typeName);
  const properties: JsonObject = {};
  for (const a of type?.attributes ?? []) {
    properties[a.name] = {
      description: `${a.description} (${a.kind}${a.values ? `: ${a.values.join('|')}` : ''})`,
      allOf: [{ $ref: '#/definitions/assertion' }],
    };
  }
  return {
    type: 'object',
    additionalProperties: false,
    properties,
    patternProperties: { [RAW_ATTRIBUTE_PATTERN]: { $ref: '#/definitions/assertion' } },
  };
}

/**
 * The JSON Schema of a policy file, generated from the resource-type catalog so that editors
 * offer exactly the attributes each `resource_type` has. The committed
 * `schemas/policy.schema.json` must equal this (policy-schema.test.ts proves it).
 */
export function buildPolicySchema(): JsonObject {
  const operatorProperties: JsonObject = {};
  for (const op of OPERATORS) operatorProperties[op] = {};
  const definitions: JsonObject = {
    rule: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'title', 'severity', 'resource_type', 'assert', 'remediation'],
      properties: {
        id: { type: 'string', pattern: RULE_ID_PATTERN, description: 'Unique id, kebab/dotted (e.g. tc-kms.auto-renew); waivers name it.' },
        title: { type: 'string', pattern: NON_BLANK, description: 'One line saying what must hold.' },
        description: { type: 'string' },
        severity: { enum: [...SEVERITIES] },
        resource_type: { enum: RESOURCE_TYPES.map((t) => t.name) },
        where: { $ref: '#/definitions/selector' },
        when: {
          type: 'object',
          minProperties: 1,
          description: 'Preconditions (same shape as assert); the rule applies only when all hold.',
        },
        assert: { type: 'object', minProperties: 1, description: 'attribute: VALUE (equals) or attribute: { OPERATOR: VALUE }.' },
        remediation: { type: 'string', pattern: NON_BLANK, description: 'What to do when the rule fails.' },
        controls: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', pattern: NON_BLANK },
          description: 'Compliance references, e.g. "ISO/IEC 27001:2022 A.8.24".',
        },
      },
      allOf: RESOURCE_TYPES.map((t) => ({
        if: { required: ['resource_type'], properties: { resource_type: { const: t.name } } },
        then: {
          properties: { assert: { $ref: `#/definitions/attributes_${t.name}` }, when: { $ref: `#/definitions/attributes_${t.name}` } },
        },
      })),
    },
    selector: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      description: 'Which resources of the type the rule applies to; all given conditions must hold. Globs: * and ?.',
      properties: {
        provider: stringOrList('Provider reference (alicloud.prod) or alias (prod); globs allowed.'),
        name: stringOrList('Resource name glob(s), e.g. "prod-*".'),
        labels: { type: 'object', minProperties: 1, additionalProperties: stringOrList('Label value glob(s).') },
      },
    },
    assertion: {
      description: 'A value (equals) or { OPERATOR: VALUE }, as in expect.',
      anyOf: [
        { type: ['string', 'number', 'boolean'] },
        { type: 'object', additionalProperties: false, minProperties: 1, maxProperties: 1, properties: operatorProperties },
      ],
    },
  };
  for (const t of RESOURCE_TYPES) definitions[`attributes_${t.name}`] = attributesSchema(t.name);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'driftwatch policy pack',
    description: 'Rules that apply to every matching resource of a configuration (design.md §3).',
    type: 'object',
    additionalProperties: false,
    required: ['version', 'rules'],
    properties: {
      version: { enum: [1], description: 'Policy language version.' },
      name: { type: 'string', pattern: NON_BLANK },
      description: { type: 'string' },
      rules: { type: 'array', items: { $ref: '#/definitions/rule' } },
    },
    definitions,
  };
}

/** The schema text as committed (2-space JSON plus a newline). */
export function policySchemaText(): string {
  return JSON.stringify(buildPolicySchema(), null, 2) + '\n';
}

/**
 * The part of the policy schema the validator checks: the per-type attribute lists
 * (`rule.allOf` and `attributes_*`, there for editor completion) are left out. The semantic
 * phase checks attribute names exactly, with a did-you-mean, and validating them would make
 * the generated validator several times larger for no better message.
 */
export function policyValidatorSchema(schema: JsonObject): JsonObject {
  const definitions = isJsonObject(schema.definitions) ? { ...schema.definitions } : {};
  if (isJsonObject(definitions.rule)) {
    const { allOf: _editorOnly, ...rule } = definitions.rule;
    definitions.rule = rule;
  }
  for (const key of Object.keys(definitions)) if (key.startsWith('attributes_')) delete definitions[key];
  return { ...schema, definitions };
}
