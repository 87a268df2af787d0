import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../src/model/desired-state.js';
import { Redactor } from '../src/model/redactor.js';
import { createCallExecutor } from '../src/providers/call-executor.js';
import type { CallExecutor } from '../src/providers/call-executor.js';
import { ManualClock } from '../src/providers/http/manual-clock.js';
import type { ApiCall, Credentials } from '../src/providers/types.js';
import type { RateLimitWindow } from '../src/simulator/rate-limit.js';
import { startSimulator } from '../src/simulator/server.js';
import type { RunningSimulator } from '../src/simulator/server.js';
import { worldFromObject } from '../src/simulator/world.js';

/**
 * Issue 17's pacing guarantee end to end: the call executor against the simulator in both metering
 * modes, over real loopback HTTP with real signatures, both sides on one manual clock (so the test
 * measures the schedule, not the machine's speed). At the documented limit nothing is throttled and
 * no second of the server's clock sees more than the limit; at half the documented limit the bucket
 * backs off and every call still gets its answer.
 */

const TC: Credentials = { id: 'AKIDPACING0001', secret: 'pacing-secret-tc-01', source: 'test' };
const ALI: Credentials = { id: 'LTAIPACING0001', secret: 'pacing-secret-ali-01', source: 'test' };
const DOCUMENTED = 10;
const INSTANCES = 40;

function world(limit: number, mode: RateLimitWindow) {
  return worldFromObject({
    accounts: [
      {
        cloud: 'tencentcloud',
        secret_id: TC.id,
        secret_key: TC.secret,
        kms: { 'ap-guangzhou': { ServiceEnabled: true, InvalidType: 1, UserLevel: 1, ProExpireTime: 1877529600, ProRenewFlag: 1 } },
      },
      {
        cloud: 'alicloud',
        access_key_id: ALI.id,
        access_key_secret: ALI.secret,
        kms_instances: Array.from({ length: INSTANCES }, (_, i) => ({
          region: 'cn-hangzhou',
          InstanceId: `kst-pace${String(i).padStart(5, '0')}`,
          Status: 'Connected',
        })),
        ca_instances: [],
      },
    ],
    limits: { GetServiceStatus: limit, GetKmsInstance: limit },
    rate_limit_window: mode,
    faults: { seed: 3, latency_ms: [0, 0] },
  });
}

const loc = { file: 'pacing.yaml', line: 1, column: 1 };
const provider = (cloud: 'tencentcloud' | 'alicloud'): ProviderConfig => ({
  cloud,
  alias: 'p',
  ref: `${cloud}.p`,
  region: cloud === 'tencentcloud' ? 'ap-guangzhou' : 'cn-hangzhou',
  site: 'china',
  credentials: { kind: 'chain' },
  rateLimits: {},
  location: loc,
});
const kms: ApiCall = { cloud: 'tencentcloud', product: 'kms', action: 'GetServiceStatus', version: '2019-01-18', region: 'ap-guangzhou' };
const aliKms = (i: number): ApiCall => ({
  cloud: 'alicloud',
  product: 'kms',
  action: 'GetKmsInstance',
  version: '2016-01-20',
  params: { KmsInstanceId: `kst-pace${String(i % INSTANCES).padStart(5, '0')}` },
});

/** The most arrivals of one API in any calendar second and in any sliding second of the server clock. */
function densest(times: readonly number[]): { calendar: number; sliding: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const perSecond = new Map<number, number>();
  for (const t of sorted) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  let sliding = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi += 1) {
    while ((sorted[hi] ?? 0) - (sorted[lo] ?? 0) >= 1000) lo += 1;
    sliding = Math.max(sliding, hi - lo + 1);
  }
  return { calendar: Math.max(0, ...perSecond.values()), sliding };
}

let sim: RunningSimulator | undefined;
let executor: CallExecutor | undefined;
afterEach(async () => {
  await executor?.close();
  await sim?.close();
  sim = undefined;
  executor = undefined;
});

async function run(serverLimit: number, mode: RateLimitWindow, calls: number) {
  // An odd phase: the client's first request does not line up with the server's calendar second.
  const clock = new ManualClock(Date.parse('2026-06-01T00:00:00.437Z'));
  sim = await startSimulator({ world: world(serverLimit, mode), now: () => new Date(clock.now()) });
  executor = createCallExecutor({
    resolveCredentials: (p) => (p.cloud === 'tencentcloud' ? TC : ALI),
    endpointOverride: sim.url,
    defaultQps: () => DOCUMENTED,
    redactor: new Redactor(),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
  });
  const e = executor;
  const tc = provider('tencentcloud');
  const ali = provider('alicloud');
  const work = Promise.allSettled([
    ...Array.from({ length: calls }, () => e.execute(kms, tc)),
    ...Array.from({ length: calls }, (_, i) => e.execute(aliKms(i), ali)),
  ]);
  // ManualClock.run would jump to the next timer while a request is still on its way over loopback,
  // stamping its arrival later than its departure; here time moves only once every request that left
  // has arrived, so the server meters the schedule the client emitted.
  let done = false;
  void work.then(() => {
    done = true;
  });
  while (!done) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!done && e.stats().requests <= (sim?.requestLog().length ?? 0)) clock.next();
  }
  const settled = await work;
  const arrivals = (api: string) =>
    sim
      ?.requestLog()
      .filter((r) => r.api === api)
      .map((r) => Date.parse(r.time)) ?? [];
  return { settled, stats: e.stats(), tencent: densest(arrivals('GetServiceStatus')), alibaba: densest(arrivals('GetKmsInstance')) };
}

describe.each(['fixed', 'token_bucket'] as const)('pacing against a %s-window server', (mode) => {
  it('sends no second more than the documented limit and is never throttled', async () => {
    const { settled, stats, tencent, alibaba } = await run(DOCUMENTED, mode, 60);
    expect(settled.every((s) => s.status === 'fulfilled')).toBe(true);
    expect(stats.throttled).toBe(0);
    expect(stats.requests).toBe(120);
    for (const d of [tencent, alibaba]) {
      expect(d.calendar).toBeLessThanOrEqual(DOCUMENTED);
      expect(d.sliding).toBeLessThanOrEqual(DOCUMENTED);
    }
  });

  it('backs off when the real quota is half the documented one, and every call still gets its answer', async () => {
    const calls = 150;
    const { settled, stats } = await run(DOCUMENTED / 2, mode, calls);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    expect(stats.failed).toBe(0);
    expect(stats.throttled).toBeGreaterThan(0);
    // The throttles are the few it takes to find the real quota, not a steady share of the calls.
    expect(stats.requests / stats.logicalCalls).toBeLessThanOrEqual(1.1);
  });
});
