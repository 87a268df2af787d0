import type { JsonObject, JsonValue } from '../model/json.js';
import { isJsonObject } from '../model/json.js';

/**
 * A fleet repeats its expectations resource after resource (issue 17). What the schema and the
 * expectation checker say about one depends only on its resource type, its attribute and its value,
 * so a value met before under the same type and attribute needs no second look when the first
 * one passed.
 */

/** Equal JSON values (small ones: expectations as written). Walks with for…in: Object.keys would allocate. */
export function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let count = 0;
  for (const k in a) {
    if (!Object.hasOwn(b, k) || !sameValue(a[k], b[k])) return false;
    count += 1;
  }
  for (const k in b) if (Object.hasOwn(b, k)) count -= 1;
  return count === 0;
}

/** A loop, not some(): this runs once per expectation of the configuration. */
function includesValue(values: readonly JsonValue[], v: JsonValue): boolean {
  for (const known of values) if (sameValue(known, v)) return true;
  return false;
}

/** Distinct values remembered per type and attribute: a list searched in full, so kept short. */
const REMEMBERED = 4;

function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  // defineProperty so that a key named `__proto__` stays data, as the reader made it.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * The file as the schema needs to see it: each expectation value once per resource type and
 * attribute (the first time it is written). Everything else is the file's own, at the same paths,
 * so errors point where they would in the whole file. It passes the schema exactly when the whole
 * file does, as long as it passes; when it does not, validate the whole file for every error.
 */
export function withoutRepeatedExpectations(value: JsonValue): JsonValue {
  if (!isJsonObject(value) || !isJsonObject(value.resources)) return value;
  const seen = new Map<string, Map<string, JsonValue[]>>();
  let dropped = false;
  const resources: JsonObject = {};
  const written = value.resources;
  for (const typeName in written) {
    const byName = written[typeName] as JsonValue;
    if (!isJsonObject(byName)) {
      setOwn(resources, typeName, byName);
      continue;
    }
    let ofType = seen.get(typeName);
    if (ofType === undefined) seen.set(typeName, (ofType = new Map<string, JsonValue[]>()));
    const reduced: JsonObject = {};
    for (const name in byName) {
      const resource = byName[name] as JsonValue;
      const expect = isJsonObject(resource) ? resource.expect : undefined;
      if (!isJsonObject(resource) || !isJsonObject(expect)) {
        setOwn(reduced, name, resource);
        continue;
      }
      const novel: JsonObject = {};
      for (const attribute in expect) {
        const v = expect[attribute] as JsonValue;
        let values = ofType.get(attribute);
        if (values === undefined) ofType.set(attribute, (values = []));
        if (includesValue(values, v)) {
          dropped = true;
          continue;
        }
        if (values.length < REMEMBERED) values.push(v);
        setOwn(novel, attribute, v);
      }
      const copy: JsonObject = {};
      for (const key in resource) setOwn(copy, key, key === 'expect' ? novel : (resource[key] as JsonValue));
      setOwn(reduced, name, copy);
    }
    setOwn(resources, typeName, reduced);
  }
  if (!dropped) return value;
  const file: JsonObject = {};
  for (const key in value) setOwn(file, key, key === 'resources' ? resources : (value[key] as JsonValue));
  return file;
}
