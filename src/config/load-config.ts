import { readdir, readFile, stat } from 'node:fs/promises';
import { decodeUtf8 } from '../model/text-encoding.js';
import { extname, join, resolve } from 'node:path';
import type { DesiredState } from '../model/desired-state.js';
import type { JsonObject } from '../model/json.js';
import type { Diagnostic, SourceLocation } from '../model/location.js';
import { ConfigError } from '../model/errors.js';
import { mapAjvErrors } from './ajv-errors.js';
import { buildState } from './build-state.js';
import { expandFanOut } from './fan-out.js';
import { Interner } from './build-resource.js';
import { collect, mergeCollected } from './collect.js';
import { withoutRepeatedExpectations } from './repeated-expectations.js';
import type { Collected, LoadedFile } from './collect.js';
import { suggestion } from '../util/did-you-mean.js';
import { interpolateTree } from './interpolate.js';
import type { Substitution } from './interpolate.js';
import { parseYaml } from '../util/load-yaml.js';
import type { PathSegment, YamlSource } from '../util/load-yaml.js';
import { CREDENTIAL_ENV_VARS, isCredentialVariable } from '../model/credential-env.js';
import { isJsonObject } from '../model/json.js';
import type { JsonValue } from '../model/json.js';
import { BUILTIN_POLICY_DIR } from './policy-ref.js';
import { SEMANTIC_RULES } from './semantic-rules.js';
import { schemaValidatorFor } from './validate-schema.js';
import { buildSchema, readCommittedSchema } from './schema.js';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';
import { displayName, ioReason } from '../util/input-files.js';

export interface LoadOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The resource types a configuration may declare (default: the built-in ones). */
  readonly types?: TypeRegistry;
}

export interface LoadResult {
  /** Best effort when there are errors; use it only when no diagnostic is an error. */
  readonly state: DesiredState;
  readonly diagnostics: Diagnostic[];
}

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);

/** One file after interpolation, the schema and collecting. */
interface SettledFile {
  readonly interpolation: readonly Diagnostic[];
  readonly substitutions: readonly Substitution[];
  readonly schema: readonly Diagnostic[];
  readonly collected: Collected;
}

function errorAt(file: string, rule: string, message: string): Diagnostic {
  return { location: { file, line: 1, column: 1 }, message, rule, severity: 'error' };
}

/** Expands the command-line paths into YAML files: a directory means its *.yaml/*.yml, sorted. */
async function listFiles(paths: readonly string[], opts: LoadOptions, diagnostics: Diagnostic[]): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    files.push(file);
  };
  for (const given of paths.length > 0 ? paths : ['.']) {
    const absolute = resolve(opts.cwd, given);
    const shown = displayName(opts.cwd, absolute);
    let info;
    try {
      info = await stat(absolute);
    } catch (error) {
      diagnostics.push(errorAt(shown, 'io', `cannot read configuration: ${ioReason(error)}`));
      continue;
    }
    if (!info.isDirectory()) {
      add(absolute);
      continue;
    }
    let entries: string[];
    try {
      entries = await readdir(absolute);
    } catch (error) {
      diagnostics.push(errorAt(shown, 'io', `cannot read configuration directory: ${ioReason(error)}`));
      continue;
    }
    const yaml = entries.filter((e) => YAML_EXTENSIONS.has(extname(e).toLowerCase())).sort();
    if (yaml.length === 0) diagnostics.push(errorAt(shown, 'io', 'directory contains no *.yaml or *.yml files'));
    for (const e of yaml) add(join(absolute, e));
  }
  return files;
}

function key(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/**
 * Adds a phase's diagnostics, dropping those at a position an earlier phase already explained:
 * a missing variable or a schema error should not also surface as its consequences.
 */
function addPhase(all: Diagnostic[], occupied: Set<string>, phase: readonly Diagnostic[]): void {
  const fresh = phase.filter((d) => !occupied.has(key(d.location)));
  for (const d of fresh) if (d.severity === 'error') occupied.add(key(d.location));
  all.push(...fresh);
}

async function checkPolicyFiles(state: DesiredState, cwd: string): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const policy of state.policies) {
    try {
      const info = await stat(policy.path);
      if (info.isFile()) continue;
    } catch {
      // Reported below.
    }
    if (policy.ref.startsWith('builtin:')) {
      const name = policy.ref.slice('builtin:'.length);
      let packs: string[] = [];
      try {
        packs = (await readdir(BUILTIN_POLICY_DIR)).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length));
      } catch {
        packs = [];
      }
      const hint = suggestion(name, packs) || (packs.length ? `; available: ${packs.map((p) => `builtin:${p}`).join(', ')}` : '');
      out.push({
        location: policy.location,
        message: `unknown built-in policy pack '${name}'${hint}`,
        rule: 'policy-not-found',
        severity: 'error',
      });
    } else {
      out.push({
        location: policy.location,
        message: `policy file not found: ${displayName(cwd, policy.path)}`,
        rule: 'policy-not-found',
        severity: 'error',
      });
    }
  }
  return out;
}

/**
 * Loads and validates a configuration: YAML with positions, `${env.NAME}` interpolation, the
 * JSON Schema (ajv, all errors), then the named semantic rules. Problems come back as data,
 * every one located `file:line:column`; nothing here throws for bad input.
 */
export async function loadConfig(paths: readonly string[], opts: LoadOptions): Promise<LoadResult> {
  const diagnostics: Diagnostic[] = [];
  const occupied = new Set<string>();
  const early: Diagnostic[] = [];
  const fileNames = await listFiles(paths, opts, early);
  const types = opts.types ?? BUILTIN_TYPES;
  const validateSchema = await schemaValidatorFor(types);
  // The schema text is only needed to name allowed keys in messages: read it on the first error.
  let schema: JsonObject | undefined;
  const interner = new Interner();
  // Variables a provider reads credentials from are credential variables too, whatever their name.
  const sourceNames = new Set<string>();
  // A robot's URL and signing secret are secrets of their own and may come from a variable named so
  // (`${env.DINGTALK_SECRET}`); the clouds' credential variables stay refused everywhere.
  const notifySecret = (path: readonly PathSegment[] | undefined): boolean =>
    path !== undefined && path[0] === 'notify' && (path[2] === 'url' || path[2] === 'secret');
  const refuse = (name: string, path?: readonly PathSegment[]): boolean =>
    CREDENTIAL_ENV_VARS.includes(name) || sourceNames.has(name) || (isCredentialVariable(name) && !notifySecret(path));

  /**
   * Interpolation, the schema and collecting, for one file: what comes out keeps nothing of the
   * file's tree but its small blocks, so a large configuration is never held all at once (issue 17).
   */
  const settle = (source: YamlSource): SettledFile => {
    const interpolated = interpolateTree(source, opts.env, refuse);
    const file: LoadedFile = { source, value: interpolated.value };
    // Each expectation value once per type and attribute; the whole file only to report errors.
    const seen = withoutRepeatedExpectations(file.value);
    let errors = validateSchema(seen);
    if (errors.length > 0 && seen !== file.value) errors = validateSchema(file.value);
    let schemaDiagnostics: Diagnostic[] = [];
    let flagged: ReadonlySet<string> | undefined;
    if (errors.length > 0) {
      schema ??= types.builtin ? readCommittedSchema() : buildSchema(types);
      const mapped = mapAjvErrors(errors, source, file.value, schema, types);
      schemaDiagnostics = mapped.diagnostics;
      flagged = mapped.flaggedExpectations;
    }
    return {
      interpolation: interpolated.diagnostics,
      substitutions: interpolated.substitutions,
      schema: schemaDiagnostics,
      collected: collect([file], { types, interner, ...(flagged ? { flagged } : {}) }),
    };
  };

  // Files are settled as they are read. One that may hold `${…}` waits until every file was read:
  // a variable any provider reads credentials from is refused in all of them.
  const settled: (SettledFile | YamlSource)[] = [];
  // The next file is read while this one is worked on (one file ahead: one more file in memory).
  let ahead = fileNames[0] === undefined ? undefined : readBytes(fileNames[0]);
  for (let i = 0; i < fileNames.length; i++) {
    const absolute = fileNames[i] as string;
    const reading = ahead ?? readBytes(absolute);
    const next = fileNames[i + 1];
    ahead = next === undefined ? undefined : readBytes(next);
    const shown = displayName(opts.cwd, absolute);
    const read = await reading;
    if ('error' in read) {
      early.push(errorAt(shown, 'io', `cannot read configuration file: ${ioReason(read.error)}`));
      continue;
    }
    const decoded = decodeUtf8(read.bytes);
    if ('problem' in decoded) {
      early.push(errorAt(shown, 'encoding', decoded.problem));
      continue;
    }
    const text = decoded.text;
    const parsed = parseYaml(text, shown, absolute);
    early.push(...parsed.diagnostics);
    const source = parsed.source;
    if (!source) continue;
    for (const name of credentialEnvNames(source.value)) sourceNames.add(name);
    settled.push(source.mayHaveDollarBrace ? source : settle(source));
  }
  const files = settled.map((s) => ('collected' in s ? s : settle(s)));

  addPhase(diagnostics, occupied, [...early, ...files.flatMap((f) => f.interpolation)]);
  addPhase(
    diagnostics,
    occupied,
    files.flatMap((f) => f.schema),
  );

  const collected = mergeCollected(files.map((f) => f.collected));
  const built = buildState(collected);
  const semantic = [...built.diagnostics];
  for (const rule of SEMANTIC_RULES) semantic.push(...rule.check({ collected, state: built.state, types }));
  semantic.push(...(await checkPolicyFiles(built.state, opts.cwd)));
  addPhase(diagnostics, occupied, semantic);

  // Fan-out runs on a valid configuration only: its errors would otherwise repeat the ones above.
  let state = built.state;
  if (!diagnostics.some((d) => d.severity === 'error')) {
    const expanded = expandFanOut(state, types);
    addPhase(diagnostics, occupied, expanded.diagnostics);
    state = expanded.state;
  }

  const order = new Map(fileNames.map((f, i) => [displayName(opts.cwd, f), i]));
  diagnostics.sort(
    (a, b) =>
      (order.get(a.location.file) ?? -1) - (order.get(b.location.file) ?? -1) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column,
  );
  return {
    state,
    diagnostics: withoutInterpolatedValues(
      diagnostics,
      files.flatMap((f) => f.substitutions),
    ),
  };
}

/** A file's bytes, or why they could not be read (never a rejection: a read ahead may wait unawaited). */
async function readBytes(path: string): Promise<{ readonly bytes: Uint8Array } | { readonly error: unknown }> {
  try {
    return { bytes: await readFile(path) };
  } catch (error) {
    return { error };
  }
}

/** The variable names of every `credentials: { env: { id, secret, token } }` in a parsed file. */
function credentialEnvNames(value: JsonValue): string[] {
  const names: string[] = [];
  const providers = isJsonObject(value) ? value.providers : undefined;
  if (!isJsonObject(providers)) return names;
  for (const cloud of Object.values(providers)) {
    if (!isJsonObject(cloud)) continue;
    for (const provider of Object.values(cloud)) {
      // An assumed role's `source` may name variables too, at any depth.
      let credentials: JsonValue | undefined = isJsonObject(provider) ? provider.credentials : undefined;
      for (let depth = 0; depth < 8 && isJsonObject(credentials); depth += 1) {
        const env = credentials.env;
        if (isJsonObject(env)) for (const name of Object.values(env)) if (typeof name === 'string') names.push(name);
        const role = credentials.assume_role;
        credentials = isJsonObject(role) ? role.source : undefined;
      }
    }
  }
  return names;
}

/**
 * A message never echoes what `${env.NAME}` gave: the value is shown as the `${env.NAME}` the
 * user wrote. Values shorter than 4 characters are left alone (they would rewrite ordinary words).
 */
function withoutInterpolatedValues(diagnostics: Diagnostic[], substitutions: readonly Substitution[]): Diagnostic[] {
  const values = substitutions.filter((s) => s.value.length >= 4).sort((a, b) => b.value.length - a.value.length);
  if (values.length === 0) return diagnostics;
  return diagnostics.map((d) => {
    let message = d.message;
    for (const { name, value } of values) if (message.includes(value)) message = message.split(value).join(`\${env.${name}}`);
    return message === d.message ? d : { ...d, message };
  });
}

/**
 * `loadConfig` for commands that need a usable state: throws a ConfigError carrying every
 * diagnostic (warnings included) when any of them is an error.
 */
export async function loadValidConfig(paths: readonly string[], opts: LoadOptions): Promise<DesiredState> {
  const result = await loadConfig(paths, opts);
  if (result.diagnostics.some((d) => d.severity === 'error')) throw new ConfigError(result.diagnostics);
  return result.state;
}
