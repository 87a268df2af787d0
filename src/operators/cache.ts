import { compileLinearRegex } from '../model/linear-regex.js';
import type { LinearRegex } from '../model/linear-regex.js';
import type { JsonValue } from '../model/json.js';
import { parseDuration } from '../util/duration.js';
import { formatInstant, parseInstant } from '../util/time.js';
import type { OperatorCache } from './definition.js';

export function createOperatorCache(): OperatorCache {
  return { regexes: new Map(), durations: new Map(), instants: new Map(), texts: new Map() };
}

type ValueKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null';

export function kindOf(value: JsonValue): ValueKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' ? 'string' : t === 'number' ? 'number' : t === 'boolean' ? 'boolean' : 'object';
}

function deepEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i] as JsonValue, b[i] as JsonValue)) return false;
    return true;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k) || !deepEqual(a[k] as JsonValue, b[k] as JsonValue)) return false;
  }
  return true;
}

export function cachedInstant(text: JsonValue, cache: OperatorCache | undefined): number | undefined {
  if (typeof text !== 'string' || cache === undefined) return parseInstant(text);
  if (cache.instants.has(text)) return cache.instants.get(text);
  const ms = parseInstant(text);
  cache.instants.set(text, ms);
  return ms;
}

export function cachedText(ms: number, cache: OperatorCache | undefined): string {
  if (cache === undefined) return formatInstant(ms);
  let text = cache.texts.get(ms);
  if (text === undefined) {
    text = formatInstant(ms);
    cache.texts.set(ms, text);
  }
  return text;
}

export function cachedDuration(text: string, cache: OperatorCache | undefined): number | undefined {
  if (cache === undefined) return parseDuration(text);
  if (cache.durations.has(text)) return cache.durations.get(text);
  const ms = parseDuration(text);
  cache.durations.set(text, ms);
  return ms;
}

export function cachedRegex(source: string, cache: OperatorCache | undefined): LinearRegex | null {
  const hit = cache?.regexes.get(source);
  if (hit !== undefined) return hit;
  // Linear-time engine: a vendor value can never make a pattern run for minutes.
  const re = compileLinearRegex(source).regex ?? null;
  cache?.regexes.set(source, re);
  return re;
}

/**
 * Type-aware equality: true/false, or undefined when the two values are of different types (a
 * string "1" against the number 1 is a question the data cannot answer, so the check is
 * unknown rather than failed). Timestamps compare as instants.
 */
export function equalsTyped(
  expected: JsonValue,
  actual: JsonValue,
  timestamp: boolean,
  cache: OperatorCache | undefined,
): boolean | undefined {
  if (timestamp) {
    const e = cachedInstant(expected, cache);
    const a = cachedInstant(actual, cache);
    if (e === undefined || a === undefined) return undefined;
    return e === a;
  }
  if (kindOf(expected) !== kindOf(actual)) return undefined;
  return deepEqual(expected, actual);
}
