import { parseDuration } from '../util/duration.js';
import { parseInstant } from '../util/time.js';
import type { Operator } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import type { AttributeSpec } from '../model/resource-types.js';

/**
 * Which observed values a check accepts, as a set, so two versions of a check can be compared
 * exactly (`--compare`, design.md §12). A change *weakens* a check when head accepts a value base
 * rejected (head ⊄ base), *tightens* it when head accepts strictly less (head ⊊ base), and is
 * *neutral* when both accept the same values (`14d` → `2w`, `edition: x` → `{ equals: x }`).
 *
 * The sets follow the operators' own semantics (policy/operators.ts):
 * - numbers: `at_least` ≥, `at_most` ≤, `greater_than` >, `less_than` <; on an integer attribute
 *   the bounds are whole numbers (`greater_than: 99` is `at_least: 100`);
 * - instants at millisecond resolution: `before: T` < T, `after: T` > T, `not_within: D` > as-of + D
 *   (so `not_within: 30d` and `after: <as-of + 30d>` are the same set at that as-of);
 * - `equals`/`in` a finite set, `not_equals`/`not_in` its complement — within the attribute's
 *   known values for enums and booleans (a value outside them is never accepted), so
 *   `not_in: [basic]` and `equals: ultimate` are the same set for the KMS edition;
 * - `present: true` every reported value, `present: false` only "not reported";
 * - `matches`: a different pattern cannot be proven to accept no new value, so it counts as
 *   weakening unless the source is identical (fail closed: a reviewer must look).
 */

type Bound = { readonly value: number; readonly inclusive: boolean };

export type Accepted =
  | { readonly kind: 'any' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'set'; readonly keys: ReadonlyMap<string, JsonValue> }
  | { readonly kind: 'coset'; readonly keys: ReadonlyMap<string, JsonValue> }
  | { readonly kind: 'interval'; readonly lo?: Bound; readonly hi?: Bound }
  | { readonly kind: 'pattern'; readonly source: string }
  /** An operand that cannot be read: it accepts nothing for sure, and nothing is provably inside it. */
  | { readonly kind: 'invalid' };

export interface CheckSpec {
  readonly operator: Operator;
  readonly expected: JsonValue;
}

function isTimestamp(attribute: AttributeSpec | undefined): boolean {
  return attribute?.kind === 'timestamp';
}

/** Whole-number domain: integer attributes and instants (milliseconds). */
function discrete(attribute: AttributeSpec | undefined): boolean {
  return attribute?.kind === 'integer' || isTimestamp(attribute);
}

function domain(attribute: AttributeSpec | undefined): readonly JsonValue[] | undefined {
  if (attribute?.kind === 'boolean') return [true, false];
  if (attribute?.kind === 'string' && attribute.values !== undefined) return attribute.values;
  return undefined;
}

/** A canonical key per value, so `2027-01-01` and `2027-01-01T00:00:00Z` are one element. */
function valueKey(value: JsonValue, attribute: AttributeSpec | undefined): string {
  if (isTimestamp(attribute)) {
    const ms = parseInstant(value);
    if (ms !== undefined) return `t:${ms}`;
  }
  return JSON.stringify(value);
}

function keysOf(values: readonly JsonValue[], attribute: AttributeSpec | undefined): Map<string, JsonValue> {
  const map = new Map<string, JsonValue>();
  for (const v of values) map.set(valueKey(v, attribute), v);
  return map;
}

function finite(values: readonly JsonValue[], attribute: AttributeSpec | undefined, complement: boolean): Accepted {
  const dom = domain(attribute);
  const keys = keysOf(values, attribute);
  if (dom === undefined) return { kind: complement ? 'coset' : 'set', keys };
  const inDomain = keysOf(dom, attribute);
  const out = new Map<string, JsonValue>();
  for (const [k, v] of inDomain) if (keys.has(k) !== complement) out.set(k, v);
  return { kind: 'set', keys: out };
}

function numberOperand(expected: JsonValue, attribute: AttributeSpec | undefined): number | undefined {
  if (isTimestamp(attribute)) return parseInstant(expected);
  return typeof expected === 'number' && Number.isFinite(expected) ? expected : undefined;
}

/** On a whole-number domain every bound becomes inclusive, so `> 99` and `≥ 100` compare equal. */
function bound(value: number, inclusive: boolean, side: 'lo' | 'hi', whole: boolean): Bound {
  if (!whole) return { value, inclusive };
  if (side === 'lo') return { value: inclusive ? Math.ceil(value) : Math.floor(value) + 1, inclusive: true };
  return { value: inclusive ? Math.floor(value) : Math.ceil(value) - 1, inclusive: true };
}

/** The set of values a check accepts, at the evaluation's `now` (for `not_within`). */
export function accepted(check: CheckSpec, attribute: AttributeSpec | undefined, now: Date): Accepted {
  const { operator, expected } = check;
  const whole = discrete(attribute);
  switch (operator) {
    case 'present':
      return expected === true ? { kind: 'any' } : expected === false ? { kind: 'absent' } : { kind: 'invalid' };
    case 'equals':
    case 'not_equals':
      return finite([expected], attribute, operator === 'not_equals');
    case 'in':
    case 'not_in':
      return Array.isArray(expected) ? finite(expected, attribute, operator === 'not_in') : { kind: 'invalid' };
    case 'at_least':
    case 'greater_than':
    case 'after': {
      const n = numberOperand(expected, operator === 'after' ? { name: '', kind: 'timestamp', description: '' } : attribute);
      return n === undefined ? { kind: 'invalid' } : { kind: 'interval', lo: bound(n, operator === 'at_least', 'lo', whole || operator === 'after') };
    }
    case 'at_most':
    case 'less_than':
    case 'before': {
      const n = numberOperand(expected, operator === 'before' ? { name: '', kind: 'timestamp', description: '' } : attribute);
      return n === undefined ? { kind: 'invalid' } : { kind: 'interval', hi: bound(n, operator === 'at_most', 'hi', whole || operator === 'before') };
    }
    case 'not_within': {
      const ms = typeof expected === 'string' ? parseDuration(expected) : undefined;
      return ms === undefined ? { kind: 'invalid' } : { kind: 'interval', lo: bound(now.getTime() + ms, false, 'lo', true) };
    }
    case 'matches':
      return typeof expected === 'string' ? { kind: 'pattern', source: expected } : { kind: 'invalid' };
  }
}

function loWithin(a: Bound | undefined, b: Bound | undefined): boolean {
  if (b === undefined) return true;
  if (a === undefined) return false;
  return a.value > b.value || (a.value === b.value && (b.inclusive || !a.inclusive));
}

function hiWithin(a: Bound | undefined, b: Bound | undefined): boolean {
  if (b === undefined) return true;
  if (a === undefined) return false;
  return a.value < b.value || (a.value === b.value && (b.inclusive || !a.inclusive));
}

function inInterval(value: JsonValue, set: Extract<Accepted, { kind: 'interval' }>, timestamp: boolean): boolean {
  const n = timestamp ? parseInstant(value) : typeof value === 'number' ? value : undefined;
  if (n === undefined) return false;
  const lo = set.lo === undefined || n > set.lo.value || (n === set.lo.value && set.lo.inclusive);
  const hi = set.hi === undefined || n < set.hi.value || (n === set.hi.value && set.hi.inclusive);
  return lo && hi;
}

function matchesPattern(value: JsonValue, source: string): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new RegExp(source).test(value);
  } catch {
    return false;
  }
}

/** Whether every value `a` accepts is accepted by `b` — false whenever it cannot be proven. */
export function isSubset(a: Accepted, b: Accepted, attribute: AttributeSpec | undefined): boolean {
  const timestamp = isTimestamp(attribute);
  if (a.kind === 'set' && a.keys.size === 0) return true;
  if (a.kind === 'invalid' || b.kind === 'invalid') return a.kind === 'invalid' && b.kind === 'invalid';
  if (a.kind === 'absent' || b.kind === 'absent') return a.kind === b.kind;
  if (b.kind === 'any') return true;
  switch (a.kind) {
    case 'any':
      return b.kind === 'coset' && b.keys.size === 0;
    case 'set':
      return [...a.keys.values()].every((v) => {
        if (b.kind === 'set') return b.keys.has(valueKey(v, attribute));
        if (b.kind === 'coset') return !b.keys.has(valueKey(v, attribute));
        if (b.kind === 'interval') return inInterval(v, b, timestamp);
        return matchesPattern(v, b.source);
      });
    case 'coset':
      return b.kind === 'coset' && [...b.keys.keys()].every((k) => a.keys.has(k));
    case 'interval':
      if (b.kind === 'interval') return loWithin(a.lo, b.lo) && hiWithin(a.hi, b.hi);
      if (b.kind === 'coset') return [...b.keys.values()].every((v) => !inInterval(v, a, timestamp));
      return false;
    case 'pattern':
      return b.kind === 'pattern' && a.source === b.source;
  }
}

export type Relation = 'same' | 'narrower' | 'wider' | 'different';

/** How head's accepted set relates to base's: `wider`/`different` mean head accepts something new. */
export function relation(base: CheckSpec, head: CheckSpec, attribute: AttributeSpec | undefined, now: Date): Relation {
  const a = accepted(base, attribute, now);
  const b = accepted(head, attribute, now);
  const headInBase = isSubset(b, a, attribute);
  const baseInHead = isSubset(a, b, attribute);
  if (headInBase && baseInHead) return 'same';
  if (headInBase) return 'narrower';
  return baseInHead ? 'wider' : 'different';
}
