import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../model/errors.js';
import { compareStrings } from '../model/order.js';
import { stripUnsafeJson } from '../model/safe-text.js';
import { nestedTooDeep } from './json-input.js';
import type { JsonValidator } from './json-input.js';

/**
 * Reading a large JSON file that driftwatch wrote without holding it: a 2-space-indented object
 * whose one large list (a snapshot's `observations`, a run result's `resources`) sits at the top
 * level with each item from a line `    {` to a line `    }` or `    },`. The items are read one
 * at a time, as text, from the bytes; everything else (the head before the list and the tail after
 * it) is small and handed back whole. A file in any other shape throws `ReadWhole`, and its reader
 * falls back to reading it whole — the layout decides how much memory a file takes, never what it
 * means. Later passes read the file again and fail if its bytes changed (`rereadItems`).
 */

/** Bytes read at a time; a later pass compares each chunk's digest with the first pass's. */
const CHUNK_BYTES = 1 << 20;

const ELEMENT_START = Buffer.from('    {\n');
const ELEMENT_END = Buffer.from('\n    }');
const NEXT_ELEMENT = Buffer.from(',\n    {\n');
const ARRAY_END = Buffer.from('\n  ]');
const COMMA_NEWLINE = Buffer.from(',\n');
const NEWLINE = Buffer.from('\n');

/** The file is not (all) in the canonical layout, or something is wrong with it: read it whole. */
export class ReadWhole extends Error {}

/** Which list, and how much text around it is worth gathering before giving up on the layout. */
export interface ListLayout {
  /** The top-level key of the list. */
  readonly key: string;
  /** Longest head or tail worth trying (a minified file is not gathered first). */
  readonly maxFrameBytes: number;
}

/** Where the list sits in a canonical file: the text before and after it. */
export interface Frame {
  head: string;
  /** Whether a comma follows the list (more members come after it). */
  more: boolean;
  tail: string;
}

export function emptyFrame(): Frame {
  return { head: '', more: false, tail: '' };
}

/** The file's text with the list empty: `head` + `"key": []` + the tail, for checking head and tail as one document. */
export function frameText(frame: Frame, layout: ListLayout): string {
  return `${frame.head}\n  "${layout.key}": []${frame.more ? ',' : ''}\n${frame.tail}`;
}

export function isFsError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && 'syscall' in error;
}

function digestOf(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function holds(bytes: Buffer, at: number, marker: Buffer): boolean {
  return at + marker.length <= bytes.length && bytes.compare(marker, 0, marker.length, at, at + marker.length) === 0;
}

/**
 * Bytes decoded strictly as UTF-8. Every byte of the file lies in exactly one piece (head, an
 * item, tail) or marker (ASCII), so checking the pieces checks the file.
 */
function utf8(bytes: Buffer, start: number, end: number): string {
  const piece = bytes.subarray(start, end);
  if (!isUtf8(piece)) throw new ReadWhole();
  return piece.toString('utf8');
}

/**
 * The text of each item (from `    {` to `    }`), in file order; fills `frame` on the way. The
 * file is exactly `head` + `\n  "key": [\n` + the items joined by `,\n` + `\n  ]` + (`,` when
 * `more`) + `\n` + `tail`, so when each item parses on its own and head and tail are canonical,
 * the file parses to exactly these items. Throws ReadWhole as soon as the bytes are not in that
 * shape. Works on bytes (markers are ASCII): no large string is built.
 */
export function* itemTexts(fd: number, onChunk: (chunk: Buffer) => void, frame: Frame, layout: ListLayout): Generator<string> {
  const headEnd = Buffer.from(`\n  "${layout.key}": [\n`);
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
  while ((head = bytes.indexOf(headEnd)) < 0) {
    if (bytes.length > layout.maxFrameBytes || !more()) throw new ReadWhole();
  }
  frame.head = utf8(bytes, 0, head);
  start = head + headEnd.length;
  for (;;) {
    while (bytes.length - start < ELEMENT_START.length) if (!more()) throw new ReadWhole();
    if (!holds(bytes, start, ELEMENT_START)) throw new ReadWhole();
    // Offsets from `start`: the item ends at `\n    }` followed by the next item or the list's end.
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
    while (bytes.length - start <= layout.maxFrameBytes && more());
    if (bytes.length - start > layout.maxFrameBytes) throw new ReadWhole();
    frame.tail = utf8(bytes, start, bytes.length);
    return;
  }
}

/**
 * One item of the checking pass, checked in the whole-file reader's order: it parses, it is no
 * deeper than that reader allows (an item sits two levels below the file's top), unsafe
 * characters are stripped, then the schema. Anything wrong throws ReadWhole, so that reader gives
 * the message.
 */
export function checkedItem<T>(text: string, validate: JsonValidator): T {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new ReadWhole();
  }
  if (nestedTooDeep(value, 2)) throw new ReadWhole();
  const item = stripUnsafeJson(value, text) as T;
  if (validate(item).length > 0) throw new ReadWhole();
  return item;
}

/**
 * Items must come in strictly increasing address order to be streamed (the evaluator and the
 * reports read them in that order); a file in any other order is read whole, where its reader
 * sorts it or refuses a duplicate.
 */
export function addressOrder(): (address: string) => void {
  let previous: string | undefined;
  return (address) => {
    if (previous !== undefined && compareStrings(previous, address) >= 0) throw new ReadWhole();
    previous = address;
  };
}

/** Opens a file for reading, turning a failure into the caller's error. */
export function openForReading(path: string, readFailure: (error: unknown) => Error): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw readFailure(error);
  }
}

/** What the first pass keeps to check that a later pass reads the same bytes. */
export interface FileIdentity {
  readonly size: number;
  readonly mtimeMs: number;
  readonly chunks: readonly Buffer[];
}

/**
 * The checking first pass's record of the file: call `onChunk` with every chunk `itemTexts` reads,
 * then `identity()` once the pass is over.
 */
export function fileIdentity(fd: number): { onChunk: (chunk: Buffer) => void; identity: () => FileIdentity } {
  const stat = fstatSync(fd);
  const chunks: Buffer[] = [];
  return {
    onChunk: (chunk) => chunks.push(digestOf(chunk)),
    identity: () => ({ size: stat.size, mtimeMs: stat.mtimeMs, chunks }),
  };
}

/** How messages name the file and what is done with its items. */
export interface ListUse {
  /** e.g. `evaluate observations` */
  readonly use: string;
  /** e.g. `the snapshot` */
  readonly file: string;
}

function changed(path: string, what: string, names: ListUse): InputError {
  return new InputError(
    `${path} changed while driftwatch was reading it (${what}): the run stops rather than ${names.use} that were not checked`,
    `Do not write ${names.file} while driftwatch reads it; run again.`,
  );
}

/**
 * A later pass: the same bytes as the first (chunk by chunk, before any of it is used), each item
 * parsed again by `parse`.
 */
export function* rereadItems<T>(
  path: string,
  identity: FileIdentity,
  layout: ListLayout & ListUse,
  parse: (text: string) => T,
  readFailure: (error: unknown) => Error,
): Generator<T> {
  const fd = openForReading(path, readFailure);
  try {
    const stat = fstatSync(fd);
    if (stat.size !== identity.size || stat.mtimeMs !== identity.mtimeMs) throw changed(path, 'its size or modification time', layout);
    let index = 0;
    const sameChunk = (bytes: Uint8Array): void => {
      const expected = identity.chunks[index++];
      if (expected === undefined || !expected.equals(digestOf(bytes))) throw changed(path, 'its content', layout);
    };
    try {
      for (const text of itemTexts(fd, sameChunk, emptyFrame(), layout)) yield parse(text);
    } catch (error) {
      // Identical bytes cannot change their layout; only a shorter file can end early.
      if (error instanceof ReadWhole) throw changed(path, 'its content', layout);
      throw error;
    }
    if (index !== identity.chunks.length) throw changed(path, 'its length', layout);
  } finally {
    closeSync(fd);
  }
}
