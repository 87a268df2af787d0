import type { JsonObject, JsonValue } from '../model/json.js';
import { stripUnsafeText } from '../model/safe-text.js';

/**
 * The one parser for vendor answers. `JSON.parse` reads duplicate keys last-wins, so
 * `{"Status":"Disconnected","Status":"Connected"}` would pass as Connected while another reader
 * (a proxy, the vendor's console, an auditor's script) sees Disconnected. This single-pass
 * parser refuses what a differential could hide, at every nesting level:
 *
 * - a duplicate key in any object;
 * - nesting deeper than `MAX_VENDOR_DEPTH` (a 100,000-level value would overflow every
 *   recursive consumer downstream: snapshot writer, evidence bundle, reports);
 * - anything RFC 8259 does not allow (trailing commas, comments, lone values after the end).
 *
 * Every string (keys and values) leaves without control characters and bidirectional overrides,
 * so a vendor string can never move a terminal's cursor, recolour a CI log or reorder what a
 * reviewer reads, in any output (`--debug` included). It is a hand-written loop over char codes
 * because it sits on every answer's path; see the commit introducing it for its cost against
 * `JSON.parse`.
 */

/** Deeper than any documented answer (Tencent's deepest is 4 levels, Alibaba's 5). */
export const MAX_VENDOR_DEPTH = 64;

export class VendorJsonError extends Error {
  /** Character offset in the body where the problem was found. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'VendorJsonError';
    this.offset = offset;
  }
}

/** The characters src/model/safe-text.ts removes, by code (checked while scanning, no regex per string). */
function unsafeCode(c: number): boolean {
  return (
    (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x061c ||
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069)
  );
}

export { stripUnsafeText };

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function pointer(path: readonly (string | number)[], length: number): string {
  return path
    .slice(0, length)
    .map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`)
    .join('');
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

export interface VendorJsonOptions {
  readonly maxDepth?: number;
  /** Called with the path and character offset of every object key (credential files use it to name lines). */
  readonly onKey?: (path: readonly (string | number)[], offset: number) => void;
}

/** Parses a vendor body strictly (see the module comment); throws VendorJsonError. */
export function parseVendorJson(text: string, options: VendorJsonOptions = {}): JsonValue {
  const maxDepth = options.maxDepth ?? MAX_VENDOR_DEPTH;
  const onKey = options.onKey;
  let i = 0;
  const n = text.length;
  // The key or index at each depth on the way to the current value, for the duplicate-key message.
  const path: (string | number)[] = [];
  const fail = (reason: string): never => {
    throw new VendorJsonError(reason, i);
  };
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const str = (): string => {
    // text[i] is the opening quote.
    let start = ++i;
    let out = '';
    let unsafe = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return unsafe ? stripUnsafeText(out) : out;
      }
      if (c === 0x5c) {
        out += text.slice(start, i);
        const esc = text[i + 1];
        if (esc === 'u') {
          let code = 0;
          for (let k = i + 2; k < i + 6; k++) {
            const h = hexValue(text.charCodeAt(k));
            if (h < 0) fail('invalid \\u escape');
            code = code * 16 + h;
          }
          if (unsafeCode(code)) unsafe = true;
          out += String.fromCharCode(code);
          i += 6;
        } else {
          const decoded = esc === undefined ? undefined : ESCAPES[esc];
          if (decoded === undefined) fail('invalid escape in a string');
          out += decoded;
          i += 2;
        }
        start = i;
        continue;
      }
      if (c < 0x20) fail('control character in a string');
      if (c >= 0x7f && unsafeCode(c)) unsafe = true;
      i++;
    }
    return fail('unterminated string');
  };
  const num = (): number => {
    const start = i;
    if (text.charCodeAt(i) === 0x2d) i++;
    if (text.charCodeAt(i) === 0x30) i++;
    else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i++;
    else fail('invalid number');
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (!isDigit(text.charCodeAt(i))) fail('invalid number');
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (!isDigit(text.charCodeAt(i))) fail('invalid number');
      while (isDigit(text.charCodeAt(i))) i++;
    }
    return Number(text.slice(start, i));
  };
  const literal = (word: string, value: JsonValue): JsonValue => {
    if (!text.startsWith(word, i)) fail('unexpected character');
    i += word.length;
    return value;
  };
  const value = (depth: number): JsonValue => {
    ws();
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      if (depth >= maxDepth) fail(`nested deeper than ${maxDepth} levels`);
      i++;
      const out: JsonObject = {};
      ws();
      if (text.charCodeAt(i) === 0x7d) {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text.charCodeAt(i) !== 0x22) fail('expected a key');
        const keyAt = i;
        const key = str();
        // An own-property test is cheaper than a Set per object and exact (keys are own data properties).
        if (Object.hasOwn(out, key)) {
          i = keyAt;
          path[depth] = key;
          fail(`duplicate key ${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)} at ${pointer(path, depth + 1)}`);
        }
        ws();
        if (text.charCodeAt(i) !== 0x3a) fail("expected ':'");
        i++;
        path[depth] = key;
        if (onKey !== undefined) onKey(path.slice(0, depth + 1), keyAt);
        const v = value(depth + 1);
        // defineProperty so that a key named `__proto__` is data, not a prototype change.
        if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
        else out[key] = v;
        ws();
        const next = text.charCodeAt(i);
        if (next === 0x2c) {
          i++;
          continue;
        }
        if (next === 0x7d) {
          i++;
          return out;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === 0x5b /* [ */) {
      if (depth >= maxDepth) fail(`nested deeper than ${maxDepth} levels`);
      i++;
      const out: JsonValue[] = [];
      ws();
      if (text.charCodeAt(i) === 0x5d) {
        i++;
        return out;
      }
      for (;;) {
        path[depth] = out.length;
        out.push(value(depth + 1));
        ws();
        const next = text.charCodeAt(i);
        if (next === 0x2c) {
          i++;
          continue;
        }
        if (next === 0x5d) {
          i++;
          return out;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === 0x22) return str();
    if (c === 0x74) return literal('true', true);
    if (c === 0x66) return literal('false', false);
    if (c === 0x6e) return literal('null', null);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return num();
    return fail(i >= n ? 'unexpected end of the body' : 'unexpected character');
  };
  const result = value(0);
  ws();
  if (i < n) fail('unexpected text after the JSON value');
  return result;
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let k = text.indexOf('\n'); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) line++;
  return line;
}

/** Why a body was refused, for an invalid-response message: the parser's reason, never the body. */
export function vendorJsonProblem(error: unknown, body: string): string {
  if (error instanceof VendorJsonError)
    return `the body is not valid JSON: ${error.message} (at character ${error.offset} of ${body.length})`;
  return `the body is not valid JSON (${body.length} bytes)`;
}
