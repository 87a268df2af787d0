import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RESOURCE_TYPES } from '../resources/registry.js';
import type { JsonObject } from '../model/json.js';
import { SCHEMA_URL, buildSchema, schemaText } from './schema.js';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { AJV_OPTIONS, generateValidatorSource } from '../util/schema-codegen.js';

/** Where the precompiled validator is committed, next to the code that uses it. */
const GENERATED_VALIDATOR_URL = new URL('./schema-validator.generated.ts', import.meta.url);

function compileSchema(schema: JsonObject): (data: unknown) => ErrorObject[] {
  const validate = new Ajv({ ...AJV_OPTIONS, code: {} }).compile(schema);
  return (data) => (validate(data) ? [] : [...(validate.errors ?? [])]);
}

describe('schemas/driftwatch.schema.json', () => {
  it('is exactly the schema generated from the resource-type catalog', () => {
    // Regenerate with: DRIFTWATCH_UPDATE_SCHEMA=1 npx vitest run src/config/schema.test.ts
    if (process.env.DRIFTWATCH_UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_URL, schemaText());
    const committed = readFileSync(SCHEMA_URL, 'utf8');
    expect(committed, 'schema drifted from the resource-type declarations (src/resources/); regenerate it (see comment)').toBe(
      schemaText(),
    );
  });

  it('is what the committed precompiled validator was generated from', () => {
    const source = generateValidatorSource(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as JsonObject);
    if (process.env.DRIFTWATCH_UPDATE_SCHEMA === '1') writeFileSync(GENERATED_VALIDATOR_URL, source);
    expect(readFileSync(GENERATED_VALIDATOR_URL, 'utf8'), 'schema-validator.generated.ts is stale; regenerate it (see comment above)').toBe(
      source,
    );
  });

  it('offers every catalog attribute under expect, and nothing else besides raw.*', () => {
    const schema = buildSchema();
    const definitions = schema.definitions as JsonObject;
    for (const type of RESOURCE_TYPES) {
      const def = definitions[`resource_${type.name}`] as JsonObject;
      const expectSchema = (def.properties as JsonObject).expect as JsonObject;
      expect(Object.keys(expectSchema.properties as JsonObject).sort()).toEqual(type.attributes.map((a) => a.name).sort());
      expect(expectSchema.additionalProperties).toBe(false);
      expect(def.required).toEqual(['provider', ...type.identifiers]);
    }
  });

  it('compiles under ajv strict mode and accepts the documented example', () => {
    const validate = compileSchema(buildSchema());
    const errors = validate({
      version: 1,
      providers: {
        tencentcloud: { prod: { region: 'ap-guangzhou', site: 'intl', credentials: { profile: 'prod' } } },
        alicloud: { prod: { region: 'cn-hangzhou' } },
      },
      policies: ['builtin:baseline', './policies/team.yaml'],
      resources: {
        tencentcloud_kms_service: {
          'prod-gz': {
            provider: 'tencentcloud.prod',
            expect: { edition: 'ultimate', auto_renew: true, expires_at: { not_within: '30d', severity: 'high' } },
          },
        },
        alicloud_cas_private_ca: {
          root: {
            provider: 'alicloud.prod',
            instance_id: 'cas-member-0hmi1234',
            expect: { status: 'USED', certificates_remaining: { at_least: 100 } },
          },
        },
      },
      waivers: [
        { resource: 'alicloud_cas_private_ca.root', rule: 'certificates_remaining', reason: 'r', owner: 'o', expires: '2027-01-31' },
      ],
    });
    expect(errors).toEqual([]);
  });

  it('rejects two operators in one expectation and an instance type without instance_id', () => {
    const validate = compileSchema(buildSchema());
    const errors = validate({
      resources: {
        alicloud_kms_instance: { main: { provider: 'alicloud.prod', expect: { key_quota: { at_least: 1, at_most: 5 } } } },
      },
    });
    expect(
      errors.some((e) => e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === 'instance_id'),
    ).toBe(true);
    expect(errors.some((e) => e.instancePath === '/resources/alicloud_kms_instance/main/expect/key_quota')).toBe(true);
  });
});
