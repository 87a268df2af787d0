import { Ajv } from 'ajv';
import type { ErrorObject, SchemaObject, ValidateFunction } from 'ajv';
import { resourceType } from '../resources/registry.js';
import type { ResourceTypeName, ResourceTypeSpec } from '../model/resource-types.js';
import { ApiError } from './types.js';

/**
 * Response validation for the resource types (design.md §2, cloud-apis.md pitfalls 8–9). A schema
 * names only the fields a normalizer reads (Renovate style): unknown fields pass, so vendor
 * additions never break a run; a documented `null` passes and becomes an unknown attribute; a
 * value of the wrong JSON type fails the whole response as `invalid_response`, because guessing
 * what a mistyped value meant could turn into a false pass.
 */

const INVALID_RESPONSE_CODE = 'DW_INVALID_RESPONSE';

/** A response that does not match what the normalizer needs; never retried (the same body would come back). */
export function invalidResponse(action: string, message: string, requestId: string | null): ApiError {
  return new ApiError({
    kind: 'invalid_response',
    code: INVALID_RESPONSE_CODE,
    message: `${action} response: ${message}`,
    requestId,
    retryable: false,
    hint: 'The cloud answered with a body driftwatch cannot interpret; re-run with --debug and report it if it persists.',
  });
}

/** Schema fragments. Leaf fields are nullable: the doc generations disagree on which may be null (pitfall 8). */
export const nullableInteger = { type: ['integer', 'null'] } as const;

/** `a/0/b` (JSON pointer from ajv) → `a[0].b`, the way a user finds it in the vendor doc. */
function fieldName(instancePath: string, extra?: string): string {
  const segments = instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) segments.push(extra);
  let out = '';
  for (const s of segments) out += /^\d+$/.test(s) ? `[${s}]` : out === '' ? s : `.${s}`;
  return out === '' ? '(body)' : out;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function valueAt(body: unknown, instancePath: string): unknown {
  let current: unknown = body;
  for (const raw of instancePath.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** One sentence naming the field; never the value itself (it could be long or sensitive). */
function describe(error: ErrorObject, body: unknown): string {
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty?: string }).missingProperty ?? '?';
    return `field ${fieldName(error.instancePath, missing)} is missing`;
  }
  const field = fieldName(error.instancePath);
  if (error.keyword === 'type') {
    const expected = (error.params as { type?: string | string[] }).type;
    const list = Array.isArray(expected) ? expected.join(' or ') : String(expected);
    return `field ${field} must be ${list} (got ${jsonType(valueAt(body, error.instancePath))})`;
  }
  return `field ${field} ${error.message ?? 'is invalid'}`;
}

export type ResponseValidator = (body: unknown, requestId: string | null) => void;

/**
 * A validator for one API's success body, compiled on first use (so loading the registry, e.g. for
 * `validate`, costs no schema compilation) and cached in this closure for the life of the
 * definition that owns it. Throws an `invalid_response` ApiError naming the first bad field.
 */
export function createResponseValidator(action: string, schema: SchemaObject): ResponseValidator {
  let compiled: ValidateFunction | undefined;
  return (body, requestId) => {
    if (compiled === undefined) {
      // The schemas are fixed and covered by tests, so the draft-07 meta-schema (most of Ajv's
      // start-up cost) is neither loaded nor used to re-check them on every run.
      const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, meta: false, validateSchema: false });
      compiled = ajv.compile(schema);
    }
    if (!compiled(body)) {
      const first = compiled.errors?.[0];
      throw invalidResponse(action, first ? describe(first, body) : 'body does not match the expected schema', requestId);
    }
  };
}

// The pure conversions live with the resource-type declarations (src/resources/convert.ts).
export { attributes, counter, enumName, mapField, remaining, withoutRequestId } from '../resources/convert.js';
export type { Field } from '../resources/convert.js';

/**
 * A resource that cannot be turned into a request (no region for a regional API, no instance id).
 * Configuration validation reports these first; this is the last line, so nothing unsigned-for
 * or ambiguous is ever sent.
 */
export function invalidRequest(code: string, message: string, hint: string): ApiError {
  return new ApiError({ kind: 'invalid_request', code, message, retryable: false, hint });
}

/** The catalog entry a definition wraps; a missing entry is a programming error caught by the registry test. */
export function catalogSpec(name: ResourceTypeName): ResourceTypeSpec {
  const spec = resourceType(name);
  if (!spec) throw new Error(`resource type ${name} is not in the catalog (src/resources/registry.ts)`);
  return spec;
}
