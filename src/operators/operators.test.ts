import { describe, expect, it } from 'vitest';
import type { Operator } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import { attributeSpec, resourceType } from '../resources/registry.js';
import type { AttributeSpec } from '../model/resource-types.js';
import { OPERATORS, createOperatorCache, evaluateOperator } from './index.js';
import type { OperatorStatus } from './index.js';

const NOW = new Date('2026-11-29T00:00:00Z');
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function spec(type: string, name: string): AttributeSpec {
  const t = resourceType(type);
  if (!t) throw new Error(`no type ${type}`);
  const a = attributeSpec(t, name);
  if (!a) throw new Error(`no attribute ${name}`);
  return a;
}

const EDITION = spec('tencentcloud_kms_service', 'edition');
const AUTO_RENEW = spec('tencentcloud_kms_service', 'auto_renew');
const KMS_EXPIRES = spec('tencentcloud_kms_service', 'expires_at');
const TCSS_EXPIRES = spec('tencentcloud_tcss_subscription', 'expires_at');
const CA_EXPIRES = spec('alicloud_cas_private_ca', 'certificate_expires_at');
const REMAINING = spec('alicloud_cas_private_ca', 'certificates_remaining');
const SUBSCRIPTION = spec('tencentcloud_kms_service', 'subscription');
const KMS_STATUS = spec('alicloud_kms_instance', 'status');

interface Row {
  readonly operator: Operator;
  readonly expected: JsonValue;
  readonly actual: JsonValue | undefined;
  readonly attribute: AttributeSpec | undefined;
  readonly status: OperatorStatus;
  readonly note: string;
}

const row = (
  note: string,
  operator: Operator,
  expected: JsonValue,
  actual: JsonValue | undefined,
  attribute: AttributeSpec | undefined,
  status: OperatorStatus,
): Row => ({
  note,
  operator,
  expected,
  actual,
  attribute,
  status,
});

const NOW_MS = NOW.getTime();

const TABLE: readonly Row[] = [
  // equals / not_equals, type-aware
  row('equals same enum', 'equals', 'ultimate', 'ultimate', EDITION, 'pass'),
  row('equals other enum', 'equals', 'ultimate', 'basic', EDITION, 'fail'),
  row('equals boolean true', 'equals', true, true, AUTO_RENEW, 'pass'),
  row('equals boolean mismatch', 'equals', true, false, AUTO_RENEW, 'fail'),
  row('boolean attr reported as number is unknown', 'equals', true, 1, AUTO_RENEW, 'unknown'),
  row('boolean attr reported as string is unknown', 'equals', true, 'true', AUTO_RENEW, 'unknown'),
  row('raw type mismatch string vs number is unknown', 'equals', 1000, '1000', undefined, 'unknown'),
  row('raw number equals', 'equals', 1, 1, undefined, 'pass'),
  row('raw object deep equal', 'equals', { a: [1, 2] }, { a: [1, 2] }, undefined, 'pass'),
  row('raw object deep differ', 'equals', { a: [1, 2] }, { a: [2, 1] }, undefined, 'fail'),
  row('not_equals differs', 'not_equals', 'basic', 'ultimate', EDITION, 'pass'),
  row('not_equals same', 'not_equals', 'basic', 'basic', EDITION, 'fail'),
  row('not_equals type mismatch unknown', 'not_equals', false, 0, undefined, 'unknown'),
  row('timestamp equals across zones', 'equals', '2026-12-20T00:00:00+08:00', '2026-12-19T16:00:00.000Z', KMS_EXPIRES, 'pass'),
  row('timestamp equals with a non-timestamp operand is unknown', 'equals', 'soon', '2026-12-19T16:00:00.000Z', KMS_EXPIRES, 'unknown'),
  row('timestamp equals differs by 1 ms', 'equals', '2026-12-19T16:00:00.001Z', '2026-12-19T16:00:00.000Z', KMS_EXPIRES, 'fail'),
  // in / not_in
  row('in member', 'in', ['ultimate', 'basic'], 'basic', EDITION, 'pass'),
  row('in non-member', 'in', ['ultimate'], 'basic', EDITION, 'fail'),
  row('in list of other type is unknown', 'in', [1, 2], '1', undefined, 'unknown'),
  row('in mixed list compares same-typed members', 'in', [1, 'a'], 'b', undefined, 'fail'),
  row('not_in non-member', 'not_in', ['basic'], 'ultimate', EDITION, 'pass'),
  row('not_in member', 'not_in', ['basic'], 'basic', EDITION, 'fail'),
  row('in with non-list operand is unknown', 'in', 'basic', 'basic', EDITION, 'unknown'),
  // numeric boundaries
  row('at_least equal', 'at_least', 100, 100, REMAINING, 'pass'),
  row('at_least below', 'at_least', 100, 99, REMAINING, 'fail'),
  row('at_most equal', 'at_most', 100, 100, REMAINING, 'pass'),
  row('at_most above', 'at_most', 100, 101, REMAINING, 'fail'),
  row('greater_than equal', 'greater_than', 100, 100, REMAINING, 'fail'),
  row('greater_than above', 'greater_than', 100, 101, REMAINING, 'pass'),
  row('less_than equal', 'less_than', 100, 100, REMAINING, 'fail'),
  row('less_than below', 'less_than', 100, 99, REMAINING, 'pass'),
  row('at_least on a string is unknown', 'at_least', 100, '500', undefined, 'unknown'),
  row('at_least with a string operand is unknown', 'at_least', '100', 500, undefined, 'unknown'),
  row('integer attr reported as string is unknown', 'at_least', 100, '500', REMAINING, 'unknown'),
  // not_within: strictly later than now + D
  row('not_within exactly now+30d fails', 'not_within', '30d', iso(NOW_MS + 30 * DAY), KMS_EXPIRES, 'fail'),
  row('not_within now+30d+1ms passes', 'not_within', '30d', iso(NOW_MS + 30 * DAY + 1), KMS_EXPIRES, 'pass'),
  row('not_within already expired fails', 'not_within', '30d', iso(NOW_MS - DAY), KMS_EXPIRES, 'fail'),
  row('not_within exactly now fails', 'not_within', '12h', iso(NOW_MS), KMS_EXPIRES, 'fail'),
  row('not_within weeks', 'not_within', '2w', iso(NOW_MS + 14 * DAY + 1), KMS_EXPIRES, 'pass'),
  row('not_within bad duration is unknown', 'not_within', '30 days', iso(NOW_MS + 90 * DAY), KMS_EXPIRES, 'unknown'),
  row('not_within unparsable actual is unknown', 'not_within', '30d', 'next year', KMS_EXPIRES, 'unknown'),
  row('not_within zone-less actual is unknown', 'not_within', '30d', '2027-06-30 00:00:00', KMS_EXPIRES, 'unknown'),
  // before / after at equality
  row('before equal fails', 'before', '2027-01-31', '2027-01-31T00:00:00Z', CA_EXPIRES, 'fail'),
  row('before 1 ms earlier passes', 'before', '2027-01-31', '2027-01-30T23:59:59.999Z', CA_EXPIRES, 'pass'),
  row('after equal fails', 'after', '2027-01-31T00:00:00Z', '2027-01-31T00:00:00.000Z', CA_EXPIRES, 'fail'),
  row('after 1 ms later passes', 'after', '2027-01-31', '2027-01-31T00:00:00.001Z', CA_EXPIRES, 'pass'),
  row('after date-only means start of day UTC', 'after', '2027-01-31', '2027-01-31T07:59:59+08:00', CA_EXPIRES, 'fail'),
  row('after with zone offset operand', 'after', '2027-01-31T08:00:00+08:00', '2027-01-31T00:00:00.001Z', CA_EXPIRES, 'pass'),
  row('before bad operand is unknown', 'before', 'soon', '2027-01-31T00:00:00Z', CA_EXPIRES, 'unknown'),
  // raw epoch numbers: seconds and milliseconds denote the same instant
  row('raw seconds vs ms before', 'before', '2030-01-01T00:00:01Z', 1893456000, undefined, 'pass'),
  row('raw ms before', 'before', '2030-01-01T00:00:01Z', 1893456000000, undefined, 'pass'),
  row('raw seconds after equality fails', 'after', '2030-01-01T00:00:00Z', 1893456000, undefined, 'fail'),
  row('raw ms after equality fails', 'after', '2030-01-01T00:00:00Z', 1893456000000, undefined, 'fail'),
  // matches
  row('matches unanchored', 'matches', 'prod', 'my-prod-ca', SUBSCRIPTION, 'pass'),
  row('matches anchored fails', 'matches', '^prod', 'my-prod-ca', SUBSCRIPTION, 'fail'),
  row('matches invalid regex is unknown', 'matches', '([', 'x', SUBSCRIPTION, 'unknown'),
  row('matches on a number is unknown', 'matches', '^1', 12, undefined, 'unknown'),
  // present
  row('present true with value', 'present', true, 'x', SUBSCRIPTION, 'pass'),
  row('present true with null is unknown', 'present', true, null, SUBSCRIPTION, 'unknown'),
  row('present true absent', 'present', true, undefined, SUBSCRIPTION, 'fail'),
  row('present false absent', 'present', false, undefined, SUBSCRIPTION, 'pass'),
  row('present false with null is unknown, never a pass', 'present', false, null, SUBSCRIPTION, 'unknown'),
  row('present false with value', 'present', false, 'x', SUBSCRIPTION, 'fail'),
  row('present true with unknown enum value passes', 'present', true, 'premium', EDITION, 'pass'),
  row('present with non-boolean operand is unknown', 'present', 'yes', 'x', SUBSCRIPTION, 'unknown'),
];

// `present` is left out: judging a missing value is its purpose, so it has its own rows above.
const ALL_OPERATORS: readonly Operator[] = OPERATORS.filter((operator) => operator !== 'present');

const OPERAND: Readonly<Record<Operator, JsonValue>> = {
  equals: 'ultimate',
  not_equals: 'ultimate',
  in: ['ultimate'],
  not_in: ['basic'],
  at_least: 1,
  at_most: 1,
  greater_than: 1,
  less_than: 1,
  not_within: '30d',
  before: '2027-01-01',
  after: '2027-01-01',
  matches: '.*',
  present: true,
  runs_out_within: '30d',
};

describe('evaluateOperator', () => {
  it.each(TABLE)('$note → $status', (r) => {
    const result = evaluateOperator({
      operator: r.operator,
      expected: r.expected,
      actual: r.actual,
      attribute: r.attribute,
      now: NOW,
      name: 'attr',
    });
    expect(result.status).toBe(r.status);
    expect(result.message).not.toBe('');
  });

  it.each(ALL_OPERATORS)('%s: a missing or null value is unknown, never pass or fail', (operator) => {
    for (const actual of [undefined, null]) {
      const result = evaluateOperator({ operator, expected: OPERAND[operator], actual, attribute: undefined, now: NOW, name: 'cmk_count' });
      expect(result).toEqual({ status: 'unknown', message: 'cmk_count was not reported' });
    }
  });

  it.each(ALL_OPERATORS)('%s: an unknown enum value is unknown', (operator) => {
    const result = evaluateOperator({ operator, expected: OPERAND[operator], actual: 'premium', attribute: EDITION, now: NOW });
    expect(result).toEqual({ status: 'unknown', message: "unknown value 'premium' reported for edition" });
  });

  it('a vendor status outside the catalog is unknown even for not_equals (fail closed)', () => {
    const result = evaluateOperator({ operator: 'not_equals', expected: 'Error', actual: 'Migrating', attribute: KMS_STATUS, now: NOW });
    expect(result.status).toBe('unknown');
  });

  it('compares a Beijing-time TCSS expiry, normalized to UTC, as an instant', () => {
    // ExpirationTime "2026-12-20 00:00:00" (Asia/Shanghai) normalizes to 2026-12-19T16:00:00.000Z.
    const actual = '2026-12-19T16:00:00.000Z';
    const at = (now: string): OperatorStatus =>
      evaluateOperator({ operator: 'not_within', expected: '30d', actual, attribute: TCSS_EXPIRES, now: new Date(now) }).status;
    expect(at('2026-11-19T16:00:00Z')).toBe('fail'); // exactly 30 days before: within
    expect(at('2026-11-19T15:59:59.999Z')).toBe('pass');
    expect(at('2026-11-20T00:00:00+08:00')).toBe('fail'); // the same instant written in Beijing time
    expect(
      evaluateOperator({ operator: 'before', expected: '2026-12-20T00:00:00+08:00', actual, attribute: TCSS_EXPIRES, now: NOW }).status,
    ).toBe('fail');
    expect(evaluateOperator({ operator: 'before', expected: '2026-12-20', actual, attribute: TCSS_EXPIRES, now: NOW }).status).toBe('pass');
  });

  it('treats second- and millisecond-precision sources as the same instant', () => {
    // KMS ProExpireTime (s) and CAS AfterTime (ms) both normalize to ISO; the instant is what counts.
    const fromSeconds = new Date(1_893_456_000 * 1000).toISOString();
    const fromMillis = '2030-01-01T00:00:00Z';
    expect(
      evaluateOperator({ operator: 'equals', expected: fromMillis, actual: fromSeconds, attribute: KMS_EXPIRES, now: NOW }).status,
    ).toBe('pass');
    expect(
      evaluateOperator({ operator: 'equals', expected: fromSeconds, actual: '2030-01-01T08:00:00+08:00', attribute: CA_EXPIRES, now: NOW })
        .status,
    ).toBe('pass');
  });

  it('writes messages people can act on', () => {
    expect(evaluateOperator({ operator: 'equals', expected: 'ultimate', actual: 'basic', attribute: EDITION, now: NOW }).message).toBe(
      'edition is basic, expected ultimate',
    );
    expect(
      evaluateOperator({ operator: 'not_within', expected: '30d', actual: '2026-12-20T00:00:00.000Z', attribute: KMS_EXPIRES, now: NOW })
        .message,
    ).toBe('expires_at 2026-12-20T00:00:00Z is within 30d of now (2026-11-29T00:00:00Z)');
    expect(
      evaluateOperator({ operator: 'not_within', expected: '30d', actual: '2026-11-01T00:00:00Z', attribute: KMS_EXPIRES, now: NOW })
        .message,
    ).toBe('expires_at 2026-11-01T00:00:00Z has already passed (now 2026-11-29T00:00:00Z)');
    expect(evaluateOperator({ operator: 'at_least', expected: 100, actual: 40, attribute: REMAINING, now: NOW }).message).toBe(
      'certificates_remaining is 40, expected at least 100',
    );
    expect(evaluateOperator({ operator: 'equals', expected: true, actual: 1, attribute: AUTO_RENEW, now: NOW }).message).toBe(
      'auto_renew was reported as number 1, expected a boolean',
    );
  });

  it('reuses compiled regexes from the cache and stays stateless across values', () => {
    const cache = createOperatorCache();
    const run = (actual: string): OperatorStatus =>
      evaluateOperator({ operator: 'matches', expected: '^kst-', actual, attribute: undefined, now: NOW, cache }).status;
    expect(run('kst-1')).toBe('pass');
    expect(run('kst-2')).toBe('pass');
    expect(run('cas-1')).toBe('fail');
    expect(cache.regexes.size).toBe(1);
  });
});

describe('evaluateOperator under fuzzing', () => {
  it('never throws, and a missing value never passes unless present: false', async () => {
    const fc = (await import('fast-check')).default;
    const attributes = [undefined, EDITION, AUTO_RENEW, KMS_EXPIRES, REMAINING, SUBSCRIPTION];
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL_OPERATORS, 'present' as const),
        fc.jsonValue(),
        fc.option(fc.jsonValue(), { nil: undefined }),
        fc.constantFrom(...attributes),
        (operator, expected, actual, attribute) => {
          const result = evaluateOperator({
            operator,
            expected: expected as JsonValue,
            actual: actual as JsonValue | undefined,
            attribute,
            now: NOW,
            cache: createOperatorCache(),
          });
          expect(['pass', 'fail', 'unknown']).toContain(result.status);
          if ((actual === undefined || actual === null) && result.status === 'pass')
            expect([operator, expected]).toEqual(['present', false]);
        },
      ),
      { seed: 11, numRuns: 2000 },
    );
  });
});
