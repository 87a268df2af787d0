import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject } from './json.js';

/**
 * How an API failure is classified (cloud-apis.md §1.5, §2.5). `not_found` never appears here:
 * an instance that does not exist is an observation with status `absent`, which is drift.
 */
export type ErrorKind =
  | 'auth'
  | 'permission'
  | 'signature'
  | 'clock_skew'
  | 'throttled'
  | 'transient'
  | 'invalid_response'
  | 'invalid_request'
  | 'network'
  | 'timeout'
  | 'credentials';

export interface ObservationError {
  readonly kind: ErrorKind;
  /** Vendor code (e.g. `AuthFailure.SignatureExpire`) or a driftwatch code (e.g. `DW_TIMEOUT`). */
  readonly code: string;
  /** Redacted, user-facing. */
  readonly message: string;
  readonly request_id: string | null;
  readonly retryable: boolean;
  /** What the user can do about it. */
  readonly hint?: string;
}

/** One API request as sent and answered, for evidence (secrets redacted). */
export interface RawExchange {
  readonly api: string;
  readonly endpoint: string;
  readonly request_id: string | null;
  readonly at: string;
  readonly attempts: number;
  /** Parsed response body (redacted), or null when none was received. */
  readonly body: JsonValue;
}

/**
 * What was asked: which provider, region and instance an observation answers for. A snapshot
 * observation whose scope no longer matches the configuration (the instance id, region or provider
 * changed in review) must not be judged on the old object's data.
 */
export interface ObservationScope {
  readonly provider: string;
  readonly region: string | null;
  readonly instance_id: string | null;
}

export interface Observation {
  readonly address: string;
  readonly type: string;
  /**
   * Recorded by every live run (null when no call could be made). Hand-written observations (policy
   * tests) may leave it out; when present, evaluation refuses an observation of another scope.
   */
  readonly scope?: ObservationScope | null;
  /** ok: a schema-valid answer; absent: the instance does not exist; error: could not be verified. */
  readonly status: 'ok' | 'absent' | 'error';
  /** Normalized attributes; a key that is missing or null is unknown. Timestamps as ISO-8601 UTC. */
  readonly attributes: JsonObject;
  /** The vendor object the attributes came from (for `raw.<Field>` expectations). */
  readonly raw: JsonObject | null;
  readonly request_ids: readonly string[];
  readonly observed_at: string;
  readonly error: ObservationError | null;
}

/** The `--save-observed` / `--observed` file (versioned). */
export interface ObservationSnapshot {
  readonly format_version: '1';
  readonly kind: 'driftwatch-observations';
  readonly tool: { readonly name: 'driftwatch'; readonly version: string };
  readonly observed_at: string;
  readonly observations: readonly Observation[];
  /** Over the snapshot without this field, serialized canonically (see src/engine/snapshot.ts). */
  readonly signature?: SnapshotSignature;
}

/**
 * Observations read again on each pass rather than held: a snapshot streamed from its file. Each
 * call of `sorted()` yields every observation afresh, in address order (compareStrings), each
 * address once.
 */
export interface ObservationSource {
  readonly sorted: () => Iterable<Observation>;
}

export interface SnapshotSignature {
  readonly algorithm: 'ed25519' | 'hmac-sha256';
  readonly key_id: string;
  readonly signature: string;
}

/**
 * The value an observation holds for an expectation or policy attribute: a normalized attribute,
 * or `raw.A.B` walked through the vendor object. Undefined (unknown) when any step is missing.
 */
export function observedValue(observation: Observation, attribute: string): JsonValue | undefined {
  if (!attribute.startsWith('raw.'))
    return Object.hasOwn(observation.attributes, attribute) ? observation.attributes[attribute] : undefined;
  let current: JsonValue | undefined = observation.raw ?? undefined;
  for (const key of attribute.slice(4).split('.')) {
    if (!isJsonObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** Observations held, or a source that reads them again on each pass. */
export type Observations = readonly Observation[] | ObservationSource;

/**
 * The observations as one array, for the stages that still take an array (a source is read once
 * more, and held). The order of an array is kept; a source gives address order.
 */
export function observationList(observations: Observations): readonly Observation[] {
  return 'sorted' in observations ? [...observations.sorted()] : observations;
}
