import type { ErrorObject } from 'ajv';
import type { JsonValue } from '../model/json.js';
import { validateConfigSchema } from './schema-validator.generated.js';

/**
 * Validates one file against schemas/driftwatch.schema.json, collecting every error. The
 * validator is ajv's precompiled code for that schema (see schema-codegen.ts), so no schema is
 * compiled at run time.
 */
export function validateSchema(data: JsonValue): readonly ErrorObject[] {
  return validateConfigSchema(data) ? [] : [...(validateConfigSchema.errors ?? [])];
}
