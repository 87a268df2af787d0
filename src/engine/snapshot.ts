import { InputError } from '../model/errors.js';
import { isJsonObject } from '../model/json.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { Observation, ObservationError, ObservationSnapshot } from '../model/observation.js';
import { assertValid, checkFormatVersion, compileSchemaFile, parseJsonInput } from './json-input.js';
import { compareStrings } from '../model/order.js';

/**
 * The `--save-observed` / `--observed` file. Written canonically — observations sorted by
 * address, keys in a fixed order, attribute and raw keys sorted — so the same observations give
 * byte-identical files (evidence bundles digest them) and diffs between runs stay readable.
 */

const OBSERVATIONS_SCHEMA_FILE = 'observations.schema.json';

function sortDeep(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort(compareStrings)) out[key] = sortDeep(value[key] as JsonValue);
  return out;
}

function canonicalError(error: ObservationError | null): ObservationError | null {
  if (error === null) return null;
  return {
    kind: error.kind,
    code: error.code,
    message: error.message,
    request_id: error.request_id,
    retryable: error.retryable,
    ...(error.hint !== undefined ? { hint: error.hint } : {}),
  };
}

function canonicalObservation(o: Observation): Observation {
  return {
    address: o.address,
    type: o.type,
    ...(o.scope !== undefined
      ? { scope: o.scope === null ? null : { provider: o.scope.provider, region: o.scope.region, instance_id: o.scope.instance_id } }
      : {}),
    status: o.status,
    attributes: sortDeep(o.attributes) as JsonObject,
    raw: o.raw === null ? null : (sortDeep(o.raw) as JsonObject),
    request_ids: [...o.request_ids],
    observed_at: o.observed_at,
    error: canonicalError(o.error),
  };
}

export interface SnapshotOptions {
  readonly toolVersion: string;
  /** When the observation run started (ISO-8601 UTC); passed in, the engine reads no clock. */
  readonly observedAt: string;
}

export function createSnapshot(observations: readonly Observation[], options: SnapshotOptions): ObservationSnapshot {
  return {
    format_version: '1',
    kind: 'driftwatch-observations',
    tool: { name: 'driftwatch', version: options.toolVersion },
    observed_at: options.observedAt,
    observations: [...observations].sort((a, b) => compareStrings(a.address, b.address)).map(canonicalObservation),
  };
}

/**
 * Stable, pretty (2-space) JSON with a trailing newline; the signature, when there is one, last.
 * Without it, this is exactly what the signature covers (`snapshotSigningText`).
 */
export function serializeSnapshot(snapshot: ObservationSnapshot): string {
  const canonical = createSnapshot(snapshot.observations, { toolVersion: snapshot.tool.version, observedAt: snapshot.observed_at });
  const signed =
    snapshot.signature === undefined
      ? canonical
      : {
          ...canonical,
          signature: {
            algorithm: snapshot.signature.algorithm,
            key_id: snapshot.signature.key_id,
            signature: snapshot.signature.signature,
          },
        };
  return `${JSON.stringify(signed, null, 2)}\n`;
}

/** The text a snapshot signature covers: the canonical serialization without the signature. */
export function snapshotSigningText(snapshot: ObservationSnapshot): string {
  const { signature: _signature, ...unsigned } = snapshot;
  return serializeSnapshot(unsigned);
}

export interface ParseSnapshotOptions {
  /**
   * `--observed`: every observation must say what it was read for. A missing or null scope
   * (allowed only on an error, which is unknown anyway) would skip the check that the
   * observation belongs to the configured instance, region and provider.
   */
  readonly requireScope?: boolean;
}

/** Reads a snapshot file's text; throws InputError (located where possible) when it cannot be used. */
export function parseSnapshot(text: string, file: string, options: ParseSnapshotOptions = {}): ObservationSnapshot {
  const data = parseJsonInput(text, file, 'the observation snapshot');
  if (isJsonObject(data) && data['kind'] === undefined && data['summary'] !== undefined) {
    throw new InputError(
      `${file} is a run result, not an observation snapshot`,
      'Re-render it with `driftwatch report --from FILE`; `--observed` reads files written by `--save-observed`.',
    );
  }
  checkFormatVersion(data, file, 'observation snapshot');
  assertValid(compileSchemaFile(OBSERVATIONS_SCHEMA_FILE)(data), text, file, 'the observation snapshot');
  const snapshot = data as ObservationSnapshot;
  const seen = new Set<string>();
  for (const observation of snapshot.observations) {
    // Two answers for one resource: which one is true cannot be known, so the file is refused.
    if (seen.has(observation.address)) {
      throw new InputError(
        `${file}: the observation snapshot has two observations of ${observation.address}`,
        'Write it again with --save-observed.',
      );
    }
    seen.add(observation.address);
    if (options.requireScope && observation.status !== 'error' && (observation.scope === undefined || observation.scope === null)) {
      throw new InputError(
        `${file}: the observation of ${observation.address} has ${observation.scope === null ? 'a null' : 'no'} scope`,
        'Snapshots written by --save-observed record the provider, region and instance of every observation; write it again rather than editing it.',
      );
    }
  }
  return snapshot;
}
