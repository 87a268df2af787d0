import { parseInstant } from '../util/time.js';
import type { JsonValue } from '../model/json.js';
import type { AttributeSpec } from '../model/resource-types.js';

/**
 * Which observed values a check accepts, as a set (compare/acceptance.ts compares two of them).
 * Each operator builds its own set from these helpers; the semantics are described there.
 */

export type Bound = { readonly value: number; readonly inclusive: boolean };

export type Accepted =
  | { readonly kind: 'any' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'set'; readonly keys: ReadonlyMap<string, JsonValue> }
  | { readonly kind: 'coset'; readonly keys: ReadonlyMap<string, JsonValue> }
  | { readonly kind: 'interval'; readonly lo?: Bound; readonly hi?: Bound }
  | { readonly kind: 'pattern'; readonly source: string }
  /** An operand that cannot be read: it accepts nothing for sure, and nothing is provably inside it. */
  | { readonly kind: 'invalid' };

export const INVALID: Accepted = { kind: 'invalid' };

/** A typed timestamp, for operators whose operand is an instant whatever the attribute says. */
export const INSTANT_ATTRIBUTE: AttributeSpec = { name: '', kind: 'timestamp', description: '' };

export function isTimestamp(attribute: AttributeSpec | undefined): boolean {
  return attribute?.kind === 'timestamp';
}

/** Whole-number domain: integer attributes and instants (milliseconds). */
export function discrete(attribute: AttributeSpec | undefined): boolean {
  return attribute?.kind === 'integer' || isTimestamp(attribute);
}

function domain(attribute: AttributeSpec | undefined): readonly JsonValue[] | undefined {
  if (attribute?.kind === 'boolean') return [true, false];
  if (attribute?.kind === 'string' && attribute.values !== undefined) return attribute.values;
  return undefined;
}

/** A canonical key per value, so `2027-01-01` and `2027-01-01T00:00:00Z` are one element. */
export function valueKey(value: JsonValue, attribute: AttributeSpec | undefined): string {
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

/** A finite set of values, or its complement — within the attribute's known values when it has them. */
export function finite(values: readonly JsonValue[], attribute: AttributeSpec | undefined, complement: boolean): Accepted {
  const dom = domain(attribute);
  const keys = keysOf(values, attribute);
  if (dom === undefined) return { kind: complement ? 'coset' : 'set', keys };
  const inDomain = keysOf(dom, attribute);
  const out = new Map<string, JsonValue>();
  for (const [k, v] of inDomain) if (keys.has(k) !== complement) out.set(k, v);
  return { kind: 'set', keys: out };
}

export function numberOperand(expected: JsonValue, attribute: AttributeSpec | undefined): number | undefined {
  if (isTimestamp(attribute)) return parseInstant(expected);
  return typeof expected === 'number' && Number.isFinite(expected) ? expected : undefined;
}

/** On a whole-number domain every bound becomes inclusive, so `> 99` and `≥ 100` compare equal. */
export function bound(value: number, inclusive: boolean, side: 'lo' | 'hi', whole: boolean): Bound {
  if (!whole) return { value, inclusive };
  if (side === 'lo') return { value: inclusive ? Math.ceil(value) : Math.floor(value) + 1, inclusive: true };
  return { value: inclusive ? Math.floor(value) : Math.ceil(value) - 1, inclusive: true };
}
