import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { InputError, IoError } from '../model/errors.js';
import type { Observation, Observations, ObservationSnapshot, SnapshotSignature } from '../model/observation.js';
import { compareStrings } from '../model/order.js';
import { stripUnsafeJson } from '../model/safe-text.js';
import { decodeUtf8 } from '../model/text-encoding.js';
import { compileSchemaFile, nestedTooDeep } from './json-input.js';
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

/**
 * Reading an `--observed` snapshot without holding it. A file in the layout `serializeSnapshot`
 * writes (2-space JSON, each observation from a line `    {` to a line `    }` or `    },`) is read
 * observation by observation: one pass checks it whole when it is opened (header, every
 * observation against the schema, address order, scope; times and the signed text on the way), and
 * each later pass reads the file again. Anything else — another layout, and any problem at all —
 * is handed to the whole-file reader (`parseSnapshot`), so the verdict and every message are the
 * ones it gives: the layout decides how much memory a snapshot takes, never what it means.
 */

/** Bytes read at a time; a later pass compares each chunk's digest with the first pass's. */
const CHUNK_BYTES = 1 << 20;
/** Longest head or tail of a canonical snapshot worth trying (a minified file is not gathered first). */
const MAX_FRAME_BYTES = 64 * 1024;

const OBSERVATIONS_OPEN = '  "observations": [';
const HEAD_END = Buffer.from(`\n${OBSERVATIONS_OPEN}\n`);
const ELEMENT_START = Buffer.from('    {\n');
const ELEMENT_END = Buffer.from('\n    }');
const NEXT_ELEMENT = Buffer.from(',\n    {\n');
const ARRAY_END = Buffer.from('\n  ]');
const COMMA_NEWLINE = Buffer.from(',\n');
const NEWLINE = Buffer.from('\n');

/** The file is not (all) in the canonical layout, or something is wrong with it: read it whole. */
class ReadWhole extends Error {}

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

function isFsError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && 'syscall' in error;
}

function digestOf(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** Where the observations sit in a canonical file: the text before and after them. */
interface Frame {
  head: string;
  /** Whether a comma follows the observations array (a signature comes next). */
  more: boolean;
  tail: string;
}

function holds(bytes: Buffer, at: number, marker: Buffer): boolean {
  return at + marker.length <= bytes.length && bytes.compare(marker, 0, marker.length, at, at + marker.length) === 0;
}

/**
 * Bytes decoded strictly as UTF-8. Every byte of the file lies in exactly one piece (head, an
 * observation, tail) or marker (ASCII), so checking the pieces checks the file.
 */
function utf8(bytes: Buffer, start: number, end: number): string {
  const piece = bytes.subarray(start, end);
  if (!isUtf8(piece)) throw new ReadWhole();
  return piece.toString('utf8');
}

/**
 * The text of each observation (from `    {` to `    }`), in file order; fills `frame` on the way.
 * The file is exactly `head` + `\n  "observations": [\n` + the observations joined by `,\n` +
 * `\n  ]` + (`,` when `more`) + `\n` + `tail`, so when each observation parses on its own and head
 * and tail are canonical, the file parses to exactly these observations. Throws ReadWhole as soon
 * as the bytes are not in that shape. Works on bytes (markers are ASCII): no large string is built.
 */
function* elementTexts(fd: number, onChunk: (chunk: Buffer) => void, frame: Frame): Generator<string> {
  // One buffer, reused: the bytes read and still needed are `bytes`, from `start` on.
  let buffer = Buffer.allocUnsafe(2 * CHUNK_BYTES);
  let bytes = buffer.subarray(0, 0);
  let start = 0;
  let position = 0;
  let ended = false;
  /** Reads the next chunk after what is kept (dropping what lies before `start`, which becomes 0). */
  const more = (): boolean => {
    if (ended) return false;
    const kept = bytes.length - start;
    if (buffer.length < kept + CHUNK_BYTES) {
      const larger = Buffer.allocUnsafe(2 * (kept + CHUNK_BYTES));
      bytes.copy(larger, 0, start);
      buffer = larger;
    } else {
      buffer.copyWithin(0, start, bytes.length);
    }
    let filled = 0;
    while (filled < CHUNK_BYTES) {
      const read = readSync(fd, buffer, kept + filled, CHUNK_BYTES - filled, position + filled);
      if (read === 0) break;
      filled += read;
    }
    position += filled;
    ended = filled < CHUNK_BYTES;
    if (filled > 0) onChunk(buffer.subarray(kept, kept + filled));
    bytes = buffer.subarray(0, kept + filled);
    start = 0;
    return filled > 0;
  };
  let head: number;
  while ((head = bytes.indexOf(HEAD_END)) < 0) {
    if (bytes.length > MAX_FRAME_BYTES || !more()) throw new ReadWhole();
  }
  frame.head = utf8(bytes, 0, head);
  start = head + HEAD_END.length;
  for (;;) {
    while (bytes.length - start < ELEMENT_START.length) if (!more()) throw new ReadWhole();
    if (!holds(bytes, start, ELEMENT_START)) throw new ReadWhole();
    // Offsets from `start`: the element ends at `\n    }` followed by the next element or the array's end.
    let from = ELEMENT_START.length - 1;
    let end = -1;
    let last = false;
    while (end < 0) {
      const at = bytes.indexOf(ELEMENT_END, start + from);
      if (at < 0) {
        from = Math.max(from, bytes.length - start - ELEMENT_END.length + 1);
        if (!more()) throw new ReadWhole();
        continue;
      }
      const after = at - start + ELEMENT_END.length;
      while (bytes.length - start < after + NEXT_ELEMENT.length && more());
      if (holds(bytes, start + after, NEXT_ELEMENT)) end = after;
      else if (holds(bytes, start + after, ARRAY_END)) [end, last] = [after, true];
      else from = after - ELEMENT_END.length + 1;
    }
    yield utf8(bytes, start, start + end);
    if (!last) {
      start += end + 2;
      continue;
    }
    start += end + ARRAY_END.length;
    while (bytes.length - start < 2 && more());
    if (holds(bytes, start, COMMA_NEWLINE)) [frame.more, start] = [true, start + 2];
    else if (holds(bytes, start, NEWLINE)) start += 1;
    else throw new ReadWhole();
    while (bytes.length - start <= MAX_FRAME_BYTES && more());
    if (bytes.length - start > MAX_FRAME_BYTES) throw new ReadWhole();
    frame.tail = utf8(bytes, start, bytes.length);
    return;
  }
}

/** The header and signature of a canonical file: valid, and exactly as `serializeSnapshot` writes them. */
function checkedFrame(frame: Frame, validate: JsonValidator): ObservationSnapshot {
  const text = `${frame.head}\n  "observations": []${frame.more ? ',' : ''}\n${frame.tail}`;
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

/** What the first pass keeps to check that a later pass reads the same bytes. */
interface FileIdentity {
  readonly size: number;
  readonly mtimeMs: number;
  readonly chunks: readonly Buffer[];
}

/** The checking first pass over a canonical file; throws ReadWhole when it is not one (or is wrong). */
function checkCanonical<S extends SigningTextSink>(
  fd: number,
  options: OpenSnapshotOptions<S>,
): { opened: Omit<OpenedSnapshot<S>, 'observations'>; identity: FileIdentity } {
  const { snapshot: validateSnapshot, observation: validateObservation } = schemaValidators();
  const stat = fstatSync(fd);
  // A pipe (`--observed /dev/stdin`) cannot be read twice: it is read whole.
  if (!stat.isFile()) throw new ReadWhole();
  const chunks: Buffer[] = [];
  const frame: Frame = { head: '', more: false, tail: '' };
  const sink = options.signingText?.();
  const times = new TimeRange();
  let previous: string | undefined;
  let found: Observation | undefined;
  let count = 0;
  for (const text of elementTexts(fd, (chunk) => chunks.push(digestOf(chunk)), frame)) {
    if (count === 0) sink?.update(`${frame.head}\n${OBSERVATIONS_OPEN}`);
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      throw new ReadWhole();
    }
    // In parseSnapshot's order: depth (an element sits two levels below the file's top), unsafe
    // characters stripped, then the schema.
    if (nestedTooDeep(value, 2)) throw new ReadWhole();
    const observation = stripUnsafeJson(value, text) as Observation;
    if (validateObservation(observation).length > 0) throw new ReadWhole();
    // Out of order is read whole (any order is accepted there); a duplicate is refused there.
    if (previous !== undefined && compareStrings(previous, observation.address) >= 0) throw new ReadWhole();
    if (options.requireScope && observation.status !== 'error' && (observation.scope === undefined || observation.scope === null)) {
      throw new ReadWhole();
    }
    previous = observation.address;
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
    identity: { size: stat.size, mtimeMs: stat.mtimeMs, chunks },
  };
}

function changed(path: string, what: string): InputError {
  return new InputError(
    `${path} changed while driftwatch was reading it (${what}): the run stops rather than evaluate observations that were not checked`,
    'Do not write the snapshot while driftwatch reads it; run again.',
  );
}

/** A later pass: the same bytes as the first (chunk by chunk, before any of it is used), parsed again. */
function* reread(path: string, identity: FileIdentity): Generator<Observation> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw readFailure(path, error);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.size !== identity.size || stat.mtimeMs !== identity.mtimeMs) throw changed(path, 'its size or modification time');
    let index = 0;
    const sameChunk = (bytes: Uint8Array): void => {
      const expected = identity.chunks[index++];
      if (expected === undefined || !expected.equals(digestOf(bytes))) throw changed(path, 'its content');
    };
    const frame: Frame = { head: '', more: false, tail: '' };
    try {
      for (const text of elementTexts(fd, sameChunk, frame)) {
        yield stripUnsafeJson(JSON.parse(text), text) as Observation;
      }
    } catch (error) {
      // Identical bytes cannot change their layout; only a shorter file can end early.
      if (error instanceof ReadWhole) throw changed(path, 'its content');
      throw error;
    }
    if (index !== identity.chunks.length) throw changed(path, 'its length');
  } finally {
    closeSync(fd);
  }
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
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw readFailure(path, error);
  }
  try {
    const { opened, identity } = checkCanonical(fd, options);
    return { ...opened, observations: { sorted: () => reread(path, identity) } };
  } catch (error) {
    if (error instanceof ReadWhole) return readWhole(path, options);
    if (isFsError(error)) throw readFailure(path, error);
    throw error;
  } finally {
    closeSync(fd);
  }
}
