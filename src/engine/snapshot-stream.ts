import { createHash } from 'node:crypto';
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
/** Longest head or tail (or line outside an observation) of a canonical snapshot worth trying. */
const MAX_FRAME_CHARS = 64 * 1024;

const OBSERVATIONS_OPEN = '  "observations": [';
const ELEMENT_OPEN = '    {';
const ELEMENT_CLOSE = '    }';
const ELEMENT_CLOSE_MORE = '    },';
const ARRAY_CLOSE = '  ]';
const ARRAY_CLOSE_MORE = '  ],';

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

/**
 * The file's lines (split at `\n`, the last one after the final `\n` included), decoded strictly
 * as UTF-8 chunk by chunk; each chunk's bytes go to `onChunk` first. A line longer than
 * `limit.chars` (while it is finite) gives up on the layout, so a minified file is not gathered
 * into one line before it is read whole anyway.
 */
function* fileLines(fd: number, onChunk: (bytes: Uint8Array) => void, limit: { chars: number }): Generator<string> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let carry = '';
  for (let position = 0; ;) {
    let filled = 0;
    while (filled < CHUNK_BYTES) {
      const read = readSync(fd, buffer, filled, CHUNK_BYTES - filled, position + filled);
      if (read === 0) break;
      filled += read;
    }
    if (filled === 0) break;
    position += filled;
    const bytes = buffer.subarray(0, filled);
    onChunk(bytes);
    let text: string;
    try {
      text = carry + decoder.decode(bytes, { stream: true });
    } catch {
      throw new ReadWhole();
    }
    const lines = text.split('\n');
    carry = lines.pop() as string;
    yield* lines;
    if (carry.length > limit.chars) throw new ReadWhole();
    if (filled < CHUNK_BYTES) break;
  }
  try {
    carry += decoder.decode();
  } catch {
    throw new ReadWhole();
  }
  yield carry;
}

/** Where the observations sit in a canonical file: the text before and after them. */
interface Frame {
  head: string;
  /** Whether a comma follows the observations array (a signature comes next). */
  more: boolean;
  tail: string;
}

/**
 * The text of each observation (from `    {` to `    }`), in file order; fills `frame` on the way.
 * Throws ReadWhole as soon as a line is not where the canonical layout puts it.
 */
function* elementTexts(lines: Iterable<string>, frame: Frame, limit: { chars: number }): Generator<string> {
  const head: string[] = [];
  let headChars = 0;
  let state: 'head' | 'open' | 'element' | 'after' | 'tail' = 'head';
  let element: string[] = [];
  const tail: string[] = [];
  let tailChars = 0;
  for (const line of lines) {
    switch (state) {
      case 'head':
        if (line === OBSERVATIONS_OPEN) {
          frame.head = head.join('\n');
          state = 'open';
        } else {
          headChars += line.length + 1;
          if (headChars > MAX_FRAME_CHARS) throw new ReadWhole();
          head.push(line);
        }
        break;
      case 'open':
        if (line !== ELEMENT_OPEN) throw new ReadWhole();
        element = [line];
        state = 'element';
        limit.chars = Infinity;
        break;
      case 'element':
        if (line === ELEMENT_CLOSE || line === ELEMENT_CLOSE_MORE) {
          element.push(ELEMENT_CLOSE);
          yield element.join('\n');
          element = [];
          state = line === ELEMENT_CLOSE ? 'after' : 'open';
          limit.chars = MAX_FRAME_CHARS;
        } else {
          element.push(line);
        }
        break;
      case 'after':
        if (line !== ARRAY_CLOSE && line !== ARRAY_CLOSE_MORE) throw new ReadWhole();
        frame.more = line === ARRAY_CLOSE_MORE;
        state = 'tail';
        break;
      case 'tail':
        tailChars += line.length + 1;
        if (tailChars > MAX_FRAME_CHARS) throw new ReadWhole();
        tail.push(line);
        break;
    }
  }
  if (state !== 'tail') throw new ReadWhole();
  frame.tail = tail.join('\n');
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
  const chunks: Buffer[] = [];
  const limit = { chars: MAX_FRAME_CHARS };
  const frame: Frame = { head: '', more: false, tail: '' };
  const sink = options.signingText?.();
  const times = new TimeRange();
  let previous: string | undefined;
  let found: Observation | undefined;
  let count = 0;
  const lines = fileLines(fd, (bytes) => chunks.push(digestOf(bytes)), limit);
  for (const text of elementTexts(lines, frame, limit)) {
    if (count === 0) sink?.update(`${frame.head}\n${OBSERVATIONS_OPEN}`);
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      throw new ReadWhole();
    }
    // An element of the top-level `observations` array sits two levels below the file's top.
    if (nestedTooDeep(value, 2) || validateObservation(value).length > 0) throw new ReadWhole();
    const observation = stripUnsafeJson(value, text) as Observation;
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
    const limit = { chars: MAX_FRAME_CHARS };
    try {
      for (const text of elementTexts(fileLines(fd, sameChunk, limit), frame, limit)) {
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
