import { parseInstant } from '../util/time.js';
import { OPERATOR_DEFINITIONS, isTimestamp, valueKey } from '../operators/index.js';
import type { Accepted, Bound } from '../operators/index.js';
import type { Operator } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import type { AttributeSpec } from '../model/resource-types.js';

/**
 * Which observed values a check accepts, as a set, so two versions of a check can be compared
 * exactly (`--compare`, design.md §12). A change *weakens* a check when head accepts a value base
 * rejected (head ⊄ base), *tightens* it when head accepts strictly less (head ⊊ base), and is
 * *neutral* when both accept the same values (`14d` → `2w`, `edition: x` → `{ equals: x }`).
 *
 * The sets follow the operators' own semantics (each definition's `accepts` in src/operators/):
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

export interface CheckSpec {
  readonly operator: Operator;
  readonly expected: JsonValue;
}

/** The set of values a check accepts, at the evaluation's `now` (for `not_within`): the operator's own `accepts`. */
function accepted(check: CheckSpec, attribute: AttributeSpec | undefined, now: Date): Accepted {
  return OPERATOR_DEFINITIONS[check.operator].accepts(check.expected, attribute, now);
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
function isSubset(a: Accepted, b: Accepted, attribute: AttributeSpec | undefined): boolean {
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
