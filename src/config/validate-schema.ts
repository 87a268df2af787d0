import type { ErrorObject } from 'ajv';
import type { JsonValue } from '../model/json.js';
import type { TypeRegistry } from '../resources/registry.js';
import { buildSchema } from './schema.js';
import { validateConfigSchema } from './schema-validator.generated.js';

/**
 * Validates one file against schemas/driftwatch.schema.json, collecting every error. The
 * validator is ajv's precompiled code for that schema (see schema-codegen.ts), so no schema is
 * compiled at run time.
 */
export function validateSchema(data: JsonValue): readonly ErrorObject[] {
  return validateConfigSchema(data) ? [] : [...(validateConfigSchema.errors ?? [])];
}

/**
 * The schema validator for a registry of resource types: the precompiled one for the built-in
 * types; for any other registry (a type that exists only in a test's fixtures) its schema is
 * generated and compiled now, which costs what the precompiled validator saves, once per load
 * (ajv is loaded only then, so the built-in path's start-up stays as it was).
 */
export async function schemaValidatorFor(types: TypeRegistry): Promise<(data: JsonValue) => readonly ErrorObject[]> {
  if (types.builtin) return validateSchema;
  const [{ Ajv }, { AJV_OPTIONS }] = await Promise.all([import('ajv'), import('../util/schema-codegen.js')]);
  const validate = new Ajv({ ...AJV_OPTIONS, code: {} }).compile(buildSchema(types));
  return (data) => (validate(data) ? [] : [...(validate.errors ?? [])]);
}
