/**
 * Fault soak (design.md §10, issue 8): several hundred resources against a simulator that answers
 * 15% of requests with server errors, resets 5% of connections and leaves 2% hanging. The run must
 * end within its deadline, and the result must be fail-closed when checked against what the
 * simulator really did: a resource none of whose requests succeeded is unknown (with an error
 * code), and a compliant resource is backed by a request the simulator answered successfully.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { observe } from '../../src/engine/observe.js';
import { planCalls } from '../../src/engine/plan-calls.js';
import { Redactor } from '../../src/model/redactor.js';
import type { RunResult } from '../../src/model/run-result.js';
import { createCallExecutor } from '../../src/providers/call-executor.js';
import { definitionFor } from '../../src/providers/registry.js';
import { Prng } from '../../src/simulator/prng.js';
import type { RequestLogEntry } from '../../src/simulator/request-log.js';
import { startSimulator } from '../../src/simulator/server.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { worldFromObject } from '../../src/simulator/world.js';
import { runCli } from '../helpers/run-cli.js';
import { configFor, credentialsResolver, faultWorkload } from './fault-world.js';
import type { FaultWorkload } from './fault-world.js';

const AS_OF = new Date('2026-11-29T00:00:00Z');
const FAULTS = { seed: 20261129, error_rate: 0.15, reset_rate: 0.05, hang_rate: 0.02 };

/** Everything the request log says about one resource's call. */
function requestsOf(log: readonly RequestLogEntry[], call: { api: string; account: string }): RequestLogEntry[] {
  return log.filter((e) => e.api === call.api && e.account === call.account);
}

/** The fail-closed invariants of one run, checked resource by resource against the simulator's log. */
function assertFailClosed(
  result: RunResult,
  workload: FaultWorkload,
  log: readonly RequestLogEntry[],
  maxAttempts: number,
): { unknown: number; compliant: number } {
  let unknown = 0;
  let compliant = 0;
  expect(result.resources).toHaveLength(workload.state.resources.length);
  for (const resource of result.resources) {
    const call = workload.callOf.get(resource.address);
    expect(call, resource.address).toBeDefined();
    if (!call) continue;
    const requests = requestsOf(log, call);
    const answered = requests.filter((e) => e.outcome === 'ok');
    // Every request counts once: a logical call never sends more than its attempts.
    expect(requests.length, resource.address).toBeGreaterThan(0);
    expect(requests.length, resource.address).toBeLessThanOrEqual(maxAttempts);
    // The world is all compliant: the only way not to be compliant is not to know.
    expect(['compliant', 'unknown'], resource.address).toContain(resource.status);
    if (answered.length === 0) {
      expect(resource.status, `${resource.address}: every request failed (${requests.map((e) => e.outcome).join(', ')})`).toBe('unknown');
    }
    if (resource.status === 'compliant') {
      compliant += 1;
      const ids = answered.map((e) => e.requestId);
      expect(
        resource.request_ids.some((id) => ids.includes(id)),
        `${resource.address}: compliant without a successful request`,
      ).toBe(true);
      expect(resource.error).toBeNull();
      for (const check of resource.checks) expect(check.status).toBe('pass');
    } else {
      unknown += 1;
      expect(resource.error, resource.address).not.toBeNull();
      expect(resource.error?.code, resource.address).toMatch(/\S/);
      for (const check of resource.checks) expect(check.status).toBe('unknown');
    }
  }
  expect(result.summary).toMatchObject({
    resources: result.resources.length,
    compliant,
    unknown,
    drifted: 0,
    exit_code: unknown > 0 ? 3 : 0,
  });
  return { unknown, compliant };
}

describe('fault soak, in process (planCalls → observe → evaluate)', () => {
  const workload = faultWorkload(100, 100, FAULTS);
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ world: worldFromObject(workload.world) });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('finishes within its deadline and never reports a failed call as compliant', async () => {
    // Two attempts at ~21% failure each: ~4% of calls fail for good (about 17 of 400), so both
    // outcomes are certain to occur whatever order the requests arrive in.
    const maxAttempts = 2;
    const runBudgetMs = 25_000;
    const started = Date.now();
    const jitter = new Prng(7);
    const executor = createCallExecutor({
      resolveCredentials: credentialsResolver(workload),
      endpointOverride: sim.url,
      defaultQps: () => 1000,
      redactor: new Redactor(),
      random: () => jitter.next(),
      maxAttempts,
      retryPolicy: { baseDelayMs: 10, maxDelayMs: 100 },
      deadlineMs: 3_000,
      deadlineAt: started + runBudgetMs,
      // A hang is only noticed by a timeout: keep it short so the soak stays fast.
      http: { headersTimeoutMs: 400, bodyTimeoutMs: 400, connectTimeoutMs: 1_000 },
    });
    let result: RunResult;
    try {
      const plan = planCalls(workload.state, definitionFor);
      expect(plan.calls).toHaveLength(400);
      const observations = await observe(plan, { execute: executor.execute, definitionFor, now: () => new Date() });
      result = evaluate({ state: workload.state, observations, now: AS_OF, toolVersion: 'test' });
    } finally {
      await executor.close();
    }
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(runBudgetMs + 2_000);

    const log = sim.requestLog();
    const faults = sim.stats().total.faults;
    // The soak really injected every kind of fault it is about.
    expect(faults.error).toBeGreaterThan(20);
    expect(faults.reset).toBeGreaterThan(5);
    expect(faults.hang).toBeGreaterThan(0);

    const { unknown, compliant } = assertFailClosed(result, workload, log, maxAttempts);
    expect(compliant).toBeGreaterThan(340);
    expect(unknown).toBeGreaterThan(0);
    const stats = executor.stats();
    expect(stats.logicalCalls).toBe(400);
    expect(stats.requests).toBe(log.length);
  }, 60_000);
});

describe('fault soak, through the CLI', () => {
  // Small: the CLI has no flag for its HTTP timeouts, so a hang costs the default 30 s wait. Forty
  // calls make a run without any injected fault all but impossible (0.79^40 < 0.01%).
  const workload = faultWorkload(10, 10, { ...FAULTS, seed: 4242 });
  let sim: RunningSimulator;
  let work: string;

  beforeAll(async () => {
    sim = await startSimulator({ world: worldFromObject(workload.world) });
    work = await mkdtemp(join(tmpdir(), 'dw-soak-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(work, { recursive: true, force: true });
  });

  it('check exits with the code its result reports, and unknowns are the calls that failed', async () => {
    const { text, env } = configFor(workload);
    const config = join(work, 'soak.yaml');
    await writeFile(config, text);
    const run = await runCli(
      ['check', config, '--endpoint', sim.url, '--as-of', AS_OF.toISOString(), '--format', 'json', '--no-progress'],
      {
        env,
        timeoutMs: 110_000,
      },
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const result = JSON.parse(run.stdout) as RunResult;
    assertFailClosed(result, workload, sim.requestLog(), 5);
    expect(run.code).toBe(result.summary.exit_code);
    expect([0, 3]).toContain(run.code);
    const faults = sim.stats().total.faults;
    expect(faults.error + faults.reset + faults.hang).toBeGreaterThan(0);
  }, 120_000);
});
