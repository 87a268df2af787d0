import { quoteValue } from '../model/clip.js';
import { parseDuration } from '../util/duration.js';
import { isIsoDateOrDateTime } from '../util/iso-date.js';
import { INSTANT_ATTRIBUTE, INVALID, bound, numberOperand } from './accepted.js';
import { cachedDuration, cachedInstant, cachedText } from './cache.js';
import { describeValue, outcome, unknown } from './definition.js';
import type { OperandCheck, OperatorDefinition } from './definition.js';

/**
 * `not_within`, `before`, `after`: instants at millisecond resolution.
 * - `not_within: D` passes iff actual > now + D, strictly: an expiry exactly 30 days away is
 *   "within 30 days" and fails; one millisecond later passes.
 * - `before: T` iff actual < T; `after: T` iff actual > T (equality fails both).
 *   A date-only operand (`2027-01-31`) means the start of that day in UTC.
 */

const DATE_OPERAND = { type: 'string', description: 'ISO date (2027-01-31) or date-time with a zone (2027-01-31T00:00:00Z).' } as const;

function checkDate(check: OperandCheck): void {
  const { op, operand } = check;
  if (typeof operand !== 'string' || !isIsoDateOrDateTime(operand)) {
    check.problem(
      'malformed-date',
      `malformed date ${quoteValue(operand)} for ${op}; write an ISO date or date-time with a zone (e.g. 2027-01-31 or 2027-01-31T00:00:00Z)`,
    );
  }
}

export const notWithin: OperatorDefinition = {
  summary:
    'is **strictly later** than now + `D`: with `not_within: 30d`, an expiry exactly 30 days away fails, one millisecond later passes',
  family: 'kind',
  kinds: ['timestamp'],
  operand: 'duration',
  operandSchema: () => ({ type: 'string', pattern: '^[1-9][0-9]{0,5}[mhdw]$', description: 'A duration: 90m, 12h, 30d, 2w.' }),
  checkOperand: ({ operand, problem }) => {
    if (typeof operand !== 'string' || parseDuration(operand) === undefined) {
      problem(
        'malformed-duration',
        `malformed duration ${quoteValue(operand)} for not_within; write a positive whole number and a unit m, h, d or w (e.g. 90m, 12h, 30d, 2w)`,
      );
    }
  },
  evaluate: ({ name, expected, actual, cache, now, at: observed }) => {
    const duration = typeof expected === 'string' ? cachedDuration(expected, cache) : undefined;
    if (duration === undefined)
      return unknown(`operand of not_within for ${name} must be a duration such as 30d, got ${describeValue(expected)}`);
    const at = observed ?? cachedInstant(actual ?? null, cache);
    if (at === undefined) return unknown(`${name} is ${describeValue(actual)}, which is not a timestamp`);
    const nowMs = now.getTime();
    const when = cachedText(at, cache);
    const nowText = cachedText(nowMs, cache);
    // Strictly later: an expiry exactly D away is still "within D".
    if (at > nowMs + duration)
      return { status: 'pass', message: `${name} ${when} is more than ${expected as string} after now (${nowText})` };
    if (at <= nowMs) return { status: 'fail', message: `${name} ${when} has already passed (now ${nowText})` };
    return { status: 'fail', message: `${name} ${when} is within ${expected as string} of now (${nowText})` };
  },
  short: (e, show) => `not within ${show.value(e)}`,
  long: (e, show) => `not within ${show.text(e)}`,
  accepts: (e, _attribute, now) => {
    const ms = typeof e === 'string' ? parseDuration(e) : undefined;
    return ms === undefined ? INVALID : { kind: 'interval', lo: bound(now.getTime() + ms, false, 'lo', true) };
  },
};

function boundary(op: 'before' | 'after', summary: string): OperatorDefinition {
  return {
    summary,
    family: 'kind',
    kinds: ['timestamp'],
    operand: 'instant',
    operandSchema: () => ({ ...DATE_OPERAND }),
    checkOperand: checkDate,
    evaluate: ({ name, expected, actual, cache, at: observed }) => {
      const limitMs = cachedInstant(expected, cache);
      if (limitMs === undefined)
        return unknown(`operand of ${op} for ${name} must be an ISO date or date-time with a zone, got ${describeValue(expected)}`);
      const at = observed ?? cachedInstant(actual ?? null, cache);
      if (at === undefined) return unknown(`${name} is ${describeValue(actual)}, which is not a timestamp`);
      const when = cachedText(at, cache);
      const limit = cachedText(limitMs, cache);
      const ok = op === 'before' ? at < limitMs : at > limitMs;
      return outcome(ok, `${name} ${when} is ${op} ${limit}`, `${name} ${when} is not ${op} ${limit}`);
    },
    short: (e, show) => `${op} ${show.value(e)}`,
    long: (e, show) => `${op} ${show.text(e)}`,
    accepts: (e) => {
      const n = numberOperand(e, INSTANT_ATTRIBUTE);
      if (n === undefined) return INVALID;
      return op === 'after' ? { kind: 'interval', lo: bound(n, false, 'lo', true) } : { kind: 'interval', hi: bound(n, false, 'hi', true) };
    },
  };
}

export const before = boundary('before', 'is strictly earlier than `T` (equal fails)');
export const after = boundary('after', 'is strictly later than `T` (equal fails)');
