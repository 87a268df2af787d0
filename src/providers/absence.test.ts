import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RESOURCE_TYPES } from '../resources/registry.js';
import { ABSENCE_TABLE, canBeAbsent, errorProvesAbsence } from './absence.js';
import { classifyCode } from './http/classify.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the absence table', () => {
  it('has one entry per resource type, and account-level types can never be absent', () => {
    expect(ABSENCE_TABLE.map((r) => r.type).sort()).toEqual(RESOURCE_TYPES.map((t) => t.name).sort());
    expect(canBeAbsent('tencentcloud_kms_service')).toBe(false);
    expect(canBeAbsent('tencentcloud_tcss_subscription')).toBe(false);
    expect(canBeAbsent('alicloud_kms_instance')).toBe(true);
    expect(canBeAbsent('alicloud_cas_private_ca')).toBe(true);
    expect(canBeAbsent('no_such_type')).toBe(false);
  });

  it('makes each listed error code absence for its own API only', () => {
    for (const rule of ABSENCE_TABLE) {
      for (const proof of rule.proofs) {
        if (proof.answer !== 'error') continue;
        expect(errorProvesAbsence(rule.cloud, rule.action, proof.code)).toBe(true);
        expect(classifyCode(rule.cloud, proof.code, 404, rule.action).notFound).toBe(true);
        for (const other of ABSENCE_TABLE.filter((r) => r.action !== rule.action)) {
          expect(errorProvesAbsence(other.cloud, other.action, proof.code), `${proof.code} on ${other.action}`).toBe(false);
        }
      }
    }
  });

  it('is the table the README documents', () => {
    const section = README.slice(README.indexOf('### How driftwatch decides a resource does not exist'));
    for (const rule of ABSENCE_TABLE) {
      const row = section.split('\n').find((l) => l.startsWith(`| \`${rule.type}\` (\`${rule.action}\`) |`));
      expect(row, rule.type).toBeDefined();
      if (rule.proofs.length === 0) expect(row).toMatch(/never absent/);
      for (const proof of rule.proofs) {
        if (proof.answer === 'error') expect(row).toContain(`\`${proof.code}\``);
        else expect(row).toContain('HTTP 200');
      }
    }
  });
});
