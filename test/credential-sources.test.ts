import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialSource, ProviderConfig } from '../src/model/desired-state.js';
import { Redactor } from '../src/model/redactor.js';
import { createCallExecutor } from '../src/providers/call-executor.js';
import type { CallExecutor } from '../src/providers/call-executor.js';
import { CredentialProcessError, runCredentialProcess } from '../src/providers/credential-process.js';
import { createRoleResolver } from '../src/providers/role-credentials.js';
import type { ApiCall } from '../src/providers/types.js';
import { startSimulator } from '../src/simulator/server.js';
import type { RunningSimulator } from '../src/simulator/server.js';
import { worldFromObject } from '../src/simulator/world.js';
import { apiFailureOf } from './helpers/api-failure.js';
import { ALI_MEMBER_UID, ORG_ENV, orgWorld } from './helpers/org.js';

/**
 * The Alibaba credential sources the aliyun CLI and SDKs read besides keys and roles (issue 13):
 * the credentials URI (environment and profile), External processes and CloudSSO — each against the
 * simulator over loopback (its credentials URIs and CloudSSO endpoint) or a real child process, with
 * one injected clock shared by client and simulator so expiry and refresh are deterministic.
 */
const START = Date.UTC(2026, 11, 1);
const HOME = '/home/driftwatch-test';
const SSO_TOKEN = 'sso-access-token-7Qm2+x/Zt=';
const MEMBER_KEYS = { id: 'LTAIMEMBER0001', secret: 'ali-member-secret' };

let nowMs = START;
let simulator: RunningSimulator;
let work: string;
let script: string;

beforeAll(async () => {
  const world = {
    ...orgWorld({ members: 1 }),
    credentials_uri: { ci: { account: ALI_MEMBER_UID, session_seconds: 3600 } },
    cloud_sso: { access_token: SSO_TOKEN, access_configurations: ['ac-audit'], session_seconds: 3600 },
  };
  simulator = await startSimulator({ world: worldFromObject(world), now: () => new Date(nowMs) });
  work = await mkdtemp(join(tmpdir(), 'driftwatch-credential-sources-'));
  script = join(work, 'credential helper.mjs');
  await writeFile(
    script,
    [
      'const [mode] = process.argv.slice(2);',
      `const keys = { ak: { mode: 'AK', access_key_id: '${MEMBER_KEYS.id}', access_key_secret: '${MEMBER_KEYS.secret}' },`,
      `  security: { mode: 'AK', access_key_id: '${ORG_ENV.ORG_ALI_ID}', access_key_secret: '${ORG_ENV.ORG_ALI_KEY}' },`,
      `  sts: { mode: 'StsToken', access_key_id: '${MEMBER_KEYS.id}', access_key_secret: '${MEMBER_KEYS.secret}' } };`,
      "if (mode === 'fail') { process.stderr.write('helper failed with ' + keys.ak.access_key_secret); process.exit(3); }",
      "else if (mode === 'garbage') process.stdout.write('access_key_secret=' + keys.ak.access_key_secret);",
      "else if (mode === 'sleep') setTimeout(() => undefined, 30000);",
      'else process.stdout.write(JSON.stringify(keys[mode]));',
      '',
    ].join('\n'),
  );
  await chmod(script, 0o755);
});
afterAll(async () => {
  await simulator.close();
  await rm(work, { recursive: true, force: true });
});
beforeEach(() => {
  nowMs = START;
});

const ALI_CAS: ApiCall = {
  cloud: 'alicloud',
  product: 'cas',
  action: 'GetCAInstanceStatus',
  version: '2020-06-30',
  params: { InstanceId: 'cas-member' },
};

function provider(credentials: CredentialSource, ref = 'alicloud.p'): ProviderConfig {
  return {
    cloud: 'alicloud',
    alias: ref.split('.')[1] ?? 'p',
    ref,
    site: 'china',
    credentials,
    endpoint: simulator.url,
    rateLimits: {},
    location: { file: 'x.yaml', line: 1, column: 1 },
  };
}

const profile = (name: string): CredentialSource => ({ kind: 'profile', profile: name });

/** `process_command` as a user writes it: the program and the script quoted (the path has a space). */
const command = (mode: string): string => `"${process.execPath}" "${script}" ${mode}`;

function cliConfig(): string {
  const sso = (name: string, token: string, expire: number): Record<string, unknown> => ({
    name,
    mode: 'CloudSSO',
    cloud_sso_sign_in_url: `${simulator.url}/device/login`,
    cloud_sso_account_id: ALI_MEMBER_UID,
    cloud_sso_access_config: 'ac-audit',
    access_token: token,
    cloud_sso_access_token_expire: expire,
  });
  return JSON.stringify({
    current: 'uri',
    profiles: [
      { name: 'uri', mode: 'CredentialsURI', credentials_uri: `${simulator.url}/credentials-uri/ci` },
      { name: 'uri-env', mode: 'CredentialsURI' },
      { name: 'uri-missing', mode: 'CredentialsURI', credentials_uri: `${simulator.url}/credentials-uri/nobody?token=uri-query-secret` },
      { name: 'uri-remote', mode: 'CredentialsURI', credentials_uri: 'http://10.0.0.7:8080/credentials' },
      { name: 'ext', mode: 'External', process_command: command('ak') },
      { name: 'ext-sts', mode: 'External', process_command: command('sts') },
      { name: 'ext-security', mode: 'external', process_command: command('security') },
      { name: 'ext-fail', mode: 'External', process_command: command('fail') },
      { name: 'ext-garbage', mode: 'External', process_command: command('garbage') },
      { name: 'ext-missing', mode: 'External', process_command: '/nonexistent/credential-helper --json' },
      {
        name: 'ext-chained',
        mode: 'ChainableRamRoleArn',
        source_profile: 'ext-security',
        ram_role_arn: `acs:ram::${ALI_MEMBER_UID}:role/driftwatch-audit`,
        external_id: 'org-ext-1',
      },
      sso('sso', SSO_TOKEN, START / 1000 + 7200),
      sso('sso-wrong', 'not-the-sign-in-token', START / 1000 + 7200),
      sso('sso-expired', SSO_TOKEN, START / 1000 - 60),
    ],
  });
}

function executor(env: Record<string, string> = {}, files: Record<string, string> = {}): { executor: CallExecutor; redactor: Redactor } {
  const redactor = new Redactor();
  const all: Record<string, string> = { [join(HOME, '.aliyun', 'config.json')]: cliConfig(), ...files };
  const resolver = createRoleResolver({ ctx: { env: { ...ORG_ENV, ...env }, homeDir: HOME, readFile: (f) => all[f] }, now: () => nowMs });
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

const served = (path: string): number =>
  simulator.requestLog().filter((e) => e.api.startsWith('credentials ') && e.api.endsWith(path)).length;

describe('credentials URI', () => {
  it('ALIBABA_CLOUD_CREDENTIALS_URI ends the chain: one GET serves concurrent calls, refreshed 15 minutes before expiry', async () => {
    const { executor: ex, redactor } = executor({
      ALIBABA_CLOUD_CREDENTIALS_URI: `${simulator.url}/credentials-uri/ci`,
      ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true',
    });
    const before = served('/credentials-uri/ci');
    const chain: CredentialSource = { kind: 'chain' };
    const [a, b] = await Promise.all([ex.execute(ALI_CAS, provider(chain)), ex.execute(ALI_CAS, provider(chain))]);
    expect(JSON.stringify(a.body)).toContain('"Status":"USED"');
    expect(b.requestId).not.toBe(a.requestId);
    expect(served('/credentials-uri/ci') - before).toBe(1);
    const creds = await ex.credentials(provider(chain));
    expect(creds.source).toBe('env ALIBABA_CLOUD_CREDENTIALS_URI');
    expect(redactor.redact(`x ${creds.secret} ${creds.token ?? ''}`)).toBe('x [REDACTED] [REDACTED]');
    nowMs += 40 * 60_000; // 20 minutes left of the hour: still used
    await ex.execute(ALI_CAS, provider(chain));
    expect(served('/credentials-uri/ci') - before).toBe(1);
    nowMs += 6 * 60_000; // 14 minutes left: refreshed
    await ex.execute(ALI_CAS, provider(chain));
    expect(served('/credentials-uri/ci') - before).toBe(2);
    await ex.close();
  });

  it('profile mode CredentialsURI, its fallback to the environment, and INI type credentials_uri', async () => {
    const ini = {
      [join(HOME, '.alibabacloud', 'credentials')]: `[ci]\ntype = credentials_uri\ncredentials_uri = ${simulator.url}/credentials-uri/ci\n`,
    };
    const { executor: ex } = executor({ ALIBABA_CLOUD_CREDENTIALS_URI: `${simulator.url}/credentials-uri/ci` }, ini);
    for (const name of ['uri', 'uri-env', 'ci']) {
      const ok = await ex.execute(ALI_CAS, provider(profile(name), `alicloud.${name.replace('-', '_')}`));
      expect(JSON.stringify(ok.body), name).toContain('"Status":"USED"');
    }
    await ex.close();
  });

  it('a refusing URI makes only that provider unknown; the message names the origin, never the path or query', async () => {
    const { executor: ex, redactor } = executor();
    const error = await apiFailureOf(ex.execute(ALI_CAS, provider(profile('uri-missing'))));
    expect(error).toMatchObject({ code: 'DW_ROLE_CREDENTIALS', kind: 'invalid_response', retryable: false });
    expect(error.message).toContain(
      `reading credentials from the credentials URI ${simulator.url} (~/.aliyun/config.json profile uri-missing) failed: HTTP 404`,
    );
    expect(error.message).not.toMatch(/nobody|uri-query-secret/);
    expect(redactor.redact('token=uri-query-secret')).toBe('[REDACTED]');
    await ex.close();
  });

  it('plain http:// only to loopback; ALIBABA_CLOUD_DISABLE_EXTERNAL_PROCESS turns the URI off', async () => {
    const { executor: ex } = executor();
    const before = simulator.requestLog().length;
    const remote = await apiFailureOf(ex.execute(ALI_CAS, provider(profile('uri-remote'))));
    expect(remote.code).toBe('DW_CREDENTIALS');
    expect(remote.message).toMatch(/must be https:\/\/ \(plain http:\/\/ only to a loopback host, not 10\.0\.0\.7\)/);
    const { executor: off } = executor({ ALIBABA_CLOUD_DISABLE_EXTERNAL_PROCESS: 'TRUE' });
    const disabled = await apiFailureOf(off.execute(ALI_CAS, provider(profile('uri'))));
    expect(disabled.message).toContain('the credentials URI is disabled by ALIBABA_CLOUD_DISABLE_EXTERNAL_PROCESS');
    expect(simulator.requestLog().length).toBe(before);
    await Promise.all([ex.close(), off.close()]);
  });
});

describe('External (process_command)', () => {
  it('runs the command without a shell; AK keys serve the whole run, a StsToken answer needs its token', async () => {
    const { executor: ex, redactor } = executor();
    const ok = await ex.execute(ALI_CAS, provider(profile('ext')));
    expect(JSON.stringify(ok.body)).toContain('"Status":"USED"');
    const creds = await ex.credentials(provider(profile('ext')));
    expect(creds).toMatchObject({ id: MEMBER_KEYS.id, source: '~/.aliyun/config.json profile ext' });
    expect(creds.expiresAt).toBeUndefined();
    expect(redactor.redact(MEMBER_KEYS.secret)).toBe('[REDACTED]');
    const sts = await apiFailureOf(ex.execute(ALI_CAS, provider(profile('ext-sts'), 'alicloud.sts')));
    expect(sts.message).toContain('the answer is not usable: mode StsToken without sts_token');
    await ex.close();
  });

  it('is a source like any other: a ChainableRamRoleArn profile assumes a role with its keys', async () => {
    const { executor: ex } = executor();
    const ok = await ex.execute(ALI_CAS, provider(profile('ext-chained')));
    expect(JSON.stringify(ok.body)).toContain('"Status":"USED"');
    expect((await ex.credentials(provider(profile('ext-chained')))).account).toBe(ALI_MEMBER_UID);
    await ex.close();
  });

  it('a failing command, or one that prints no JSON: only that provider is unknown, and nothing it printed is shown', async () => {
    const { executor: ex } = executor();
    const failed = await apiFailureOf(ex.execute(ALI_CAS, provider(profile('ext-fail'))));
    expect(failed).toMatchObject({ code: 'DW_ROLE_CREDENTIALS', kind: 'transient' });
    expect(failed.message).toContain(
      `running the credential process ${process.execPath} (~/.aliyun/config.json profile ext-fail) failed: the command exited with code 3`,
    );
    const garbage = await apiFailureOf(ex.execute(ALI_CAS, provider(profile('ext-garbage'), 'alicloud.garbage')));
    expect(garbage.message).toContain('the answer is not usable: it is not JSON');
    for (const e of [failed, garbage]) expect(`${e.message} ${e.hint ?? ''}`).not.toContain(MEMBER_KEYS.secret);
    await ex.close();
  });

  it('a program that cannot be run is a broken setup (exit 1); the opt-out variable refuses the mode', async () => {
    const { executor: ex } = executor();
    const missing = await apiFailureOf(ex.execute(ALI_CAS, provider(profile('ext-missing'))));
    expect(missing.code).toBe('DW_CREDENTIALS');
    expect(missing.message).toContain('the program /nonexistent/credential-helper cannot be run (ENOENT)');
    expect(missing.message).not.toContain('--json');
    const { executor: off } = executor({ ALIBABA_CLOUD_DISABLE_EXTERNAL_PROCESS: '1' });
    const disabled = await apiFailureOf(off.execute(ALI_CAS, provider(profile('ext'))));
    expect(disabled.message).toContain('the External process_command is disabled by ALIBABA_CLOUD_DISABLE_EXTERNAL_PROCESS');
    await Promise.all([ex.close(), off.close()]);
  });

  it('a command that does not finish is stopped at the timeout', async () => {
    const error = await runCredentialProcess([process.execPath, script, 'sleep'], { env: {}, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialProcessError);
    expect(error).toMatchObject({ reason: 'timeout', message: 'the command did not finish within 300 ms' });
  });
});

describe('CloudSSO', () => {
  it('trades the cached sign-in token for STS credentials of the account; the token is a secret', async () => {
    const { executor: ex, redactor } = executor();
    const ok = await ex.execute(ALI_CAS, provider(profile('sso')));
    expect(JSON.stringify(ok.body)).toContain('"Status":"USED"');
    const creds = await ex.credentials(provider(profile('sso')));
    expect(creds.account).toBe(ALI_MEMBER_UID);
    expect(creds.expiresAt).toBe(START + 3600_000);
    expect(redactor.redact(SSO_TOKEN)).toBe('[REDACTED]');
    // Only the token: the request's other header values are not secrets.
    expect(redactor.redact('Content-Type: application/json')).toBe('Content-Type: application/json');
    expect(served('/cloud-credentials')).toBeGreaterThan(0);
    await ex.close();
  });

  it('a refused token makes the provider unknown with a sign-in hint; an expired sign-in is a broken setup', async () => {
    const { executor: ex } = executor();
    const wrong = await apiFailureOf(ex.execute(ALI_CAS, provider(profile('sso-wrong'))));
    expect(wrong).toMatchObject({ code: 'DW_ROLE_CREDENTIALS', kind: 'permission' });
    expect(wrong.message).toContain(
      `reading credentials from CloudSSO ${simulator.url} (~/.aliyun/config.json profile sso-wrong) failed: HTTP 401`,
    );
    expect(wrong.hint).toContain('aliyun configure --profile sso-wrong --mode CloudSSO');
    const expired = await apiFailureOf(ex.execute(ALI_CAS, provider(profile('sso-expired'), 'alicloud.expired')));
    expect(expired.code).toBe('DW_CREDENTIALS');
    expect(expired.message).toContain('the sign-in has expired');
    await ex.close();
  });
});
