import { InputError } from '../model/errors.js';
import { isJsonObject } from '../model/json.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { Observation, ObservationError, ObservationSnapshot, SnapshotSignature } from '../model/observation.js';
import { assertValid, checkFormatVersion, compileSchemaFile, parseJsonInput } from './json-input.js';
import { compareStrings } from '../model/order.js';

/**
 * The `--save-observed` / `--observed` file. Written canonically — observations sorted by
 * address, keys in a fixed order, attribute and raw keys sorted — so the same observations give
 * byte-identical files (evidence bundles digest them) and diffs between runs stay readable.
 */

export const OBSERVATIONS_SCHEMA_FILE = 'observations.schema.json';

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
 * Without it, this is exactly what the signature covers (`snapshotSigningText`). Assembled from the
 * same pieces `--save-observed` streams (head, one piece per observation, tail), so the streamed
 * file and this text are the same bytes.
 */
export function serializeSnapshot(snapshot: ObservationSnapshot): string {
  const sorted = [...snapshot.observations].sort((a, b) => compareStrings(a.address, b.address));
  let text = snapshotHead(snapshot.tool.version, snapshot.observed_at);
  sorted.forEach((o, index) => {
    text += observationSeparator(index) + serializeObservation(o);
  });
  return text + snapshotTail(sorted.length, snapshot.signature);
}

/** Everything before the first observation, ending in `"observations": [`. */
export function snapshotHead(toolVersion: string, observedAt: string): string {
  const empty = createSnapshot([], { toolVersion, observedAt });
  // `…"observations": []\n}` without its last three characters.
  return JSON.stringify(empty, null, 2).slice(0, -3);
}

/** What comes before the observation at `index`: the line break, and the comma after the one before. */
export function observationSeparator(index: number): string {
  return index === 0 ? '\n' : ',\n';
}

/** One observation as it stands in a snapshot file: canonical, indented to its place, without separator. */
export function serializeObservation(observation: Observation): string {
  return `    ${JSON.stringify(canonicalObservation(observation), null, 2).replaceAll('\n', '\n    ')}`;
}

/** Everything after the last of `count` observations: the array's end, the signature if any. */
export function snapshotTail(count: number, signature: SnapshotSignature | undefined): string {
  const signed =
    signature === undefined
      ? ''
      : `,\n  "signature": ${JSON.stringify({ algorithm: signature.algorithm, key_id: signature.key_id, signature: signature.signature }, null, 2).replaceAll('\n', '\n  ')}`;
  return `${count === 0 ? ']' : '\n  ]'}${signed}\n}\n`;
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
