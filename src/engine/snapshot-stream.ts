import { closeSync, fstatSync, readFileSync } from 'node:fs';
import { InputError, IoError } from '../model/errors.js';
import type { Observation, Observations, ObservationSnapshot, SnapshotSignature } from '../model/observation.js';
import { stripUnsafeJson } from '../model/safe-text.js';
import { decodeUtf8 } from '../model/text-encoding.js';
import { compileSchemaFile } from './json-input.js';
import {
  ReadWhole,
  addressOrder,
  checkedItem,
  emptyFrame,
  fileIdentity,
  frameText,
  isFsError,
  itemTexts,
  openForReading,
  rereadItems,
} from './canonical-list.js';
import type { FileIdentity, Frame } from './canonical-list.js';
import type { JsonValidator } from './json-input.js';
import {
  OBSERVATIONS_SCHEMA_FILE,
  observationSeparator,
  parseSnapshot,
  serializeObservation,
  serializeSnapshot,
  snapshotSigningText,
  snapshotTail,
} from './snapshot.js';
import type { ParseSnapshotOptions } from './snapshot.js';

/** The observations list of a snapshot file, for canonical-list.ts. */
const LAYOUT = { key: 'observations', maxFrameBytes: 64 * 1024, use: 'evaluate observations', file: 'the snapshot' } as const;
const OBSERVATIONS_OPEN = `  "${LAYOUT.key}": [`;

/**
 * Reading an `--observed` snapshot without holding it. A file in the layout `serializeSnapshot`
 * writes (2-space JSON, each observation from a line `    {` to a line `    }` or `    },`) is read
 * observation by observation: one pass checks it whole when it is opened (header, every
 * observation against the schema, address order, scope; times and the signed text on the way), and
 * each later pass reads the file again. Anything else — another layout, and any problem at all —
 * is handed to the whole-file reader (`parseSnapshot`), so the verdict and every message are the
 * ones it gives: the layout decides how much memory a snapshot takes, never what it means.
 */

/** Receives exactly the text a snapshot signature covers (`snapshotSigningText`), in pieces. */
export interface SigningTextSink {
  update(piece: string): void;
}

export interface OpenSnapshotOptions<S extends SigningTextSink> extends ParseSnapshotOptions {
  /** Called for a fresh sink, which is fed the signed text while the file is checked. */
  readonly signingText?: () => S;
  /** Which observation to report as `found`: the first in the file that matches. */
  readonly find?: (observation: Observation) => boolean;
}

export interface OpenedSnapshot<S extends SigningTextSink> {
  readonly observedAt: string;
  readonly signature?: SnapshotSignature;
  /** Earliest and latest instant (ms) of the snapshot's and its observations' `observed_at`. */
  readonly oldest: number;
  readonly newest: number;
  /** Read again on each pass in the canonical layout; held when the file had to be read whole. */
  readonly observations: Observations;
  /** The sink from `signingText`, fed the whole signed text. */
  readonly signingText?: S;
  /** The first observation `find` matched. */
  readonly found?: Observation;
}

/** Earliest and latest of a set of timestamps, as the observations stream past. */
class TimeRange {
  oldest = Infinity;
  newest = -Infinity;
  add(timestamp: string): void {
    const t = Date.parse(timestamp);
    if (!Number.isFinite(t)) return;
    if (t < this.oldest) this.oldest = t;
    if (t > this.newest) this.newest = t;
  }
}

function readFailure(path: string, error: unknown): IoError {
  return new IoError(`cannot read snapshot ${path}`, 'Pass a file written by --save-observed.', { cause: error });
}

/** The header and signature of a canonical file: valid, and exactly as `serializeSnapshot` writes them. */
function checkedFrame(frame: Frame, validate: JsonValidator): ObservationSnapshot {
  const text = frameText(frame, LAYOUT);
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch {
    throw new ReadWhole();
  }
  if (validate(data).length > 0) throw new ReadWhole();
  const snapshot = stripUnsafeJson(data, text) as ObservationSnapshot;
  // Canonical bytes: no duplicate or reordered keys, nothing stripped, the same signed text.
  if (serializeSnapshot(snapshot) !== text) throw new ReadWhole();
  return snapshot;
}

let validators: { snapshot: JsonValidator; observation: JsonValidator } | undefined;

function schemaValidators(): { snapshot: JsonValidator; observation: JsonValidator } {
  validators ??= {
    snapshot: compileSchemaFile(OBSERVATIONS_SCHEMA_FILE),
    observation: compileSchemaFile(OBSERVATIONS_SCHEMA_FILE, 'observation'),
  };
  return validators;
}

/** The checking first pass over a canonical file; throws ReadWhole when it is not one (or is wrong). */
function checkCanonical<S extends SigningTextSink>(
  fd: number,
  options: OpenSnapshotOptions<S>,
): { opened: Omit<OpenedSnapshot<S>, 'observations'>; identity: FileIdentity } {
  const { snapshot: validateSnapshot, observation: validateObservation } = schemaValidators();
  // A pipe (`--observed /dev/stdin`) cannot be read twice: it is read whole.
  if (!fstatSync(fd).isFile()) throw new ReadWhole();
  const file = fileIdentity(fd);
  const frame = emptyFrame();
  const sink = options.signingText?.();
  const times = new TimeRange();
  const inOrder = addressOrder();
  let found: Observation | undefined;
  let count = 0;
  for (const text of itemTexts(fd, file.onChunk, frame, LAYOUT)) {
    if (count === 0) sink?.update(`${frame.head}\n${OBSERVATIONS_OPEN}`);
    const observation = checkedItem<Observation>(text, validateObservation);
    // Out of order is read whole (any order is accepted there); a duplicate is refused there.
    inOrder(observation.address);
    if (options.requireScope && observation.status !== 'error' && (observation.scope === undefined || observation.scope === null)) {
      throw new ReadWhole();
    }
    if (found === undefined && options.find?.(observation)) found = observation;
    times.add(observation.observed_at);
    sink?.update(observationSeparator(count) + serializeObservation(observation));
    count += 1;
  }
  const snapshot = checkedFrame(frame, validateSnapshot);
  sink?.update(snapshotTail(count, undefined));
  times.add(snapshot.observed_at);
  return {
    opened: {
      observedAt: snapshot.observed_at,
      ...(snapshot.signature ? { signature: snapshot.signature } : {}),
      oldest: times.oldest,
      newest: times.newest,
      ...(sink ? { signingText: sink } : {}),
      ...(found ? { found } : {}),
    },
    identity: file.identity(),
  };
}

/** Today's whole-file reader: any layout, any order, every message located. */
function readWhole<S extends SigningTextSink>(path: string, options: OpenSnapshotOptions<S>): OpenedSnapshot<S> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw readFailure(path, error);
  }
  const decoded = decodeUtf8(bytes);
  if ('problem' in decoded) throw new InputError(`${path}: ${decoded.problem}`);
  const snapshot = parseSnapshot(decoded.text, path, options.requireScope ? { requireScope: true } : {});
  const times = new TimeRange();
  times.add(snapshot.observed_at);
  for (const o of snapshot.observations) times.add(o.observed_at);
  const sink = options.signingText?.();
  sink?.update(snapshotSigningText(snapshot));
  const found = options.find ? snapshot.observations.find(options.find) : undefined;
  return {
    observedAt: snapshot.observed_at,
    ...(snapshot.signature ? { signature: snapshot.signature } : {}),
    oldest: times.oldest,
    newest: times.newest,
    observations: snapshot.observations,
    ...(sink ? { signingText: sink } : {}),
    ...(found ? { found } : {}),
  };
}

/**
 * Opens an `--observed` snapshot: checked through (throws InputError, located, for what
 * `parseSnapshot` refuses; IoError when it cannot be read), then streamed on each pass when it is
 * in the canonical layout and in address order, else held.
 */
export function openSnapshotFile<S extends SigningTextSink>(path: string, options: OpenSnapshotOptions<S> = {}): OpenedSnapshot<S> {
  const fd = openForReading(path, (error) => readFailure(path, error));
  try {
    const { opened, identity } = checkCanonical(fd, options);
    const parse = (text: string): Observation => stripUnsafeJson(JSON.parse(text), text) as Observation;
    return { ...opened, observations: { sorted: () => rereadItems(path, identity, LAYOUT, parse, (e) => readFailure(path, e)) } };
  } catch (error) {
    if (error instanceof ReadWhole) return readWhole(path, options);
    if (isFsError(error)) throw readFailure(path, error);
    throw error;
  } finally {
    closeSync(fd);
  }
}
