/**
 * Clock skew (issue 8): the simulator's clock runs ahead of ours. Tencent accepts a request
 * timestamp within 5 minutes of its own time, Alibaba within 15. A skew beyond the window must give
 * one request and a clear "check your clock" error — a signature that is rejected for its timestamp
 * is rejected again on every retry, so retrying it would only be a storm against the quota.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { observe } from '../../src/engine/observe.js';
import { planCalls } from '../../src/engine/plan-calls.js';
import { Redactor } from '../../src/model/redactor.js';
import type { ResourceResult, RunResult } from '../../src/model/run-result.js';
import { createCallExecutor } from '../../src/providers/call-executor.js';
import { definitionFor } from '../../src/providers/registry.js';
import { startSimulator } from '../../src/simulator/server.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { worldFromObject } from '../../src/simulator/world.js';
import { runCli } from '../helpers/run-cli.js';
import { configFor, credentialsResolver, faultWorkload } from './fault-world.js';
import type { FaultWorkload } from './fault-world.js';

const AS_OF = new Date('2026-11-29T00:00:00Z');
const NO_FAULTS = { seed: 1, error_rate: 0, reset_rate: 0, hang_rate: 0 };

/** One Tencent account (KMS + TCSS) and one Alibaba account (KMS instance + CA), the server `skewSeconds` ahead. */
function skewedWorld(skewSeconds: number): { workload: FaultWorkload; world: ReturnType<typeof worldFromObject> } {
  const workload = faultWorkload(1, 1, NO_FAULTS, 100);
  return { workload, world: worldFromObject({ ...workload.world, clock: { skew_seconds: skewSeconds } }) };
}

async function checkInProcess(sim: RunningSimulator, workload: FaultWorkload): Promise<RunResult> {
  const executor = createCallExecutor({
    resolveCredentials: credentialsResolver(workload),
    endpointOverride: sim.url,
    defaultQps: () => 100,
    redactor: new Redactor(),
    // The default policy (5 attempts): the point is that the executor chooses not to use them.
    retryPolicy: { baseDelayMs: 10, maxDelayMs: 50 },
    deadlineMs: 10_000,
  });
  try {
    const observations = await observe(planCalls(workload.state, definitionFor), {
      execute: executor.execute,
      definitionFor,
      now: () => new Date(),
    });
    return evaluate({ state: workload.state, observations, now: AS_OF, toolVersion: 'test' });
  } finally {
    await executor.close();
  }
}

function byAddress(result: RunResult, address: string): ResourceResult {
  const found = result.resources.find((r) => r.address === address);
  if (!found) throw new Error(`${address} missing from the result`);
  return found;
}

function requestCount(sim: RunningSimulator, api: string): number {
  return sim.requestLog().filter((e) => e.api === api).length;
}

describe.each([
  { skew: 600, label: '10 minutes ahead' },
  { skew: -600, label: '10 minutes behind' },
])('server clock $label', ({ skew }) => {
  const { workload, world } = skewedWorld(skew);
  let sim: RunningSimulator;
  let result: RunResult;

  beforeAll(async () => {
    sim = await startSimulator({ world });
    result = await checkInProcess(sim, workload);
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each([
    ['tencentcloud_kms_service.tc000', 'GetServiceStatus'],
    ['tencentcloud_tcss_subscription.tc000', 'DescribePurchaseStateInfo'],
  ])('Tencent (5-minute window): %s is unknown with a "check your clock" error after exactly one request', (address, api) => {
    const r = byAddress(result, address);
    expect(r.status).toBe('unknown');
    expect(r.error).toMatchObject({ code: 'AuthFailure.SignatureExpire', retryable: false });
    expect(`${r.error?.message ?? ''} ${r.error?.hint ?? ''}`).toMatch(/check your clock/i);
    expect(requestCount(sim, api)).toBe(1);
  });

  it.each(['alicloud_kms_instance.ali000', 'alicloud_cas_private_ca.ali000'])('Alibaba (15-minute window): %s still works', (address) => {
    const r = byAddress(result, address);
    expect(r.status).toBe('compliant');
    expect(r.error).toBeNull();
  });

  it('exits 3: nothing drifted, two resources could not be verified', () => {
    expect(result.summary).toMatchObject({ compliant: 2, unknown: 2, drifted: 0, exit_code: 3 });
  });
});

describe('server clock 20 minutes ahead', () => {
  const { workload, world } = skewedWorld(1200);
  let sim: RunningSimulator;
  let work: string;

  beforeAll(async () => {
    sim = await startSimulator({ world });
    work = await mkdtemp(join(tmpdir(), 'dw-skew-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(work, { recursive: true, force: true });
  });

  it('Alibaba fails too, with the clock hint, one request per call', async () => {
    const result = await checkInProcess(sim, workload);
    for (const [address, api] of [
      ['alicloud_kms_instance.ali000', 'GetKmsInstance'],
      ['alicloud_cas_private_ca.ali000', 'GetCAInstanceStatus'],
    ] as const) {
      const r = byAddress(result, address);
      expect(r.status).toBe('unknown');
      expect(r.error).toMatchObject({ code: 'InvalidTimeStamp.Expired', retryable: false });
      expect(`${r.error?.message ?? ''} ${r.error?.hint ?? ''}`).toMatch(/check your clock/i);
      expect(requestCount(sim, api)).toBe(1);
    }
    expect(result.summary).toMatchObject({ unknown: 4, exit_code: 3 });
  });

  it('the CLI tells the user to check their clock, and exits 3', async () => {
    const { text, env } = configFor(workload);
    const config = join(work, 'skew.yaml');
    await writeFile(config, text);
    const before = sim.requestLog().length;
    const run = await runCli(['check', config, '--endpoint', sim.url, '--as-of', AS_OF.toISOString(), '--no-progress'], { env });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/check your clock/i);
    expect(run.stdout).toMatch(/InvalidTimeStamp\.Expired/);
    expect(run.stdout).toMatch(/AuthFailure\.SignatureExpire/);
    // Four logical calls, four requests: no retry storm.
    expect(sim.requestLog().length - before).toBe(4);
  });
});
