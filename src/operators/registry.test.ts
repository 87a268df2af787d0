import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Operator } from '../model/desired-state.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { attributeSpec, resourceType } from '../resources/registry.js';
import type { AttributeSpec } from '../model/resource-types.js';
import { buildSchema, expectationSchema } from '../config/schema.js';
import { parseExpectation } from '../config/expectations.js';
import { buildPolicySchema } from '../policy/policy-schema.js';
import { formatExpected } from '../report/values.js';
import { OPERATORS, OPERATOR_DEFINITIONS, evaluateOperator, isOperator, operatorsFor } from './index.js';
import type { OperatorDefinition, OperatorRegistry } from './index.js';
import { quoteValue } from '../model/clip.js';

const NOW = new Date('2026-11-29T00:00:00Z');
const readJson = (path: string): JsonObject => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as JsonObject;
const KINDS = ['string', 'integer', 'boolean', 'timestamp'] as const;

/** An operand each operator accepts, to exercise every part of every definition. */
const SAMPLE: Readonly<Record<Operator, JsonValue>> = {
  equals: 1,
  not_equals: 1,
  in: [1, 2],
  not_in: [1],
  at_least: 1,
  at_most: 1,
  greater_than: 1,
  less_than: 1,
  not_within: '30d',
  before: '2027-01-01',
  after: '2027-01-01',
  matches: '^a',
  present: true,
  runs_out_within: '30d',
};

const show = {
  value: (v: JsonValue): string => JSON.stringify(v),
  text: (v: JsonValue): string => (typeof v === 'string' ? v : JSON.stringify(v)),
};

describe('the operator registry is complete', () => {
  it('lists every operator once, in the documented order', () => {
    expect(OPERATORS).toEqual(Object.keys(SAMPLE));
    for (const op of OPERATORS) expect(isOperator(op)).toBe(true);
    expect(isOperator('toString')).toBe(false);
  });

  it.each(OPERATORS)(
    '%s has a docs line, a schema fragment, a semantic check, an evaluation, report wording and an acceptance set',
    (op) => {
      const definition: OperatorDefinition = OPERATOR_DEFINITIONS[op];
      expect(definition.summary.length).toBeGreaterThan(5);
      expect(definition.kinds.length).toBeGreaterThan(0);
      expect(Object.keys(definition.operandSchema({ type: 'string' })).length).toBeGreaterThan(0);
      const problems: string[] = [];
      definition.checkOperand({
        op,
        operand: SAMPLE[op],
        attribute: undefined,
        name: 'x',
        problem: (_rule, message) => problems.push(message),
        checkValue: () => undefined,
      });
      expect(problems).toEqual([]);
      definition.checkOperand({
        op,
        operand: { not: 'an operand' },
        attribute: undefined,
        name: 'x',
        problem: (_rule, message) => problems.push(message),
        checkValue: (v) => problems.push(quoteValue(v)),
      });
      expect(problems.length).toBeGreaterThan(0);
      const outcome = evaluateOperator({ operator: op, expected: SAMPLE[op], actual: 'a', attribute: undefined, now: NOW });
      expect(['pass', 'fail', 'unknown']).toContain(outcome.status);
      expect(definition.short(SAMPLE[op], show)).not.toBe('');
      expect(definition.long(SAMPLE[op], show)).not.toBe('');
      expect(definition.accepts(SAMPLE[op], undefined, NOW).kind).not.toBe('invalid');
    },
  );

  it('documents every operator in the README table with its own docs line', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const op of OPERATORS) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${op}:`));
      expect(row, `README row for ${op}`).toBeDefined();
      expect(row?.endsWith(`| ${OPERATOR_DEFINITIONS[op].summary} |`), `README row for ${op} ends with its summary`).toBe(true);
    }
  });

  it('is the run-result contract vocabulary (schemas/run-result.schema.json)', () => {
    const schema = readJson('../../schemas/run-result.schema.json');
    expect((schema.definitions as JsonObject).operator).toEqual({ enum: [...OPERATORS] });
  });

  it('gives each kind of the configuration schema exactly the operators that apply to it', () => {
    const definitions = buildSchema().definitions as Record<string, { anyOf: [unknown, { properties: JsonObject }] }>;
    const operatorsIn = (name: string): string[] =>
      Object.keys(definitions[name]?.anyOf[1].properties ?? {}).filter((k) => k !== 'severity' && k !== 'description');
    expect(operatorsIn('expectation_raw')).toEqual([...OPERATORS]);
    for (const kind of KINDS) {
      expect(operatorsIn(`expectation_${kind}`)).toEqual(
        OPERATORS.filter((op) => (OPERATOR_DEFINITIONS[op].kinds as readonly string[]).includes(kind)).sort(byFamily),
      );
    }
    const policy = (buildPolicySchema().definitions as Record<string, { anyOf: [unknown, { properties: JsonObject }] }>).assertion;
    expect(Object.keys(policy?.anyOf[1].properties ?? {})).toEqual([...OPERATORS]);
  });
});

function byFamily(a: Operator, b: Operator): number {
  const rank = (op: Operator): number => (OPERATOR_DEFINITIONS[op].family === 'value' ? 0 : 1);
  return rank(a) - rank(b) || OPERATORS.indexOf(a) - OPERATORS.indexOf(b);
}

/** An operator defined only in this test: the schema, the checks and the evaluator pick it up from the registry passed in. */
const divisibleBy: OperatorDefinition = {
  summary: 'is a multiple of `N`',
  family: 'kind',
  kinds: ['integer'],
  operand: 'number',
  operandSchema: () => ({ type: 'integer', minimum: 1 }),
  checkOperand: ({ operand, problem }) => {
    if (typeof operand !== 'number' || !Number.isInteger(operand) || operand < 1)
      problem('operator-type', `'divisible_by' needs a positive whole number, not ${quoteValue(operand)}`);
  },
  evaluate: ({ name, expected, actual }) =>
    typeof actual === 'number' && typeof expected === 'number'
      ? actual % expected === 0
        ? { status: 'pass', message: `${name} is ${actual}, a multiple of ${expected}` }
        : { status: 'fail', message: `${name} is ${actual}, expected a multiple of ${expected}` }
      : { status: 'unknown', message: `${name} cannot be divided` },
  short: (e, s) => `÷ ${s.value(e)}`,
  long: (e, s) => `divisible by ${s.value(e)}`,
  accepts: () => ({ kind: 'invalid' }),
};

const WITH_TEST_OPERATOR: OperatorRegistry = { ...OPERATOR_DEFINITIONS, divisible_by: divisibleBy };

function spec(type: string, name: string): AttributeSpec {
  const a = attributeSpec(resourceType(type) ?? (undefined as never), name);
  if (!a) throw new Error(`no attribute ${name}`);
  return a;
}

describe('an operator registered in a test', () => {
  const REMAINING = spec('alicloud_cas_private_ca', 'certificates_remaining');
  const EDITION = spec('tencentcloud_kms_service', 'edition');

  it('appears in the configuration schema of the kinds it applies to, with its operand fragment', () => {
    const schema = expectationSchema(REMAINING, WITH_TEST_OPERATOR) as { anyOf: [unknown, { properties: JsonObject; oneOf: unknown[] }] };
    expect(schema.anyOf[1].properties.divisible_by).toEqual({ type: 'integer', minimum: 1 });
    expect(schema.anyOf[1].oneOf).toContainEqual({ required: ['divisible_by'] });
    expect(operatorsFor(EDITION, WITH_TEST_OPERATOR)).not.toContain('divisible_by');
    expect(operatorsFor(undefined, WITH_TEST_OPERATOR)).toContain('divisible_by');
  });

  it('is parsed and checked by validate (operand and attribute kind)', () => {
    expect(
      parseExpectation({ divisible_by: 7, severity: 'high' }, REMAINING, 'certificates_remaining', WITH_TEST_OPERATOR).expectation,
    ).toEqual({
      operator: 'divisible_by',
      expected: 7,
      severity: 'high',
    });
    expect(
      parseExpectation({ divisible_by: 0 }, REMAINING, 'certificates_remaining', WITH_TEST_OPERATOR).problems.map((p) => p.message),
    ).toEqual(["'divisible_by' needs a positive whole number, not 0"]);
    expect(parseExpectation({ divisible_by: 7 }, EDITION, 'edition', WITH_TEST_OPERATOR).problems.map((p) => p.message)).toEqual([
      "'divisible_by' needs an integer attribute; 'edition' is a string",
    ]);
    // The built-in registry does not know it: an unknown operator, with the list of known ones.
    expect(parseExpectation({ divisible_by: 7 }, REMAINING, 'certificates_remaining').problems[0]?.message).toMatch(
      /^unknown operator 'divisible_by'/,
    );
  });

  it('is evaluated fail-closed like the built-in ones', () => {
    const run = (actual: JsonValue | undefined, attribute: AttributeSpec | undefined = REMAINING): string =>
      evaluateOperator({ operator: 'divisible_by' as Operator, expected: 7, actual, attribute, now: NOW }, WITH_TEST_OPERATOR).status;
    expect(run(21)).toBe('pass');
    expect(run(22)).toBe('fail');
    expect(run(undefined)).toBe('unknown');
    expect(run('21')).toBe('unknown');
    expect(evaluateOperator({ operator: 'divisible_by' as Operator, expected: 7, actual: 21, attribute: REMAINING, now: NOW }).status).toBe(
      'unknown',
    );
  });

  it('the reports word the built-in operators from their definitions', () => {
    expect(formatExpected({ operator: 'at_least', expected: 100 })).toBe('≥ 100');
    expect(formatExpected({ operator: 'matches', expected: '^kst-' })).toBe('matches /^kst-/');
    expect(formatExpected({ operator: 'present', expected: false })).toBe('absent');
  });
});
