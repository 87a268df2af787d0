import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { InputError } from '../model/errors.js';
import { stripUnsafeJson } from '../model/safe-text.js';
import type { Diagnostic, SourceLocation } from '../model/location.js';
import { parseInstant } from '../util/time.js';

/**
 * Reading machine inputs (snapshots, saved run results): JSON with located syntax errors, a
 * format-version gate with a message that says which version wrote the file, and ajv validation
 * whose errors point at the offending line. Node's JSON.parse reports no position, so a small
 * scanner re-reads the text only when something is wrong.
 */

class ScanFailure extends Error {
  readonly offset: number;
  readonly reason: string;
  constructor(offset: number, reason: string) {
    super(reason);
    this.offset = offset;
    this.reason = reason;
  }
}

/** Walks JSON text; calls `visit(pointer, offset)` at the start of every value. Throws ScanFailure. */
function scanJson(text: string, visit?: (pointer: string, offset: number) => boolean): void {
  let i = 0;
  const fail = (reason: string): never => {
    throw new ScanFailure(i, reason);
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const str = (): string => {
    const start = ++i;
    let out = '';
    while (i < text.length) {
      const ch = text[i] as string;
      if (ch === '"') {
        i++;
        return out;
      }
      if (ch === '\\') {
        const esc = text[i + 1];
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape');
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        if (esc === undefined || !'"\\/bfnrt'.includes(esc)) fail('invalid escape in string');
        out += esc;
        i += 2;
        continue;
      }
      if (ch < ' ') fail('control character in string');
      out += ch;
      i++;
    }
    i = start - 1;
    return fail('unterminated string');
  };
  const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
  const value = (pointer: string): void => {
    ws();
    if (visit?.(pointer, i)) throw new ScanFailure(i, 'found');
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a property name in double quotes');
        const key = str();
        ws();
        if (text[i] !== ':') fail("expected ':' after a property name");
        i++;
        value(`${pointer}/${escapePointer(key)}`);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("expected ',' or '}'");
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let index = 0; ; index++) {
        value(`${pointer}/${index}`);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("expected ',' or ']'");
      }
    }
    if (ch === '"') {
      str();
      return;
    }
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) fail(ch === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(ch)}`);
    i += (literal as RegExpExecArray)[0].length;
  };
  value('');
  ws();
  if (i < text.length) fail('unexpected text after the JSON value');
}

function isScanFailure(e: unknown): e is ScanFailure {
  return e instanceof ScanFailure;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Position of the value at a JSON pointer (`/observations/3/status`), if the text has it. */
function locatePointer(text: string, pointer: string): { line: number; column: number } | undefined {
  try {
    scanJson(text, (p) => p === pointer);
  } catch (e) {
    if (isScanFailure(e) && e.reason === 'found') return lineColumn(text, e.offset);
  }
  return undefined;
}

/** Deeper nesting than any driftwatch file has; beyond it, later recursive steps would overflow the stack. */
const MAX_JSON_DEPTH = 64;

/** Nesting depth of a parsed JSON value, measured without recursion. */
function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Whether a value would nest too deeply for `parseJsonInput`, read as a part of a file that sits
 * `depth` levels below the file's top (an element of a top-level array: 2).
 */
export function nestedTooDeep(value: unknown, depth = 0): boolean {
  return depthExceeds(value, MAX_JSON_DEPTH - depth);
}

/** Parses JSON; on a syntax error throws an InputError located at `file:line:column`. */
export function parseJsonInput(text: string, file: string, what: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch (error) {
    let location: SourceLocation = { file, line: 1, column: 1 };
    let reason = error instanceof Error ? error.message : String(error);
    try {
      scanJson(text);
    } catch (e) {
      if (isScanFailure(e)) {
        location = { file, ...lineColumn(text, e.offset) };
        reason = e.reason;
      }
    }
    const diagnostic: Diagnostic = { location, message: `not valid JSON: ${reason}`, rule: 'json', severity: 'error' };
    throw new InputError(
      `${file}:${location.line}:${location.column}: ${what} is not valid JSON: ${reason}`,
      `Was the file truncated or edited by hand? Write it again with driftwatch.`,
      [diagnostic],
    );
  }
  if (nestedTooDeep(data)) {
    throw new InputError(
      `${file}: ${what} is nested more than ${MAX_JSON_DEPTH} levels deep`,
      'driftwatch never writes such a file; was it generated or edited by hand?',
    );
  }
  // A hand-edited snapshot or run result must not smuggle terminal escapes into the reports either.
  return stripUnsafeJson(data, text);
}

/**
 * Refuses a file written by another format version before schema validation, so the message is
 * about versions rather than about a dozen mismatching fields.
 */
export function checkFormatVersion(data: unknown, file: string, what: string): void {
  const version =
    typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>)['format_version'] : undefined;
  if (version === '1') return;
  if (version === undefined) {
    throw new InputError(`${file} is not a driftwatch ${what}: it has no format_version`, `Pass a file written by driftwatch.`);
  }
  throw new InputError(
    `${file} was written by format ${typeof version === 'string' ? version : JSON.stringify(version)}; this driftwatch reads format 1`,
    'Re-create the file with this version of driftwatch, or use the driftwatch version that wrote it.',
  );
}

export type JsonValidator = (data: unknown) => readonly ErrorObject[];

/**
 * Compiles one of the committed schemas in `schemas/` (same relative path from src/ and dist/), or
 * one of its `definitions` (to validate the elements of a file read piece by piece).
 */
export function compileSchemaFile(name: string, definition?: string): JsonValidator {
  const file = JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  const schema =
    definition === undefined ? file : { $schema: file['$schema'], definitions: file['definitions'], $ref: `#/definitions/${definition}` };
  // `date-time` is checked by the same reader the evaluation uses (a zone is required), so a
  // file that validates is a file whose timestamps evaluate.
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false,
    formats: { 'date-time': (s: string) => s.includes('T') && parseInstant(s) !== undefined },
  });
  const validate = ajv.compile(schema);
  return (data) => (validate(data) ? [] : [...(validate.errors ?? [])]);
}

const MAX_DIAGNOSTICS = 20;

/** Throws an InputError listing (up to 20) schema violations, each located in the text. */
export function assertValid(errors: readonly ErrorObject[], text: string, file: string, what: string): void {
  if (errors.length === 0) return;
  const diagnostics: Diagnostic[] = errors.slice(0, MAX_DIAGNOSTICS).map((err) => {
    const at = locatePointer(text, err.instancePath) ?? { line: 1, column: 1 };
    const path = err.instancePath === '' ? '(top level)' : err.instancePath;
    const detail =
      err.keyword === 'additionalProperties'
        ? `unexpected property ${JSON.stringify((err.params as { additionalProperty?: string }).additionalProperty)}`
        : err.keyword === 'enum'
          ? `${err.message ?? 'invalid value'}: ${((err.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`
          : (err.message ?? 'invalid');
    return { location: { file, ...at }, message: `${path}: ${detail}`, rule: 'schema', severity: 'error' };
  });
  const first = diagnostics[0] as Diagnostic;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length === 2 ? '' : 's'})` : '';
  throw new InputError(
    `${file}:${first.location.line}:${first.location.column}: ${what} is invalid: ${first.message}${more}`,
    'The file does not match the schema driftwatch writes; re-create it with driftwatch.',
    diagnostics,
  );
}
