import { mkdtemp, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signAcs3 } from '../providers/alicloud/sign-acs3.js';
import { signRpc } from '../providers/alicloud/sign-rpc.js';
import { percentEncode } from '../util/encoding.js';
import { signTc3 } from '../providers/tencentcloud/sign.js';
import { startSimulator } from './server.js';
import type { RunningSimulator } from './server.js';
import { worldFromObject } from './world.js';

const NOW = new Date('2026-11-29T00:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const ISO_NOW = '2026-11-29T00:00:00Z';

const WORLD = {
  accounts: [
    {
      cloud: 'tencentcloud',
      name: 'tc',
      secret_id: 'AKIDT1',
      secret_key: 'tc-secret-1',
      kms: {
        'ap-guangzhou': { ServiceEnabled: true, InvalidType: 1, UserLevel: 1, ProExpireTime: 1877529600, ProRenewFlag: 1, CmkUserCount: 1 },
        'ap-chengdu': { ServiceEnabled: true, force_error: 'InternalError' },
      },
      tcss: { State: 3, AutomaticRenewal: 1, ExpirationTime: '2027-06-30 00:00:00', CoresCnt: 8, ImageCnt: 3 },
    },
    {
      cloud: 'tencentcloud',
      name: 'tc-denied',
      secret_id: 'AKIDT2',
      secret_key: 'tc-secret-2',
      errors: { GetServiceStatus: 'AuthFailure.UnauthorizedOperation' },
    },
    { cloud: 'tencentcloud', name: 'tc-sts', secret_id: 'AKIDT3', secret_key: 'tc-secret-3', security_token: 'sts-token-3' },
    {
      cloud: 'alicloud',
      name: 'ali',
      access_key_id: 'LTAIA1',
      access_key_secret: 'ali-secret-1',
      uid: '100',
      kms_instances: [
        { region: 'cn-hangzhou', InstanceId: 'kst-1', Status: 'Connected', SecretNum: '10' },
        { region: 'cn-hangzhou', InstanceId: 'kst-2', Status: 'Connected' },
        { region: 'cn-shanghai', InstanceId: 'kst-3', Status: 'Disconnected' },
        { region: 'cn-shanghai', InstanceId: 'kst-denied', force_error: 'Forbidden.RAM' },
      ],
      ca_instances: [
        { InstanceId: 'cas-1', Type: 'ROOT', Status: 'USED', CertTotalCount: 10, CertIssuedCount: 1, Identifier: 'id-1' },
        { InstanceId: 'cas-2', Type: 'SUB_ROOT', Status: 'BUY', CertTotalCount: 10, CertIssuedCount: 0 },
      ],
    },
  ],
  limits: {
    GetServiceStatus: 1000,
    DescribePurchaseStateInfo: 1000,
    GetKmsInstance: 1000,
    ListKmsInstances: 1000,
    GetCAInstanceStatus: 1000,
  },
};

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): Record<string, unknown>;
}

function send(
  sim: RunningSimulator,
  init: { method?: string; path?: string; headers: Record<string, string>; body?: string },
  signal?: AbortSignal,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.url}${init.path ?? '/'}`,
      { method: init.method ?? 'POST', headers: init.headers, ...(signal ? { signal } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body ?? '');
  });
}

interface TcOptions {
  action?: string;
  version?: string;
  region?: string;
  service?: string;
  secretId?: string;
  secretKey?: string;
  token?: string;
  timestamp?: number;
  body?: string;
  method?: 'POST' | 'GET';
  extraSignedHeaders?: Record<string, string>;
}

function tc(sim: RunningSimulator, o: TcOptions = {}): Promise<Reply> {
  const body = o.body ?? (o.method === 'GET' ? '' : '{}');
  const signed = signTc3({
    secretId: o.secretId ?? 'AKIDT1',
    secretKey: o.secretKey ?? 'tc-secret-1',
    host: new URL(sim.url).host,
    service: o.service ?? 'kms',
    action: o.action ?? 'GetServiceStatus',
    version: o.version ?? '2019-01-18',
    ...(o.region !== undefined ? { region: o.region } : { region: 'ap-guangzhou' }),
    ...(o.token !== undefined ? { token: o.token } : {}),
    timestamp: o.timestamp ?? NOW_S,
    contentType: 'application/json',
    body,
    method: o.method ?? 'POST',
    ...(o.extraSignedHeaders ? { extraSignedHeaders: o.extraSignedHeaders } : {}),
  });
  if (o.region === '') delete signed.headers['X-TC-Region'];
  return send(sim, { method: o.method ?? 'POST', headers: signed.headers, body });
}

interface AliOptions {
  action?: string;
  version?: string;
  query?: Record<string, string>;
  accessKeyId?: string;
  secret?: string;
  date?: string;
  nonce?: string;
  host?: string;
  extraHeaders?: Record<string, string>;
}

let nonceCounter = 0;
const nextNonce = (): string => `nonce-${++nonceCounter}`;

function acs3(sim: RunningSimulator, o: AliOptions = {}): Promise<Reply> {
  const query = o.query ?? {};
  const headers: Record<string, string> = {
    host: o.host ?? new URL(sim.url).host,
    'x-acs-action': o.action ?? 'GetKmsInstance',
    'x-acs-version': o.version ?? '2016-01-20',
    'x-acs-date': o.date ?? ISO_NOW,
    'x-acs-signature-nonce': o.nonce ?? nextNonce(),
  };
  const signed = signAcs3({
    method: 'POST',
    query,
    headers,
    body: '',
    accessKeyId: o.accessKeyId ?? 'LTAIA1',
    accessKeySecret: o.secret ?? 'ali-secret-1',
  });
  const qs = Object.entries(query)
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
  return send(sim, { path: qs ? `/?${qs}` : '/', headers: { ...signed.headers, ...o.extraHeaders } });
}

function rpc(sim: RunningSimulator, params: Record<string, string>, o: { secret?: string; json?: boolean } = {}): Promise<Reply> {
  const all: Record<string, string> = {
    Format: 'JSON',
    AccessKeyId: 'LTAIA1',
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: nextNonce(),
    Timestamp: ISO_NOW,
    ...params,
  };
  if (o.json === false) delete all.Format;
  const signed = signRpc({ method: 'POST', params: all, accessKeySecret: o.secret ?? 'ali-secret-1' });
  return send(sim, { path: `/?${signed.query}`, headers: { host: new URL(sim.url).host } });
}

const tcError = (r: Reply): unknown => (r.json().Response as { Error?: { Code: string } }).Error?.Code;

describe('routing, verification and answers', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ world: worldFromObject(WORLD), now: () => NOW });
  });
  afterAll(async () => sim.close());

  it('answers Tencent in the 200 Response envelope with a RequestId', async () => {
    const r = await tc(sim);
    expect(r.status).toBe(200);
    const { RequestId, ...rest } = r.json().Response as Record<string, unknown>;
    expect(rest).toEqual({
      ServiceEnabled: true,
      InvalidType: 1,
      UserLevel: 1,
      ProExpireTime: 1877529600,
      ProRenewFlag: 1,
      CmkUserCount: 1,
    });
    expect(RequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('verifies extra signed headers (x-tc-action, lower-cased as the doc does) and TC3 GET', async () => {
    expect(tcError(await tc(sim, { extraSignedHeaders: { 'x-tc-action': 'GetServiceStatus' } }))).toBeUndefined();
    const get = await tc(sim, { method: 'GET' });
    expect(get.json().Response).toMatchObject({ UserLevel: 1 });
  });

  it('takes the product from the credential scope: kms GetServiceStatus signed for tcss is InvalidAction', async () => {
    expect(tcError(await tc(sim, { service: 'tcss' }))).toBe('InvalidAction');
    expect(
      tcError(await tc(sim, { service: 'tcss', action: 'DescribePurchaseStateInfo', version: '2020-11-01', region: '' })),
    ).toBeUndefined();
  });

  it('rejects what Tencent rejects: no Authorization, no region, unknown parameters, wrong keys', async () => {
    const noAuth = await send(sim, { headers: { 'content-type': 'application/json', 'x-tc-action': 'GetServiceStatus' }, body: '{}' });
    expect(noAuth.status).toBe(200);
    expect(tcError(noAuth)).toBe('AuthFailure.InvalidAuthorization');
    expect(tcError(await tc(sim, { region: '' }))).toBe('MissingParameter');
    expect(tcError(await tc(sim, { body: '{"Limit":1}' }))).toBe('UnknownParameter');
    expect(tcError(await tc(sim, { body: '[1]' }))).toBe('InvalidParameter');
    expect(tcError(await tc(sim, { secretKey: 'wrong' }))).toBe('AuthFailure.SignatureFailure');
    expect(tcError(await tc(sim, { secretId: 'AKIDNONE' }))).toBe('AuthFailure.SecretIdNotFound');
    expect(tcError(await tc(sim, { timestamp: NOW_S - 301 }))).toBe('AuthFailure.SignatureExpire');
    expect(tcError(await tc(sim, { timestamp: NOW_S + 300 }))).toBeUndefined();
  });

  it("answers a legacy v1 Tencent request in Tencent's envelope, refusing its signature", async () => {
    const body = 'Action=GetServiceStatus&Version=2019-01-18&Region=ap-guangzhou&SecretId=AKIDT1&Nonce=1&Timestamp=1&Signature=x';
    const r = await send(sim, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(tcError(r)).toBe('AuthFailure.InvalidAuthorization');
  });

  it('requires the security token of an STS account, and only then', async () => {
    expect(tcError(await tc(sim, { secretId: 'AKIDT3', secretKey: 'tc-secret-3' }))).toBe('AuthFailure.TokenFailure');
    expect(tcError(await tc(sim, { secretId: 'AKIDT3', secretKey: 'tc-secret-3', token: 'sts-token-3' }))).toBeUndefined();
    expect(tcError(await tc(sim, { token: 'stray' }))).toBe('AuthFailure.TokenFailure');
  });

  it('answers absent Tencent resources as not purchased, and forced errors as errors', async () => {
    expect((await tc(sim, { region: 'ap-beijing' })).json().Response).toMatchObject({
      ServiceEnabled: false,
      InvalidType: 0,
      UserLevel: 0,
    });
    expect(
      (
        await tc(sim, {
          secretId: 'AKIDT3',
          secretKey: 'tc-secret-3',
          token: 'sts-token-3',
          service: 'tcss',
          action: 'DescribePurchaseStateInfo',
          version: '2020-11-01',
        })
      ).json().Response,
    ).toMatchObject({ State: 0 });
    expect(tcError(await tc(sim, { region: 'ap-chengdu' }))).toBe('InternalError');
    expect(tcError(await tc(sim, { secretId: 'AKIDT2', secretKey: 'tc-secret-2' }))).toBe('AuthFailure.UnauthorizedOperation');
  });

  it('answers Alibaba ACS3 with the body and the x-acs-request-id header', async () => {
    const r = await acs3(sim, { query: { KmsInstanceId: 'kst-1' } });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({
      RequestId: r.headers['x-acs-request-id'],
      KmsInstance: { InstanceId: 'kst-1', Status: 'Connected', SecretNum: '10' },
    });
  });

  it('rejects unsigned x-acs-* headers, a body that is not the hashed one, a wrong secret and unknown versions', async () => {
    const unsigned = await acs3(sim, { query: { KmsInstanceId: 'kst-1' }, extraHeaders: { 'x-acs-trace': 'added-later' } });
    expect([unsigned.status, unsigned.json().Code]).toEqual([400, 'IncompleteSignature']);
    const wrong = await acs3(sim, { query: { KmsInstanceId: 'kst-1' }, secret: 'wrong-secret' });
    expect([wrong.status, wrong.json().Code]).toEqual([400, 'SignatureDoesNotMatch']);
    expect(wrong.json().Message).toMatch(/server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/);
    expect(wrong.json().HostId).toBe(new URL(sim.url).host);
    expect(wrong.json().Recommend).toContain('q=SignatureDoesNotMatch');
    const version = await acs3(sim, { version: '2019-01-01', query: { KmsInstanceId: 'kst-1' } });
    expect([version.status, version.json().Code]).toEqual([400, 'InvalidVersion']);
    const missing = await acs3(sim, {});
    expect([missing.status, missing.json().Code]).toEqual([400, 'MissingKmsInstanceId']);
    const stale = await acs3(sim, { date: '2026-11-28T23:44:59Z', query: { KmsInstanceId: 'kst-1' } });
    expect([stale.status, stale.json().Code]).toEqual([400, 'InvalidTimeStamp.Expired']);
    const badDate = await acs3(sim, { date: '2026-11-29 00:00:00', query: { KmsInstanceId: 'kst-1' } });
    expect(badDate.json().Code).toBe('InvalidTimeStamp.Format');
  });

  it('filters KMS instances by RegionId or by a regional Host, and forces per-instance errors', async () => {
    expect((await acs3(sim, { query: { KmsInstanceId: 'kst-3', RegionId: 'cn-hangzhou' } })).json().Code).toBe(
      'Forbidden.ResourceNotFound',
    );
    const byHost = await acs3(sim, { action: 'ListKmsInstances', host: 'kms.cn-shanghai.aliyuncs.com' });
    expect(byHost.json()).toMatchObject({
      TotalCount: 2,
      KmsInstances: { KmsInstance: [{ KmsInstanceId: 'kst-3' }, { KmsInstanceId: 'kst-denied' }] },
    });
    const denied = await acs3(sim, { query: { KmsInstanceId: 'kst-denied' } });
    expect([denied.status, denied.json().Code]).toEqual([403, 'Forbidden.RAM']);
  });

  it('pages ListKmsInstances and validates PageNumber, PageSize and Filters', async () => {
    const page2 = await acs3(sim, { action: 'ListKmsInstances', query: { PageNumber: '2', PageSize: '3' } });
    expect(page2.json()).toMatchObject({
      PageNumber: 2,
      PageSize: 3,
      TotalCount: 4,
      KmsInstances: { KmsInstance: [{ KmsInstanceId: 'kst-denied', KmsInstanceArn: 'acs:kms:cn-shanghai:100:instance/kst-denied' }] },
    });
    const beyond = await acs3(sim, { action: 'ListKmsInstances', query: { PageNumber: '9' } });
    expect(beyond.json()).toMatchObject({ PageNumber: 9, PageSize: 20, TotalCount: 4, KmsInstances: { KmsInstance: [] } });
    const bad: Record<string, string>[] = [{ PageSize: '0' }, { PageSize: '101' }, { PageNumber: 'x' }, { Filters: '[]' }];
    for (const query of bad) {
      const answer = await acs3(sim, { action: 'ListKmsInstances', query });
      expect([answer.status, answer.json().Code]).toEqual([400, 'InvalidParameter']);
    }
  });

  it('selects CAs by InstanceId or Identifier; unknown ones are 404', async () => {
    const byIdentifier = await acs3(sim, { action: 'GetCAInstanceStatus', version: '2020-06-30', query: { Identifier: 'id-1' } });
    expect(byIdentifier.json().InstanceStatusList).toEqual([expect.objectContaining({ InstanceId: 'cas-1' })]);
    const unknown = await acs3(sim, { action: 'GetCAInstanceStatus', version: '2020-06-30', query: { Identifier: 'id-9' } });
    expect([unknown.status, unknown.json().Code]).toEqual([404, 'InvalidIdentifier.NotFound']);
  });

  it('speaks V2 RPC: XML unless Format=JSON, Missing* for absent signature parameters, nonce reuse refused', async () => {
    const xml = await rpc(sim, { Action: 'GetCAInstanceStatus', Version: '2020-06-30', InstanceId: 'cas-1' }, { json: false });
    expect(xml.headers['content-type']).toBe('text/xml;charset=utf-8');
    expect(xml.text).toMatch(
      /^<\?xml version='1\.0' encoding='UTF-8'\?><GetCAInstanceStatusResponse><RequestId>[0-9A-F-]{36}<\/RequestId><InstanceStatusList><InstanceId>cas-1<\/InstanceId>/,
    );
    const xmlError = await rpc(sim, { Action: 'GetCAInstanceStatus', Version: '2020-06-30', InstanceId: 'cas-9' }, { json: false });
    expect(xmlError.status).toBe(404);
    expect(xmlError.text).toContain('<Code>InvalidInstanceId.NotFound</Code>');
    const noNonce = await rpc(sim, { Action: 'GetCAInstanceStatus', Version: '2020-06-30', SignatureNonce: '' });
    expect(noNonce.json().Code).toBe('MissingSignatureNonce');
    await rpc(sim, { Action: 'GetCAInstanceStatus', Version: '2020-06-30', SignatureNonce: 'same' });
    const reused = await rpc(sim, { Action: 'GetCAInstanceStatus', Version: '2020-06-30', SignatureNonce: 'same' });
    expect([reused.status, reused.json().Code]).toEqual([400, 'SignatureNonceUsed']);
    const wrong = await rpc(sim, { Action: 'GetCAInstanceStatus', Version: '2020-06-30' }, { secret: 'nope' });
    expect(wrong.json().Message).toMatch(
      /^Specified signature is not matched with our calculation\. server string to sign is:POST&%2F&AccessKeyId%3DLTAIA1%26Action/,
    );
    const unknownAction = await rpc(sim, { Action: 'DescribeRegions', Version: '2016-01-20' });
    expect([unknownAction.status, unknownAction.json().Code]).toEqual([404, 'InvalidAction.NotFound']);
  });

  it('counts requests per API and account', () => {
    const stats = sim.stats();
    const gss = stats.byApiAccount.find((s) => s.api === 'GetServiceStatus' && s.account === 'tc');
    expect(gss?.ok).toBeGreaterThanOrEqual(4);
    expect(gss?.errors['AuthFailure.SignatureFailure']).toBe(1);
    expect(
      stats.byApiAccount.find((s) => s.api === 'GetServiceStatus' && s.account === '(unknown)')?.errors['AuthFailure.SecretIdNotFound'],
    ).toBe(1);
    expect(stats.total.requests).toBe(sim.requestLog().length);
  });
});

describe('limits', () => {
  let sim: RunningSimulator;
  afterEach(async () => sim.close());

  it('throttles each account and API separately, with x-acs-retry-after on Alibaba answers', async () => {
    let now = NOW.getTime();
    sim = await startSimulator({
      world: worldFromObject({ ...WORLD, limits: { GetKmsInstance: 2, GetServiceStatus: 1 } }),
      now: () => new Date(now),
    });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await acs3(sim, { query: { KmsInstanceId: 'kst-1' } }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers[2]?.json()).toMatchObject({ Code: 'Rejected.Throttling', Message: 'QPS Limit Exceeded' });
    expect(answers[2]?.headers['x-acs-retry-after']).toBe('500');
    // Other APIs and accounts have buckets of their own.
    expect((await acs3(sim, { action: 'ListKmsInstances' })).status).toBe(200);
    expect(tcError(await tc(sim))).toBeUndefined();
    expect(tcError(await tc(sim))).toBe('RequestLimitExceeded');
    expect(tcError(await tc(sim, { secretId: 'AKIDT3', secretKey: 'tc-secret-3', token: 'sts-token-3' }))).toBeUndefined();
    now += 1000;
    expect((await acs3(sim, { query: { KmsInstanceId: 'kst-1' } })).status).toBe(200);
    expect(sim.stats().byApiAccount.find((s) => s.api === 'GetKmsInstance')?.throttled).toBe(1);
  });

  it('applies the world clock skew to signature checks', async () => {
    sim = await startSimulator({ world: worldFromObject({ ...WORLD, clock: { skew_seconds: 400 } }), now: () => NOW });
    expect(tcError(await tc(sim))).toBe('AuthFailure.SignatureExpire');
    expect((await acs3(sim, { query: { KmsInstanceId: 'kst-1' } })).status).toBe(200);
    expect(tcError(await tc(sim, { timestamp: NOW_S + 400 }))).toBeUndefined();
  });
});

describe('fault determinism', () => {
  async function outcomes(seed: number): Promise<string[]> {
    const s = await startSimulator({ world: worldFromObject({ ...WORLD, faults: { seed, error_rate: 0.5 } }), now: () => NOW });
    try {
      for (let i = 0; i < 24; i++) await acs3(s, { query: { KmsInstanceId: 'kst-1' } });
      return s.requestLog().map((e) => `${e.outcome}:${e.code ?? ''}`);
    } finally {
      await s.close();
    }
  }

  it('are the same for the same seed and request order, and differ for another seed', async () => {
    const first = await outcomes(5);
    expect(await outcomes(5)).toEqual(first);
    expect(await outcomes(6)).not.toEqual(first);
    expect(first).toContain('ok:');
    expect(first.some((o) => o === 'error:InternalError' || o === 'error:ServiceUnavailable')).toBe(true);
  });
});

describe('faults', () => {
  let sim: RunningSimulator;
  afterEach(async () => sim.close());

  it('answers injected errors in each cloud’s envelope', async () => {
    sim = await startSimulator({ world: worldFromObject({ ...WORLD, faults: { error_rate: 1 } }), now: () => NOW });
    expect(tcError(await tc(sim))).toBe('InternalError');
    const ali = await acs3(sim, { query: { KmsInstanceId: 'kst-1' } });
    expect([
      [500, 'InternalError'],
      [503, 'ServiceUnavailable'],
    ]).toContainEqual([ali.status, ali.json().Code]);
    expect(sim.stats().total.faults.error).toBe(2);
  });

  it('resets connections without an answer', async () => {
    sim = await startSimulator({ world: worldFromObject({ ...WORLD, faults: { reset_rate: 1 } }), now: () => NOW });
    await expect(tc(sim)).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(sim.requestLog()[0]).toMatchObject({ outcome: 'reset', status: null, faults: ['reset'] });
  });

  it('hangs until the client gives up or the simulator closes', async () => {
    sim = await startSimulator({ world: worldFromObject({ ...WORLD, faults: { hang_rate: 1 } }), now: () => NOW });
    const controller = new AbortController();
    const abandoned = tc(sim);
    const aborted = send(sim, { headers: { 'x-tc-action': 'GetServiceStatus' }, body: '{}' }, controller.signal);
    await expect.poll(() => sim.stats().total.faults.hang).toBe(2);
    controller.abort();
    await expect(aborted).rejects.toThrow(/abort/i);
    await sim.close();
    await expect(abandoned).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('cuts success bodies short', async () => {
    sim = await startSimulator({ world: worldFromObject({ ...WORLD, faults: { malformed_rate: 1 } }), now: () => NOW });
    const r = await tc(sim);
    expect(r.status).toBe(200);
    expect(() => r.json()).toThrow(SyntaxError);
    expect(r.text.startsWith('{"Response":{')).toBe(true);
    expect(sim.requestLog()[0]).toMatchObject({ outcome: 'malformed', faults: ['malformed'] });
  });

  it('sets documented-nullable fields to null, never the identifying ones', async () => {
    sim = await startSimulator({ world: worldFromObject({ ...WORLD, faults: { null_rate: 1, seed: 3 } }), now: () => NOW });
    const tcss = (await tc(sim, { service: 'tcss', action: 'DescribePurchaseStateInfo', version: '2020-11-01', region: '' })).json()
      .Response as Record<string, unknown>;
    expect(tcss.State).toBe(3);
    expect(Object.values(tcss)).toContain(null);
    const kms = (await acs3(sim, { query: { KmsInstanceId: 'kst-1' } })).json().KmsInstance as Record<string, unknown>;
    expect(kms.InstanceId).toBe('kst-1');
    expect(Object.values(kms)).toContain(null);
    expect(sim.stats().total.faults.null).toBe(2);
  });

  it('delays answers by a latency drawn from the range and logs it', async () => {
    sim = await startSimulator({ world: worldFromObject({ ...WORLD, faults: { latency_ms: [3, 4] } }), now: () => NOW });
    await tc(sim);
    const entry = sim.requestLog()[0];
    expect(entry?.faults).toEqual(['latency']);
    expect([3, 4]).toContain(entry?.latencyMs);
  });
});

describe('the request log file', () => {
  it('gets one line per request: time, API, account, outcome, status, code, request id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dw-sim-'));
    const logFile = join(dir, 'requests.log');
    const sim = await startSimulator({ world: worldFromObject(WORLD), now: () => NOW, logFile });
    const ok = await tc(sim);
    await tc(sim, { secretKey: 'wrong' });
    await sim.close();
    const lines = (await readFile(logFile, 'utf8')).trimEnd().split('\n');
    const requestId = (ok.json().Response as { RequestId: string }).RequestId;
    expect(lines).toEqual([
      `2026-11-29T00:00:00.000Z api=GetServiceStatus account=tc outcome=ok status=200 code=- request_id=${requestId}`,
      expect.stringMatching(
        /^2026-11-29T00:00:00\.000Z api=GetServiceStatus account=tc outcome=error status=200 code=AuthFailure\.SignatureFailure request_id=[0-9a-f-]{36}$/,
      ),
    ]);
    expect(lines.join('\n')).not.toContain('tc-secret-1');
  });
});
