/**
 * Proof of fidelity: the vendors' official SDK clients, unchanged, against the simulator. They get
 * the world's values, and the vendors' error codes for wrong keys, stale clocks, reused nonces and
 * bursts over the QPS limit.
 */
import dns from 'node:dns';
import { Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import * as OpenApiModule from '@alicloud/openapi-client';
import { kms } from 'tencentcloud-sdk-nodejs/tencentcloud/services/kms/index.js';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../src/simulator/server.js';
import type { RunningSimulator } from '../src/simulator/server.js';
import { loadWorld } from '../src/simulator/world.js';
import type { World } from '../src/simulator/world.js';

const WORLD_FILE = fileURLToPath(new URL('../examples/simulator/world.yaml', import.meta.url));
const TC = { secretId: 'AKIDSIMULATED0001', secretKey: 'simulated-secret-0001' };
const ALI = { accessKeyId: 'LTAISIMULATED0001', accessKeySecret: 'simulated-secret-0002' };

type OpenApiClient = {
  callApi(
    params: unknown,
    request: unknown,
    runtime: unknown,
  ): Promise<{ statusCode: number; body: Record<string, unknown>; headers: Record<string, string> }>;
};
type OpenApiClientClass = new (config: unknown) => OpenApiClient;

/** Vitest and Node interop expose the CJS default export at different depths. */
function openApiClientClass(): OpenApiClientClass {
  const d = (OpenApiModule as unknown as { default: unknown }).default;
  return (typeof d === 'function' ? d : (d as { default: unknown }).default) as OpenApiClientClass;
}

interface SdkError {
  code?: string;
  message: string;
  data?: { statusCode?: number; Code?: string; Message?: string };
}

async function sdkError(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the SDK call to fail');
}

/** Generous limits and a clock the clock-skew tests shift. */
let simulator: RunningSimulator;
let offsetMs = 0;
/** The documented limits (TCSS lowered to 3) on a frozen clock, for the burst tests. */
let limited: RunningSimulator;
let frozenAt = new Date();

/**
 * The official way to point the SDK elsewhere: endpoint host:port and the http:// protocol. A plain
 * agent keeps the SDK from routing loopback calls through an `http_proxy` of the environment.
 */
function tencentProfile(target = simulator): { httpProfile: { endpoint: string; protocol: string; reqTimeout: number; agent: Agent } } {
  return { httpProfile: { endpoint: target.url.replace(/^http:\/\//, ''), protocol: 'http://', reqTimeout: 10, agent: new Agent() } };
}

function kmsClient(region: string, credential = TC): InstanceType<typeof kms.v20190118.Client> {
  return new kms.v20190118.Client({ credential, region, profile: tencentProfile() });
}

function tcssClient(credential = TC, target = simulator): InstanceType<typeof tcss.v20201101.Client> {
  return new tcss.v20201101.Client({ credential, profile: tencentProfile(target) });
}

type Algorithm = 'v3' | 'v2';

function aliClient(algorithm: Algorithm, credential = ALI, target = simulator): OpenApiClient {
  const Client = openApiClientClass();
  return new Client(
    new OpenApiModule.Config({
      ...credential,
      endpoint: target.url.replace(/^http:\/\//, ''),
      protocol: 'HTTP',
      ...(algorithm === 'v2' ? { signatureAlgorithm: 'v2' } : {}),
    }),
  );
}

async function aliCall(
  algorithm: Algorithm,
  action: string,
  version: string,
  query: Record<string, string>,
  options: { credential?: typeof ALI; headers?: Record<string, string>; target?: RunningSimulator } = {},
): Promise<Record<string, unknown>> {
  const params = new OpenApiModule.Params({
    action,
    version,
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const request = new OpenApiModule.OpenApiRequest({ query, ...(options.headers ? { headers: options.headers } : {}) });
  const response = await aliClient(algorithm, options.credential, options.target).callApi(params, request, {});
  return response.body;
}

beforeAll(async () => {
  const world = await loadWorld(WORLD_FILE);
  const quiet: World = { ...world, faults: { ...world.faults, latencyMs: [0, 0] } };
  const generous = Object.fromEntries(Object.keys(world.limits).map((api) => [api, 1000])) as World['limits'];
  simulator = await startSimulator({ world: { ...quiet, limits: generous }, now: () => new Date(Date.now() + offsetMs) });
  // Small TCSS limit so that its burst test needs only a handful of calls.
  limited = await startSimulator({ world: { ...quiet, limits: { ...world.limits, DescribePurchaseStateInfo: 3 } }, now: () => frozenAt });
});

afterAll(async () => {
  await simulator.close();
  await limited.close();
});

describe('tencentcloud-sdk-nodejs against the simulator', () => {
  it('kms.v20190118 GetServiceStatus returns the world body for the region', async () => {
    const gz = await kmsClient('ap-guangzhou').GetServiceStatus();
    expect(gz).toMatchObject({
      ServiceEnabled: true,
      InvalidType: 1,
      UserLevel: 1,
      ProExpireTime: 1877529600,
      ProRenewFlag: 1,
      SubscriptionInfo: 'Prepaid_KMS',
    });
    expect(gz.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    const sh = await kmsClient('ap-shanghai').GetServiceStatus();
    expect(sh).toMatchObject({ ServiceEnabled: true, UserLevel: 0, ProRenewFlag: 0 });
  });

  it('a region absent from the world answers as not purchased', async () => {
    const bj = await kmsClient('ap-beijing').GetServiceStatus();
    expect(bj).toMatchObject({ ServiceEnabled: false, InvalidType: 0, UserLevel: 0, ProExpireTime: 0, ProRenewFlag: 0 });
  });

  it('tcss.v20201101 DescribePurchaseStateInfo without a region returns the subscription', async () => {
    const state = await tcssClient().DescribePurchaseStateInfo();
    expect(state).toMatchObject({ State: 3, AutomaticRenewal: 2, ExpirationTime: '2026-12-20 00:00:00', SubState: 'NORMAL' });
  });

  it('a wrong secret key is AuthFailure.SignatureFailure, an unknown secret id AuthFailure.SecretIdNotFound', async () => {
    const wrongKey = await sdkError(kmsClient('ap-guangzhou', { ...TC, secretKey: 'not-the-secret' }).GetServiceStatus());
    expect(wrongKey.code).toBe('AuthFailure.SignatureFailure');
    expect(wrongKey.message).not.toContain('not-the-secret');
    const unknown = await sdkError(kmsClient('ap-guangzhou', { secretId: 'AKIDNOBODY', secretKey: 'x' }).GetServiceStatus());
    expect(unknown.code).toBe('AuthFailure.SecretIdNotFound');
  });

  it('a client clock more than 5 minutes off is AuthFailure.SignatureExpire', async () => {
    offsetMs = 6 * 60 * 1000;
    try {
      const stale = await sdkError(kmsClient('ap-guangzhou').GetServiceStatus());
      expect(stale.code).toBe('AuthFailure.SignatureExpire');
    } finally {
      offsetMs = 0;
    }
    await expect(kmsClient('ap-guangzhou').GetServiceStatus()).resolves.toMatchObject({ UserLevel: 1 });
  });

  it('a burst over the QPS limit gets RequestLimitExceeded', async () => {
    frozenAt = new Date();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => tcssClient(TC, limited).DescribePurchaseStateInfo()));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as SdkError).code] : []));
    expect(ok).toHaveLength(3);
    expect(codes).toEqual(['RequestLimitExceeded', 'RequestLimitExceeded']);
  });

  it('unknown actions and versions get InvalidAction and NoSuchVersion', async () => {
    const { CommonClient } = await import('tencentcloud-sdk-nodejs/tencentcloud/common/common_client.js');
    const endpoint = tencentProfile();
    const wrongAction = new CommonClient('kms.tencentcloudapi.com', '2019-01-18', {
      credential: TC,
      region: 'ap-guangzhou',
      profile: endpoint,
    });
    expect((await sdkError(wrongAction.request('GetServiceStatuses', {}))).code).toBe('InvalidAction');
    const wrongVersion = new CommonClient('kms.tencentcloudapi.com', '2018-01-01', {
      credential: TC,
      region: 'ap-guangzhou',
      profile: endpoint,
    });
    expect((await sdkError(wrongVersion.request('GetServiceStatus', {}))).code).toBe('NoSuchVersion');
  });
});

describe.each<Algorithm>(['v3', 'v2'])('@alicloud/openapi-client callApi (%s signature) against the simulator', (algorithm) => {
  it('GetKmsInstance returns the world instance', async () => {
    const body = await aliCall(algorithm, 'GetKmsInstance', '2016-01-20', { KmsInstanceId: 'kst-hzz000001' });
    expect(body.KmsInstance).toMatchObject({
      InstanceId: 'kst-hzz000001',
      Status: 'Connected',
      EndDate: '2027-06-30T16:00:00Z',
      KeyNum: 1000,
      SecretNum: '100',
    });
    expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('GetKmsInstance in another region, or of an unknown id, is 404 Forbidden.ResourceNotFound', async () => {
    const other = await sdkError(
      aliCall(algorithm, 'GetKmsInstance', '2016-01-20', { KmsInstanceId: 'kst-hzz000001', RegionId: 'cn-shanghai' }),
    );
    expect(other.code).toBe('Forbidden.ResourceNotFound');
    expect(other.data?.statusCode).toBe(404);
    const unknown = await sdkError(aliCall(algorithm, 'GetKmsInstance', '2016-01-20', { KmsInstanceId: 'kst-nope' }));
    expect(unknown.code).toBe('Forbidden.ResourceNotFound');
  });

  it('ListKmsInstances pages through the account, filtered by RegionId', async () => {
    const first = await aliCall(algorithm, 'ListKmsInstances', '2016-01-20', { PageNumber: '1', PageSize: '1' });
    expect(first).toMatchObject({ PageNumber: 1, PageSize: 1, TotalCount: 2 });
    expect(first.KmsInstances).toEqual({
      KmsInstance: [{ KmsInstanceId: 'kst-hzz000001', KmsInstanceArn: 'acs:kms:cn-hangzhou:1888800000000001:instance/kst-hzz000001' }],
    });
    const second = await aliCall(algorithm, 'ListKmsInstances', '2016-01-20', { PageNumber: '2', PageSize: '1' });
    expect((second.KmsInstances as { KmsInstance: { KmsInstanceId: string }[] }).KmsInstance.map((i) => i.KmsInstanceId)).toEqual([
      'kst-shh000002',
    ]);
    const shanghai = await aliCall(algorithm, 'ListKmsInstances', '2016-01-20', { RegionId: 'cn-shanghai' });
    expect(shanghai).toMatchObject({ PageNumber: 1, PageSize: 20, TotalCount: 1 });
  });

  it('GetCAInstanceStatus returns one CA, or every CA without InstanceId; unknown ids are 404', async () => {
    const one = await aliCall(algorithm, 'GetCAInstanceStatus', '2020-06-30', { InstanceId: 'cas-member-000002' });
    expect(one.InstanceStatusList).toEqual([
      expect.objectContaining({
        InstanceId: 'cas-member-000002',
        Type: 'SUB_ROOT',
        Status: 'USED',
        CertTotalCount: 1000,
        CertIssuedCount: 950,
      }),
    ]);
    const all = await aliCall(algorithm, 'GetCAInstanceStatus', '2020-06-30', {});
    expect((all.InstanceStatusList as { InstanceId: string }[]).map((c) => c.InstanceId)).toEqual([
      'cas-member-000001',
      'cas-member-000002',
    ]);
    const unknown = await sdkError(aliCall(algorithm, 'GetCAInstanceStatus', '2020-06-30', { InstanceId: 'cas-member-nope' }));
    expect(unknown.code).toBe('InvalidInstanceId.NotFound');
    expect(unknown.data?.statusCode).toBe(404);
  });

  it('a wrong secret is SignatureDoesNotMatch (echoing the string to sign, never the secret); an unknown key 404', async () => {
    const wrong = await sdkError(
      aliCall(
        algorithm,
        'GetKmsInstance',
        '2016-01-20',
        { KmsInstanceId: 'kst-hzz000001' },
        { credential: { ...ALI, accessKeySecret: 'not-the-secret' } },
      ),
    );
    expect(wrong.code).toBe('SignatureDoesNotMatch');
    expect(wrong.data?.statusCode).toBe(400);
    expect(wrong.data?.Message).toContain('server string to sign is:');
    expect(JSON.stringify(wrong.data)).not.toContain('not-the-secret');
    expect(JSON.stringify(wrong.data)).not.toContain(ALI.accessKeySecret);
    const unknown = await sdkError(
      aliCall(
        algorithm,
        'GetKmsInstance',
        '2016-01-20',
        { KmsInstanceId: 'kst-hzz000001' },
        { credential: { accessKeyId: 'LTAINOBODY', accessKeySecret: 'x' } },
      ),
    );
    expect(unknown.code).toBe('InvalidAccessKeyId.NotFound');
    expect(unknown.data?.statusCode).toBe(404);
  });

  it('a timestamp more than 15 minutes off is InvalidTimeStamp.Expired (6 minutes is fine)', async () => {
    offsetMs = 16 * 60 * 1000;
    try {
      const stale = await sdkError(aliCall(algorithm, 'GetCAInstanceStatus', '2020-06-30', {}));
      expect(stale.code).toBe('InvalidTimeStamp.Expired');
      offsetMs = -6 * 60 * 1000;
      await expect(aliCall(algorithm, 'GetCAInstanceStatus', '2020-06-30', {})).resolves.toHaveProperty('InstanceStatusList');
    } finally {
      offsetMs = 0;
    }
  });

  it('a reused nonce is SignatureNonceUsed', async () => {
    const nonce = `fixed-nonce-${algorithm}`;
    const options = algorithm === 'v3' ? { headers: { 'x-acs-signature-nonce': nonce } } : {};
    const query: Record<string, string> = algorithm === 'v2' ? { SignatureNonce: nonce } : {};
    await aliCall(algorithm, 'GetCAInstanceStatus', '2020-06-30', query, options);
    const reused = await sdkError(aliCall(algorithm, 'GetCAInstanceStatus', '2020-06-30', query, options));
    expect(reused.code).toBe('SignatureNonceUsed');
  });

  it('a burst over 10 QPS gets 429 Rejected.Throttling (KMS) and Throttling.User (CAS)', async () => {
    // Each run starts a simulated second after the previous one, so the buckets start full.
    frozenAt = new Date(frozenAt.getTime() + 1000);
    const target = limited;
    {
      const kmsCalls = await Promise.allSettled(
        Array.from({ length: 12 }, () =>
          aliCall(algorithm, 'GetKmsInstance', '2016-01-20', { KmsInstanceId: 'kst-hzz000001' }, { target }),
        ),
      );
      const kmsErrors = kmsCalls.flatMap((r) => (r.status === 'rejected' ? [r.reason as SdkError] : []));
      expect(kmsCalls.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
      expect(kmsErrors.map((e) => [e.code, e.data?.statusCode])).toEqual([
        ['Rejected.Throttling', 429],
        ['Rejected.Throttling', 429],
      ]);
      const casCalls = await Promise.allSettled(
        Array.from({ length: 11 }, () => aliCall(algorithm, 'GetCAInstanceStatus', '2020-06-30', {}, { target })),
      );
      const casErrors = casCalls.flatMap((r) => (r.status === 'rejected' ? [r.reason as SdkError] : []));
      expect(casErrors.map((e) => [e.code, e.data?.statusCode])).toEqual([['Throttling.User', 400]]);
    }
  });

  it('an unknown action is 404 InvalidAction.NotFound', async () => {
    const unknown = await sdkError(aliCall(algorithm, 'GetKmsInstances', '2016-01-20', {}));
    expect(unknown.code).toBe('InvalidAction.NotFound');
    expect(unknown.data?.statusCode).toBe(404);
  });
});

/**
 * Issue 11: the vendor answers driftwatch must read right, produced for the official SDK too — a
 * CA served at its regional CAS host (reached by its real host name, resolved to the simulator
 * only inside this test), a released KMS instance as HTTP 200 with an empty InstanceId, and an
 * error envelope in an HTTP 200.
 */
describe('@alicloud/openapi-client against the vendor answers of issue 11', () => {
  const VERDICTS_WORLD = fileURLToPath(new URL('./fixtures/verdicts/world.yaml', import.meta.url));
  const KEY = { accessKeyId: 'LTAIVERDICTS0001', accessKeySecret: 'verdicts-alibaba-secret-a' };
  let verdicts: RunningSimulator;

  beforeAll(async () => {
    verdicts = await startSimulator({ world: await loadWorld(VERDICTS_WORLD) });
  });
  afterAll(async () => {
    await verdicts.close();
  });

  /** The SDK connects to its endpoint's host; these names resolve to the simulator for this test only. */
  async function withVendorHosts<T>(run: () => Promise<T>): Promise<T> {
    const original = dns.lookup;
    const patched = ((host: string, options: unknown, callback?: unknown): void => {
      const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
      const opts = (typeof options === 'object' && options !== null ? options : {}) as { all?: boolean };
      if (!host.endsWith('.aliyuncs.com')) {
        (original as (...args: unknown[]) => void)(host, options, callback);
        return;
      }
      if (opts.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
      else cb(null, '127.0.0.1', 4);
    }) as typeof dns.lookup;
    dns.lookup = patched;
    try {
      return await run();
    } finally {
      dns.lookup = original;
    }
  }

  async function casAt(algorithm: Algorithm, host: string, instanceId: string): Promise<Record<string, unknown>> {
    const Client = openApiClientClass();
    const client = new Client(
      new OpenApiModule.Config({
        ...KEY,
        endpoint: `${host}:${verdicts.port}`,
        protocol: 'HTTP',
        ...(algorithm === 'v2' ? { signatureAlgorithm: 'v2' } : {}),
      }),
    );
    const params = new OpenApiModule.Params({
      action: 'GetCAInstanceStatus',
      version: '2020-06-30',
      protocol: 'HTTP',
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });
    const response = await client.callApi(params, new OpenApiModule.OpenApiRequest({ query: { InstanceId: instanceId } }), {});
    return response.body;
  }

  it.each<Algorithm>(['v3', 'v2'])(
    'answers a CA at its regional CAS host, and with an empty list at cas.aliyuncs.com (%s)',
    async (algorithm) => {
      await withVendorHosts(async () => {
        const regional = await casAt(algorithm, 'cas.ap-southeast-1.aliyuncs.com', 'cas-sg');
        expect(regional.InstanceStatusList).toEqual([expect.objectContaining({ InstanceId: 'cas-sg', Status: 'USED' })]);
        const central = await casAt(algorithm, 'cas.aliyuncs.com', 'cas-sg');
        expect(central.InstanceStatusList).toEqual([]);
        const root = await casAt(algorithm, 'cas.aliyuncs.com', 'cas-root');
        expect(root.InstanceStatusList).toEqual([
          expect.objectContaining({ InstanceId: 'cas-root', Type: 'ROOT', CertTotalCount: 10, CertIssuedCount: 1 }),
        ]);
      });
    },
  );

  it.each<Algorithm>(['v3', 'v2'])('answers a released KMS instance with HTTP 200 and an empty InstanceId (%s)', async (algorithm) => {
    const body = await aliCall(
      algorithm,
      'GetKmsInstance',
      '2016-01-20',
      { KmsInstanceId: 'kst-released' },
      { credential: KEY, target: verdicts },
    );
    expect(body.KmsInstance).toEqual({ InstanceId: '' });
  });

  it.each<Algorithm>(['v3', 'v2'])('answers a forced 200-with-Code as HTTP 200 carrying the error envelope (%s)', async (algorithm) => {
    const body = await aliCall(
      algorithm,
      'GetKmsInstance',
      '2016-01-20',
      { KmsInstanceId: 'kst-code200' },
      { credential: KEY, target: verdicts },
    );
    expect(body).toMatchObject({ Code: 'Forbidden.RAM', Message: 'denied in a 200', Success: false });
    expect(body.KmsInstance).toBeUndefined();
  });
});
