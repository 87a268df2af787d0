import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialSource, ProviderConfig } from '../src/model/desired-state.js';
import { Redactor } from '../src/model/redactor.js';
import { createCallExecutor } from '../src/providers/call-executor.js';
import type { CallExecutor } from '../src/providers/call-executor.js';
import { METADATA_ENDPOINT_ENV, createRoleResolver } from '../src/providers/role-credentials.js';
import { makeCredentials } from '../src/providers/credentials.js';
import type { ApiCall } from '../src/providers/types.js';
import { startSimulator } from '../src/simulator/server.js';
import type { RunningSimulator } from '../src/simulator/server.js';
import { worldFromObject } from '../src/simulator/world.js';
import { apiFailureOf } from './helpers/api-failure.js';
import { useLoopbackServer } from './helpers/loopback.js';
import { ALI_MEMBER_UID, ALI_SECURITY_UID, ORG_ENV, TC_SECURITY_UIN, memberUin, orgWorld } from './helpers/org.js';

/**
 * Every credential source of issue 13 against the simulator's STS and metadata services (loopback
 * only: the metadata client is pointed at the simulator with DRIFTWATCH_METADATA_ENDPOINT), with one
 * injected clock shared by the client and the simulator so expiry is deterministic.
 */
const START = Date.UTC(2026, 11, 1);
const TOKEN_FILE = '/var/run/secrets/oidc/token';
const OIDC_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.simulated-oidc-token.c2lnbmF0dXJl';

let nowMs = START;
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({
    world: worldFromObject(orgWorld({ members: 3, untrusting: [2], sessionSeconds: 120 })),
    now: () => new Date(nowMs),
  });
});
afterAll(async () => simulator.close());
beforeEach(() => {
  nowMs = START;
});

const TC_KMS: ApiCall = {
  cloud: 'tencentcloud',
  product: 'kms',
  action: 'GetServiceStatus',
  version: '2019-01-18',
  region: 'ap-guangzhou',
};
const ALI_CAS: ApiCall = {
  cloud: 'alicloud',
  product: 'cas',
  action: 'GetCAInstanceStatus',
  version: '2020-06-30',
  params: { InstanceId: 'cas-member' },
};

function provider(cloud: ProviderConfig['cloud'], credentials: CredentialSource, ref = `${cloud}.p`): ProviderConfig {
  return {
    cloud,
    alias: ref.split('.')[1] ?? 'p',
    ref,
    site: 'china',
    credentials,
    endpoint: simulator.url,
    rateLimits: {},
    location: { file: 'x.yaml', line: 1, column: 1 },
    ...(cloud === 'tencentcloud' ? { region: 'ap-guangzhou' } : {}),
  };
}

function executor(env: Record<string, string> = {}, files: Record<string, string> = {}): { executor: CallExecutor; redactor: Redactor } {
  const redactor = new Redactor();
  const resolver = createRoleResolver({
    ctx: { env: { ...ORG_ENV, ...env }, homeDir: '/nonexistent', readFile: (f) => files[f] },
    now: () => nowMs,
  });
  return {
    redactor,
    executor: createCallExecutor({
      resolveCredentials: resolver,
      defaultQps: () => 100,
      redactor,
      now: () => nowMs,
      sleep: (ms) => {
        nowMs += ms;
        return Promise.resolve();
      },
      random: () => 0.5,
    }),
  };
}

const stsCalls = (): number => simulator.requestLog().filter((e) => e.api.startsWith('AssumeRole')).length;
const tcSource: CredentialSource = { kind: 'env', id: 'ORG_TC_ID', secret: 'ORG_TC_KEY' };
const aliSource: CredentialSource = { kind: 'env', id: 'ORG_ALI_ID', secret: 'ORG_ALI_KEY' };
const tcRole = (i: number): CredentialSource => ({
  kind: 'assume_role',
  roleArn: `qcs::cam::uin/${memberUin(i)}:roleName/driftwatch-audit`,
  sessionName: 'test',
  source: tcSource,
});

describe('assume_role', () => {
  it('Tencent: reads the member account through the role; one session serves every call', async () => {
    const { executor: ex, redactor } = executor();
    const before = stsCalls();
    const p = provider('tencentcloud', tcRole(1));
    const [a, b] = await Promise.all([ex.execute(TC_KMS, p), ex.execute(TC_KMS, p)]);
    expect(a.body.UserLevel).toBe(1);
    expect(b.requestId).not.toBe(a.requestId);
    expect(stsCalls() - before).toBe(1);
    // The session token was registered before it was sent.
    expect(redactor.redact(ORG_ENV.ORG_TC_KEY)).toBe('[REDACTED]');
    await ex.close();
  });

  it('Alibaba: AssumeRole with the external id the trust policy demands; chained roles work', async () => {
    const { executor: ex } = executor();
    const role: CredentialSource = {
      kind: 'assume_role',
      roleArn: `acs:ram::${ALI_MEMBER_UID}:role/driftwatch-audit`,
      externalId: 'org-ext-1',
      source: aliSource,
    };
    const ok = await ex.execute(ALI_CAS, provider('alicloud', role));
    expect(JSON.stringify(ok.body)).toContain('"Status":"USED"');
    const wrong = await apiFailureOf(ex.execute(ALI_CAS, provider('alicloud', { ...role, externalId: 'nope' }, 'alicloud.wrong')));
    expect(wrong.kind).toBe('permission');
    expect(wrong.message).toContain(`assuming role acs:ram::${ALI_MEMBER_UID}:role/driftwatch-audit`);
    expect(wrong.message).toContain('NoPermission');
    await ex.close();
  });

  it('a chained role assumes the inner role first, with the outer session', async () => {
    // Trust is by account: the chain security -> member 1 -> member 3 works when member 3 trusts member 1.
    const world = orgWorld({ members: 3 });
    const accounts = world.accounts as { uin?: string; roles?: { name: string; trusted_accounts: string[] }[] }[];
    const third = accounts.find((a) => a.uin === memberUin(3));
    if (third?.roles?.[0]) third.roles[0].trusted_accounts = [memberUin(1)];
    const sim = await startSimulator({ world: worldFromObject(world), now: () => new Date(nowMs) });
    try {
      const { executor: ex } = executor();
      const chained: CredentialSource = {
        kind: 'assume_role',
        roleArn: `qcs::cam::uin/${memberUin(3)}:roleName/driftwatch-audit`,
        source: tcRole(1),
      };
      const ok = await ex.execute(TC_KMS, { ...provider('tencentcloud', chained), endpoint: sim.url });
      expect(ok.body.ServiceEnabled).toBe(true);
      expect(sim.requestLog().filter((e) => e.api === 'AssumeRole').length).toBe(2);
      const direct = await apiFailureOf(
        ex.execute(TC_KMS, { ...provider('tencentcloud', tcRole(3), 'tencentcloud.direct'), endpoint: sim.url }),
      );
      expect(direct.message).toContain('UnauthorizedOperation');
      await ex.close();
    } finally {
      await sim.close();
    }
  });

  it('a role that does not trust the source: only that provider is unknown, STS is asked once, the hint names the role', async () => {
    const { executor: ex } = executor();
    const before = stsCalls();
    const denied = provider('tencentcloud', tcRole(2), 'tencentcloud.denied');
    const errors = await Promise.all([1, 2, 3].map(() => apiFailureOf(ex.execute(TC_KMS, denied))));
    for (const e of errors) {
      expect(e).toMatchObject({ kind: 'permission', code: 'DW_ROLE_CREDENTIALS', retryable: false });
      expect(e.message).toContain(
        `assuming role qcs::cam::uin/${memberUin(2)}:roleName/driftwatch-audit (provider tencentcloud.denied) failed: Tencent Cloud sts AssumeRole failed: UnauthorizedOperation`,
      );
      expect(e.hint).toMatch(/trust policy/);
    }
    expect(stsCalls() - before).toBe(1);
    const fine = await ex.execute(TC_KMS, provider('tencentcloud', tcRole(1), 'tencentcloud.fine'));
    expect(fine.body.ServiceEnabled).toBe(true);
    await ex.close();
  });

  it('credentials that expire mid-run are refreshed before expiry; the old ones stop working', async () => {
    const { executor: ex } = executor();
    const p = provider('tencentcloud', tcRole(1));
    const before = stsCalls();
    await ex.execute(TC_KMS, p);
    expect(stsCalls() - before).toBe(1);
    nowMs += 60_000; // half the 120 s session: still fresh (Tencent refreshes 30 s before expiry)
    await ex.execute(TC_KMS, p);
    expect(stsCalls() - before).toBe(1);
    nowMs += 35_000; // 25 s before expiry: refreshed, one refresh for concurrent calls
    await Promise.all([ex.execute(TC_KMS, p), ex.execute(TC_KMS, p), ex.execute(TC_KMS, p)]);
    expect(stsCalls() - before).toBe(2);
    nowMs += 200_000; // both sessions are past expiry now
    const after = await ex.execute(TC_KMS, p);
    expect(after.body.ServiceEnabled).toBe(true);
    expect(stsCalls() - before).toBe(3);
    expect(simulator.requestLog().some((e) => e.code === 'AuthFailure.TokenFailure')).toBe(false);
    await ex.close();
  });
});

describe('the simulator expires what it issues', () => {
  it('a session used after its expiry is refused with the vendor code', async () => {
    const redactor = new Redactor();
    const ex = createCallExecutor({
      resolveCredentials: () => makeCredentials(ORG_ENV.ORG_TC_ID, ORG_ENV.ORG_TC_KEY, undefined, 'test'),
      defaultQps: () => 100,
      redactor,
      now: () => nowMs,
    });
    const assume: ApiCall = {
      cloud: 'tencentcloud',
      product: 'sts',
      action: 'AssumeRole',
      version: '2018-08-13',
      region: 'ap-guangzhou',
      body: { RoleArn: `qcs::cam::uin/${memberUin(1)}:roleName/driftwatch-audit`, RoleSessionName: 'x', DurationSeconds: 900 },
    };
    const answer = await ex.execute(assume, provider('tencentcloud', tcSource));
    const creds = answer.body.Credentials as { TmpSecretId: string; TmpSecretKey: string; Token: string };
    expect(answer.body.ExpiredTime).toBe(Math.floor(START / 1000) + 120);
    const session = createCallExecutor({
      resolveCredentials: () => makeCredentials(creds.TmpSecretId, creds.TmpSecretKey, creds.Token, 'session'),
      defaultQps: () => 100,
      redactor,
      now: () => nowMs,
    });
    expect((await session.execute(TC_KMS, provider('tencentcloud', tcSource))).body.ServiceEnabled).toBe(true);
    nowMs += 121_000;
    const expired = await apiFailureOf(session.execute(TC_KMS, provider('tencentcloud', tcSource, 'tencentcloud.late')));
    expect(expired).toMatchObject({ kind: 'auth', code: 'AuthFailure.TokenFailure' });
    await ex.close();
    await session.close();
  });
});

describe('instance roles through DRIFTWATCH_METADATA_ENDPOINT', () => {
  it('ecs_ram_role: hardened mode (token first), role name discovered, acts in the instance account', async () => {
    const { executor: ex } = executor({ [METADATA_ENDPOINT_ENV]: simulator.url });
    const ok = await ex.execute(ALI_CAS, provider('alicloud', { kind: 'ecs_ram_role' }));
    expect(JSON.stringify(ok.body)).toContain('"Status":"USED"');
    const paths = simulator
      .requestLog()
      .filter((e) => e.api.startsWith('metadata'))
      .map((e) => e.api);
    expect(paths).toEqual(
      expect.arrayContaining([
        'metadata PUT /latest/api/token',
        'metadata GET /latest/meta-data/ram/security-credentials/',
        'metadata GET /latest/meta-data/ram/security-credentials/ecs-audit',
      ]),
    );
    await ex.close();
  });

  it('cvm_role: a named role that the instance does not have is unknown with a hint', async () => {
    const { executor: ex } = executor({ [METADATA_ENDPOINT_ENV]: simulator.url });
    const ok = await ex.execute(TC_KMS, provider('tencentcloud', { kind: 'cvm_role' }));
    expect(ok.body.ServiceEnabled).toBe(true);
    const missing = await apiFailureOf(
      ex.execute(TC_KMS, provider('tencentcloud', { kind: 'cvm_role', roleName: 'other' }, 'tencentcloud.other')),
    );
    expect(missing.message).toContain('reading CVM role other from instance metadata');
    expect(missing.message).toContain('HTTP 404');
    await ex.close();
  });

  it('refuses a plain-http metadata override that is not loopback, without sending', async () => {
    const { executor: ex } = executor({ [METADATA_ENDPOINT_ENV]: 'http://169.254.169.254' });
    const err = await apiFailureOf(ex.execute(TC_KMS, provider('tencentcloud', { kind: 'cvm_role' })));
    expect(err.message).toMatch(/DRIFTWATCH_METADATA_ENDPOINT: plain http:\/\/ is only allowed for loopback/);
    await ex.close();
  });
});

describe('oidc', () => {
  it('Alibaba AssumeRoleWithOIDC from the ALIBABA_CLOUD_* variables (ACK RRSA)', async () => {
    const env = {
      ALIBABA_CLOUD_ROLE_ARN: `acs:ram::${ALI_SECURITY_UID}:role/ci`,
      ALIBABA_CLOUD_OIDC_PROVIDER_ARN: `acs:ram::${ALI_SECURITY_UID}:oidc-provider/github`,
      ALIBABA_CLOUD_OIDC_TOKEN_FILE: TOKEN_FILE,
    };
    const { executor: ex, redactor } = executor(env, { [TOKEN_FILE]: `${OIDC_TOKEN}\n` });
    const call: ApiCall = {
      cloud: 'alicloud',
      product: 'kms',
      action: 'ListKmsInstances',
      version: '2016-01-20',
      region: 'cn-hangzhou',
      params: {},
    };
    const ok = await ex.execute(call, { ...provider('alicloud', { kind: 'oidc' }), region: 'cn-hangzhou' });
    expect(ok.requestId).toBeTruthy();
    expect(redactor.redact(OIDC_TOKEN)).toBe('[REDACTED]');
    const noFile = executor(env, {});
    const err = await apiFailureOf(noFile.executor.execute(ALI_CAS, provider('alicloud', { kind: 'oidc' })));
    expect(err.message).toContain(`the OIDC token file ${TOKEN_FILE} cannot be read or is empty`);
    await ex.close();
    await noFile.executor.close();
  });

  it('Tencent AssumeRoleWithWebIdentity from the TKE_* variables', async () => {
    const env = {
      TKE_REGION: 'ap-guangzhou',
      TKE_PROVIDER_ID: 'github',
      TKE_WEB_IDENTITY_TOKEN_FILE: TOKEN_FILE,
      TKE_ROLE_ARN: `qcs::cam::uin/${TC_SECURITY_UIN}:roleName/ci`,
    };
    const { executor: ex } = executor(env, { [TOKEN_FILE]: OIDC_TOKEN });
    const call: ApiCall = { cloud: 'tencentcloud', product: 'tcss', action: 'DescribePurchaseStateInfo', version: '2020-11-01' };
    const ok = await ex.execute(call, provider('tencentcloud', { kind: 'oidc' }));
    expect(ok.body.State).toBe(0);
    const untrusted = executor({ ...env, TKE_PROVIDER_ID: 'gitlab' }, { [TOKEN_FILE]: OIDC_TOKEN });
    const err = await apiFailureOf(untrusted.executor.execute(call, provider('tencentcloud', { kind: 'oidc' })));
    expect(err.message).toContain('AssumeRoleWithWebIdentity failed: InvalidParameter.WebIdentityTokenError');
    await ex.close();
    await untrusted.executor.close();
  });
});

describe('rate-limit buckets are per account', () => {
  it('two aliases assuming the same role share one bucket', async () => {
    const { executor: ex } = executor();
    const a = provider('tencentcloud', tcRole(1), 'tencentcloud.a');
    const b = provider('tencentcloud', { ...tcRole(1), sessionName: 'other' } as CredentialSource, 'tencentcloud.b');
    const limited = { ...a, rateLimits: { GetServiceStatus: 2 } };
    const limitedB = { ...b, rateLimits: { GetServiceStatus: 2 } };
    const started = nowMs;
    await Promise.all([1, 2, 3, 4].flatMap(() => [ex.execute(TC_KMS, limited), ex.execute(TC_KMS, limitedB)]));
    // 8 calls at 2/s through one bucket take ~3 s of paced time; two buckets would take half.
    expect(nowMs - started).toBeGreaterThanOrEqual(2_500);
    await ex.close();
  });
});

/** Pins the requests against what the vendors' own code sends (see role-credentials.ts). */
describe('the STS requests as the vendors send them', () => {
  interface Seen {
    method: string;
    url: string;
    headers: IncomingHttpHeaders;
    body: string;
  }
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const tencent = req.headers['x-tc-action'] !== undefined;
      const answer = tencent
        ? {
            Response: {
              Credentials: { Token: 't0k', TmpSecretId: 'AKIDTMP', TmpSecretKey: 'tmpkey' },
              ExpiredTime: Math.floor(nowMs / 1000) + 3600,
              Expiration: 'x',
              RequestId: 'r1',
            },
          }
        : {
            RequestId: 'R1',
            Credentials: {
              AccessKeyId: 'STS.X',
              AccessKeySecret: 'tmpsecret',
              SecurityToken: 'tok',
              Expiration: new Date(nowMs + 3_600_000).toISOString(),
            },
          };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  const loopback = useLoopbackServer(server);
  beforeEach(() => {
    seen.length = 0;
  });

  async function obtain(p: ProviderConfig, env: Record<string, string> = {}, files: Record<string, string> = {}): Promise<void> {
    const redactor = new Redactor();
    const resolver = createRoleResolver({
      ctx: { env: { ...ORG_ENV, ...env }, homeDir: '/nonexistent', readFile: (f) => files[f] },
      now: () => nowMs,
    });
    const ex = createCallExecutor({ resolveCredentials: resolver, defaultQps: () => 100, redactor, now: () => nowMs });
    try {
      await ex.execute(TC_KMS, { ...p, endpoint: loopback.url.href });
    } catch {
      // The canned answer is STS's, not KMS's; only the STS request is under test.
    }
    await ex.close();
  }

  it('Alibaba AssumeRole: 2015-04-01, RoleArn, RoleSessionName, DurationSeconds, ExternalId; signed', async () => {
    await obtain(
      provider('alicloud', {
        kind: 'assume_role',
        roleArn: 'acs:ram::1234:role/audit',
        sessionName: 'nightly',
        externalId: 'ext-1',
        durationSeconds: 900,
        source: aliSource,
      }),
    );
    const sts = seen[0];
    expect(sts?.method).toBe('POST');
    expect(sts?.headers['x-acs-action']).toBe('AssumeRole');
    expect(sts?.headers['x-acs-version']).toBe('2015-04-01');
    // Loopback stands in for the vendor: the request carries (and signs) the vendor's STS host.
    expect(sts?.headers.host).toBe('sts.aliyuncs.com');
    expect(sts?.headers.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=LTAIORGSECURITY0001,/);
    const query = new URL(sts?.url ?? '', 'http://x').searchParams;
    expect(Object.fromEntries(query)).toEqual({
      DurationSeconds: '900',
      ExternalId: 'ext-1',
      RoleArn: 'acs:ram::1234:role/audit',
      RoleSessionName: 'nightly',
    });
  });

  it('Alibaba: ALIBABA_CLOUD_STS_REGION picks the regional STS host, as @alicloud/credentials does', async () => {
    await obtain(provider('alicloud', { kind: 'assume_role', roleArn: 'acs:ram::1234:role/audit', source: aliSource }), {
      ALIBABA_CLOUD_STS_REGION: 'cn-shanghai',
    });
    expect(seen[0]?.headers.host).toBe('sts.cn-shanghai.aliyuncs.com');
    seen.length = 0;
    await obtain(provider('alicloud', { kind: 'assume_role', roleArn: 'acs:ram::1234:role/audit', source: aliSource }), {
      ALIBABA_CLOUD_STS_REGION: 'cn-shanghai',
      ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED: 'true',
    });
    expect(seen[0]?.headers.host).toBe('sts-vpc.cn-shanghai.aliyuncs.com');
  });

  it('Alibaba AssumeRoleWithOIDC: unsigned, the token in the form body, never in the URL', async () => {
    await obtain(
      provider('alicloud', { kind: 'oidc' }),
      {
        ALIBABA_CLOUD_ROLE_ARN: 'acs:ram::1234:role/ci',
        ALIBABA_CLOUD_OIDC_PROVIDER_ARN: 'acs:ram::1234:oidc-provider/gh',
        ALIBABA_CLOUD_OIDC_TOKEN_FILE: TOKEN_FILE,
      },
      { [TOKEN_FILE]: OIDC_TOKEN },
    );
    const sts = seen[0];
    const query = Object.fromEntries(new URL(sts?.url ?? '', 'http://x').searchParams);
    expect(query).toMatchObject({ Action: 'AssumeRoleWithOIDC', Version: '2015-04-01', Format: 'JSON' });
    expect(query.Signature).toBeUndefined();
    expect(query.AccessKeyId).toBeUndefined();
    expect(sts?.url).not.toContain('simulated-oidc-token');
    expect(sts?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(sts?.body))).toEqual({
      DurationSeconds: '3600',
      OIDCProviderArn: 'acs:ram::1234:oidc-provider/gh',
      OIDCToken: OIDC_TOKEN,
      RoleArn: 'acs:ram::1234:role/ci',
      RoleSessionName: 'driftwatch',
    });
  });

  it('Tencent AssumeRole: sts 2018-08-13, region ap-guangzhou, TC3-signed JSON body', async () => {
    await obtain(
      provider('tencentcloud', {
        kind: 'assume_role',
        roleArn: 'qcs::cam::uin/1:roleName/audit',
        sessionName: 'nightly',
        source: tcSource,
      }),
    );
    const sts = seen[0];
    expect(sts?.headers).toMatchObject({
      'x-tc-action': 'AssumeRole',
      'x-tc-version': '2018-08-13',
      'x-tc-region': 'ap-guangzhou',
      'content-type': 'application/json',
    });
    expect(sts?.headers.authorization).toMatch(/^TC3-HMAC-SHA256 Credential=AKIDORGSECURITY0001\/\d{4}-\d{2}-\d{2}\/sts\/tc3_request/);
    expect(sts?.headers.host).toBe('sts.tencentcloudapi.com');
    expect(JSON.parse(sts?.body ?? '')).toEqual({
      RoleArn: 'qcs::cam::uin/1:roleName/audit',
      RoleSessionName: 'nightly',
      DurationSeconds: 3600,
    });
  });

  it('Tencent AssumeRoleWithWebIdentity: Authorization SKIP, as the SDK sends it', async () => {
    await obtain(
      provider('tencentcloud', { kind: 'oidc' }),
      {
        TKE_REGION: 'ap-shanghai',
        TKE_PROVIDER_ID: 'gh',
        TKE_WEB_IDENTITY_TOKEN_FILE: TOKEN_FILE,
        TKE_ROLE_ARN: 'qcs::cam::uin/1:roleName/ci',
      },
      {
        [TOKEN_FILE]: OIDC_TOKEN,
      },
    );
    const sts = seen[0];
    expect(sts?.headers).toMatchObject({
      'x-tc-action': 'AssumeRoleWithWebIdentity',
      'x-tc-version': '2018-08-13',
      'x-tc-region': 'ap-shanghai',
      authorization: 'SKIP',
    });
    expect(sts?.headers['x-tc-token']).toBeUndefined();
    expect(JSON.parse(sts?.body ?? '')).toEqual({
      ProviderId: 'gh',
      WebIdentityToken: OIDC_TOKEN,
      RoleArn: 'qcs::cam::uin/1:roleName/ci',
      RoleSessionName: 'driftwatch',
      DurationSeconds: 3600,
    });
  });
});
