import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** test/fixtures/schemas/README.md: the vendored NIST OSCAL 1.2.1 assessment-results schema and its digest. */
const OSCAL_SCHEMA_SHA256 = '4f9e277a177adbcca9527612ce450a33dc6096773fa229d413d801d196c61985';
const SCHEMA_URL = new URL('../fixtures/schemas/oscal_assessment-results_schema-1.2.1.json', import.meta.url);

/** The schema compiled as published (ajv strict mode, formats checked). Throws if the vendored copy was edited. */
export function oscalValidator(): ValidateFunction {
  const bytes = readFileSync(SCHEMA_URL);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== OSCAL_SCHEMA_SHA256)
    throw new Error(`the vendored OSCAL schema changed (sha256 ${digest}); see test/fixtures/schemas/README.md`);
  const ajv = new Ajv({ allErrors: true });
  // ajv-formats is CommonJS; its default export arrives wrapped under ESM.
  const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
    ajv: Ajv,
  ) => Ajv;
  addFormats(ajv);
  return ajv.compile(JSON.parse(bytes.toString('utf8')) as object);
}
