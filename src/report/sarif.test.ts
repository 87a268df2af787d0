import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../model/run-result.js';
import { emptyResult, sampleResult } from '../../test/fixtures/results/sample-result.js';
import { renderSarif, sarifFingerprint, sarifReporter } from './sarif.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

function sarifValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(path(), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

function path(): string {
  return resolve(repoRoot, 'test/fixtures/vendor/sarif-schema-2.1.0.json');
}

interface Log {
  version: string;
  runs: {
    tool: { driver: { rules: { id: string; defaultConfiguration: { level: string }; help: { text: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
      partialFingerprints: Record<string, string>;
      suppressions?: { kind: string; status: string; justification: string }[];
      properties: { address: string; status: string };
    }[];
  }[];
}

function log(result: RunResult): Log {
  return JSON.parse(renderSarif(result)) as Log;
}

const validate = sarifValidator();

function expectValid(text: string): void {
  const ok = validate(JSON.parse(text));
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

describe('sarif reporter', () => {
  const text = renderSarif(sampleResult);
  const run = log(sampleResult).runs[0] as Log['runs'][number];
  const result = (address: string, ruleId: string): Log['runs'][number]['results'][number] | undefined =>
    run.results.find((r) => r.properties.address === address && r.ruleId === ruleId);

  it('matches the golden file', async () => {
    await expect(text).toMatchFileSnapshot('../../test/fixtures/results/golden/sample.sarif');
  });

  it('validates against the SARIF 2.1.0 schema', () => {
    expectValid(text);
    expectValid(renderSarif(emptyResult));
  });

  it('the schema validator rejects a broken log (the check can fail)', () => {
    const broken = JSON.parse(text) as Log;
    (broken.runs[0] as { results: unknown[] }).results.push({ level: 'fatal', message: {} });
    expect(validate(broken)).toBe(false);
  });

  it('has one rule per expectation attribute and policy rule, with levels from severity', () => {
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    const rule = (id: string): Log['runs'][number]['tool']['driver']['rules'][number] | undefined =>
      run.tool.driver.rules.find((r) => r.id === id);
    expect(rule('tencentcloud_kms_service/edition')?.defaultConfiguration.level).toBe('error');
    expect(rule('tencentcloud_kms_service/expires_at')?.defaultConfiguration.level).toBe('note');
    expect(rule('alicloud_kms_instance/log_enabled')?.defaultConfiguration.level).toBe('note');
    expect(rule('alicloud_cas_private_ca/certificates_remaining')?.defaultConfiguration.level).toBe('error');
    expect(rule('policy/baseline.kms-auto-renew')?.help.text).toContain('Turn on auto-renew');
    for (const r of run.results) expect(ids[r.ruleIndex]).toBe(r.ruleId);
  });

  it('locates results at the expectation, and policy findings at the resource', () => {
    const drift = result('tencentcloud_kms_service.prod-sh', 'tencentcloud_kms_service/edition');
    expect(drift?.level).toBe('error');
    expect(drift?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('config/main.yaml');
    expect(drift?.locations[0]?.physicalLocation.region).toEqual({ startLine: 19, startColumn: 9 });
    const policy = result('tencentcloud_kms_service.prod-sh', 'policy/baseline.kms-auto-renew');
    expect(policy?.locations[0]?.physicalLocation.region).toEqual({ startLine: 17, startColumn: 5 });
  });

  it('reports unknown checks as warnings that say they could not be verified, never as passes', () => {
    const unknown = result('tencentcloud_tcss_subscription.default', 'tencentcloud_tcss_subscription/state');
    expect(unknown?.level).toBe('warning');
    expect(unknown?.message.text).toContain('could not be verified');
    expect(unknown?.suppressions).toBeUndefined();
    expect(run.results.some((r) => r.properties.address === 'tencentcloud_kms_service.prod-gz')).toBe(false);
  });

  it('reports waived checks as accepted suppressions and expired waivers as failures', () => {
    const waived = result('alicloud_cas_private_ca.root', 'alicloud_cas_private_ca/certificates_remaining');
    expect(waived?.suppressions).toEqual([expect.objectContaining({ kind: 'external' })]);
    expect(waived?.suppressions?.[0]?.justification).toContain('pki-team@example.com');
    const expired = result('alicloud_cas_private_ca.sub', 'alicloud_cas_private_ca/certificates_remaining');
    expect(expired?.suppressions).toBeUndefined();
    expect(expired?.level).toBe('error');
    expect(expired?.message.text).toContain('waiver expired 2026-11-01');
  });

  it('fingerprints depend only on address and rule', () => {
    const changed: RunResult = {
      ...sampleResult,
      as_of: '2027-01-01T00:00:00Z',
      resources: sampleResult.resources.map((r) => ({
        ...r,
        checks: r.checks.map((c) => ({ ...c, message: `${c.message} (changed)`, actual: 'other' })),
      })),
    };
    const before = run.results.map((r) => r.partialFingerprints);
    const after = (log(changed).runs[0] as Log['runs'][number]).results.map((r) => r.partialFingerprints);
    expect(after).toEqual(before);
    expect(new Set(before.map((f) => f['driftwatch/v1'])).size).toBe(before.length);
    expect(sarifFingerprint('a.b', 'x/y')).toBe(sarifFingerprint('a.b', 'x/y'));
    expect(sarifFingerprint('a.b', 'x/y')).not.toBe(sarifFingerprint('a.c', 'x/y'));
  });

  it('keeps relative paths relative and encodes what a URI cannot hold', () => {
    const base = sampleResult.resources[1];
    if (!base) throw new Error('fixture changed');
    const odd: RunResult = {
      ...emptyResult,
      resources: [{ ...base, checks: base.checks.map((c) => ({ ...c, location: { ...c.location, file: 'team configs\\main #1.yaml' } })) }],
    };
    const out = renderSarif(odd);
    expectValid(out);
    const uris = (log(odd).runs[0] as Log['runs'][number]).results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri);
    expect(uris).toContain('team%20configs/main%20%231.yaml');
  });

  it('is deterministic and exposed as a reporter', () => {
    expect(renderSarif({ ...sampleResult, resources: [...sampleResult.resources].reverse() })).toBe(text);
    expect(sarifReporter.render(sampleResult, { color: false })).toBe(text);
  });
});
