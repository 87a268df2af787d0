/**
 * Deterministic fail-closed tests (issue 18): for every resource type, each way an answer can go
 * wrong — a timeout, a connection reset, a truncated body, a vendor null, an unknown enum value,
 * a duplicate key — ends as `unknown` through plan → observe → evaluate, never `compliant`.
 * Each case sets its fault to rate 1 (or puts the bad value in the world), so nothing here
 * depends on chance; the soak (fault-soak.test.ts) covers the mix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { observe } from '../../src/engine/observe.js';
import { planCalls } from '../../src/engine/plan-calls.js';
import { Redactor } from '../../src/model/redactor.js';
import type { RunResult } from '../../src/model/run-result.js';
import { createCallExecutor } from '../../src/providers/call-executor.js';
import { definitionFor } from '../../src/providers/registry.js';
import { startSimulator } from '../../src/simulator/server.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { worldFromObject } from '../../src/simulator/world.js';
import { credentialsResolver, faultWorkload } from './fault-world.js';
import type { FaultWorkload } from './fault-world.js';

const AS_OF = new Date('2026-11-29T00:00:00Z');
const TYPES = ['tencentcloud_kms_service', 'tencentcloud_tcss_subscription', 'alicloud_kms_instance', 'alicloud_cas_private_ca'] as const;
type ResourceTypeName = (typeof TYPES)[number];

/** One Tencent and one Alibaba account: one resource of each of the four types. */
function workload(faults: Record<string, number> = {}, edit?: (accounts: Record<string, unknown>[]) => void): FaultWorkload {
  const base = faultWorkload(1, 1, { seed: 18, error_rate: 0, reset_rate: 0, hang_rate: 0, ...faults });
  const world = structuredClone(base.world) as { accounts: Record<string, unknown>[]; faults: Record<string, unknown> };
  world.faults = { ...world.faults, ...faults };
  edit?.(world.accounts);
  return { ...base, world };
}

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function run(w: FaultWorkload): Promise<RunResult> {
  sim = await startSimulator({ world: worldFromObject(w.world) });
  const executor = createCallExecutor({
    resolveCredentials: credentialsResolver(w),
    endpointOverride: sim.url,
    defaultQps: () => 1000,
    redactor: new Redactor(),
    random: () => 0.5,
    maxAttempts: 2,
    retryPolicy: { baseDelayMs: 1, maxDelayMs: 5 },
    deadlineMs: 5_000,
    http: { headersTimeoutMs: 200, bodyTimeoutMs: 200, connectTimeoutMs: 1_000 },
  });
  try {
    const plan = planCalls(w.state, definitionFor);
    const observations = await observe(plan, { execute: executor.execute, definitionFor, now: () => AS_OF });
    return evaluate({ state: w.state, observations, now: AS_OF, toolVersion: 'test' });
  } finally {
    await executor.close();
  }
}

function statusOf(result: RunResult, type: ResourceTypeName): string | undefined {
  return result.resources.find((r) => r.type === type)?.status;
}

function expectAllUnknown(result: RunResult, types: readonly ResourceTypeName[] = TYPES): void {
  for (const type of types) {
    const resource = result.resources.find((r) => r.type === type);
    expect(resource?.status, type).toBe('unknown');
    for (const check of resource?.checks ?? []) expect(check.status, `${type} ${check.rule}`).toBe('unknown');
  }
  expect(result.summary.compliant).toBe(0);
}

type Account = Record<string, unknown>;
const tencent = (accounts: Account[]): Account => accounts.find((a) => a.cloud === 'tencentcloud') as Account;
const alibaba = (accounts: Account[]): Account => accounts.find((a) => a.cloud === 'alicloud') as Account;

describe('every resource type fails closed on each fault', () => {
  it('the baseline world is compliant (so the cases below fail because of their fault)', async () => {
    const result = await run(workload());
    for (const type of TYPES) expect(statusOf(result, type), type).toBe('compliant');
  });

  it('a timeout (no answer) is unknown', async () => {
    const result = await run(workload({ hang_rate: 1 }));
    expectAllUnknown(result);
    for (const r of result.resources) expect(r.error?.code, r.address).toMatch(/TIMEOUT/i);
  }, 20_000);

  it('a connection reset is unknown', async () => {
    const result = await run(workload({ reset_rate: 1 }));
    expectAllUnknown(result);
  });

  it('a truncated body is unknown', async () => {
    const result = await run(workload({ malformed_rate: 1 }));
    expectAllUnknown(result);
    for (const r of result.resources) expect(r.error?.code, r.address).toBe('DW_INVALID_RESPONSE');
  });

  it('a duplicate key (last value compliant) is unknown', async () => {
    const result = await run(workload({ duplicate_rate: 1 }));
    expectAllUnknown(result);
    for (const r of result.resources) expect(r.error?.message, r.address).toMatch(/duplicate key/);
  });

  it('a vendor null in a checked field is unknown', async () => {
    const result = await run(
      workload({}, (accounts) => {
        const tc = tencent(accounts);
        tc.kms = { 'ap-guangzhou': { ...(tc.kms as Record<string, Account>)['ap-guangzhou'], UserLevel: null } };
        tc.tcss = { ...(tc.tcss as Account), State: null };
        const ali = alibaba(accounts);
        ali.kms_instances = (ali.kms_instances as Account[]).map((i) => ({ ...i, Status: null }));
        ali.ca_instances = (ali.ca_instances as Account[]).map((i) => ({ ...i, Status: null }));
      }),
    );
    expectAllUnknown(result);
  });

  it('an unknown enum value is unknown', async () => {
    const result = await run(
      workload({}, (accounts) => {
        const tc = tencent(accounts);
        tc.kms = { 'ap-guangzhou': { ...(tc.kms as Record<string, Account>)['ap-guangzhou'], UserLevel: 97 } };
        tc.tcss = { ...(tc.tcss as Account), State: 97 };
        const ali = alibaba(accounts);
        ali.kms_instances = (ali.kms_instances as Account[]).map((i) => ({ ...i, Status: 'Connected-ish' }));
        ali.ca_instances = (ali.ca_instances as Account[]).map((i) => ({ ...i, Status: 'USED-ish' }));
      }),
    );
    expectAllUnknown(result);
  });
});
