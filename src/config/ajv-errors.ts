import { quoteValue } from '../model/clip.js';
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../model/location.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';
import { pointerToPath } from '../util/load-yaml.js';
import type { PathSegment, YamlSource } from '../util/load-yaml.js';
import { suggestion } from '../util/did-you-mean.js';
import { isSecretLikeKey } from './secret-keys.js';
import { CLOUDS, NON_BLANK } from './schema.js';

export interface MappedSchemaErrors {
  readonly diagnostics: Diagnostic[];
  /** `type.name` + attribute of expectations the schema rejected; their checker must explain why. */
  readonly flaggedExpectations: ReadonlySet<string>;
}

/** Human name of the thing at `path`, for "unknown key 'x' in …" messages. */
function describePath(path: readonly PathSegment[]): string {
  const [a, b, c, d] = path;
  if (path.length === 0) return 'the configuration';
  if (a === 'providers') {
    if (path.length === 1) return 'providers';
    if (path.length === 2) return `providers.${String(b)}`;
    if (path.length === 3) return `provider ${String(b)}.${String(c)}`;
    if (path.length === 4) return `'${String(d)}' of provider ${String(b)}.${String(c)}`;
    return `${path.slice(3).join('.')} of provider ${String(b)}.${String(c)}`;
  }
  if (a === 'resources') {
    if (path.length === 1) return 'resources';
    if (path.length === 2) return `resources.${String(b)}`;
    if (path.length === 3) return `resource ${String(b)}.${String(c)}`;
    return `'${path.slice(3).join('.')}' of resource ${String(b)}.${String(c)}`;
  }
  if (a === 'waivers' && typeof b === 'number') {
    return path.length === 2 ? `waiver #${b + 1}` : `'${path.slice(2).join('.')}' of waiver #${b + 1}`;
  }
  if (a === 'policies' && typeof b === 'number') return `policies item ${b + 1}`;
  return `'${path.join('.')}'`;
}

/** A JSON Schema type (or list of them) as a user reads it: `a map`, `a whole number or empty`. */
export function typeName(type: unknown): string {
  const names: Record<string, string> = {
    object: 'a map',
    array: 'a list',
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    null: 'empty',
  };
  const list = Array.isArray(type) ? type : [type];
  return list.map((t) => names[String(t)] ?? String(t)).join(' or ');
}

function isExpectationPath(path: readonly PathSegment[]): boolean {
  return path.length >= 5 && path[0] === 'resources' && path[3] === 'expect';
}

function isCredentialsPath(path: readonly PathSegment[]): boolean {
  return path.length >= 4 && path[0] === 'providers' && path[3] === 'credentials';
}

function objectAt(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** Follows a local `$ref` (`#/definitions/x`), as the generator writes them. */
function deref(root: JsonObject, node: JsonObject | undefined): JsonObject | undefined {
  let current = node;
  for (let i = 0; i < 8 && current && typeof current.$ref === 'string'; i++) {
    let target: JsonValue | undefined = root;
    for (const segment of current.$ref
      .replace(/^#\/?/, '')
      .split('/')
      .filter((x) => x !== ''))
      target = objectAt(target)?.[segment];
    current = objectAt(target);
  }
  return current;
}

/**
 * The keys the schema allows at an instance path. ajv's schemaPath is relative to the `$ref`'d
 * definition, so the schema is walked along the instance path instead.
 */
function allowedKeys(schema: JsonValue, path: readonly PathSegment[]): string[] {
  const root = objectAt(schema);
  if (!root) return [];
  let node = deref(root, root);
  for (const segment of path) {
    if (!node) return [];
    if (typeof segment === 'number') {
      node = deref(root, objectAt(node.items));
      continue;
    }
    const props = objectAt(node.properties);
    const pattern = Object.entries(objectAt(node.patternProperties) ?? {}).find(([re]) => new RegExp(re).test(segment));
    node = deref(root, objectAt(props?.[segment]) ?? objectAt(pattern?.[1]) ?? objectAt(node.additionalProperties));
  }
  return Object.keys(objectAt(node?.properties) ?? {});
}

function valueAt(data: JsonValue, path: readonly PathSegment[]): JsonValue | undefined {
  let node: JsonValue | undefined = data;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (node !== null && typeof node === 'object' && !Array.isArray(node)) node = node[String(segment)];
    else return undefined;
  }
  return node;
}

function unknownKeyMessage(path: readonly PathSegment[], key: string, allowed: readonly string[], types: TypeRegistry): string {
  if (path.length === 0) return `unknown top-level key '${key}'${suggestion(key, allowed)}`;
  if (path.length === 1 && path[0] === 'providers') {
    const hint = suggestion(key, CLOUDS);
    return `unknown cloud '${key}' under providers${hint || `; expected one of: ${CLOUDS.join(', ')}`}`;
  }
  if (path.length === 1 && path[0] === 'resources') {
    const hint = suggestion(key, allowed);
    return `unknown resource type '${key}'${hint || `; known types: ${allowed.join(', ')}`}`;
  }
  if (path.length === 4 && path[0] === 'resources' && path[3] === 'expect') {
    const type = String(path[1]);
    const hint = suggestion(key, allowed);
    return `unknown attribute '${key}' for ${type}${hint || '; see the attributes listed in the schema, or use raw.<VendorField>'}`;
  }
  if (path.length === 3 && path[0] === 'resources' && key === 'region') {
    const spec = types.resourceType(String(path[1]));
    if (spec && !spec.regional) return `${spec.name} is not regional: 'region' is not allowed in resource ${spec.name}.${String(path[2])}`;
  }
  return `unknown key '${key}' in ${describePath(path)}${suggestion(key, allowed)}`;
}

function patternMessage(path: readonly PathSegment[], value: unknown): string {
  const last = path[path.length - 1];
  const shown = typeof value === 'string' ? `'${value}'` : 'value';
  if (last === 'provider')
    return `${describePath(path)} must be a provider reference <cloud>.<alias> (e.g. tencentcloud.prod), not ${shown}`;
  if (last === 'region') return `${describePath(path)}: ${shown} is not a region name (e.g. ap-guangzhou, cn-hangzhou)`;
  if (last === 'endpoint') return `${describePath(path)} must be an http:// or https:// URL`;
  if (path[0] === 'waivers' && last === 'resource') return `${describePath(path)} must be a resource address <type>.<name>, not ${shown}`;
  if (last === 'instance_id') return `${describePath(path)}: ${shown} is not an instance ID`;
  return `${describePath(path)}: ${shown} has an invalid format`;
}

function mapOne(
  error: ErrorObject,
  path: PathSegment[],
  source: YamlSource,
  data: JsonValue,
  schema: JsonValue,
  types: TypeRegistry,
): Diagnostic | undefined {
  const at = (p: readonly PathSegment[], part: 'key' | 'value' = 'value'): Diagnostic['location'] => source.locate(p, part);
  const make = (location: Diagnostic['location'], message: string): Diagnostic => ({
    location,
    message,
    rule: 'schema',
    severity: 'error',
  });
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      // Secret-looking keys get the credentials-literal rule's message instead.
      if (path[0] === 'providers' && isSecretLikeKey(key)) return undefined;
      return make(at([...path, key], 'key'), unknownKeyMessage(path, key, allowedKeys(schema, path), types));
    }
    case 'required':
      return make(at(path), `missing required key '${String(params.missingProperty)}' in ${describePath(path)}`);
    case 'type':
      return make(at(path), `${describePath(path)} must be ${typeName(params.type)}`);
    case 'enum': {
      if (path.length === 1 && path[0] === 'version') return make(at(path), 'version must be 1 (the only configuration language version)');
      const allowed = (params.allowedValues as unknown[]).map(String);
      const value = valueAt(data, path);
      const shown = quoteValue(value);
      return make(
        at(path),
        `${describePath(path)}: ${shown} is not one of ${allowed.join(', ')}${typeof value === 'string' ? suggestion(value, allowed) : ''}`,
      );
    }
    case 'propertyNames':
      return make(
        at([...path, String(params.propertyName)], 'key'),
        `invalid name '${String(params.propertyName)}' in ${describePath(path)}: use letters, digits, '_' and '-', starting with a letter or digit`,
      );
    case 'pattern':
      // Errors inside propertyNames carry the offending name; the propertyNames error reports it.
      if (error.propertyName !== undefined) return undefined;
      if (params.pattern === NON_BLANK) return make(at(path), `${describePath(path)} must not be empty`);
      return make(at(path), patternMessage(path, valueAt(data, path)));
    case 'minItems':
      return make(at(path), `${describePath(path)} must not be an empty list`);
    case 'exclusiveMinimum':
    case 'minimum':
      return make(at(path), `${describePath(path)} must be a positive number`);
    case 'maximum':
      return make(at(path), `${describePath(path)} must be at most ${String(params.limit)}`);
    default:
      return make(at(path), `${describePath(path)}: ${error.message ?? 'is invalid'}`);
  }
}

/**
 * Turns ajv's errors into located diagnostics with messages a person can act on. Expectations
 * and credentials are explained by their own checks (which know what was meant), so their
 * schema errors are only recorded here.
 */
export function mapAjvErrors(
  errors: readonly ErrorObject[],
  source: YamlSource,
  data: JsonValue,
  schema: JsonValue,
  types: TypeRegistry = BUILTIN_TYPES,
): MappedSchemaErrors {
  const diagnostics: Diagnostic[] = [];
  const flaggedExpectations = new Set<string>();
  const seen = new Set<string>();
  for (const error of errors) {
    const path = pointerToPath(error.instancePath, data);
    if (isExpectationPath(path)) {
      flaggedExpectations.add(`${String(path[1])}.${String(path[2])}/${String(path[4])}`);
      continue;
    }
    if (isCredentialsPath(path)) continue;
    // anyOf/oneOf summaries repeat what their branches said.
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') continue;
    const diagnostic = mapOne(error, path, source, data, schema, types);
    if (!diagnostic) continue;
    const key = `${diagnostic.location.line}:${diagnostic.location.column}:${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(diagnostic);
  }
  return { diagnostics, flaggedExpectations };
}
