/**
 * Fault injection (world `faults`). Every request takes the same fixed number of draws from the
 * seeded generator, whatever happens to it afterwards, so the faults a request gets depend only on
 * the seed and its position in the arrival order — reruns of a test or benchmark see the same ones.
 */
import type { JsonObject, JsonValue } from '../model/json.js';
import { isJsonObject } from '../model/json.js';
import type { FieldPath } from './handlers/result.js';
import { Prng } from './prng.js';
import type { Faults } from './world.js';

export type FaultName = 'latency' | 'reset' | 'hang' | 'error' | 'malformed' | 'null' | 'duplicate';

export interface FaultPlan {
  readonly latencyMs: number;
  /** Destroy the connection without answering. */
  readonly reset: boolean;
  /** Never answer (until the client gives up or the simulator closes). */
  readonly hang: boolean;
  /** Answer with a server error instead of processing the request. */
  readonly error: boolean;
  /** Alibaba: 503 ServiceUnavailable instead of 500 InternalError. */
  readonly unavailable: boolean;
  /** Cut a success body short. */
  readonly malformed: boolean;
  /** Set some nullable fields of a success body to null. */
  readonly nulls: boolean;
  readonly nullSeed: number;
  /** Repeat a key of a success body with another value before the real one (a last-wins reader sees the real value). */
  readonly duplicate: boolean;
}

export function drawFaults(prng: Prng, faults: Faults): FaultPlan {
  const [min, max] = faults.latencyMs;
  const latencyDraw = prng.next();
  const reset = prng.next() < faults.resetRate;
  const hang = prng.next() < faults.hangRate;
  const error = prng.next() < faults.errorRate;
  const unavailable = prng.next() < 0.5;
  const malformed = prng.next() < faults.malformedRate;
  const nulls = prng.next() < faults.nullRate;
  const nullSeed = prng.nextUint32();
  // Derived from the request's own seed, not a new draw, so the other faults of a seed stay as they were.
  const duplicate = faults.duplicateRate > 0 && new Prng((nullSeed ^ 0x5bd1e995) >>> 0).next() < faults.duplicateRate;
  return {
    latencyMs: max > 0 ? min + Math.floor(latencyDraw * (max - min + 1)) : 0,
    reset,
    hang: hang && !reset,
    error,
    unavailable,
    malformed,
    nulls,
    nullSeed,
    duplicate,
  };
}

function setNull(value: JsonValue, path: FieldPath, pick: () => boolean): number {
  const [head, ...rest] = path;
  if (head === undefined) return 0;
  if (head === '*') {
    if (!Array.isArray(value)) return 0;
    return value.reduce<number>((n, item) => n + setNull(item, rest, pick), 0);
  }
  if (!isJsonObject(value) || !(head in value)) return 0;
  if (rest.length > 0) return setNull(value[head] as JsonValue, rest, pick);
  if (value[head] === null || !pick()) return 0;
  value[head] = null;
  return 1;
}

/**
 * Blanks about half of the nullable fields (at least one when any exists), chosen by the request's
 * own seed. Returns a new body and how many fields were set to null.
 */
export function injectNulls(body: JsonObject, paths: readonly FieldPath[], seed: number): { body: JsonObject; count: number } {
  const copy = structuredClone(body);
  const prng = new Prng(seed);
  let count = 0;
  for (const path of paths) count += setNull(copy, path, () => prng.next() < 0.5);
  if (count === 0) {
    for (const path of paths) {
      count += setNull(copy, path, () => count === 0);
      if (count > 0) break;
    }
  }
  return { body: copy, count };
}

/** A body cut in half: never valid JSON (the closing brace is gone) nor well-formed XML. */
export function truncateBody(text: string): string {
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}

/**
 * The innermost-last object of a JSON body gets its first key twice: `{"Status":"Connected"}`
 * becomes `{"Status":"duplicate-key","Status":"Connected"}`. A reader that takes the last value
 * sees the real answer; a strict one refuses the body. Non-JSON bodies are returned unchanged.
 */
export function duplicateKey(text: string): string {
  if (!text.startsWith('{')) return text;
  const at = text.lastIndexOf('{"');
  if (at < 0) return text;
  const end = text.indexOf('"', at + 2);
  if (end < 0) return text;
  const key = text.slice(at + 1, end + 1);
  return `${text.slice(0, at + 1)}${key}:"duplicate-key",${text.slice(at + 1)}`;
}
