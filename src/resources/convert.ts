import type { JsonObject, JsonValue } from '../model/json.js';

/**
 * Pure conversions from vendor values to normalized attribute values, shared by the resource-type
 * declarations. Each keeps the three states apart: absent (undefined: the attribute is omitted),
 * documented unknown (null) and a value, so neither absence nor null can become a 0 or a false.
 */

/** A field as read from a validated body: absent (undefined), documented unknown (null), or a value. */
export type Field<T> = T | null | undefined;

/**
 * Applies `f` to a present value; absent stays absent (the attribute is omitted) and null stays
 * null (the attribute is present but unknown), so neither can become a 0 or a false.
 */
export function mapField<T, R extends JsonValue>(value: Field<T>, f: (v: T) => R | null | undefined): R | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const out = f(value);
  // A value that cannot be converted (e.g. the doc's literal "xx" for a time) is unknown, not absent.
  return out === undefined ? null : out;
}

/** Builds an attributes object that omits absent values and keeps nulls. */
export function attributes(entries: readonly (readonly [string, JsonValue | undefined])[]): JsonObject {
  const out: JsonObject = {};
  for (const [name, value] of entries) {
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** A vendor integer enum → its normalized name; an undocumented value is kept raw (as a string). */
export function enumName(names: Readonly<Record<number, string>>, value: number): string {
  return Object.hasOwn(names, value) ? (names[value] as string) : String(value);
}

/** The distinct names of an enum table, in table order: the attribute's known values. */
export function enumValues(names: Readonly<Record<string | number, string>>): string[] {
  return [...new Set(Object.values(names))];
}

/**
 * A count or quota: a non-negative safe integer, else unknown (null). A negative count is not a
 * fact about the account — read as one, −1,000 issued certificates would leave 1,005 to issue.
 */
export function counter(n: number): number | null {
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * `total - used` when both are counters and `used <= total`; otherwise unknown (null) or, if either
 * is absent, absent. More used than the total allows is a contradiction, not "negative remaining".
 */
export function remaining(total: Field<number>, used: Field<number>): number | null | undefined {
  if (total === undefined || used === undefined) return undefined;
  if (total === null || used === null) return null;
  const t = counter(total);
  const u = counter(used);
  if (t === null || u === null || u > t) return null;
  return t - u;
}

/** 1/0 flags: anything else is not a known answer, so unknown rather than a guessed boolean. */
export function flag(n: number): boolean | null {
  return n === 1 ? true : n === 0 ? false : null;
}

/** The value itself (a vendor string or boolean taken as it is). */
export function same<T extends JsonValue>(value: T): T {
  return value;
}

/** The body without `RequestId` (Tencent's `Response` object as evidence of the vendor's answer). */
export function withoutRequestId(body: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    // defineProperty so that a vendor key named `__proto__` stays data instead of changing the prototype.
    if (key !== 'RequestId') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
