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

/** Per container: packed (key offset × 2^27 + value offset) per entry, in insertion order. */
export interface FastYaml {
  readonly value: JsonValue;
  readonly rootOffset: number;
  /** Offsets of each entry of a map or sequence of `value`. */
  readonly offsets: WeakMap<object, number[]>;
  /** Maps whose key order differs from their property order (integer-like keys), in insertion order. */
  readonly keyOrder: WeakMap<object, string[]>;
}

/** Offsets are packed into one double: files beyond this size take the full parser. */
const OFFSET_LIMIT = 2 ** 26;
const PACK = 2 ** 27;

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
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};
const HEX_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

interface Line {
  /** Blank or comment only: skipped, except inside a block scalar. */
  readonly skip: boolean;
  /** Column of the first content character (spaces before it). */
  indent: number;
  /** Offset of the first content character. */
  start: number;
  /** Offset just past the content (before `\r\n` / `\n`). */
  readonly end: number;
}

class Reader {
  readonly #text: string;
  readonly #lines: Line[] = [];
  #i = 0;
  readonly offsets = new WeakMap<object, number[]>();
  readonly keyOrder = new WeakMap<object, string[]>();
  /** Collections open around the current one; deep nesting is the full parser's to report. */
  depth = 0;

  #enter(): void {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) unsupported();
  }

  constructor(text: string) {
    this.#text = text;
    let pos = 0;
    const n = text.length;
    while (pos < n) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = n;
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === 13) end -= 1;
      let start = pos;
      while (start < end && text.charCodeAt(start) === 32) start += 1;
      const c = text.charCodeAt(start);
      const skip = start === end || c === 35; /* # */
      if (!skip && start === pos && (c === 37 /* % */ || text.startsWith('---', start) || text.startsWith('...', start))) unsupported();
      this.#lines.push({ skip, indent: start - pos, start, end });
      pos = nl + 1;
    }
  }

  /** The next line that is not blank or a comment (advancing past those), if any. */
  #peek(): Line | undefined {
    let line = this.#lines[this.#i];
    while (line !== undefined && line.skip) line = this.#lines[++this.#i];
    return line;
  }

  document(): { value: JsonValue; rootOffset: number } {
    const first = this.#peek();
    if (first === undefined) return { value: {}, rootOffset: 0 };
    const value = this.#block(first.indent);
    if (this.#peek() !== undefined) unsupported();
    return { value, rootOffset: first.start };
  }

  /** A block map or sequence whose lines are indented exactly `indent`. */
  #block(indent: number): JsonValue {
    const line = this.#peek() ?? unsupported();
    if (line.indent !== indent) unsupported();
    return this.#isSeqItem(line) ? this.#seq(indent) : this.#map(indent);
  }

  #isSeqItem(line: Line): boolean {
    if (this.#text.charCodeAt(line.start) !== 45 /* - */) return false;
    const next = line.start + 1;
    return next === line.end || this.#text.charCodeAt(next) === 32;
  }

  #seq(indent: number): JsonValue[] {
    const out: JsonValue[] = [];
    const entries: number[] = [];
    this.offsets.set(out, entries);
    this.#enter();
    for (;;) {
      const line = this.#peek();
      // A sequence that is a map's value at the map's own indentation ends at the map's next key.
      if (line === undefined || line.indent < indent || (line.indent === indent && !this.#isSeqItem(line))) {
        this.depth -= 1;
        return out;
      }
      if (line.indent > indent) unsupported();
      let pos = line.start + 1;
      while (pos < line.end && this.#text.charCodeAt(pos) === 32) pos += 1;
      if (pos === line.end || this.#text.charCodeAt(pos) === 35) {
        // `-` alone: the item is the block on the following, deeper lines.
        this.#i += 1;
        const next = this.#peek();
        if (next === undefined || next.indent <= indent) unsupported();
        const offset = next.start;
        out.push(this.#block(next.indent));
        entries.push(offset * PACK + offset);
        continue;
      }
      if (this.#text.charCodeAt(pos) === 45 && (pos + 1 === line.end || this.#text.charCodeAt(pos + 1) === 32)) unsupported();
      if (this.#startsCompactMap(pos, line.end)) {
        // `- key: value` then more keys at the column of `key`: the line continues as a map.
        line.indent = pos - (line.start - line.indent);
        line.start = pos;
        out.push(this.#map(line.indent));
        entries.push(pos * PACK + pos);
        continue;
      }
      out.push(this.#lineValue(pos, line, indent));
      entries.push(pos * PACK + pos);
    }
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
    const entries: number[] = [];
    this.offsets.set(out, entries);
    let keys: string[] | undefined;
    const t = this.#text;
    this.#enter();
    for (;;) {
      const line = this.#peek();
      if (line === undefined || line.indent < indent) break;
      if (line.indent > indent || this.#isSeqItem(line)) unsupported();
      const keyOffset = line.start;
      let key: string;
      let colon: number;
      const c = t.charCodeAt(keyOffset);
      if (c === 34 || c === 39) {
        const close = this.#quotedEnd(keyOffset, line.end);
        key = this.#quoted(keyOffset, close);
        colon = close;
        if (t.charCodeAt(colon) !== 58) unsupported();
      } else {
        if (!this.#plainStart(keyOffset, line.end)) unsupported();
        colon = this.#plainKeyEnd(keyOffset, line.end);
        if (colon < 0) unsupported();
        key = String(resolvePlain(t.slice(keyOffset, colon).trimEnd()));
      }
      if (Object.hasOwn(out, key)) unsupported();
      if (keys === undefined && integerLike(key)) keys = Object.keys(out);
      keys?.push(key);
      let pos = colon + 1;
      while (pos < line.end && t.charCodeAt(pos) === 32) pos += 1;
      let value: JsonValue;
      let valueOffset: number;
      if (pos === line.end || t.charCodeAt(pos) === 35) {
        this.#i += 1;
        const next = this.#peek();
        if (next !== undefined && (next.indent > indent || (next.indent === indent && this.#isSeqItem(next)))) {
          valueOffset = next.start;
          value = next.indent > indent ? this.#block(next.indent) : this.#seq(indent);
        } else {
          // `key:` with nothing under it: null, located at its key (it has no text of its own).
          value = null;
          valueOffset = keyOffset;
        }
      } else {
        valueOffset = pos;
        value = this.#lineValue(pos, line, indent);
      }
      // The value may have added keys to nested maps only; a duplicate of this key was refused above.
      addOwn(out, key, value);
      entries.push(keyOffset * PACK + valueOffset);
    }
    // Keep the file's key order for positions where JavaScript's property order differs.
    if (keys !== undefined) this.keyOrder.set(out, keys);
    this.depth -= 1;
    return out;
  }

  /**
   * The value that starts at `pos` on `line` (in a collection indented `indent`), consuming the line
   * and, for a block scalar, its content lines. After an inline value the next line must not be
   * deeper: that would be a multi-line scalar or an error.
   */
  #lineValue(pos: number, line: Line, indent: number): JsonValue {
    const c = this.#text.charCodeAt(pos);
    if (c === 124 || c === 62) return this.#blockScalar(pos, line, indent);
    const [value, after] = this.#inline(pos, line.end);
    this.#endOfLine(after, line.end);
    this.#i += 1;
    const next = this.#peek();
    if (next !== undefined && next.indent > indent) unsupported();
    return value;
  }

  /**
   * `|` (literal) and `>` (folded) with an optional chomping indicator; the content is the following
   * lines indented deeper than `indent` (and blank lines). Explicit indentation indicators, folded
   * text with more-indented lines, and leading blank lines are left to the full parser.
   */
  #blockScalar(pos: number, line: Line, indent: number): string {
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
    if (p < line.end && t.charCodeAt(p) !== 32) unsupported();
    this.#endOfLine(p, line.end);
    this.#i += 1;
    const parts: string[] = [];
    let contentIndent = -1;
    for (;;) {
      const raw = this.#lines[this.#i];
      if (raw === undefined) break;
      const blank = raw.start === raw.end;
      if (!blank && raw.indent <= indent) break;
      if (blank) {
        // Leading blank lines, or blank lines with more spaces than the content, are the full parser's.
        if (contentIndent < 0 || raw.indent > contentIndent) unsupported();
        parts.push('');
      } else {
        if (contentIndent < 0) contentIndent = raw.indent;
        if (raw.indent < contentIndent) unsupported();
        const lineStart = raw.start - raw.indent;
        const text = t.slice(lineStart + contentIndent, raw.end);
        if (!literal && text.charCodeAt(0) === 32) unsupported();
        parts.push(text);
      }
      this.#i += 1;
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

  /** A value on one line: quoted, flow, or plain. Returns the value and the offset after it. */
  #inline(pos: number, end: number): [JsonValue, number] {
    const t = this.#text;
    const c = t.charCodeAt(pos);
    if (c === 34 || c === 39) {
      const close = this.#quotedEnd(pos, end);
      return [this.#quoted(pos, close), close];
    }
    if (c === 123 || c === 91) {
      const flow = new FlowReader(t, pos, end, this);
      const value = flow.value();
      return [value, flow.pos];
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
    return [resolvePlain(t.slice(pos, last)), last];
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

interface Owner {
  readonly offsets: WeakMap<object, number[]>;
  readonly keyOrder: WeakMap<object, string[]>;
  depth: number;
}

/** `{ … }` and `[ … ]` closed on the same line, nested, with scalar items. */
class FlowReader {
  pos: number;
  readonly #t: string;
  readonly #end: number;
  readonly #owner: Owner;

  constructor(text: string, pos: number, end: number, owner: Owner) {
    this.#t = text;
    this.pos = pos;
    this.#end = end;
    this.#owner = owner;
  }

  #spaces(): void {
    while (this.pos < this.#end && this.#t.charCodeAt(this.pos) === 32) this.pos += 1;
    if (this.pos >= this.#end) unsupported();
    // A comment inside a flow collection ends the line, so the collection would span lines.
    if (this.#t.charCodeAt(this.pos) === 35) unsupported();
  }

  value(): JsonValue {
    const c = this.#t.charCodeAt(this.pos);
    if (c === 123 || c === 91) {
      this.#owner.depth += 1;
      if (this.#owner.depth > MAX_DEPTH) unsupported();
      const v = c === 123 ? this.#map() : this.#seq();
      this.#owner.depth -= 1;
      return v;
    }
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
    const entries: number[] = [];
    this.#owner.offsets.set(out, entries);
    const t = this.#t;
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
      if (Object.hasOwn(out, key)) unsupported();
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
      addOwn(out, key, value);
      entries.push(keyOffset * PACK + valueOffset);
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
    if (keys !== undefined) this.#owner.keyOrder.set(out, keys);
    return out;
  }

  #seq(): JsonValue[] {
    const out: JsonValue[] = [];
    const entries: number[] = [];
    this.#owner.offsets.set(out, entries);
    const t = this.#t;
    this.pos += 1;
    for (;;) {
      this.#spaces();
      if (t.charCodeAt(this.pos) === 93) {
        this.pos += 1;
        break;
      }
      const offset = this.pos;
      out.push(this.value());
      entries.push(offset * PACK + offset);
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
    const { value, rootOffset } = reader.document();
    return { value, rootOffset, offsets: reader.offsets, keyOrder: reader.keyOrder };
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    // Deep nesting: the full parser reports it with a location.
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/** Unpacks an entry recorded by the reader. */
export function entryOffsets(packed: number): { key: number; value: number } {
  const key = Math.floor(packed / PACK);
  return { key, value: packed - key * PACK };
}
