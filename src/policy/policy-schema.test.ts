import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../model/json.js';
import { GENERATED_POLICY_VALIDATOR_URL, generatePolicyValidatorSource } from './policy-codegen.js';
import { POLICY_SCHEMA_URL, policySchemaText } from './policy-schema.js';
import { createPolicyValidator } from './policy-file.js';

describe('schemas/policy.schema.json', () => {
  it('equals the schema generated from the resource-type catalog', () => {
    // Regenerate with: DRIFTWATCH_UPDATE_SCHEMA=1 npx vitest run src/policy/policy-schema.test.ts
    if (process.env.DRIFTWATCH_UPDATE_SCHEMA === '1') writeFileSync(POLICY_SCHEMA_URL, policySchemaText());
    expect(readFileSync(POLICY_SCHEMA_URL, 'utf8'), 'policy schema drifted from the catalog; regenerate it (see comment)').toBe(
      policySchemaText(),
    );
  });

  it('is what the committed precompiled validator was generated from', () => {
    const source = generatePolicyValidatorSource(JSON.parse(readFileSync(POLICY_SCHEMA_URL, 'utf8')) as JsonObject);
    // Regenerate with the same command as above.
    if (process.env.DRIFTWATCH_UPDATE_SCHEMA === '1') writeFileSync(GENERATED_POLICY_VALIDATOR_URL, source);
    expect(
      readFileSync(GENERATED_POLICY_VALIDATOR_URL, 'utf8'),
      'policy-validator.generated.ts is stale; regenerate it (see comment above)',
    ).toBe(source);
  });

  it('compiles in ajv strict mode and accepts a minimal pack', () => {
    const validate = createPolicyValidator();
    const ok = validate({
      version: 1,
      rules: [
        {
          id: 'a.b',
          title: 't',
          severity: 'low',
          resource_type: 'alicloud_kms_instance',
          assert: { status: 'Connected' },
          remediation: 'r',
        },
      ],
    });
    expect(ok).toEqual([]);
    const bad = validate({
      version: 1,
      rules: [{ id: 'nodot', title: 't', severity: 'low', resource_type: 'alicloud_kms_instance', assert: {}, remediation: 'r' }],
    });
    expect(bad.map((e) => e.keyword).sort()).toEqual(['minProperties', 'pattern']);
  });

  it('attaches the failing schema and value (the error mapping needs both) and rejects blank globs', () => {
    const errors = createPolicyValidator()({
      version: 1,
      rules: [
        {
          id: 'a.b',
          title: 't',
          severity: 'urgent',
          resource_type: 'alicloud_kms_instance',
          assert: { status: 'Connected' },
          remediation: 'r',
          where: { name: ' ' },
          tags: [],
        },
      ],
    });
    const unknownKey = errors.find((e) => e.keyword === 'additionalProperties' && e.instancePath === '/rules/0');
    expect(Object.keys((unknownKey?.parentSchema as { properties?: object } | undefined)?.properties ?? {})).toContain('remediation');
    const badSeverity = errors.find((e) => e.keyword === 'enum' && e.instancePath === '/rules/0/severity');
    expect(badSeverity?.data).toBe('urgent');
    expect(errors.some((e) => e.keyword === 'anyOf' && e.instancePath === '/rules/0/where/name')).toBe(true);
  });
});
