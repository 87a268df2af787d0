import { readFileSync } from 'node:fs';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';
import { CLOUDS as CLOUD_NAMES } from '../model/clouds.js';
import type { AttributeSpec, Cloud, ResourceTypeSpec } from '../model/resource-types.js';
import { DEFAULT_HISTORY_DIR, DEFAULT_HISTORY_KEEP, NOTIFY_EVENTS, NOTIFY_TYPES, SEVERITIES } from '../model/desired-state.js';
import type { JsonObject } from '../model/json.js';
// Not the operators' index: it also loads evaluation (start-up, issue 17).
import type { OperatorDefinition } from '../operators/definition.js';
import { OPERATOR_DEFINITIONS, operatorsFor } from '../operators/registry.js';
import type { OperatorRegistry } from '../operators/registry.js';

/** Where the committed schema lives, relative to this module in both `src/` and `dist/`. */
export const SCHEMA_URL = new URL('../../schemas/driftwatch.schema.json', import.meta.url);

/** The clouds (model/clouds.ts): the `providers` keys and provider references. */
export const CLOUDS: readonly Cloud[] = CLOUD_NAMES;
/**
 * Non-blank strings. Written as a pattern rather than minLength (and enum rather than const) so
 * that the precompiled validator needs no ajv runtime helpers.
 */
export const NON_BLANK = '\\S';
const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]*$';
export const ENV_VAR_PATTERN = '^[A-Z_][A-Z0-9_]*$';
export const RAW_ATTRIBUTE_PATTERN = '^raw\\.[A-Za-z][A-Za-z0-9_.]*$';
const API_ACTION_PATTERN = '^[A-Z][A-Za-z0-9]*$';
const REGION_PATTERN = '^[a-z]{2,}(-[a-z0-9]+)+$';
export const PROVIDER_REF_PATTERN = `^(${CLOUDS.join('|')})\\.[A-Za-z0-9][A-Za-z0-9_-]*$`;
export const RESOURCE_ADDRESS_PATTERN = '^[a-z][a-z0-9_]*\\.[A-Za-z0-9][A-Za-z0-9_-]*$';
/** An account id of a fan-out list: Alibaba uid, Tencent uin (digits), or a label for it. */
const ACCOUNT_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$';

function valueSchema(attribute: AttributeSpec | undefined): JsonObject {
  if (attribute === undefined) return { type: ['string', 'number', 'boolean'] };
  switch (attribute.kind) {
    case 'integer':
      return { type: 'integer' };
    case 'boolean':
      return { type: 'boolean' };
    case 'timestamp':
      return { type: 'string', description: 'ISO-8601 timestamp, e.g. 2027-06-30T16:00:00Z' };
    case 'string':
      return attribute.values ? { type: 'string', enum: [...attribute.values] } : { type: 'string' };
  }
}

/**
 * The schema of one `expect` entry: a value (equals) or { OPERATOR: operand } with each operator's
 * own operand fragment from the registry. Exported for tests that register an operator of their own.
 */
export function expectationSchema(attribute: AttributeSpec | undefined, registry: OperatorRegistry = OPERATOR_DEFINITIONS): JsonObject {
  const ops = operatorsFor(attribute, registry);
  const properties: JsonObject = {};
  for (const op of ops) properties[op] = (registry[op] as OperatorDefinition).operandSchema(valueSchema(attribute));
  properties.severity = { enum: [...SEVERITIES], default: 'medium' };
  properties.description = { type: 'string' };
  return {
    ...(attribute?.description ? { description: `${attribute.description} (${attribute.kind})` } : {}),
    anyOf: [
      { ...valueSchema(attribute), description: 'Shorthand for { equals: VALUE }.' },
      {
        type: 'object',
        additionalProperties: false,
        properties,
        oneOf: ops.map((op) => ({ required: [op] })),
      },
    ],
  };
}

/** Attributes without known values share one definition per kind, keeping the schema small. */
function attributeSchema(attribute: AttributeSpec): JsonObject {
  if (attribute.values) return expectationSchema(attribute);
  return { description: `${attribute.description} (${attribute.kind})`, allOf: [{ $ref: `#/definitions/expectation_${attribute.kind}` }] };
}

const KIND_DEFINITIONS: readonly AttributeSpec[] = (['string', 'integer', 'boolean', 'timestamp'] as const).map((kind) => ({
  name: kind,
  kind,
  description: '',
}));

function resourceSchema(type: ResourceTypeSpec): JsonObject {
  const expect: JsonObject = {};
  for (const attribute of type.attributes) expect[attribute.name] = attributeSchema(attribute);
  const properties: JsonObject = {
    provider: { type: 'string', pattern: PROVIDER_REF_PATTERN, description: `Provider reference ${type.cloud}.<alias>.` },
  };
  if (type.regional)
    properties.region = { type: 'string', pattern: REGION_PATTERN, description: "Region override (default: the provider's)." };
  for (const id of type.identifiers) properties[id] = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' };
  properties.labels = { type: 'object', additionalProperties: { type: 'string' } };
  properties.account = {
    type: 'string',
    pattern: ACCOUNT_PATTERN,
    description: "Fan-out: only this account of the provider's `accounts` (required for instance-scoped types on a fanned-out provider).",
  };
  properties.expect = {
    type: 'object',
    additionalProperties: false,
    properties: expect,
    patternProperties: { [RAW_ATTRIBUTE_PATTERN]: { $ref: '#/definitions/expectation_raw' } },
  };
  return {
    type: 'object',
    description: type.description,
    additionalProperties: false,
    required: ['provider', ...type.identifiers],
    properties,
  };
}

/** A request timeout: a whole number of milliseconds, seconds, minutes or hours (duration.ts parses it). */
const TIMEOUT_PATTERN = '^[1-9][0-9]{0,6}(ms|s|m|h)$';

const envVar = { type: 'string', pattern: ENV_VAR_PATTERN, description: 'Name of an environment variable (never the secret itself).' };

/**
 * The JSON Schema of a configuration file, generated from the resource-type catalog so that the
 * attribute names editors offer are exactly those the engine knows. The committed
 * `schemas/driftwatch.schema.json` must equal this (a test proves it).
 */
export function buildSchema(types: TypeRegistry = BUILTIN_TYPES): JsonObject {
  const resources: JsonObject = {};
  for (const type of types.catalog) {
    resources[type.name] = {
      type: 'object',
      propertyNames: { pattern: NAME_PATTERN },
      additionalProperties: { $ref: `#/definitions/resource_${type.name}` },
    };
  }
  const definitions: JsonObject = {
    provider: {
      type: 'object',
      additionalProperties: false,
      properties: {
        region: { type: 'string', pattern: REGION_PATTERN, description: 'Default region of the resources using this provider.' },
        site: { enum: ['china', 'intl'], default: 'china', description: 'China site or international site endpoints.' },
        credentials: { $ref: '#/definitions/credentials' },
        endpoint: { type: 'string', format: 'uri', pattern: '^https?://', description: 'Base URL override; http:// only for loopback.' },
        timeout: {
          type: 'string',
          pattern: TIMEOUT_PATTERN,
          description: 'Per-attempt timeout of one request to this provider, e.g. 10s, 500ms, 2m (default 30s; --timeout wins).',
        },
        rate_limits: {
          type: 'object',
          description: 'API action name -> requests per second.',
          propertyNames: { pattern: API_ACTION_PATTERN },
          additionalProperties: { type: 'number', exclusiveMinimum: 0, maximum: 10000 },
        },
        accounts: {
          type: 'array',
          minItems: 1,
          description: 'Fan-out: one provider per account; {account} in credentials.assume_role.role_arn stands for each.',
          items: {
            anyOf: [
              { type: 'string', pattern: ACCOUNT_PATTERN },
              {
                type: 'object',
                additionalProperties: false,
                required: ['id'],
                properties: {
                  id: { type: 'string', pattern: ACCOUNT_PATTERN },
                  regions: {
                    type: 'array',
                    minItems: 1,
                    items: { type: 'string', pattern: REGION_PATTERN },
                    description: "Regions of this account (default: the provider's).",
                  },
                },
              },
            ],
          },
        },
        regions: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: REGION_PATTERN },
          description: 'Fan-out: regional resources on this provider are checked in each of these regions.',
        },
      },
    },
    credentials: {
      description: "Where credentials come from; default: the vendor's standard chain. Secrets are never written in YAML.",
      oneOf: [
        { enum: ['chain'] },
        { enum: ['env'] },
        { enum: ['oidc'], description: 'Web identity: ALIBABA_CLOUD_ROLE_ARN/OIDC_PROVIDER_ARN/OIDC_TOKEN_FILE or TKE_*.' },
        { enum: ['ecs_ram_role'], description: 'Alibaba Cloud: the ECS instance RAM role (instance metadata).' },
        { enum: ['cvm_role'], description: 'Tencent Cloud: the CVM instance role (instance metadata).' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['ecs_ram_role'],
          properties: { ecs_ram_role: { type: 'string', pattern: NON_BLANK, description: 'Role name.' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['cvm_role'],
          properties: { cvm_role: { type: 'string', pattern: NON_BLANK, description: 'Role name.' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['assume_role'],
          properties: {
            assume_role: {
              type: 'object',
              additionalProperties: false,
              required: ['role_arn'],
              description: 'STS AssumeRole with the credentials of `source` (default: the standard chain).',
              properties: {
                role_arn: {
                  type: 'string',
                  pattern: NON_BLANK,
                  description: 'acs:ram::UID:role/NAME or qcs::cam::uin/UIN:roleName/NAME; {account} per fanned-out account.',
                },
                session_name: { type: 'string', pattern: NON_BLANK },
                external_id: { type: 'string', pattern: NON_BLANK },
                duration: { type: ['string', 'integer'], description: '15m to 12h, or seconds (900 to 43200). Default 1h.' },
                source: { $ref: '#/definitions/credentials' },
              },
            },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['profile'],
          properties: { profile: { type: 'string', pattern: NON_BLANK } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['env'],
          properties: {
            env: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'secret'],
              properties: { id: envVar, secret: envVar, token: envVar },
            },
          },
        },
      ],
    },
    waiver: {
      type: 'object',
      additionalProperties: false,
      required: ['resource', 'rule', 'reason', 'owner', 'expires'],
      properties: {
        resource: { type: 'string', pattern: RESOURCE_ADDRESS_PATTERN, description: 'Address <type>.<name>.' },
        rule: { type: 'string', pattern: NON_BLANK, description: 'An attribute with an expectation, a policy rule id, or *.' },
        reason: { type: 'string', pattern: NON_BLANK },
        owner: { type: 'string', pattern: NON_BLANK },
        expires: { type: 'string', description: 'ISO date or date-time; the waiver stops applying after it.' },
        ticket: { type: 'string' },
      },
    },
  };
  for (const kind of KIND_DEFINITIONS) definitions[`expectation_${kind.kind}`] = expectationSchema(kind);
  definitions.expectation_raw = { description: 'A raw vendor field (raw.<VendorField>); any operator.', ...expectationSchema(undefined) };
  for (const type of types.catalog) definitions[`resource_${type.name}`] = resourceSchema(type);
  const providerMap = {
    type: 'object',
    propertyNames: { pattern: NAME_PATTERN },
    additionalProperties: { $ref: '#/definitions/provider' },
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'driftwatch configuration',
    description: 'Desired state of cloud security services (one file of a configuration; files of a directory are merged).',
    type: 'object',
    additionalProperties: false,
    properties: {
      version: { enum: [1], description: 'Configuration language version.' },
      providers: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(CLOUDS.map((c) => [c, providerMap])),
      },
      policies: {
        type: 'array',
        items: { type: 'string', pattern: NON_BLANK },
        description: 'builtin:NAME or paths relative to this file.',
      },
      resources: { type: 'object', additionalProperties: false, properties: resources },
      waivers: { type: 'array', items: { $ref: '#/definitions/waiver' } },
      snapshots: {
        type: 'object',
        additionalProperties: false,
        description: 'How --observed trusts a saved snapshot (flags --max-age and --observed-key win).',
        properties: {
          max_age: {
            type: 'string',
            pattern: '^[1-9][0-9]{0,5}[mhdw]$',
            description: 'A snapshot observed longer ago than this makes every check unknown (e.g. 24h, 7d).',
          },
          key_file: {
            type: 'string',
            pattern: NON_BLANK,
            description: 'Public key (Ed25519 PEM) or HMAC secret file that must verify the snapshot signature; relative to this file.',
          },
        },
      },
      report: {
        type: 'object',
        additionalProperties: false,
        description: 'How reports show this configuration; the matching command-line flags win.',
        properties: {
          tz: { type: 'string', pattern: NON_BLANK, description: 'IANA time zone shown beside UTC, e.g. Asia/Shanghai (as --tz).' },
        },
      },
      history: {
        type: 'object',
        additionalProperties: false,
        description:
          'Run history for plan/check (as --history): what is new, persisting or resolved since the previous run, and forecasts.',
        properties: {
          dir: {
            type: 'string',
            pattern: NON_BLANK,
            description: `Ledger directory, relative to this file (default ${DEFAULT_HISTORY_DIR}); --history wins.`,
          },
          keep: {
            type: 'string',
            pattern: '^[1-9][0-9]{0,5}[mhdw]$',
            description: `Records older than this are removed (default ${DEFAULT_HISTORY_KEEP}); --history-keep wins.`,
          },
        },
      },
      notify: {
        type: 'array',
        description: 'Who is told when something changed since the previous run (needs history).',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'url'],
          properties: {
            type: { enum: [...NOTIFY_TYPES], description: 'Robot or webhook kind.' },
            url: { type: 'string', pattern: NON_BLANK, description: 'Webhook URL, only as ${env.NAME} (it carries the access token).' },
            secret: {
              type: 'string',
              pattern: NON_BLANK,
              description: 'Signing secret of a DingTalk or Feishu robot, only as ${env.NAME}.',
            },
            on: {
              type: 'array',
              minItems: 1,
              items: { enum: [...NOTIFY_EVENTS] },
              description: 'Changes that send a message (default: all three).',
            },
            report_url: { type: 'string', pattern: '^https?://', description: 'Link to the full report, put in the message.' },
          },
        },
      },
    },
    definitions,
  };
}

/** The schema text as committed (2-space JSON plus a newline). */
export function schemaText(): string {
  return JSON.stringify(buildSchema(), null, 2) + '\n';
}

/** Reads the committed schema that ships in the package (the one editors use too). */
export function readCommittedSchema(): JsonObject {
  return JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as JsonObject;
}
