import type { JsonObject, JsonValue } from '../model/json.js';

/**
 * A one-pass reader for the plain subset of YAML that configuration files are written in (issue 17):
 * block maps and sequences, single-line flow collections, plain and quoted single-line scalars,
 * comments. It records every key's and value's offset as it goes, so locating a path later is a
 * walk down the value with one lookup per step — no second tree and no searches.
 *
 * It is a fast path, not a second YAML implementation: on anything outside the subset (anchors,
 * aliases, tags, block scalars, multi-line scalars or flow collections, directives, documents,
 * duplicate keys, tabs in indentation, anything malformed) it answers `undefined`, and the caller
 * parses the file with the full `yaml` library, which also produces the located error messages.
 * Where it answers, the value is the one `yaml` (YAML 1.2 core schema) gives; a test compares them.
 */

/**
 * Where every entry of every map and sequence of `value` is, recorded as the reader goes. Each
 * container is a record at its base in `table`: its entry count, then per entry — in the order of
 * Object.keys (or of the list) — the line and column of its key and of its value and the base of
 * the value's own record when the value is a map or sequence (-1 otherwise). A walk down the
 * value reads the positions by index; numbers in one typed array cost no objects to collect.
 */
export interface FastYaml {
  readonly value: JsonValue;
  /** Line and column of the document's first content. */
  readonly rootLine: number;
  readonly rootColumn: number;
  /** The record of `value` in `table`. */
  readonly rootBase: number;
  readonly table: Int32Array;
}

/** Slots per entry of a record: key line, key column, value line, value column, child base. */
export const ENTRY_SLOTS = 5;

/** Positions must fit the table's 32-bit slots; larger files take the full parser. */
const OFFSET_LIMIT = 2 ** 26;

class Unsupported extends Error {}

function unsupported(): never {
  throw new Unsupported();
}

/** The value `yaml` gives a plain scalar under the YAML 1.2 core schema; infinities and NaN take the full parser. */
export function resolvePlain(text: string): string | number | boolean | null {
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  const c = text.charCodeAt(0);
  // Numbers start with a digit, a sign or a dot; everything else is a string at once.
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return text;
  if (/^[-+]?[0-9]+$/.test(text)) return parseInt(text, 10);
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(text)) return parseFloat(text);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) return unsupported();
  return text;
}

const MAX_DEPTH = 64;

const INTEGER_LIKE = /^(?:0|[1-9][0-9]*)$/;

/** Adds a new key; false when the map already has it (a duplicate key, the full parser's to report). */
function addOwn(target: JsonObject, key: string, value: JsonValue): boolean {
  if (Object.hasOwn(target, key)) return false;
  // defineProperty so that a key named `__proto__` is data, not a prototype change; plain
  // assignment (much faster) for every other key.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
  return true;
}

/** Integer-like keys enumerate first in JavaScript objects, whatever their place in the file. */
function integerLike(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && INTEGER_LIKE.test(key);
}

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/**
 * The positions being recorded. A container's entries go onto a stack while it is read (its
 * nested containers push and pop theirs above them) and move to the table, contiguous, when it
 * closes; its base is then known to the entry that holds it.
 */
class Recorder {
  table: Int32Array<ArrayBuffer>;
  size = 0;
  #stack: Int32Array<ArrayBuffer> = new Int32Array(256);
  #top = 0;
  /** Base of the container closed last. */
  lastBase = -1;
  /** Collections open around the current one; deep nesting is the full parser's to report. */
  depth = 0;

  /** `capacity`: a guess at the slots the text needs (growing the table costs a copy and a collection). */
  constructor(capacity: number) {
    this.table = new Int32Array(Math.max(1024, capacity));
  }

  /** Starts a container; returns the mark to close it with. */
  open(): number {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) unsupported();
    return this.#top;
  }

  /** Records one entry of the open container; `value` is what was read, to link a nested record. */
  entry(keyLine: number, keyColumn: number, valueLine: number, valueColumn: number, value: JsonValue): void {
    if (this.#top + ENTRY_SLOTS > this.#stack.length) this.#stack = grow(this.#stack, this.#top + ENTRY_SLOTS);
    const s = this.#stack;
    const t = this.#top;
    s[t] = keyLine;
    s[t + 1] = keyColumn;
    s[t + 2] = valueLine;
    s[t + 3] = valueColumn;
    s[t + 4] = value !== null && typeof value === 'object' ? this.lastBase : -1;
    this.#top = t + ENTRY_SLOTS;
  }

  /**
   * Closes the container opened at `mark`. `fileOrder` is given for a map with integer-like keys,
   * which JavaScript enumerates first: its entries are stored in Object.keys order, like the rest.
   */
  close(mark: number, out: object, fileOrder?: readonly string[]): void {
    const count = (this.#top - mark) / ENTRY_SLOTS;
    const need = this.size + 1 + count * ENTRY_SLOTS;
    if (need > this.table.length) this.table = grow(this.table, need);
    const base = this.size;
    this.table[base] = count;
    const table = this.table;
    const stack = this.#stack;
    if (fileOrder === undefined) {
      // A loop, not set(subarray(…)): most containers hold a few entries, and a view per container costs more than the copy.
      for (let from = mark, to = base + 1; from < this.#top; from++, to++) table[to] = stack[from] ?? 0;
    } else {
      const inFile = new Map(fileOrder.map((k, i) => [k, i]));
      Object.keys(out).forEach((k, i) => {
        const from = mark + (inFile.get(k) ?? 0) * ENTRY_SLOTS;
        for (let j = 0; j < ENTRY_SLOTS; j++) table[base + 1 + i * ENTRY_SLOTS + j] = stack[from + j] ?? 0;
      });
    }
    this.size = need;
    this.#top = mark;
    this.lastBase = base;
    this.depth -= 1;
  }
}

function grow(a: Int32Array, need: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(Math.max(need, a.length * 2));
  bigger.set(a);
  return bigger;
}

/**
 * Lines as parallel arrays (a 50 MB configuration has a million of them): where each begins, where
 * its content starts and ends, and whether it is blank or a comment.
 */
class Reader {
  readonly #text: string;
  readonly #count: number;
  readonly #begin: Int32Array;
  /** Offset of the first content character (after the indentation). */
  readonly #start: Int32Array;
  /** Offset just past the content (before `\r\n` / `\n`). */
  readonly #end: Int32Array;
  /** Column (0-based) of the first content character. */
  readonly #indent: Int32Array;
  /** Blank or comment only: skipped, except inside a block scalar. */
  readonly #skip: Uint8Array;
  #i = 0;
  readonly recorder: Recorder;
  /** The offset just after the value #inline read last. */
  #after = 0;
  readonly #flow: FlowReader;

  constructor(text: string) {
    this.#text = text;
    let count = 1;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) count += 1;
    if (text.endsWith('\n')) count -= 1;
    this.#count = count;
    this.#begin = new Int32Array(count);
    this.#start = new Int32Array(count);
    this.#end = new Int32Array(count);
    this.#indent = new Int32Array(count);
    this.#skip = new Uint8Array(count);
    // Room for an entry per 10 characters (five slots each): configuration files have about one
    // per 18, so the table rarely grows; it is cut to size at the end.
    this.recorder = new Recorder(text.length >> 1);
    this.#flow = new FlowReader(text, this.recorder);
    let pos = 0;
    const n = text.length;
    for (let i = 0; pos < n; i++) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = n;
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === 13) end -= 1;
      let start = pos;
      while (start < end && text.charCodeAt(start) === 32) start += 1;
      const c = text.charCodeAt(start);
      const skip = start === end || c === 35; /* # */
      if (!skip && start === pos && (c === 37 /* % */ || text.startsWith('---', start) || text.startsWith('...', start))) unsupported();
      this.#begin[i] = pos;
      this.#start[i] = start;
      this.#end[i] = end;
      this.#indent[i] = start - pos;
      this.#skip[i] = skip ? 1 : 0;
      pos = nl + 1;
    }
    if (n === 0) this.#count = 0;
  }

  /** The next line that is not blank or a comment (advancing past those), or -1. */
  #peek(): number {
    while (this.#i < this.#count && this.#skip[this.#i] === 1) this.#i += 1;
    return this.#i < this.#count ? this.#i : -1;
  }

  /** Column (1-based) of `offset` on line `i`. */
  #column(i: number, offset: number): number {
    return offset - (this.#begin[i] ?? 0) + 1;
  }

  document(): Omit<FastYaml, 'table'> {
    const first = this.#peek();
    if (first < 0) {
      const mark = this.recorder.open();
      const value = {};
      this.recorder.close(mark, value);
      return { value, rootLine: 1, rootColumn: 1, rootBase: this.recorder.lastBase };
    }
    const value = this.#block(this.#indent[first] ?? 0);
    if (this.#peek() >= 0) unsupported();
    return { value, rootLine: first + 1, rootColumn: this.#column(first, this.#start[first] ?? 0), rootBase: this.recorder.lastBase };
  }

  /** A block map or sequence whose lines are indented exactly `indent`. */
  #block(indent: number): JsonValue {
    const line = this.#peek();
    if (line < 0 || this.#indent[line] !== indent) unsupported();
    return this.#isSeqItem(line) ? this.#seq(indent) : this.#map(indent);
  }

  #isSeqItem(line: number): boolean {
    const start = this.#start[line] ?? 0;
    if (this.#text.charCodeAt(start) !== 45 /* - */) return false;
    const next = start + 1;
    return next === this.#end[line] || this.#text.charCodeAt(next) === 32;
  }

  #seq(indent: number): JsonValue[] {
    const out: JsonValue[] = [];
    const recorder = this.recorder;
    const mark = recorder.open();
    const t = this.#text;
    for (;;) {
      const line = this.#peek();
      // A sequence that is a map's value at the map's own indentation ends at the map's next key.
      if (line < 0) break;
      const lineIndent = this.#indent[line] ?? 0;
      if (lineIndent < indent || (lineIndent === indent && !this.#isSeqItem(line))) break;
      if (lineIndent > indent) unsupported();
      const end = this.#end[line] ?? 0;
      let pos = (this.#start[line] ?? 0) + 1;
      while (pos < end && t.charCodeAt(pos) === 32) pos += 1;
      if (pos === end || t.charCodeAt(pos) === 35) {
        // `-` alone: the item is the block on the following, deeper lines.
        this.#i += 1;
        const next = this.#peek();
        if (next < 0 || (this.#indent[next] ?? 0) <= indent) unsupported();
        const column = this.#column(next, this.#start[next] ?? 0);
        const value = this.#block(this.#indent[next] ?? 0);
        out.push(value);
        recorder.entry(next + 1, column, next + 1, column, value);
        continue;
      }
      if (t.charCodeAt(pos) === 45 && (pos + 1 === end || t.charCodeAt(pos + 1) === 32)) unsupported();
      const column = this.#column(line, pos);
      let value: JsonValue;
      if (this.#startsCompactMap(pos, end)) {
        // `- key: value` then more keys at the column of `key`: the line continues as a map.
        this.#indent[line] = pos - (this.#begin[line] ?? 0);
        this.#start[line] = pos;
        value = this.#map(this.#indent[line] ?? 0);
      } else {
        value = this.#lineValue(pos, line, indent);
      }
      out.push(value);
      recorder.entry(line + 1, column, line + 1, column, value);
    }
    recorder.close(mark, out);
    return out;
  }

  /** Whether the text from `pos` is `key:` (a map entry) rather than a scalar or flow value. */
  #startsCompactMap(pos: number, end: number): boolean {
    const c = this.#text.charCodeAt(pos);
    if (c === 34 || c === 39) {
      const close = this.#quotedEnd(pos, end);
      return close < end && this.#text.charCodeAt(close) === 58;
    }
    if (c === 123 || c === 91) return false;
    return this.#plainKeyEnd(pos, end) >= 0;
  }

  /** Offset of `:` ending a plain key starting at `pos` (followed by a space or the end), or -1. */
  #plainKeyEnd(pos: number, end: number): number {
    const t = this.#text;
    for (let p = pos; p < end; p++) {
      const c = t.charCodeAt(p);
      if (c === 58 && (p + 1 === end || t.charCodeAt(p + 1) === 32)) return p;
      if (c === 35 && p > pos && t.charCodeAt(p - 1) === 32) return -1;
    }
    return -1;
  }

  #map(indent: number): JsonObject {
    const out: JsonObject = {};
    const recorder = this.recorder;
    const mark = recorder.open();
    let keys: string[] | undefined;
    const t = this.#text;
    for (;;) {
      const line = this.#peek();
      if (line < 0 || (this.#indent[line] ?? 0) < indent) break;
      if ((this.#indent[line] ?? 0) > indent || this.#isSeqItem(line)) unsupported();
      const keyOffset = this.#start[line] ?? 0;
      const end = this.#end[line] ?? 0;
      let key: string;
      let colon: number;
      const c = t.charCodeAt(keyOffset);
      if (c === 34 || c === 39) {
        const close = this.#quotedEnd(keyOffset, end);
        key = this.#quoted(keyOffset, close);
        colon = close;
        if (t.charCodeAt(colon) !== 58) unsupported();
      } else {
        if (!this.#plainStart(keyOffset, end)) unsupported();
        colon = this.#plainKeyEnd(keyOffset, end);
        if (colon < 0) unsupported();
        let keyEnd = colon;
        while (keyEnd > keyOffset && t.charCodeAt(keyEnd - 1) === 32) keyEnd -= 1;
        key = String(resolvePlain(t.slice(keyOffset, keyEnd)));
      }
      if (keys === undefined && integerLike(key)) keys = Object.keys(out);
      keys?.push(key);
      const keyLine = line + 1;
      const keyColumn = this.#column(line, keyOffset);
      let pos = colon + 1;
      while (pos < end && t.charCodeAt(pos) === 32) pos += 1;
      let value: JsonValue;
      let valueLine = keyLine;
      let valueColumn = keyColumn;
      if (pos === end || t.charCodeAt(pos) === 35) {
        this.#i += 1;
        const next = this.#peek();
        const nextIndent = next < 0 ? -1 : (this.#indent[next] ?? 0);
        if (next >= 0 && (nextIndent > indent || (nextIndent === indent && this.#isSeqItem(next)))) {
          valueLine = next + 1;
          valueColumn = this.#column(next, this.#start[next] ?? 0);
          value = nextIndent > indent ? this.#block(nextIndent) : this.#seq(indent);
        } else {
          // `key:` with nothing under it: null, located at its key (it has no text of its own).
          value = null;
        }
      } else {
        valueColumn = this.#column(line, pos);
        value = this.#lineValue(pos, line, indent);
      }
      // A duplicate key is the full parser's to report (checked once, as the key is added).
      if (!addOwn(out, key, value)) unsupported();
      recorder.entry(keyLine, keyColumn, valueLine, valueColumn, value);
    }
    recorder.close(mark, out, keys);
    return out;
  }

  /**
   * The value that starts at `pos` on `line` (in a collection indented `indent`), consuming the line
   * and, for a block scalar, its content lines. After an inline value the next line must not be
   * deeper: that would be a multi-line scalar or an error.
   */
  #lineValue(pos: number, line: number, indent: number): JsonValue {
    const c = this.#text.charCodeAt(pos);
    const end = this.#end[line] ?? 0;
    if (c === 124 || c === 62) return this.#blockScalar(pos, end, indent);
    const value = this.#inline(pos, line);
    this.#endOfLine(this.#after, end);
    this.#i += 1;
    const next = this.#peek();
    if (next >= 0 && (this.#indent[next] ?? 0) > indent) unsupported();
    return value;
  }

  /**
   * `|` (literal) and `>` (folded) with an optional chomping indicator; the content is the following
   * lines indented deeper than `indent` (and blank lines). Explicit indentation indicators, folded
   * text with more-indented lines, and leading blank lines are left to the full parser.
   */
  #blockScalar(pos: number, end: number, indent: number): string {
    const t = this.#text;
    const literal = t.charCodeAt(pos) === 124;
    let p = pos + 1;
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    if (t.charCodeAt(p) === 45) {
      chomp = 'strip';
      p += 1;
    } else if (t.charCodeAt(p) === 43) {
      chomp = 'keep';
      p += 1;
    }
    if (p < end && t.charCodeAt(p) !== 32) unsupported();
    this.#endOfLine(p, end);
    this.#i += 1;
    const parts: string[] = [];
    let contentIndent = -1;
    for (; this.#i < this.#count; this.#i += 1) {
      const raw = this.#i;
      const rawIndent = this.#indent[raw] ?? 0;
      const rawStart = this.#start[raw] ?? 0;
      const rawEnd = this.#end[raw] ?? 0;
      const blank = rawStart === rawEnd;
      if (!blank && rawIndent <= indent) break;
      if (blank) {
        // Leading blank lines, or blank lines with more spaces than the content, are the full parser's.
        if (contentIndent < 0 || rawIndent > contentIndent) unsupported();
        parts.push('');
      } else {
        if (contentIndent < 0) contentIndent = rawIndent;
        if (rawIndent < contentIndent) unsupported();
        const text = t.slice((this.#begin[raw] ?? 0) + contentIndent, rawEnd);
        if (!literal && text.charCodeAt(0) === 32) unsupported();
        parts.push(text);
      }
    }
    if (contentIndent < 0) unsupported();
    let trailing = 0;
    while (parts.length > 0 && parts[parts.length - 1] === '') {
      parts.pop();
      trailing += 1;
    }
    let body: string;
    if (literal) {
      body = parts.join('\n');
    } else {
      body = '';
      let blanks = 0;
      for (const part of parts) {
        if (part === '') {
          blanks += 1;
          continue;
        }
        if (body !== '' || blanks > 0) body += blanks > 0 ? '\n'.repeat(blanks) : ' ';
        blanks = 0;
        body += part;
      }
    }
    if (chomp === 'strip') return body;
    if (chomp === 'clip') return `${body}\n`;
    return `${body}\n${'\n'.repeat(trailing)}`;
  }

  /** Only spaces and a comment may follow a value on its line. */
  #endOfLine(pos: number, end: number): void {
    const t = this.#text;
    let p = pos;
    while (p < end && t.charCodeAt(p) === 32) p += 1;
    if (p < end && (t.charCodeAt(p) !== 35 || p === pos)) unsupported();
  }

  /** Whether a plain scalar may start here (no indicator character that the subset leaves to `yaml`). */
  #plainStart(pos: number, end: number): boolean {
    const c = this.#text[pos] ?? '';
    if ('&*!|>%@`#,[]{}\'"'.includes(c)) return false;
    if (c === '-' || c === '?' || c === ':') {
      const n = this.#text.charCodeAt(pos + 1);
      return pos + 1 < end && n !== 32;
    }
    return pos < end;
  }

  /** A value on one line: quoted, flow, or plain; sets #after to the offset after it. */
  #inline(pos: number, line: number): JsonValue {
    const t = this.#text;
    const end = this.#end[line] ?? 0;
    const c = t.charCodeAt(pos);
    if (c === 34 || c === 39) {
      const close = this.#quotedEnd(pos, end);
      this.#after = close;
      return this.#quoted(pos, close);
    }
    if (c === 123 || c === 91) {
      const flow = this.#flow;
      flow.start(pos, end, line + 1, this.#begin[line] ?? 0);
      const value = flow.value();
      this.#after = flow.pos;
      return value;
    }
    if (!this.#plainStart(pos, end)) unsupported();
    // A plain scalar runs to a comment or the end of the line; `: ` inside it would be a nested map.
    let p = pos;
    let last = pos;
    for (; p < end; p++) {
      const ch = t.charCodeAt(p);
      if (ch === 35 && t.charCodeAt(p - 1) === 32) break;
      if (ch === 58 && (p + 1 === end || t.charCodeAt(p + 1) === 32)) unsupported();
      if (ch !== 32) last = p + 1;
    }
    this.#after = last;
    return resolvePlain(t.slice(pos, last));
  }

  /** Offset just after the closing quote of the quoted scalar at `pos` on this line. */
  #quotedEnd(pos: number, end: number): number {
    return quotedEnd(this.#text, pos, end);
  }

  #quoted(pos: number, close: number): string {
    return quoted(this.#text, pos, close);
  }
}

function quotedEnd(t: string, pos: number, end: number): number {
  const q = t.charCodeAt(pos);
  for (let p = pos + 1; p < end; p++) {
    const c = t.charCodeAt(p);
    if (q === 34 && c === 92) {
      p += 1;
      continue;
    }
    if (c === q) {
      if (q === 39 && t.charCodeAt(p + 1) === 39) {
        p += 1;
        continue;
      }
      return p + 1;
    }
  }
  // Not closed on this line: a multi-line quoted scalar (or an error) is the full parser's.
  return unsupported();
}

function quoted(t: string, pos: number, close: number): string {
  const body = t.slice(pos + 1, close - 1);
  if (t.charCodeAt(pos) === 39) return body.includes("''") ? body.replaceAll("''", "'") : body;
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? '';
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = body[i + 1] ?? '';
    i += 1;
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const len = HEX_LENGTH[e];
    if (len === undefined) return unsupported();
    const hex = body.slice(i + 1, i + 1 + len);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) return unsupported();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) return unsupported();
    out += String.fromCodePoint(code);
    i += len;
  }
  return out;
}

/** `{ … }` and `[ … ]` closed on the same line, nested, with scalar items; one per file, reused. */
class FlowReader {
  pos = 0;
  readonly #t: string;
  #end = 0;
  /** The line (1-based) and the offset it begins at, for the columns of the entries. */
  #line = 0;
  #begin = 0;
  readonly #recorder: Recorder;

  constructor(text: string, recorder: Recorder) {
    this.#t = text;
    this.#recorder = recorder;
  }

  /** Reads the collection at `pos`, which must close before `end`, on line `line` beginning at `begin`. */
  start(pos: number, end: number, line: number, begin: number): void {
    this.pos = pos;
    this.#end = end;
    this.#line = line;
    this.#begin = begin;
  }

  #spaces(): void {
    while (this.pos < this.#end && this.#t.charCodeAt(this.pos) === 32) this.pos += 1;
    if (this.pos >= this.#end) unsupported();
    // A comment inside a flow collection ends the line, so the collection would span lines.
    if (this.#t.charCodeAt(this.pos) === 35) unsupported();
  }

  value(): JsonValue {
    const c = this.#t.charCodeAt(this.pos);
    if (c === 123) return this.#map();
    if (c === 91) return this.#seq();
    if (c === 34 || c === 39) {
      const close = quotedEnd(this.#t, this.pos, this.#end);
      const v = quoted(this.#t, this.pos, close);
      this.pos = close;
      return v;
    }
    return resolvePlain(this.#plain());
  }

  /** A plain scalar in flow context: up to `,` `]` `}` or `: `; no indicators, no `:` right after. */
  #plain(): string {
    const t = this.#t;
    const start = this.pos;
    const c = t[start] ?? '';
    if ('&*!|>%@`#,[]{}\'"'.includes(c)) unsupported();
    if ((c === '-' || c === '?' || c === ':') && (start + 1 >= this.#end || ' ,[]{}'.includes(t[start + 1] ?? ''))) unsupported();
    let p = start;
    let last = start;
    for (; p < this.#end; p++) {
      const ch = t.charCodeAt(p);
      if (ch === 44 || ch === 93 || ch === 125 || ch === 91 || ch === 123) break;
      if (ch === 58) {
        const n = t.charCodeAt(p + 1);
        if (p + 1 >= this.#end || n === 32 || n === 44 || n === 93 || n === 125) break;
      }
      if (ch === 35 && t.charCodeAt(p - 1) === 32) unsupported();
      if (ch !== 32) last = p + 1;
    }
    this.pos = last;
    return t.slice(start, last);
  }

  #map(): JsonObject {
    const out: JsonObject = {};
    const recorder = this.#recorder;
    const mark = recorder.open();
    const t = this.#t;
    const column = 1 - this.#begin;
    this.pos += 1;
    let keys: string[] | undefined;
    for (;;) {
      this.#spaces();
      if (t.charCodeAt(this.pos) === 125) {
        this.pos += 1;
        break;
      }
      const keyOffset = this.pos;
      const c = t.charCodeAt(this.pos);
      let key: string;
      if (c === 34 || c === 39) {
        const close = quotedEnd(t, this.pos, this.#end);
        key = quoted(t, this.pos, close);
        this.pos = close;
      } else {
        if (c === 123 || c === 91) unsupported();
        key = String(resolvePlain(this.#plain()));
      }
      this.#spaces();
      // `{ a }` and `{ a, b }` (keys without values) are the full parser's.
      if (t.charCodeAt(this.pos) !== 58) unsupported();
      this.pos += 1;
      if (keys === undefined && integerLike(key)) keys = Object.keys(out);
      keys?.push(key);
      this.#spaces();
      let value: JsonValue = null;
      let valueOffset = keyOffset;
      const n = t.charCodeAt(this.pos);
      if (n !== 44 && n !== 125) {
        valueOffset = this.pos;
        value = this.value();
        this.#spaces();
      }
      if (!addOwn(out, key, value)) unsupported();
      recorder.entry(this.#line, keyOffset + column, this.#line, valueOffset + column, value);
      const sep = t.charCodeAt(this.pos);
      if (sep === 44) {
        this.pos += 1;
        continue;
      }
      if (sep === 125) {
        this.pos += 1;
        break;
      }
      unsupported();
    }
    recorder.close(mark, out, keys);
    return out;
  }

  #seq(): JsonValue[] {
    const out: JsonValue[] = [];
    const recorder = this.#recorder;
    const mark = recorder.open();
    const t = this.#t;
    const column = 1 - this.#begin;
    this.pos += 1;
    for (;;) {
      this.#spaces();
      if (t.charCodeAt(this.pos) === 93) {
        this.pos += 1;
        break;
      }
      const offset = this.pos;
      const value = this.value();
      out.push(value);
      recorder.entry(this.#line, offset + column, this.#line, offset + column, value);
      this.#spaces();
      const sep = t.charCodeAt(this.pos);
      // `[a: b]` (a single-pair map inside a sequence) is the full parser's.
      if (sep === 58) unsupported();
      if (sep === 44) {
        this.pos += 1;
        continue;
      }
      if (sep === 93) {
        this.pos += 1;
        break;
      }
      unsupported();
    }
    recorder.close(mark, out);
    return out;
  }
}

/** The value and positions of `text`, or undefined when it is outside the subset (see above). */
export function readFastYaml(text: string): FastYaml | undefined {
  if (text.length >= OFFSET_LIMIT || text.charCodeAt(0) === 0xfeff) return undefined;
  // Tabs (separators or indentation), lone carriage returns and control characters: the full parser's.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (text.includes('\t') || /\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]/.test(text)) return undefined;
  try {
    const reader = new Reader(text);
    const document = reader.document();
    const { table, size } = reader.recorder;
    // The table grows by doubling while reading; keep only what was used.
    return { ...document, table: table.slice(0, size) };
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    // Deep nesting: the full parser reports it with a location.
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}
