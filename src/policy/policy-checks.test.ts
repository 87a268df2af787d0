import { checkFingerprint } from '../util/fingerprint.js';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../engine/evaluate.js';
import type { DesiredState, ResourceConfig } from '../model/desired-state.js';
import type { JsonObject } from '../model/json.js';
import type { Observation } from '../model/observation.js';
import { BUILTIN_POLICY_DIR } from '../config/policy-ref.js';
import { createPolicyChecks, loadPolicyChecks } from './policy-checks.js';
import { createPolicyValidator, parsePolicyFile } from './policy-file.js';
import type { PolicyPack } from './policy-pack.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const validator = createPolicyValidator();

function pack(text: string): PolicyPack {
  const result = parsePolicyFile(text, 'team.yaml', '/abs/team.yaml', validator);
  expect(result.diagnostics).toEqual([]);
  return result.pack as PolicyPack;
}

const PACK = pack(`version: 1
rules:
  - id: kms.auto-renew
    title: Ultimate renews automatically
    severity: high
    resource_type: tencentcloud_kms_service
    when: { edition: ultimate }
    assert: { auto_renew: true, expires_at: { not_within: 30d } }
    remediation: Turn on auto-renew.
    controls: ["ISO/IEC 27001:2022 A.8.24", "NIST SP 800-57 Part 1 Rev. 5"]
  - id: kms.prod-enabled
    title: Production KMS is enabled
    severity: critical
    resource_type: tencentcloud_kms_service
    where: { provider: prod, labels: { env: prod } }
    assert: { service_enabled: true }
    remediation: Enable it.
  - id: ca.status
    title: CA in use
    severity: low
    resource_type: alicloud_cas_private_ca
    assert: { status: USED }
    remediation: Use it.
`);

function kms(name: string, labels: Record<string, string> = {}, provider = 'tencentcloud.prod'): ResourceConfig {
  return {
    address: `tencentcloud_kms_service.${name}`,
    type: 'tencentcloud_kms_service',
    name,
    provider,
    region: 'ap-guangzhou',
    labels,
    expect: [],
    location: { file: 'main.yaml', line: 7, column: 5 },
  };
}

function observed(resource: ResourceConfig, attributes: JsonObject, status: Observation['status'] = 'ok'): Observation {
  return {
    address: resource.address,
    type: resource.type,
    status,
    attributes,
    raw: {},
    request_ids: ['req-1'],
    observed_at: NOW.toISOString(),
    error:
      status === 'error'
        ? { kind: 'throttled', code: 'RequestLimitExceeded', message: 'too many requests', request_id: 'req-1', retryable: true }
        : null,
  };
}

const checks = createPolicyChecks([PACK], { now: NOW });

describe('createPolicyChecks', () => {
  it('yields one finding per asserted attribute, carrying the rule metadata and the resource location', () => {
    const r = kms('gz');
    const found = checks(r, observed(r, { edition: 'ultimate', auto_renew: false, expires_at: '2027-06-01T00:00:00Z' }));
    expect(found).toHaveLength(2);
    expect(found[0]).toEqual({
      fingerprint: checkFingerprint('tencentcloud_kms_service.gz', 'policy', 'kms.auto-renew', 'auto_renew'),
      rule: 'kms.auto-renew',
      source: 'policy',
      operator: 'equals',
      expected: true,
      actual: false,
      status: 'fail',
      severity: 'high',
      message: '[kms.auto-renew] Ultimate renews automatically: auto_renew is false, expected true',
      location: { file: 'main.yaml', line: 7, column: 5 },
      title: 'Ultimate renews automatically',
      remediation: 'Turn on auto-renew.',
      controls: ['ISO/IEC 27001:2022 A.8.24', 'NIST SP 800-57 Part 1 Rev. 5'],
    });
    expect(found[1]).toMatchObject({ rule: 'kms.auto-renew', operator: 'not_within', status: 'pass' });
    // One rule asserting two attributes is two findings with their own identity across runs.
    expect(found[1]?.fingerprint).not.toBe(found[0]?.fingerprint);
  });

  it('does not apply a rule whose precondition fails', () => {
    const r = kms('gz');
    expect(checks(r, observed(r, { edition: 'basic', auto_renew: false }))).toEqual([]);
  });

  it('makes the rule unknown when a precondition is unknown (fail closed)', () => {
    const r = kms('gz');
    for (const attributes of [
      { auto_renew: false },
      { edition: null, auto_renew: false },
      { edition: 'platinum', auto_renew: false },
    ] as JsonObject[]) {
      const found = checks(r, observed(r, attributes));
      expect(found.map((c) => c.status)).toEqual(['unknown', 'unknown']);
      expect(found[0]?.message).toMatch(/^\[kms\.auto-renew\] .*precondition could not be verified/);
    }
  });

  it('selects by provider alias and labels', () => {
    const prod = kms('a', { env: 'prod' });
    const found = checks(prod, observed(prod, { edition: 'basic', service_enabled: false }));
    expect(found.map((c) => [c.rule, c.status, c.severity])).toEqual([['kms.prod-enabled', 'fail', 'critical']]);
    const dev = kms('b', { env: 'dev' });
    expect(checks(dev, observed(dev, { edition: 'basic', service_enabled: false }))).toEqual([]);
    const otherAccount = kms('c', { env: 'prod' }, 'tencentcloud.staging');
    expect(checks(otherAccount, observed(otherAccount, { edition: 'basic', service_enabled: false }))).toEqual([]);
  });

  it('applies rules only to their resource type', () => {
    const ca: ResourceConfig = {
      ...kms('x'),
      address: 'alicloud_cas_private_ca.root',
      type: 'alicloud_cas_private_ca',
      name: 'root',
      provider: 'alicloud.prod',
    };
    const found = checks(ca, observed(ca, { status: 'BUY' }));
    expect(found.map((c) => [c.rule, c.status])).toEqual([['ca.status', 'fail']]);
  });
});

describe('policy findings through evaluate', () => {
  function state(resources: ResourceConfig[]): DesiredState {
    return { files: ['main.yaml'], providers: [], resources, policies: [], waivers: [] };
  }

  it('drifts a resource on a failing policy rule and reports rule id, severity, remediation and controls', () => {
    const r = kms('gz');
    const result = evaluate({
      state: state([r]),
      observations: [observed(r, { edition: 'ultimate', auto_renew: false, expires_at: '2027-06-01T00:00:00Z' })],
      now: NOW,
      toolVersion: 'test',
      policyChecks: createPolicyChecks([PACK], { now: NOW }),
    });
    expect(result.resources[0]?.status).toBe('drifted');
    expect(result.summary.exit_code).toBe(2);
    const failing = result.resources[0]?.checks.find((c) => c.status === 'fail');
    expect(failing).toMatchObject({
      rule: 'kms.auto-renew',
      source: 'policy',
      severity: 'high',
      remediation: 'Turn on auto-renew.',
      controls: ['ISO/IEC 27001:2022 A.8.24', 'NIST SP 800-57 Part 1 Rev. 5'],
    });
  });

  it('never passes a policy rule on a resource that could not be observed, and fails it when absent', () => {
    const r = kms('gz');
    const run = (o: Observation) =>
      evaluate({
        state: state([r]),
        observations: [o],
        now: NOW,
        toolVersion: 'test',
        policyChecks: createPolicyChecks([PACK], { now: NOW }),
      }).resources[0];
    const errored = run(observed(r, {}, 'error'));
    expect(errored?.status).toBe('unknown');
    expect(errored?.checks.map((c) => c.status)).toEqual(['unknown', 'unknown']);
    const absent = run(observed(r, {}, 'absent'));
    expect(absent?.status).toBe('drifted');
    expect(absent?.checks.map((c) => c.status)).toEqual(['fail', 'fail']);
  });

  it('uses the evaluation clock for time operators', () => {
    const r = kms('gz');
    const o = observed(r, { edition: 'ultimate', auto_renew: true, expires_at: '2026-12-10T00:00:00Z' });
    const early = createPolicyChecks([PACK], { now: new Date('2026-10-01T00:00:00Z') })(r, o);
    const late = createPolicyChecks([PACK], { now: NOW })(r, o);
    expect(early.map((c) => c.status)).toEqual(['pass', 'pass']);
    expect(late.map((c) => c.status)).toEqual(['pass', 'fail']);
  });
});

describe('loadPolicyChecks', () => {
  it('loads the packs a configuration names, or returns undefined when it names none', async () => {
    const r = kms('gz');
    const base: DesiredState = { files: ['main.yaml'], providers: [], resources: [r], policies: [], waivers: [] };
    expect(await loadPolicyChecks(base, { cwd: BUILTIN_POLICY_DIR, now: NOW })).toBeUndefined();
    const withBaseline: DesiredState = {
      ...base,
      policies: [
        { ref: 'builtin:baseline', path: `${BUILTIN_POLICY_DIR}baseline.yaml`, location: { file: 'main.yaml', line: 2, column: 12 } },
      ],
    };
    const policyChecks = await loadPolicyChecks(withBaseline, { cwd: BUILTIN_POLICY_DIR, now: NOW });
    const found = policyChecks?.(r, observed(r, { service_enabled: true, service_state: 'released', edition: 'basic' })) ?? [];
    expect(found.filter((c) => c.status === 'fail').map((c) => c.rule)).toEqual(['tc-kms.service-state-normal']);
    const missing: DesiredState = {
      ...base,
      policies: [{ ref: 'builtin:nope', path: `${BUILTIN_POLICY_DIR}nope.yaml`, location: { file: 'main.yaml', line: 2, column: 12 } }],
    };
    await expect(loadPolicyChecks(missing, { cwd: BUILTIN_POLICY_DIR, now: NOW })).rejects.toMatchObject({ code: 'DW_CONFIG_INVALID' });
  });
});
