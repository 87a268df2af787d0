import { inspect } from 'node:util';
import path from 'node:path';
import { REDACTED } from '../model/redactor.js';
import { CredentialsError } from '../model/errors.js';
import type { Credentials } from './types.js';
import { lineAt, parseVendorJson, VendorJsonError } from './vendor-json.js';
import type { CredentialPlan } from './credential-plan.js';

/** What a credential chain may read; injected so tests never touch the real home directory or environment. */
export interface CredentialContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  /** File contents, or undefined when the file does not exist or cannot be read. */
  readonly readFile: (path: string) => string | undefined;
}

/**
 * A credential whose secret and token live in private fields behind getters, so they are not own
 * enumerable properties (spreads, `Object.entries`, structured clones do not carry them) and every
 * printed form — `JSON.stringify`, `util.inspect`/`console.log`, string conversion — shows only the id,
 * the source and `[REDACTED]`.
 */
class ResolvedCredentials implements Credentials {
  readonly id: string;
  readonly source: string;
  readonly account?: string;
  readonly expiresAt?: number;
  readonly #secret: string;
  readonly #token: string | undefined;

  constructor(id: string, secret: string, token: string | undefined, source: string, extra: CredentialExtras) {
    this.id = id;
    this.source = source;
    if (extra.account !== undefined) this.account = extra.account;
    if (extra.expiresAt !== undefined) this.expiresAt = extra.expiresAt;
    this.#secret = secret;
    this.#token = token;
    Object.freeze(this);
  }

  get secret(): string {
    return this.#secret;
  }

  get token(): string | undefined {
    return this.#token;
  }

  toJSON(): { id: string; source: string; secret: string; token?: string; account?: string } {
    return {
      id: this.id,
      source: this.source,
      secret: REDACTED,
      ...(this.#token === undefined ? {} : { token: REDACTED }),
      ...(this.account === undefined ? {} : { account: this.account }),
    };
  }

  toString(): string {
    return `Credentials(${this.id} from ${this.source}, secret ${REDACTED}${this.#token === undefined ? '' : `, token ${REDACTED}`})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** What temporary credentials carry besides the key: the account they act in and when they expire. */
export interface CredentialExtras {
  readonly account?: string;
  readonly expiresAt?: number;
}

export function makeCredentials(
  id: string,
  secret: string,
  token: string | undefined,
  source: string,
  extra: CredentialExtras = {},
): Credentials {
  return new ResolvedCredentials(id, secret, token, source, extra);
}

/** `~/…` for files under the home directory: shorter in messages, and does not print the user's home path. */
export function displayPath(file: string, homeDir: string): string {
  const rel = path.relative(homeDir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? `~/${rel.split(path.sep).join('/')}` : file;
}

/** Trimmed value, or undefined when absent or blank (a blank variable is as good as unset). */
export function nonBlank(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Rejects values that cannot be sent in a header or query: both clouds' ids, secrets and tokens are
 * printable ASCII, so anything else is a copy-paste accident that would otherwise surface as a
 * confusing signature failure (or, with line breaks, header injection). The value is never quoted.
 */
export function assertPrintable(value: string, what: string): void {
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new CredentialsError(
      `${what} contains spaces, line breaks or non-ASCII characters`,
      'Copy the value again from the console; credentials are printable ASCII without spaces.',
    );
  }
}

export type IniSections = ReadonlyMap<string, Readonly<Record<string, string>>>;

/**
 * Minimal INI as the vendors' SDKs read it (both use the `ini` package): `[section]` headers,
 * `key = value` lines, `;`/`#` comments, values trimmed and stripped of one pair of matching quotes.
 * Lines without `=` carry no key/value we could use and are skipped. Keys before any section go to ''.
 */
export function parseIni(text: string): IniSections {
  return parseIniFile(text).sections;
}

/** An INI file's sections and, for messages, the line each key was read from. */
export interface IniFile {
  readonly sections: IniSections;
  /** 1-based line of `key` in `section` (the last one, which is the one read). */
  readonly lineOf: (section: string, key: string) => number | undefined;
}

function parseIniFile(text: string): IniFile {
  const sections = new Map<string, Record<string, string>>();
  const lines = new Map<string, Map<string, number>>();
  let current: Record<string, string> = {};
  let currentLines = new Map<string, number>();
  sections.set('', current);
  lines.set('', currentLines);
  let number = 0;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    number += 1;
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      const name = (header[1] ?? '').trim();
      current = sections.get(name) ?? {};
      currentLines = lines.get(name) ?? new Map<string, number>();
      sections.set(name, current);
      lines.set(name, currentLines);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) value = value.slice(1, -1);
    current[key] = value;
    currentLines.set(key, number);
  }
  return { sections, lineOf: (section, key) => lines.get(section)?.get(key) };
}

/** A JSON credential file's value and, for messages, the line of each key by its path. */
export interface JsonCredentialFile {
  readonly data: unknown;
  readonly lineOf: (path: readonly (string | number)[]) => number | undefined;
}

/**
 * Parses a JSON credential file strictly (a duplicate key is as ambiguous here as in a vendor
 * answer); the error names the file and line and never quotes its content.
 */
export function parseJsonCredentialFile(text: string, shownPath: string): JsonCredentialFile {
  const offsets = new Map<string, number>();
  let data: unknown;
  try {
    data = parseVendorJson(text, { onKey: (path, offset) => offsets.set(JSON.stringify(path), offset) });
  } catch (error) {
    const line = error instanceof VendorJsonError ? ` (line ${lineAt(text, error.offset)})` : '';
    const why = error instanceof VendorJsonError && error.message.startsWith('duplicate key') ? ': a key appears twice in one object' : '';
    throw new CredentialsError(`${shownPath} is not valid JSON${line}${why}`, `Fix or remove ${shownPath}.`);
  }
  return {
    data,
    lineOf: (path) => {
      const offset = offsets.get(JSON.stringify(path));
      return offset === undefined ? undefined : lineAt(text, offset);
    },
  };
}

/**
 * A value read from a credential file that driftwatch cannot use. The message names the file,
 * the line and the key, and quotes the value only when it is one of the vendor's own spellings
 * (`known`): a malformed line such as `type = access_keyaccess_key_secret = …` carries the secret
 * in what looks like the type, and must never be printed.
 */
export function unsupportedValue(
  at: { readonly where: string; readonly line: number | undefined; readonly key: string; readonly value: string },
  known: readonly string[],
  expected: string,
  hint: string,
): CredentialsError {
  const place = `${at.where}${at.line !== undefined ? `, line ${at.line}` : ''}`;
  if (known.includes(at.value))
    return new CredentialsError(`${place}: ${at.key} ${at.value} is not supported by driftwatch (expected ${expected})`, hint);
  return new CredentialsError(`${place}: ${at.key} is not ${expected} (the value is not shown: credential files hold secrets)`, hint);
}

/**
 * The result of one link of a chain: credentials, or nothing usable there. Half-set and
 * unsupported configurations throw instead, so the chain never silently falls through past them.
 */
export type ChainStep = { readonly found: CredentialPlan } | { readonly found: undefined; readonly tried: string };

/** Builds credentials from an id/secret/token triple found in one place, validating each value. */
export function credentialsFrom(
  values: { id: string; secret: string; token: string | undefined },
  names: { id: string; secret: string; token: string },
  source: string,
): Credentials {
  assertPrintable(values.id, names.id);
  assertPrintable(values.secret, names.secret);
  if (values.token !== undefined) assertPrintable(values.token, names.token);
  return makeCredentials(values.id, values.secret, values.token, source);
}

/** The error for a chain that found nothing: every variable and file it looked at, no values. */
function nothingFound(cloud: string, tried: readonly string[], hint: string): CredentialsError {
  return new CredentialsError(`no ${cloud} credentials found; tried ${tried.join(', ')}`, hint);
}

/** Runs the links of a chain in order: the first credentials found win; none found is an error naming every place tried. */
export function firstFound(cloud: string, hint: string, steps: readonly (() => ChainStep)[]): CredentialPlan {
  const tried: string[] = [];
  for (const step of steps) {
    const result = step();
    if (result.found) return result.found;
    tried.push(result.tried);
  }
  throw nothingFound(cloud, tried, hint);
}

/**
 * Reads the SDKs' INI credentials file: the path in `overrideVar` when that variable is set,
 * otherwise `defaultFile`. `sections` is undefined when the default file does not exist.
 */
export function readIniCredentialsFile(
  ctx: CredentialContext,
  overrideVar: string,
  defaultFile: string,
  hint: string,
): { readonly shown: string; readonly sections: IniSections | undefined; readonly lineOf: IniFile['lineOf'] } {
  const override = nonBlank(ctx.env[overrideVar]);
  const file = override ?? defaultFile;
  const shown = override ?? displayPath(file, ctx.homeDir);
  const text = ctx.readFile(file);
  if (text === undefined) {
    // A path someone set on purpose that does not exist is a mistake, not an empty link of the chain.
    if (override !== undefined) throw new CredentialsError(`${overrideVar} names ${shown}, which cannot be read`, hint);
    return { shown, sections: undefined, lineOf: () => undefined };
  }
  const ini = parseIniFile(text);
  return { shown, sections: ini.sections, lineOf: ini.lineOf };
}
