import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POLICY_SCHEMA_URL, policySchemaText } from './policy-schema.js';
import { createPolicyValidator } from './policy-file.js';

describe('schemas/policy.schema.json', () => {
  it('equals the schema generated from the resource-type catalog', () => {
    // Regenerate with: DRIFTWATCH_UPDATE_SCHEMA=1 npx vitest run src/policy/policy-schema.test.ts
    if (process.env.DRIFTWATCH_UPDATE_SCHEMA === '1') writeFileSync(POLICY_SCHEMA_URL, policySchemaText());
    expect(readFileSync(POLICY_SCHEMA_URL, 'utf8'), 'policy schema drifted from the catalog; regenerate it (see comment)').toBe(policySchemaText());
  });

  it('compiles in ajv strict mode and accepts a minimal pack', () => {
    const validate = createPolicyValidator();
    const ok = validate({
      version: 1,
      rules: [{ id: 'a.b', title: 't', severity: 'low', resource_type: 'alicloud_kms_instance', assert: { status: 'Connected' }, remediation: 'r' }],
    });
    expect(ok).toEqual([]);
    const bad = validate({ version: 1, rules: [{ id: 'nodot', title: 't', severity: 'low', resource_type: 'alicloud_kms_instance', assert: {}, remediation: 'r' }] });
    expect(bad.map((e) => e.keyword).sort()).toEqual(['minProperties', 'pattern']);
  });
});
