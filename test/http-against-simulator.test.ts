import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../src/model/desired-state.js';
import { Redactor } from '../src/model/redactor.js';
import { createCallExecutor } from '../src/providers/call-executor.js';
import type { CallExecutor, CallExecutorOptions } from '../src/providers/call-executor.js';
import type { ApiCall, Credentials } from '../src/providers/types.js';
import { startSimulator } from '../src/simulator/server.js';
import type { RunningSimulator } from '../src/simulator/server.js';
import { worldFromObject } from '../src/simulator/world.js';
import { apiFailureOf } from './helpers/api-failure.js';

/**
 * The HTTP layer against the simulator (design.md §7): real TC3, ACS3 and RPC signatures, real
 * timestamps and nonces, the vendors' envelopes and codes, and the simulator's QPS buckets.
 */

const TC: Credentials = { id: 'AKIDHTTPTEST01', secret: 'http-test-secret-tc-01', source: 'test' };
const ALI: Credentials = { id: 'LTAIHTTPTEST01', secret: 'http-test-secret-ali-01', source: 'test' };
const ALI_STS: Credentials = { id: 'STS.HTTPTEST02', secret: 'http-test-secret-ali-02', token: 'CAIS+sts/token=http02', source: 'test' };

const world = worldFromObject({
  accounts: [
    {
      cloud: 'tencentcloud',
      name: 'tc',
      secret_id: TC.id,
      secret_key: TC.secret,
      kms: {
        'ap-guangzhou': { ServiceEnabled: true, InvalidType: 1, UserLevel: 1, ProExpireTime: 1877529600, ProRenewFlag: 1 },
        'ap-shanghai': { ServiceEnabled: true, InvalidType: 1, UserLevel: 0, ProExpireTime: 0, ProRenewFlag: 0 },
      },
      tcss: { State: 3, AutomaticRenewal: 1, ExpirationTime: '2027-06-30 00:00:00' },
    },
    {
      cloud: 'alicloud',
      name: 'ali',
      access_key_id: ALI.id,
      access_key_secret: ALI.secret,
      uid: '1888800000000001',
      kms_instances: [{ region: 'cn-hangzhou', InstanceId: 'kst-hzz000001', Status: 'Connected', EndDate: '2027-06-30T16:00:00Z' }],
      ca_instances: [{ InstanceId: 'cas-member-000001', Type: 'ROOT', Status: 'USED', CertTotalCount: 500, CertIssuedCount: 20 }],
    },
    {
      cloud: 'alicloud',
      name: 'ali-sts',
      access_key_id: ALI_STS.id,
      access_key_secret: ALI_STS.secret,
      security_token: ALI_STS.token,
      uid: '1888800000000002',
      kms_instances: [{ region: 'cn-shanghai', InstanceId: 'kst-shh000002', Status: 'Disconnected' }],
      ca_instances: [],
    },
  ],
  limits: { GetServiceStatus: 100, DescribePurchaseStateInfo: 20, GetKmsInstance: 20, ListKmsInstances: 10, GetCAInstanceStatus: 10 },
  faults: { seed: 7, latency_ms: [0, 2] },
});

let sim: RunningSimulator;
const executors: CallExecutor[] = [];

beforeAll(async () => {
  sim = await startSimulator({ world });
});
afterAll(async () => {
  for (const e of executors) await e.close();
  await sim.close();
});

const loc = { file: 'sim.yaml', line: 1, column: 1 };
function provider(cloud: 'tencentcloud' | 'alicloud', alias: string, region: string): ProviderConfig {
  return { cloud, alias, ref: `${cloud}.${alias}`, region, site: 'china', credentials: { kind: 'chain' }, rateLimits: {}, location: loc };
}
const tcProvider = provider('tencentcloud', 'tc', 'ap-guangzhou');
const aliProvider = provider('alicloud', 'ali', 'cn-hangzhou');
const stsProvider = provider('alicloud', 'sts', 'cn-shanghai');

const QPS: Record<string, number> = {
  GetServiceStatus: 100,
  DescribePurchaseStateInfo: 20,
  GetKmsInstance: 10,
  ListKmsInstances: 10,
  GetCAInstanceStatus: 10,
};

function executor(over: Partial<CallExecutorOptions> = {}): CallExecutor {
  const byRef: Record<string, Credentials> = { 'tencentcloud.tc': TC, 'alicloud.ali': ALI, 'alicloud.sts': ALI_STS };
  const e = createCallExecutor({
    resolveCredentials: (p) => byRef[p.ref] ?? TC,
    endpointOverride: sim.url,
    defaultQps: (_product, action) => QPS[action] ?? 10,
    redactor: new Redactor(),
    deadlineMs: 20_000,
    ...over,
  });
  executors.push(e);
  return e;
}

const kms = (region?: string): ApiCall => ({
  cloud: 'tencentcloud',
  product: 'kms',
  action: 'GetServiceStatus',
  version: '2019-01-18',
  ...(region ? { region } : {}),
});
const tcss: ApiCall = { cloud: 'tencentcloud', product: 'tcss', action: 'DescribePurchaseStateInfo', version: '2020-11-01' };
const aliKms = (id: string, region?: string): ApiCall => ({
  cloud: 'alicloud',
  product: 'kms',
  action: 'GetKmsInstance',
  version: '2016-01-20',
  params: { KmsInstanceId: id },
  ...(region ? { region } : {}),
});
const listKms: ApiCall = {
  cloud: 'alicloud',
  product: 'kms',
  action: 'ListKmsInstances',
  version: '2016-01-20',
  params: { PageNumber: '1', PageSize: '20' },
};
const cas = (id: string): ApiCall => ({
  cloud: 'alicloud',
  product: 'cas',
  action: 'GetCAInstanceStatus',
  version: '2020-06-30',
  params: { InstanceId: id },
});

describe.each(['acs3', 'rpc'] as const)('the HTTP layer against the simulator (Alibaba %s)', (alibabaSignature) => {
  it('calls all four APIs and ListKmsInstances with real signatures', async () => {
    const e = executor({ alibabaSignature });
    const gz = await e.execute(kms('ap-guangzhou'), tcProvider);
    expect(gz.body).toMatchObject({ ServiceEnabled: true, UserLevel: 1 });
    expect(gz.requestId).toEqual(expect.any(String));
    const sh = await e.execute(kms('ap-shanghai'), tcProvider);
    expect(sh.body).toMatchObject({ UserLevel: 0 });
    expect((await e.execute(tcss, tcProvider)).body).toMatchObject({ State: 3, AutomaticRenewal: 1 });
    const inst = await e.execute(aliKms('kst-hzz000001'), aliProvider);
    expect(JSON.stringify(inst.body)).toContain('Connected');
    expect(inst.requestId).toEqual(expect.any(String));
    expect(JSON.stringify((await e.execute(listKms, aliProvider)).body)).toContain('kst-hzz000001');
    const ca = await e.execute(cas('cas-member-000001'), aliProvider);
    expect(JSON.stringify(ca.body)).toContain('cas-member-000001');
    expect(e.stats()).toMatchObject({ logicalCalls: 6, requests: 6, retries: 0, throttled: 0, failed: 0 });
  });

  it('signs STS tokens the way the gateway checks them', async () => {
    const e = executor({ alibabaSignature });
    const res = await e.execute(aliKms('kst-shh000002'), stsProvider);
    expect(JSON.stringify(res.body)).toContain('Disconnected');
  });

  it('reports a missing instance as not found (absent), without retrying', async () => {
    const e = executor({ alibabaSignature });
    const err = await apiFailureOf(e.execute(aliKms('kst-doesnotexist'), aliProvider));
    expect(err.notFound).toBe(true);
    expect(e.stats().requests).toBe(1);
  });

  it('fails fast on a wrong secret (signature) and on a skewed clock', async () => {
    const wrong = createCallExecutor({
      resolveCredentials: (p) =>
        p.cloud === 'tencentcloud' ? { ...TC, secret: 'wrong-secret-value' } : { ...ALI, secret: 'wrong-secret-value' },
      endpointOverride: sim.url,
      defaultQps: () => 10,
      redactor: new Redactor(),
      alibabaSignature,
    });
    executors.push(wrong);
    expect(await apiFailureOf(wrong.execute(kms('ap-guangzhou'), tcProvider))).toMatchObject({ kind: 'signature', retryable: false });
    expect(await apiFailureOf(wrong.execute(aliKms('kst-hzz000001'), aliProvider))).toMatchObject({ kind: 'signature', retryable: false });
    expect(wrong.stats().requests).toBe(2);

    const skewed = executor({ alibabaSignature, now: () => Date.now() + 20 * 60_000 });
    const tcErr = await apiFailureOf(skewed.execute(kms('ap-guangzhou'), tcProvider));
    expect(tcErr).toMatchObject({ kind: 'clock_skew', retryable: false });
    expect(tcErr.hint).toMatch(/check your clock/i);
    expect(await apiFailureOf(skewed.execute(aliKms('kst-hzz000001'), aliProvider))).toMatchObject({ kind: 'clock_skew' });
    expect(skewed.stats().requests).toBe(2);
  });
});

describe('pacing against the simulator', () => {
  it('sends a burst of calls with zero throttling', async () => {
    const before = sim.stats().byApiAccount.find((s) => s.api === 'GetKmsInstance' && s.account === 'ali')?.throttled ?? 0;
    const e = executor();
    const n = 30;
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: n }, () => e.execute(aliKms('kst-hzz000001'), aliProvider)));
    const elapsedS = (Date.now() - started) / 1000;
    expect(results).toHaveLength(n);
    expect(e.stats()).toMatchObject({ logicalCalls: n, requests: n, throttled: 0, retries: 0 });
    const after = sim.stats().byApiAccount.find((s) => s.api === 'GetKmsInstance' && s.account === 'ali')?.throttled ?? 0;
    expect(after - before).toBe(0);
    // Paced at our own 10/s default (the simulator allows 20): (30 − 2) / 9.8 s at least.
    expect(elapsedS).toBeGreaterThanOrEqual(28 / 9.8 - 0.05);
  });

  it('recovers from the simulator throttling a client that ignores its limit', async () => {
    // Tell the executor the API allows 1000/s; the simulator enforces 20/s and must throttle, the retries absorb it.
    const e = executor({ defaultQps: () => 1000 });
    const n = 30;
    const results = await Promise.all(Array.from({ length: n }, () => e.execute(aliKms('kst-hzz000001'), aliProvider)));
    expect(results).toHaveLength(n);
    const stats = e.stats();
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.requests).toBe(n + stats.retries);
  });
});
