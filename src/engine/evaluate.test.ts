import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { builders, observation, scenarioObservations, scenarioState, SCENARIO_NOW } from '../../test/fixtures/results/scenario.js';
import type { DesiredState, Severity } from '../model/desired-state.js';
import type { Observation } from '../model/observation.js';
import type { CheckResult, RunResult } from '../model/run-result.js';
import { renderJson, renderJsonChunks } from '../report/json.js';
import { evaluate } from './evaluate.js';

function run(overrides: Partial<Parameters<typeof evaluate>[0]> = {}): RunResult {
  return evaluate({ state: scenarioState, observations: scenarioObservations, now: SCENARIO_NOW, toolVersion: '0.1.0', ...overrides });
}

function byAddress(result: RunResult, address: string) {
  const r = result.resources.find((x) => x.address === address);
  if (!r) throw new Error(`no ${address}`);
  return r;
}

describe('evaluate: the scenario', () => {
  const result = run();

  it('gives every resource the outcome its evidence supports', () => {
    expect(Object.fromEntries(result.resources.map((r) => [r.address, r.status]))).toEqual({
      'alicloud_cas_private_ca.root': 'waived',
      'alicloud_cas_private_ca.sub': 'drifted',
      'alicloud_kms_instance.backup': 'waived',
      'alicloud_kms_instance.main': 'drifted',
      'alicloud_kms_instance.new-status': 'unknown',
      'alicloud_kms_instance.null-status': 'unknown',
      'tencentcloud_kms_service.prod-gz': 'compliant',
      'tencentcloud_kms_service.prod-sh': 'drifted',
      'tencentcloud_tcss_subscription.default': 'unknown',
    });
    expect(result.summary).toEqual({ resources: 9, compliant: 1, drifted: 3, unknown: 3, waived: 2, exit_code: 2 });
  });

  it('sorts resources by address and keeps checks in expectation order', () => {
    const addresses = result.resources.map((r) => r.address);
    expect(addresses).toEqual([...addresses].sort());
    expect(byAddress(result, 'tencentcloud_kms_service.prod-sh').checks.map((c) => c.rule)).toEqual([
      'edition',
      'expires_at',
      'cmk_remaining',
      'raw.Echo.auto_renew',
    ]);
  });

  it('marks a missing instance as absent drift with its own message', () => {
    const main = byAddress(result, 'alicloud_kms_instance.main');
    expect(main).toMatchObject({ status: 'drifted', absent: true, observed: {} });
    expect(main.checks[0]).toMatchObject({ status: 'fail', actual: null });
    expect(main.checks[0]?.message).toContain('alicloud_kms_instance.main does not exist');
  });

  it('carries an API error into every check as unknown', () => {
    const tcss = byAddress(result, 'tencentcloud_tcss_subscription.default');
    expect(tcss.error?.code).toBe('AuthFailure.UnauthorizedOperation');
    expect(
      tcss.checks.every(
        (c) => c.status === 'unknown' && c.message.includes('AuthFailure.UnauthorizedOperation') && c.message.includes('req-tcss-0009'),
      ),
    ).toBe(true);
  });

  it('makes nulls and unknown enum values unknown, never compliant', () => {
    const nullStatus = byAddress(result, 'alicloud_kms_instance.null-status');
    expect(nullStatus.checks.map((c) => c.status)).toEqual(['unknown', 'pass']);
    expect(byAddress(result, 'alicloud_kms_instance.new-status').checks[0]?.message).toBe("unknown value 'Migrating' reported for status");
  });

  it('reads raw.* paths from the vendor object', () => {
    const sh = byAddress(result, 'tencentcloud_kms_service.prod-sh');
    expect(sh.checks[3]).toMatchObject({ rule: 'raw.Echo.auto_renew', status: 'fail', actual: false });
  });

  it('applies waivers and reports their state', () => {
    expect(byAddress(result, 'alicloud_cas_private_ca.root').checks[1]).toMatchObject({
      status: 'waived',
      waiver: { state: 'active', owner: 'pki-team@example.com' },
    });
    expect(byAddress(result, 'alicloud_cas_private_ca.sub').checks[0]).toMatchObject({ status: 'fail', waiver: { state: 'expired' } });
    expect(result.waivers?.map((w) => [w.resource, w.state])).toEqual([
      ['alicloud_cas_private_ca.root', 'active'],
      ['alicloud_cas_private_ca.sub', 'expired'],
      ['alicloud_kms_instance.backup', 'expiring'],
      ['tencentcloud_kms_service.old', 'unused'],
    ]);
  });

  it('records observed attributes with sorted keys, request ids, location and as_of', () => {
    const gz = byAddress(result, 'tencentcloud_kms_service.prod-gz');
    expect(Object.keys(gz.observed)).toEqual(['auto_renew', 'edition', 'expires_at', 'service_enabled']);
    expect(gz.request_ids).toEqual(['req-tencentcloudkmsserviceprodgz']);
    expect(gz.location.file).toBe('examples/main.yaml');
    expect(result.as_of).toBe('2026-11-22T03:00:00Z');
    expect(result.format_version).toBe('1');
  });
});

describe('evaluate: unobserved resources, targets and the policy seam', () => {
  const b = builders();
  const state: DesiredState = {
    files: [],
    providers: [],
    policies: [],
    waivers: [],
    resources: [
      b.resource('alicloud_kms_instance', 'a', [b.expectation('status', 'equals', 'Connected')]),
      b.resource('alicloud_kms_instance', 'b', []),
    ],
  };

  it('a resource without an observation is unknown (DW_NOT_OBSERVED)', () => {
    const result = evaluate({ state, observations: [], now: SCENARIO_NOW, toolVersion: 't' });
    expect(result.resources.map((r) => [r.status, r.error?.code])).toEqual([
      ['unknown', 'DW_NOT_OBSERVED'],
      ['unknown', 'DW_NOT_OBSERVED'],
    ]);
    expect(result.summary.exit_code).toBe(3);
  });

  it('an observation of another type is unknown, not matched', () => {
    const wrong: Observation = {
      ...observation('alicloud_kms_instance.a', 'ok', { status: 'Connected' }),
      type: 'alicloud_cas_private_ca',
    };
    expect(evaluate({ state, observations: [wrong], now: SCENARIO_NOW, toolVersion: 't' }).resources[0]?.error?.code).toBe(
      'DW_OBSERVATION_MISMATCH',
    );
  });

  it('an absent resource without expectations is still drift (at high severity)', () => {
    const observations = [
      observation('alicloud_kms_instance.a', 'ok', { status: 'Connected' }),
      observation('alicloud_kms_instance.b', 'absent'),
    ];
    const result = evaluate({ state, observations, now: SCENARIO_NOW, toolVersion: 't', failOn: 'high' });
    expect(result.resources[1]).toMatchObject({ status: 'drifted', absent: true, checks: [] });
    expect(result.summary.exit_code).toBe(2);
    expect(evaluate({ state, observations, now: SCENARIO_NOW, toolVersion: 't', failOn: 'critical' }).summary.exit_code).toBe(0);
  });

  it('--target limits the evaluation', () => {
    const result = evaluate({ state, observations: [], now: SCENARIO_NOW, toolVersion: 't', targets: ['alicloud_kms_instance.b'] });
    expect(result.resources.map((r) => r.address)).toEqual(['alicloud_kms_instance.b']);
  });

  it('appends policy checks, and forces them unknown when the resource was not observed', () => {
    const finding: CheckResult = {
      rule: 'baseline.kms-connected',
      source: 'policy',
      operator: 'equals',
      expected: 'Connected',
      actual: 'Connected',
      status: 'pass',
      severity: 'high',
      message: 'status is Connected',
      location: { file: 'policies/baseline.yaml', line: 3, column: 3 },
    };
    const seen: string[] = [];
    const policyChecks = (r: { address: string }, o: Observation | undefined): CheckResult[] => {
      seen.push(`${r.address}:${o?.status ?? 'none'}`);
      return [finding];
    };
    const observations = [observation('alicloud_kms_instance.a', 'ok', { status: 'Connected' })];
    const result = evaluate({ state, observations, now: SCENARIO_NOW, toolVersion: 't', policyChecks });
    expect(seen).toEqual(['alicloud_kms_instance.a:ok', 'alicloud_kms_instance.b:none']);
    expect(result.resources[0]?.checks.map((c) => [c.rule, c.status])).toEqual([
      ['status', 'pass'],
      ['baseline.kms-connected', 'pass'],
    ]);
    expect(result.resources[1]?.checks.map((c) => [c.rule, c.status])).toEqual([['baseline.kms-connected', 'unknown']]);
  });
});

describe('evaluate: exit codes', () => {
  const b = builders();
  const sev = (s: Severity) =>
    b.resource('alicloud_cas_private_ca', `r-${s}`, [b.expectation('certificates_remaining', 'at_least', 100, s)]);
  const failing = (s: Severity) => observation(`alicloud_cas_private_ca.r-${s}`, 'ok', { certificates_remaining: 1 });

  it.each([
    // [severities drifting, unknown present, failOn, exit]
    [[], false, 'low', 0],
    [[], true, 'low', 3],
    [['low'], false, 'low', 2],
    [['low'], false, 'medium', 0],
    [['low'], true, 'medium', 3],
    [['medium'], false, 'medium', 2],
    [['high'], true, 'critical', 3],
    [['critical'], true, 'critical', 2],
    [['medium', 'high'], false, 'high', 2],
  ] as const)('drift %j, unknown %s, --fail-on %s → %i', (drifting, withUnknown, failOn, exit) => {
    const resources = drifting.map(sev);
    const observations = drifting.map(failing);
    if (withUnknown) resources.push(b.resource('alicloud_kms_instance', 'u', [b.expectation('status', 'equals', 'Connected')]));
    const ok = b.resource('alicloud_kms_instance', 'ok', [b.expectation('status', 'equals', 'Connected')]);
    resources.push(ok);
    observations.push(observation(ok.address, 'ok', { status: 'Connected' }));
    const result = evaluate({
      state: { files: [], providers: [], policies: [], waivers: [], resources },
      observations,
      now: SCENARIO_NOW,
      toolVersion: 't',
      failOn,
    });
    expect(result.summary.exit_code).toBe(exit);
    expect(result.fail_on).toBe(failOn);
  });

  it('a waived drift does not fail the run', () => {
    const r = sev('critical');
    const state: DesiredState = {
      files: [],
      providers: [],
      policies: [],
      resources: [r],
      waivers: [b.waiver(r.address, '*', '2027-12-31')],
    };
    const result = evaluate({ state, observations: [failing('critical')], now: SCENARIO_NOW, toolVersion: 't' });
    expect(result.summary).toMatchObject({ waived: 1, exit_code: 0 });
  });
});

describe('evaluate: determinism', () => {
  it('shuffled resources, observations and waivers give byte-identical output', () => {
    const reference = renderJson(run());
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const shuffle = <T>(xs: readonly T[]): T[] => {
          const out = [...xs];
          let s = seed >>> 0;
          for (let i = out.length - 1; i > 0; i--) {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            const j = s % (i + 1);
            [out[i], out[j]] = [out[j] as T, out[i] as T];
          }
          return out;
        };
        const state: DesiredState = {
          ...scenarioState,
          resources: shuffle(scenarioState.resources),
          waivers: shuffle(scenarioState.waivers),
        };
        expect(renderJson(evaluate({ state, observations: shuffle(scenarioObservations), now: SCENARIO_NOW, toolVersion: '0.1.0' }))).toBe(
          reference,
        );
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('does not read the clock: the same inputs at different wall times agree', () => {
    expect(renderJson(run())).toBe(renderJson(run()));
  });
});

describe('evaluate: scale', () => {
  // Timing budgets (design.md §9) are measured by the benchmarks on an idle machine; a unit test
  // on a shared CI core cannot time 2,000,000 checks reliably. This pins what can break at
  // scale: counts stay right and the JSON is streamable in pieces far below V8's string limit.
  it('20,000 resources × 20 checks evaluate and render to JSON in bounded chunks', () => {
    const b = builders('perf.yaml');
    const expect20 = [
      b.expectation('edition', 'equals', 'ultimate'),
      b.expectation('auto_renew', 'equals', true),
      b.expectation('expires_at', 'not_within', '30d'),
      b.expectation('expires_at', 'after', '2026-01-01'),
      b.expectation('expires_at', 'before', '2030-01-01'),
      b.expectation('service_state', 'in', ['normal']),
      b.expectation('service_state', 'not_in', ['released', 'suspended_arrears']),
      b.expectation('cmk_count', 'at_most', 1000),
      b.expectation('cmk_limit', 'at_least', 100),
      b.expectation('cmk_remaining', 'greater_than', 5),
      b.expectation('cmk_count', 'less_than', 2000),
      b.expectation('pro_resource_id', 'matches', '^kms-[a-z0-9]+$'),
      b.expectation('subscription', 'present', true),
      b.expectation('service_enabled', 'equals', true),
      b.expectation('exclusive_hsm_enabled', 'not_equals', true),
      b.expectation('data_key_hosting', 'equals', true),
      b.expectation('sync_allowed', 'equals', true),
      b.expectation('data_key_limit', 'at_least', 1),
      b.expectation('raw.UserLevel', 'equals', 1),
      b.expectation('edition', 'not_equals', 'basic'),
    ];
    const n = 20_000;
    const resources = [];
    const observations: Observation[] = [];
    for (let i = 0; i < n; i++) {
      const name = `acct-${String(i).padStart(6, '0')}`;
      resources.push({ ...b.resource('tencentcloud_kms_service', name, []), expect: expect20 });
      observations.push({
        address: `tencentcloud_kms_service.${name}`,
        type: 'tencentcloud_kms_service',
        status: 'ok',
        attributes: {
          auto_renew: true,
          cmk_count: 10,
          cmk_limit: 200,
          cmk_remaining: 190,
          data_key_hosting: true,
          data_key_limit: 5,
          edition: i % 97 === 0 ? 'basic' : 'ultimate',
          exclusive_hsm_enabled: false,
          expires_at: new Date(Date.UTC(2027, 5, 30) + i * 1000).toISOString(),
          pro_resource_id: `kms-${i.toString(36)}`,
          service_enabled: true,
          service_state: 'normal',
          subscription: 'yearly',
          sync_allowed: i % 13 === 0 ? null : true,
        },
        raw: { UserLevel: 1 },
        request_ids: [`req-${i}`],
        observed_at: '2026-11-22T02:59:00Z',
        error: null,
      });
    }
    const result = evaluate({
      state: { files: [], providers: [], policies: [], waivers: [], resources },
      observations,
      now: SCENARIO_NOW,
      toolVersion: 't',
    });
    const drifted = Math.ceil(n / 97);
    const unknownOnly = Math.ceil(n / 13) - Math.ceil(n / (13 * 97));
    expect(result.summary).toEqual({
      resources: n,
      compliant: n - drifted - unknownOnly,
      drifted,
      unknown: unknownOnly,
      waived: 0,
      exit_code: 2,
    });
    let chunks = 0;
    let largest = 0;
    let total = 0;
    for (const chunk of renderJsonChunks(result)) {
      chunks++;
      largest = Math.max(largest, chunk.length);
      total += chunk.length;
    }
    expect(chunks).toBe(n + 2);
    expect(largest).toBeLessThan(20_000);
    expect(total).toBeGreaterThan(n * 20 * 300);
  });
});

describe('evaluate: fail closed under fuzzing', () => {
  it('any observed values: never throws, and a resource is compliant only if every check passed', () => {
    const b = builders();
    const r = b.resource('tencentcloud_kms_service', 'fuzz', [
      b.expectation('edition', 'equals', 'ultimate'),
      b.expectation('auto_renew', 'equals', true),
      b.expectation('expires_at', 'not_within', '30d'),
      b.expectation('cmk_remaining', 'at_least', 10),
      b.expectation('subscription', 'matches', '^y'),
      b.expectation('raw.X', 'in', [1, 'a']),
    ]);
    const state: DesiredState = { files: [], providers: [], policies: [], waivers: [], resources: [r] };
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('edition', 'auto_renew', 'expires_at', 'cmk_remaining', 'subscription'), fc.jsonValue()),
        fc.jsonValue(),
        fc.constantFrom<Observation['status']>('ok', 'absent', 'error'),
        (attributes, x, status) => {
          const o = {
            ...observation(r.address, status, attributes as Observation['attributes']),
            raw: { X: x as Observation['attributes'][string] },
          };
          const result = evaluate({ state, observations: [o], now: SCENARIO_NOW, toolVersion: 't' });
          const resource = result.resources[0];
          expect(resource).toBeDefined();
          if (resource?.status === 'compliant') {
            expect(status).toBe('ok');
            expect(resource.checks.every((c) => c.status === 'pass')).toBe(true);
          }
          if (status !== 'ok') expect(resource?.status).not.toBe('compliant');
          expect(() => renderJson(result)).not.toThrow();
        },
      ),
      { seed: 5, numRuns: 500 },
    );
  });
});

describe('evaluate: observations recorded for another scope', () => {
  const address = 'tencentcloud_kms_service.prod-gz';
  const resource = scenarioState.resources.find((r) => r.address === address)!;
  const original = scenarioObservations.find((o) => o.address === address)!;
  const scope = { provider: resource.provider, region: resource.region ?? null, instance_id: resource.instanceId ?? null };

  function statusWith(s: Observation['scope']): { status: string; code: string | undefined } {
    const observations = scenarioObservations.map((o) => (o.address === address ? { ...original, scope: s } : o));
    const r = byAddress(run({ observations }), address);
    return { status: r.status, code: r.error?.code };
  }

  it('uses an observation whose scope matches the configuration', () => {
    expect(statusWith(scope)).toEqual({ status: 'compliant', code: undefined });
  });

  it('refuses one read from another region, provider or instance (a stale snapshot), as unknown', () => {
    expect(statusWith({ ...scope, region: 'ap-beijing' })).toEqual({ status: 'unknown', code: 'DW_OBSERVATION_MISMATCH' });
    expect(statusWith({ ...scope, provider: 'tencentcloud.other' })).toEqual({ status: 'unknown', code: 'DW_OBSERVATION_MISMATCH' });
    expect(statusWith({ ...scope, instance_id: 'kst-elsewhere' })).toEqual({ status: 'unknown', code: 'DW_OBSERVATION_MISMATCH' });
  });
});
