import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { suggestion } from '../util/did-you-mean.js';
import { isIsoDateOrDateTime } from '../util/iso-date.js';
import { parseYaml, pathPositions, pointerToPath } from '../util/load-yaml.js';
import type { PathSegment, YamlSource } from '../util/load-yaml.js';
import { resolvePolicyRef } from '../config/policy-ref.js';
import { parseInstant } from '../util/time.js';
import type { PolicyRef } from '../model/desired-state.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { isJsonObject } from '../model/json.js';
import type { Diagnostic, SourceLocation } from '../model/location.js';
import { formatLocation } from '../model/location.js';
import type { Observation, ObservationError } from '../model/observation.js';
import { RESOURCE_TYPES, attributeSpec, resourceType } from '../resources/registry.js';

/**
 * The `driftwatch test` file format (docs/policies.md, schemas/policy-test.schema.json): test
 * cases that pair a configuration and policy packs with observations and a pinned "now", and
 * state the expected outcome per resource and per check. Parsing validates everything that can
 * be checked without loading the configuration; the runner checks the rest (addresses, rules).
 */

const TEST_SCHEMA_URL = new URL('../../schemas/policy-test.schema.json', import.meta.url);

export type ResourceOutcome = 'compliant' | 'drifted' | 'unknown' | 'waived';
export type CheckOutcome = 'pass' | 'fail' | 'unknown' | 'waived' | 'not_applicable';

const RESOURCE_OUTCOMES: readonly string[] = ['compliant', 'drifted', 'unknown', 'waived'];
const CHECK_OUTCOMES: readonly string[] = ['pass', 'fail', 'unknown', 'waived', 'not_applicable'];

export interface ExpectedOutcome {
  /** As written: `ADDRESS` or `ADDRESS/RULE`. */
  readonly key: string;
  readonly address: string;
  /** Set for a check expectation. */
  readonly rule?: string;
  readonly outcome: ResourceOutcome | CheckOutcome;
  readonly location: SourceLocation;
}

export type ConfigurationSpec =
  | { readonly kind: 'path'; readonly path: string; readonly location: SourceLocation }
  | { readonly kind: 'inline'; readonly source: YamlSource; readonly location: SourceLocation };

/** An inline observation; `observed_at` is filled in with the case's `as_of`. */
export interface InlineObservation {
  readonly observation: Omit<Observation, 'observed_at'>;
  readonly location: SourceLocation;
  /** Written at the top of the file (a default for every case) or in the case itself. */
  readonly scope: 'file' | 'case';
}

export interface TestCase {
  readonly name: string;
  readonly location: SourceLocation;
  readonly configuration: ConfigurationSpec;
  /** Extra policy files, added to the configuration's own `policies:`. */
  readonly policies: readonly PolicyRef[];
  readonly observed?: { readonly path: string; readonly location: SourceLocation };
  /** A simulator world file, observed through the simulator on loopback (not with `observed`). */
  readonly world?: { readonly path: string; readonly location: SourceLocation };
  readonly observations: ReadonlyMap<string, InlineObservation>;
  readonly asOf: Date;
  readonly env: Readonly<Record<string, string>>;
  readonly expect: readonly ExpectedOutcome[];
}

export interface TestSuite {
  /** File name as shown in output. */
  readonly file: string;
  readonly path: string;
  readonly cases: readonly TestCase[];
}

export interface ParsedTestFile {
  /** Undefined when the file has any error. */
  readonly suite: TestSuite | undefined;
  readonly diagnostics: Diagnostic[];
}

type Validator = (data: JsonValue) => readonly ErrorObject[];

export function createTestFileValidator(): Validator {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false });
  const validate = ajv.compile(JSON.parse(readFileSync(TEST_SCHEMA_URL, 'utf8')) as JsonObject);
  return (data) => (validate(data) ? [] : [...(validate.errors ?? [])]);
}

function err(location: SourceLocation, rule: string, message: string): Diagnostic {
  return { location, message, rule, severity: 'error' };
}

function caseName(data: JsonValue, index: number): string {
  const tests = isJsonObject(data) ? data.tests : undefined;
  const item = Array.isArray(tests) ? tests[index] : undefined;
  const name = isJsonObject(item) && typeof item.name === 'string' ? ` (${item.name})` : '';
  return `test #${index + 1}${name}`;
}

function describe(path: readonly PathSegment[], data: JsonValue): string {
  if (path.length === 0) return 'the test file';
  if (path[0] === 'tests' && typeof path[1] === 'number') {
    const name = caseName(data, path[1]);
    return path.length === 2 ? name : `'${path.slice(2).join('.')}' of ${name}`;
  }
  return `'${path.join('.')}'`;
}

/** ajv errors as located messages; object keys in YAML are strings, so numeric segments of maps are kept as written. */
function schemaDiagnostics(errors: readonly ErrorObject[], source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const data = source.value;
  for (const error of errors) {
    const path = pointerToPath(error.instancePath, data);
    const params = error.params as Record<string, unknown>;
    const what = describe(path, data);
    let d: Diagnostic | undefined;
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String(params.additionalProperty);
        const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        d = err(source.locate([...path, key], 'key'), 'schema', `unknown key '${key}' in ${what}${suggestion(key, allowed)}`);
        break;
      }
      case 'required':
        d = err(source.locate(path), 'schema', `missing required key '${String(params.missingProperty)}' in ${what}`);
        break;
      case 'propertyNames': {
        const name = String(params.propertyName);
        const inExpect = path[path.length - 1] === 'expect';
        const message = inExpect
          ? `invalid key '${name}' in ${what}: write a resource address <type>.<name> or <type>.<name>/<rule>`
          : path[path.length - 1] === 'env'
            ? `invalid variable name '${name}' in ${what}`
            : `invalid key '${name}' in ${what}: write a resource address <type>.<name>`;
        d = err(source.locate([...path, name], 'key'), 'schema', message);
        break;
      }
      case 'enum': {
        const allowed = (params.allowedValues as unknown[]).map(String);
        const shown = typeof error.data === 'string' ? `'${error.data}'` : JSON.stringify(error.data);
        d = err(source.locate(path), 'schema', `${what}: ${shown} is not one of ${allowed.join(', ')}`);
        break;
      }
      case 'type':
        d = err(
          source.locate(path),
          'schema',
          `${what} must be ${String(params.type).replace('object', 'a map').replace('array', 'a list').replace('string', 'a string')}`,
        );
        break;
      case 'anyOf': {
        const last = path[path.length - 1];
        const message =
          last === 'configuration'
            ? `${what} must be a path or an inline configuration (a map)`
            : last === 'error'
              ? `${what} must be an error code or { code, message }`
              : `${what} is invalid`;
        d = err(source.locate(path), 'schema', message);
        break;
      }
      case 'pattern':
      case 'minLength':
      case 'minProperties':
      case 'minItems':
        d = err(source.locate(path), 'schema', `${what} must not be empty`);
        break;
      case 'const':
        d = err(source.locate(path), 'schema', `${what} must be true`);
        break;
      default:
        d = err(source.locate(path), 'schema', `${what}: ${error.message ?? 'is invalid'}`);
    }
    // Branch errors of an anyOf repeat what its summary says.
    if (error.keyword !== 'anyOf' && error.schemaPath.includes('/anyOf/')) continue;
    // Outcomes are explained by the semantic phase, which knows whether a resource or a check is meant.
    if (error.keyword === 'enum' && path.length === 4 && path[0] === 'tests' && path[2] === 'expect') continue;
    if (error.keyword === 'pattern' && error.propertyName !== undefined) continue;
    const key = `${formatLocation(d.location)} ${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** A view of part of a YAML file as a file of its own, with positions still in the whole file. */
function subSource(source: YamlSource, prefix: readonly PathSegment[], value: JsonValue): YamlSource {
  const locate: YamlSource['locate'] = (path, part) => source.locate([...prefix, ...path], part);
  return {
    file: source.file,
    path: source.path,
    value,
    locate,
    positions: pathPositions({ locate }, [], value),
    mayHaveDollarBrace: source.mayHaveDollarBrace,
  };
}

interface Layer {
  readonly node: JsonObject;
  readonly path: readonly PathSegment[];
}

/** The first layer (case, then file) that sets `key`. */
function pick(layers: readonly Layer[], key: string): { value: JsonValue; path: PathSegment[] } | undefined {
  for (const layer of layers) {
    if (Object.hasOwn(layer.node, key) && layer.node[key] !== undefined) return { value: layer.node[key], path: [...layer.path, key] };
  }
  return undefined;
}

function observationError(value: JsonValue): ObservationError {
  const code = typeof value === 'string' ? value : isJsonObject(value) && typeof value.code === 'string' ? value.code : 'DW_TEST_ERROR';
  const message = isJsonObject(value) && typeof value.message === 'string' ? value.message : `simulated failure ${code}`;
  return { kind: 'transient', code, message, request_id: null, retryable: false };
}

function parseObservations(
  source: YamlSource,
  base: readonly PathSegment[],
  node: JsonValue | undefined,
  scope: InlineObservation['scope'],
  out: Map<string, InlineObservation>,
  diagnostics: Diagnostic[],
): void {
  if (!isJsonObject(node)) return;
  for (const [address, entry] of Object.entries(node)) {
    if (!isJsonObject(entry)) continue;
    const path = [...base, address];
    const keyAt = source.locate(path, 'key');
    const typeName = address.slice(0, address.indexOf('.'));
    const spec = resourceType(typeName);
    if (!spec) {
      const hint = suggestion(
        typeName,
        RESOURCE_TYPES.map((t) => t.name),
      );
      diagnostics.push(err(keyAt, 'unknown-resource-type', `observation for '${address}': unknown resource type '${typeName}'${hint}`));
      continue;
    }
    const forms = ['attributes', 'absent', 'error'].filter((k) => Object.hasOwn(entry, k));
    if (forms.length !== 1) {
      diagnostics.push(
        err(
          keyAt,
          'observation',
          `observation for '${address}' needs exactly one of attributes, absent: true, or error (has ${forms.length === 0 ? 'none' : forms.join(', ')})`,
        ),
      );
      continue;
    }
    if (Object.hasOwn(entry, 'raw') && forms[0] !== 'attributes') {
      diagnostics.push(
        err(source.locate([...path, 'raw'], 'key'), 'observation', `observation for '${address}': raw goes with attributes only`),
      );
      continue;
    }
    const attributes = isJsonObject(entry.attributes) ? entry.attributes : {};
    let bad = false;
    for (const name of Object.keys(attributes)) {
      if (attributeSpec(spec, name)) continue;
      bad = true;
      const hint =
        suggestion(
          name,
          spec.attributes.map((a) => a.name),
        ) || '; put vendor fields under raw';
      diagnostics.push(
        err(
          source.locate([...path, 'attributes', name], 'key'),
          'unknown-attribute',
          `unknown attribute '${name}' for ${spec.name}${hint}`,
        ),
      );
    }
    if (bad) continue;
    const status: Observation['status'] = forms[0] === 'attributes' ? 'ok' : forms[0] === 'absent' ? 'absent' : 'error';
    out.set(address, {
      observation: {
        address,
        type: spec.name,
        status,
        attributes: status === 'ok' ? attributes : {},
        raw: status === 'ok' ? (isJsonObject(entry.raw) ? entry.raw : {}) : null,
        request_ids: [],
        error: status === 'error' ? observationError(entry.error ?? null) : null,
      },
      location: keyAt,
      scope,
    });
  }
}

function resolveRelative(testPath: string, ref: string): string {
  return isAbsolute(ref) ? ref : resolve(dirname(testPath), ref);
}

function buildCase(source: YamlSource, index: number, top: JsonObject, diagnostics: Diagnostic[]): TestCase | undefined {
  const tests = top.tests as JsonValue[];
  const node = tests[index];
  if (!isJsonObject(node)) return undefined;
  const base: PathSegment[] = ['tests', index];
  const layers: Layer[] = [
    { node, path: base },
    { node: top, path: [] },
  ];
  const label = caseName(source.value, index);
  const before = diagnostics.length;
  const name = typeof node.name === 'string' ? node.name : '';
  const location = source.locate([...base, 'name']);

  const configuration = pick(layers, 'configuration');
  let config: ConfigurationSpec | undefined;
  if (configuration === undefined) {
    diagnostics.push(
      err(
        source.locate(base),
        'test-configuration',
        `${label} has no configuration; set 'configuration' in the test or at the top of the file`,
      ),
    );
  } else if (typeof configuration.value === 'string') {
    config = { kind: 'path', path: resolveRelative(source.path, configuration.value), location: source.locate(configuration.path) };
  } else if (isJsonObject(configuration.value)) {
    config = {
      kind: 'inline',
      source: subSource(source, configuration.path, configuration.value),
      location: source.locate(configuration.path, 'key'),
    };
  }

  const asOf = pick(layers, 'as_of');
  let now: Date | undefined;
  if (asOf === undefined) {
    diagnostics.push(
      err(
        source.locate(base),
        'test-as-of',
        `${label} has no as_of; pin "now" with as_of (here or at the top of the file) so the test does not depend on the clock`,
      ),
    );
  } else if (typeof asOf.value === 'string') {
    const ms = isIsoDateOrDateTime(asOf.value) ? parseInstant(asOf.value) : undefined;
    if (ms === undefined) {
      diagnostics.push(
        err(
          source.locate(asOf.path),
          'malformed-date',
          `malformed as_of '${asOf.value}'; write an ISO date or date-time with a zone (e.g. 2026-11-22 or 2026-11-22T03:00:00Z)`,
        ),
      );
    } else now = new Date(ms);
  }

  const policies: PolicyRef[] = [];
  const policyList = pick(layers, 'policies');
  if (policyList && Array.isArray(policyList.value)) {
    policyList.value.forEach((ref, i) => {
      if (typeof ref !== 'string') return;
      const at = source.locate([...policyList.path, i]);
      const resolved = resolvePolicyRef(ref, source.path);
      if ('problem' in resolved) diagnostics.push(err(at, 'policy-not-found', resolved.problem));
      else policies.push({ ref, path: resolved.path, location: at });
    });
  }

  const observedEntry = pick(layers, 'observed');
  const observed =
    observedEntry && typeof observedEntry.value === 'string'
      ? { path: resolveRelative(source.path, observedEntry.value), location: source.locate(observedEntry.path) }
      : undefined;

  const worldEntry = pick(layers, 'world');
  const world =
    worldEntry && typeof worldEntry.value === 'string'
      ? { path: resolveRelative(source.path, worldEntry.value), location: source.locate(worldEntry.path) }
      : undefined;
  if (world && observed) {
    diagnostics.push(
      err(
        world.location,
        'test-observations',
        `${label} sets both observed and world; use one source of observations (inline observations may be added to either)`,
      ),
    );
  }

  // File-level inline observations first, then the case's over them.
  const observations = new Map<string, InlineObservation>();
  parseObservations(source, ['observations'], top.observations, 'file', observations, diagnostics);
  parseObservations(source, [...base, 'observations'], node.observations, 'case', observations, diagnostics);

  const env: Record<string, string> = {};
  for (const layer of [...layers].reverse()) {
    if (!isJsonObject(layer.node.env)) continue;
    for (const [k, v] of Object.entries(layer.node.env)) if (typeof v === 'string') env[k] = v;
  }

  const expect: ExpectedOutcome[] = [];
  if (isJsonObject(node.expect)) {
    for (const [key, value] of Object.entries(node.expect)) {
      if (typeof value !== 'string') continue;
      const slash = key.indexOf('/');
      const address = slash < 0 ? key : key.slice(0, slash);
      const rule = slash < 0 ? undefined : key.slice(slash + 1);
      const valueAt = source.locate([...base, 'expect', key]);
      const allowed = rule === undefined ? RESOURCE_OUTCOMES : CHECK_OUTCOMES;
      if (!allowed.includes(value)) {
        const what = rule === undefined ? 'a resource' : 'a check';
        diagnostics.push(
          err(
            valueAt,
            'test-expect',
            `'${value}' is not an outcome of ${what}; expected one of: ${allowed.join(', ')}${suggestion(value, allowed)}`,
          ),
        );
        continue;
      }
      expect.push({
        key,
        address,
        ...(rule !== undefined ? { rule } : {}),
        outcome: value as ResourceOutcome | CheckOutcome,
        location: source.locate([...base, 'expect', key], 'key'),
      });
    }
  }

  if (diagnostics.length > before || config === undefined || now === undefined) return undefined;
  return {
    name,
    location,
    configuration: config,
    policies,
    ...(observed ? { observed } : {}),
    ...(world ? { world } : {}),
    observations,
    asOf: now,
    env,
    expect,
  };
}

/** Parses and validates a test file's text. */
export function parseTestFile(
  text: string,
  file: string,
  absolutePath: string,
  validator: Validator = createTestFileValidator(),
): ParsedTestFile {
  const parsed = parseYaml(text, file, absolutePath);
  const diagnostics = [...parsed.diagnostics];
  const source = parsed.source;
  if (!source) return { suite: undefined, diagnostics };
  if (!isJsonObject(source.value)) {
    diagnostics.push(err(source.locate([]), 'schema', 'a test file must be a map with `version: 1` and `tests:`'));
    return { suite: undefined, diagnostics };
  }
  const schemaPhase = schemaDiagnostics(validator(source.value), source);
  diagnostics.push(...schemaPhase);
  const occupied = new Set(schemaPhase.map((d) => formatLocation(d.location)));
  const semantic: Diagnostic[] = [];
  const top = source.value;
  const tests = Array.isArray(top.tests) ? top.tests : [];
  const cases: TestCase[] = [];
  const names = new Map<string, SourceLocation>();
  tests.forEach((_, index) => {
    const built = buildCase(source, index, top, semantic);
    if (!built) return;
    const first = names.get(built.name);
    if (first)
      semantic.push(
        err(built.location, 'duplicate-test-name', `duplicate test name '${built.name}'; first used at ${formatLocation(first)}`),
      );
    else names.set(built.name, built.location);
    cases.push(built);
  });
  // A position the schema already explained does not also get its consequences reported.
  diagnostics.push(...semantic.filter((d) => !occupied.has(formatLocation(d.location))));
  // File-level observations were parsed once per case; report each problem once.
  const unique = [...new Map(diagnostics.map((d) => [`${formatLocation(d.location)} ${d.message}`, d])).values()];
  unique.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  if (unique.some((d) => d.severity === 'error')) return { suite: undefined, diagnostics: unique };
  return { suite: { file, path: absolutePath, cases }, diagnostics: unique };
}
