import { clipText, quoteValue } from '../model/clip.js';
import { readFile } from 'node:fs/promises';
import { decodeUtf8 } from '../model/text-encoding.js';
import type { ErrorObject } from 'ajv';
import { suggestion } from '../util/did-you-mean.js';
import { parseExpectation } from '../config/expectations.js';
import { typeName } from '../config/ajv-errors.js';
import { parseYaml, pointerToPath } from '../util/load-yaml.js';
import type { PathSegment, YamlSource } from '../util/load-yaml.js';
import { CLOUDS, RAW_ATTRIBUTE_PATTERN } from '../config/schema.js';
import type { PolicyRef, Severity } from '../model/desired-state.js';
import { ConfigError } from '../model/errors.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { isJsonObject } from '../model/json.js';
import type { Diagnostic, SourceLocation } from '../model/location.js';
import { formatLocation } from '../model/location.js';
import { attributeSpec, resourceType } from '../resources/registry.js';
import type { ResourceTypeSpec } from '../model/resource-types.js';
import type { PolicyAssertion, PolicyPack, PolicyRule, PolicySelector } from './policy-pack.js';
import { validatePolicySchema } from './policy-validator.generated.js';
import { displayName, ioReason } from '../util/input-files.js';

/**
 * Loading policy files (design.md §3): YAML with positions, the JSON Schema
 * (`schemas/policy.schema.json`, all errors), then semantic checks — attribute names against
 * the resource type's catalog with a did-you-mean, operands as `expect` checks them, selectors,
 * unique ids. Every problem is a located Diagnostic (`file:line:column: message`); nothing here
 * throws for bad input, so a file's problems are all reported at once.
 */

export interface PolicyFileResult {
  /** Undefined when the file has any error. */
  readonly pack: PolicyPack | undefined;
  readonly diagnostics: Diagnostic[];
}

export interface PolicyPacksResult {
  /** Only the packs that loaded without error; use them only when no diagnostic is an error. */
  readonly packs: PolicyPack[];
  readonly diagnostics: Diagnostic[];
}

export interface PolicyLoadOptions {
  /** File names in diagnostics are shown relative to this directory. */
  readonly cwd: string;
  /** A validator compiled once and shared by several loads (optional). */
  readonly validator?: SchemaValidator;
  /** Results by absolute path, for callers that load the same files many times (`driftwatch test`). */
  readonly cache?: Map<string, PolicyFileResult>;
}

const RAW = new RegExp(RAW_ATTRIBUTE_PATTERN);
const PROVIDER_PATTERN = /^[A-Za-z0-9*?][A-Za-z0-9_*?-]*(?:\.[A-Za-z0-9*?][A-Za-z0-9_*?-]*)?$/;
const RULE_KEYS = ['id', 'title', 'description', 'severity', 'resource_type', 'where', 'when', 'assert', 'remediation', 'controls'];

function err(location: SourceLocation, rule: string, message: string): Diagnostic {
  return { location, message, rule, severity: 'error' };
}

export type SchemaValidator = (data: JsonValue) => readonly ErrorObject[];

/**
 * The policy schema validator, with every error collected and the failing schema and value
 * attached (`verbose`). It is ajv's precompiled code for schemas/policy.schema.json without the
 * editor-only per-type attribute lists (see policy-codegen.ts): the semantic phase checks
 * attribute names exactly, and compiling the schema at run time dominated start-up.
 */
export function createPolicyValidator(): SchemaValidator {
  return (data) => (validatePolicySchema(data) ? [] : [...(validatePolicySchema.errors ?? [])]);
}

// ---------------------------------------------------------------------------------------------
// Schema phase

function ruleName(data: JsonValue, index: number): string {
  const rules = isJsonObject(data) ? data.rules : undefined;
  const rule = Array.isArray(rules) ? rules[index] : undefined;
  const id = isJsonObject(rule) && typeof rule.id === 'string' && rule.id !== '' ? ` (${rule.id})` : '';
  return `rule #${index + 1}${id}`;
}

/** Human name of the thing at `path`, for messages. */
function describe(path: readonly PathSegment[], data: JsonValue): string {
  if (path.length === 0) return 'the policy file';
  if (path[0] === 'rules' && typeof path[1] === 'number') {
    const rule = ruleName(data, path[1]);
    return path.length === 2 ? rule : `'${path.slice(2).join('.')}' of ${rule}`;
  }
  return `'${path.join('.')}'`;
}

function inAssertion(path: readonly PathSegment[], keyword: string): boolean {
  if (path[0] !== 'rules' || (path[2] !== 'assert' && path[2] !== 'when')) return false;
  return path.length >= 4 || (path.length === 3 && keyword === 'additionalProperties');
}

function inSelectorList(path: readonly PathSegment[]): boolean {
  return path.length >= 4 && path[0] === 'rules' && path[2] === 'where' && path[3] !== undefined;
}

function schemaMessage(error: ErrorObject, path: PathSegment[], data: JsonValue, source: YamlSource): Diagnostic | undefined {
  const params = error.params as Record<string, unknown>;
  const what = describe(path, data);
  const at = (p: readonly PathSegment[], part: 'key' | 'value' = 'value'): SourceLocation => source.locate(p, part);
  const make = (location: SourceLocation, message: string): Diagnostic => err(location, 'schema', message);
  const last = path[path.length - 1];
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed =
        path.length === 2 ? RULE_KEYS : Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const where = path.length === 0 ? `unknown top-level key '${key}'` : `unknown key '${key}' in ${what}`;
      return make(at([...path, key], 'key'), `${where}${suggestion(key, allowed)}`);
    }
    case 'required':
      return make(at(path), `missing required key '${String(params.missingProperty)}' in ${what}`);
    case 'type':
      return make(at(path), `${what} must be ${typeName(params.type)}`);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const shown = quoteValue(error.data);
      const hint = typeof error.data === 'string' ? suggestion(error.data, allowed) : '';
      return make(at(path), `${what}: ${shown} is not one of ${allowed.join(', ')}${hint}`);
    }
    case 'pattern':
      if (last === 'id') {
        return make(
          at(path),
          `${what}: invalid rule id ${typeof error.data === 'string' ? JSON.stringify(clipText(error.data)) : quoteValue(error.data)}; use lowercase words joined by '.' or '-' (at least one), e.g. tc-kms.auto-renew`,
        );
      }
      return make(at(path), `${what} must not be empty`);
    case 'minLength':
      return make(at(path), `${what} must not be empty`);
    case 'minItems':
      return make(at(path), `${what} must not be an empty list`);
    case 'minProperties':
      return make(at(path), `${what} must not be empty`);
    case 'uniqueItems':
      return make(at(path), `${what} lists the same entry twice`);
    case 'anyOf':
      if (inSelectorList(path)) return make(at(path), `${what} must be a pattern or a list of patterns`);
      return undefined;
    case 'if':
    case 'oneOf':
      return undefined;
    default:
      return make(at(path), `${what}: ${error.message ?? 'is invalid'}`);
  }
}

function schemaDiagnostics(errors: readonly ErrorObject[], source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const path = pointerToPath(error.instancePath, source.value);
    // Attribute names and operands are explained by the semantic phase, which knows the catalog.
    if (inAssertion(path, error.keyword)) continue;
    // The branches of "pattern or list of patterns" are summarised by the anyOf message.
    if (inSelectorList(path) && error.keyword !== 'anyOf' && error.schemaPath.includes('/anyOf/')) continue;
    const d = schemaMessage(error, path, source.value, source);
    if (d === undefined) continue;
    const key = `${formatLocation(d.location)} ${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Semantic phase

function assertions(
  source: YamlSource,
  base: readonly PathSegment[],
  node: JsonValue | undefined,
  spec: ResourceTypeSpec,
  ruleLabel: string,
  diagnostics: Diagnostic[],
): PolicyAssertion[] {
  if (!isJsonObject(node)) return [];
  const out: PolicyAssertion[] = [];
  const section = String(base[base.length - 1]);
  for (const [name, value] of Object.entries(node)) {
    const path = [...base, name];
    const keyAt = source.locate(path, 'key');
    const attribute = attributeSpec(spec, name);
    if (!attribute && !RAW.test(name)) {
      const names = spec.attributes.map((a) => a.name);
      const hint = suggestion(name, names) || `; attributes of ${spec.name}: ${names.join(', ')}, or raw.<VendorField>`;
      diagnostics.push(err(keyAt, 'unknown-attribute', `${ruleLabel}: unknown attribute '${name}' for ${spec.name} in ${section}${hint}`));
      continue;
    }
    if (isJsonObject(value)) {
      let misplaced = false;
      for (const key of ['severity', 'description']) {
        if (!Object.hasOwn(value, key)) continue;
        misplaced = true;
        const message =
          key === 'severity'
            ? `${ruleLabel}: severity is set once for the whole rule, not on '${name}' in ${section}`
            : `${ruleLabel}: description belongs to the rule, not to '${name}' in ${section}`;
        diagnostics.push(err(source.locate([...path, key], 'key'), 'schema', message));
      }
      if (misplaced) continue;
    }
    const result = parseExpectation(value, attribute, name);
    for (const p of result.problems) {
      const location = p.path.length === 0 && p.part === 'key' ? keyAt : source.locate([...path, ...p.path], p.part);
      diagnostics.push(err(location, p.rule, `${ruleLabel}: ${p.message}`));
    }
    if (result.expectation && result.problems.length === 0) {
      out.push({ attribute: name, operator: result.expectation.operator, expected: result.expectation.expected, location: keyAt });
    }
  }
  return out;
}

function patterns(value: JsonValue | undefined): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return undefined;
}

function selector(
  source: YamlSource,
  base: readonly PathSegment[],
  node: JsonValue | undefined,
  spec: ResourceTypeSpec,
  ruleLabel: string,
  diagnostics: Diagnostic[],
): PolicySelector | undefined {
  if (!isJsonObject(node)) return undefined;
  const provider = patterns(node.provider);
  const name = patterns(node.name);
  let labels: Record<string, string[]> | undefined;
  if (isJsonObject(node.labels)) {
    labels = {};
    for (const [k, v] of Object.entries(node.labels)) {
      const p = patterns(v);
      if (p) Object.defineProperty(labels, k, { value: p, enumerable: true, writable: true, configurable: true });
    }
  }
  (provider ?? []).forEach((pattern, i) => {
    const at = source.locate(typeof node.provider === 'string' ? [...base, 'provider'] : [...base, 'provider', i]);
    if (!PROVIDER_PATTERN.test(pattern)) {
      diagnostics.push(
        err(at, 'selector', `${ruleLabel}: where.provider '${pattern}' is neither a provider reference <cloud>.<alias> nor an alias`),
      );
      return;
    }
    const dot = pattern.indexOf('.');
    if (dot < 0) return;
    const cloud = pattern.slice(0, dot);
    if (/[*?]/.test(cloud)) return;
    if (!(CLOUDS as readonly string[]).includes(cloud)) {
      diagnostics.push(
        err(
          at,
          'selector',
          `${ruleLabel}: unknown cloud '${cloud}' in where.provider '${pattern}'${suggestion(cloud, CLOUDS) || `; expected one of: ${CLOUDS.join(', ')}`}`,
        ),
      );
    } else if (cloud !== spec.cloud) {
      diagnostics.push(
        err(
          at,
          'selector',
          `${ruleLabel}: where.provider '${pattern}' is a ${cloud} provider but ${spec.name} resources use ${spec.cloud} providers, so the rule would never apply`,
        ),
      );
    }
  });
  return {
    ...(provider !== undefined ? { provider } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(labels !== undefined ? { labels } : {}),
  };
}

function str(node: JsonObject, key: string): string | undefined {
  const v = node[key];
  return typeof v === 'string' ? v : undefined;
}

function buildRules(source: YamlSource, diagnostics: Diagnostic[]): PolicyRule[] {
  const data = source.value;
  const rules = isJsonObject(data) && Array.isArray(data.rules) ? data.rules : [];
  const out: PolicyRule[] = [];
  const firstById = new Map<string, SourceLocation>();
  rules.forEach((node, index) => {
    if (!isJsonObject(node)) return;
    const base: PathSegment[] = ['rules', index];
    const label = ruleName(data, index);
    const id = str(node, 'id');
    const idAt = source.locate([...base, 'id']);
    if (id !== undefined) {
      const first = firstById.get(id);
      if (first) diagnostics.push(err(idAt, 'duplicate-rule-id', `duplicate rule id '${id}'; first defined at ${formatLocation(first)}`));
      else firstById.set(id, idAt);
    }
    const spec = resourceType(str(node, 'resource_type') ?? '');
    // Without a known type the attributes cannot be checked; the schema reported the type.
    if (!spec) return;
    const before = diagnostics.length;
    const where = selector(source, [...base, 'where'], node.where, spec, label, diagnostics);
    const when = assertions(source, [...base, 'when'], node.when, spec, label, diagnostics);
    const assert = assertions(source, [...base, 'assert'], node.assert, spec, label, diagnostics);
    const title = str(node, 'title');
    const severity = str(node, 'severity');
    const remediation = str(node, 'remediation');
    if (diagnostics.length > before || id === undefined || title === undefined || severity === undefined || remediation === undefined)
      return;
    const controls = Array.isArray(node.controls) ? node.controls.filter((c): c is string => typeof c === 'string') : [];
    const description = str(node, 'description');
    out.push({
      id,
      title,
      severity: severity as Severity,
      resourceType: spec.name,
      ...(where !== undefined ? { where } : {}),
      when,
      assert,
      remediation,
      controls,
      ...(description !== undefined ? { description } : {}),
      location: idAt,
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Parses and validates one policy file's text. */
export function parsePolicyFile(
  text: string,
  file: string,
  absolutePath: string,
  validator: SchemaValidator = createPolicyValidator(),
): PolicyFileResult {
  const parsed = parseYaml(text, file, absolutePath);
  const diagnostics = [...parsed.diagnostics];
  const source = parsed.source;
  if (!source) return { pack: undefined, diagnostics };
  if (!isJsonObject(source.value)) {
    diagnostics.push(err(source.locate([]), 'schema', 'a policy file must be a map with `version: 1` and `rules:`'));
    return { pack: undefined, diagnostics };
  }
  const schemaPhase = schemaDiagnostics(validator(source.value), source);
  const occupied = new Set(schemaPhase.map((d) => formatLocation(d.location)));
  diagnostics.push(...schemaPhase);
  const semantic: Diagnostic[] = [];
  const rules = buildRules(source, semantic);
  // A position the schema already explained does not also get its consequences reported.
  diagnostics.push(...semantic.filter((d) => !occupied.has(formatLocation(d.location))));
  diagnostics.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  if (diagnostics.some((d) => d.severity === 'error')) return { pack: undefined, diagnostics };
  const name = str(source.value, 'name');
  const description = str(source.value, 'description');
  return {
    pack: {
      file,
      path: absolutePath,
      ...(name !== undefined ? { name } : {}),
      ...(description !== undefined ? { description } : {}),
      rules,
    },
    diagnostics,
  };
}

/**
 * Reads one policy file. `referencedAt` is where a configuration named it: an unreadable file is
 * reported there (the user's line), otherwise at the file itself.
 */
export async function loadPolicyFile(path: string, options: PolicyLoadOptions, referencedAt?: SourceLocation): Promise<PolicyFileResult> {
  const shown = displayName(options.cwd, path);
  let text: string;
  try {
    const decoded = decodeUtf8(await readFile(path));
    if ('problem' in decoded)
      return { pack: undefined, diagnostics: [err({ file: shown, line: 1, column: 1 }, 'encoding', `${shown}: ${decoded.problem}`)] };
    text = decoded.text;
  } catch (error) {
    const location = referencedAt ?? { file: shown, line: 1, column: 1 };
    return { pack: undefined, diagnostics: [err(location, 'policy-not-found', `cannot read policy file ${shown}: ${ioReason(error)}`)] };
  }
  return parsePolicyFile(text, shown, path, options.validator ?? createPolicyValidator());
}

/**
 * Loads the policy files a configuration names (each once, in order) and checks that rule ids
 * are unique across all of them, since waivers and reports name rules by id alone.
 */
export async function loadPolicyPacks(refs: readonly PolicyRef[], options: PolicyLoadOptions): Promise<PolicyPacksResult> {
  const validator = options.validator ?? createPolicyValidator();
  const packs: PolicyPack[] = [];
  const diagnostics: Diagnostic[] = [];
  const seenPaths = new Set<string>();
  const ids = new Map<string, PolicyRule>();
  for (const ref of refs) {
    if (seenPaths.has(ref.path)) continue;
    seenPaths.add(ref.path);
    let result = options.cache?.get(ref.path);
    if (result === undefined) {
      result = await loadPolicyFile(ref.path, { ...options, validator }, ref.location);
      // An unreadable file is reported where it was named, which differs per reference.
      if (result.pack) options.cache?.set(ref.path, result);
    }
    diagnostics.push(...result.diagnostics);
    if (!result.pack) continue;
    let clash = false;
    for (const rule of result.pack.rules) {
      const first = ids.get(rule.id);
      if (first) {
        clash = true;
        diagnostics.push(
          err(
            rule.location,
            'duplicate-rule-id',
            `rule id '${rule.id}' is already defined at ${formatLocation(first.location)}; rule ids must be unique across policy files`,
          ),
        );
      } else ids.set(rule.id, rule);
    }
    if (!clash) packs.push(result.pack);
  }
  return { packs, diagnostics };
}

/** `loadPolicyPacks`, throwing a ConfigError with every diagnostic when any is an error. */
export async function loadValidPolicyPacks(refs: readonly PolicyRef[], options: PolicyLoadOptions): Promise<PolicyPack[]> {
  const result = await loadPolicyPacks(refs, options);
  if (result.diagnostics.some((d) => d.severity === 'error')) throw new ConfigError(result.diagnostics, 'policy');
  return result.packs;
}
