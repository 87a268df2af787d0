import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialSource } from '../../model/desired-state.js';
import { TEST_HOME, credentialTestKit, readFileOrUndefined } from '../../../test/helpers/credential-test-kit.js';
import { planAlibabaCredentials, resolveAlibabaCredentials } from './credentials.js';

const SECRET = 'canary-secret-ALI-61c2';
const TOKEN = 'canary-token-ALI-d04e';
const CHAIN: CredentialSource = { kind: 'chain' };

const { ctx, failure, expectHidden } = credentialTestKit([SECRET, TOKEN]);

function cliConfig(current: string | undefined, profiles: Record<string, unknown>[]): string {
  return JSON.stringify({ ...(current === undefined ? {} : { current }), profiles, meta_path: '' });
}

const AK_PROFILE = { name: 'default', mode: 'AK', access_key_id: 'LTAICLI', access_key_secret: SECRET, region_id: 'cn-hangzhou' };
const STS_PROFILE = { name: 'sts', mode: 'StsToken', access_key_id: 'STS.CLI', access_key_secret: SECRET, sts_token: TOKEN };
const INI = `[default]\ntype = access_key\naccess_key_id = LTAIINI\naccess_key_secret = ${SECRET}\n\n[prod]\ntype = access_key\naccess_key_id = LTAIPROD\naccess_key_secret = ${SECRET}\n`;

describe('resolveAlibabaCredentials: environment', () => {
  it('reads ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN', () => {
    const creds = resolveAlibabaCredentials(
      CHAIN,
      ctx({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.ENV', ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET, ALIBABA_CLOUD_SECURITY_TOKEN: TOKEN }),
    );
    expect(creds).toMatchObject({ id: 'STS.ENV', source: 'env ALIBABA_CLOUD_ACCESS_KEY_ID' });
    expect(creds.secret).toBe(SECRET);
    expect(creds.token).toBe(TOKEN);
    expectHidden(creds);
  });

  it('accepts the aliyun CLI spellings ALIBABACLOUD_* and ALICLOUD_*, first set wins', () => {
    const creds = resolveAlibabaCredentials(
      CHAIN,
      ctx({ ALICLOUD_ACCESS_KEY_ID: 'LTAIALI', ALIBABACLOUD_ACCESS_KEY_SECRET: SECRET, ALICLOUD_ACCESS_KEY_SECRET: 'x' }),
    );
    expect(creds).toMatchObject({ id: 'LTAIALI', source: 'env ALICLOUD_ACCESS_KEY_ID' });
    expect(creds.secret).toBe(SECRET);
    expect(creds.token).toBeUndefined();
  });

  it('wins over the profile files', () => {
    const creds = resolveAlibabaCredentials(
      CHAIN,
      ctx(
        { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIENV', ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET },
        { '.aliyun/config.json': cliConfig('default', [AK_PROFILE]) },
      ),
    );
    expect(creds.id).toBe('LTAIENV');
  });

  it('rejects half-set variables, naming what is missing', () => {
    expect(failure(() => resolveAlibabaCredentials(CHAIN, ctx({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIENV' }))).message).toBe(
      'ALIBABA_CLOUD_ACCESS_KEY_ID is set but none of ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABACLOUD_ACCESS_KEY_SECRET, ALICLOUD_ACCESS_KEY_SECRET is',
    );
    expect(failure(() => resolveAlibabaCredentials(CHAIN, ctx({ ALICLOUD_ACCESS_KEY_SECRET: SECRET }))).message).toMatch(
      /^ALICLOUD_ACCESS_KEY_SECRET is set but none of ALIBABA_CLOUD_ACCESS_KEY_ID/,
    );
    expect(failure(() => resolveAlibabaCredentials(CHAIN, ctx({ ALIBABA_CLOUD_SECURITY_TOKEN: TOKEN }))).message).toBe(
      'ALIBABA_CLOUD_SECURITY_TOKEN is set but no access key id and secret are',
    );
  });
});

describe('resolveAlibabaCredentials: ~/.aliyun/config.json', () => {
  it('uses the current profile (mode AK)', () => {
    const creds = resolveAlibabaCredentials(CHAIN, ctx({}, { '.aliyun/config.json': cliConfig('default', [STS_PROFILE, AK_PROFILE]) }));
    expect(creds).toMatchObject({ id: 'LTAICLI', source: '~/.aliyun/config.json profile default' });
    expect(creds.token).toBeUndefined();
  });

  it('uses ALIBABA_CLOUD_PROFILE over current, and reads StsToken profiles with their token', () => {
    const creds = resolveAlibabaCredentials(
      CHAIN,
      ctx({ ALIBABA_CLOUD_PROFILE: 'sts' }, { '.aliyun/config.json': cliConfig('default', [AK_PROFILE, STS_PROFILE]) }),
    );
    expect(creds).toMatchObject({ id: 'STS.CLI', source: '~/.aliyun/config.json profile sts' });
    expect(creds.token).toBe(TOKEN);
    expectHidden(creds);
  });

  it('ignores an sts_token left in an AK profile', () => {
    const creds = resolveAlibabaCredentials(
      CHAIN,
      ctx({}, { '.aliyun/config.json': cliConfig('default', [{ ...AK_PROFILE, sts_token: TOKEN }]) }),
    );
    expect(creds.token).toBeUndefined();
  });

  // Issue 13 changes this: role modes are planned (STS / metadata) instead of refused.
  it('plans RamRoleArn, ChainableRamRoleArn, EcsRamRole and OIDC profiles as the aliyun CLI runs them', () => {
    const role = { ram_role_arn: 'acs:ram::1234567890123456:role/audit', ram_session_name: 'nightly', expired_seconds: 1800 };
    const files = {
      '.aliyun/config.json': cliConfig('default', [
        { ...AK_PROFILE, mode: 'RamRoleArn', ...role },
        { name: 'chained', mode: 'ChainableRamRoleArn', source_profile: 'default', ram_role_arn: 'acs:ram::2222222222222222:role/inner' },
        { name: 'ecs', mode: 'EcsRamRole', ram_role_name: 'worker' },
        {
          name: 'oidc',
          mode: 'OIDC',
          ram_role_arn: 'acs:ram::1234567890123456:role/ci',
          oidc_provider_arn: 'acs:ram::1234567890123456:oidc-provider/gh',
          oidc_token_file: '/var/run/token',
        },
      ]),
    };
    const ram = planAlibabaCredentials(CHAIN, ctx({}, files));
    expect(ram).toMatchObject({
      kind: 'assume_role',
      roleArn: role.ram_role_arn,
      sessionName: 'nightly',
      durationSeconds: 1800,
      source: { id: 'LTAICLI' },
    });
    expect(planAlibabaCredentials({ kind: 'profile', profile: 'chained' }, ctx({}, files))).toMatchObject({
      kind: 'assume_role',
      roleArn: 'acs:ram::2222222222222222:role/inner',
      source: { kind: 'assume_role', roleArn: role.ram_role_arn, source: { id: 'LTAICLI' } },
    });
    expect(planAlibabaCredentials({ kind: 'profile', profile: 'ecs' }, ctx({}, files))).toMatchObject({
      kind: 'ecs_ram_role',
      roleName: 'worker',
      imdsv1Disabled: false,
    });
    expect(planAlibabaCredentials({ kind: 'profile', profile: 'oidc' }, ctx({}, files))).toMatchObject({
      kind: 'oidc',
      tokenFile: '/var/run/token',
    });
    expect(failure(() => resolveAlibabaCredentials(CHAIN, ctx({}, files))).message).toMatch(/need an STS or metadata call/);
  });

  it('reports a source_profile loop and a missing source profile', () => {
    const loop = cliConfig('a', [
      { name: 'a', mode: 'ChainableRamRoleArn', source_profile: 'b', ram_role_arn: 'acs:ram::1:role/x' },
      { name: 'b', mode: 'ChainableRamRoleArn', source_profile: 'a', ram_role_arn: 'acs:ram::1:role/x' },
    ]);
    expect(failure(() => planAlibabaCredentials(CHAIN, ctx({}, { '.aliyun/config.json': loop }))).message).toMatch(
      /source_profile chain is longer than 8/,
    );
    const missing = cliConfig('a', [{ name: 'a', mode: 'ChainableRamRoleArn', source_profile: 'nope', ram_role_arn: 'acs:ram::1:role/x' }]);
    expect(failure(() => planAlibabaCredentials(CHAIN, ctx({}, { '.aliyun/config.json': missing }))).message).toBe(
      '~/.aliyun/config.json profile a: source_profile nope is not in ~/.aliyun/config.json',
    );
  });

  it('refuses the modes that cannot work unattended, each with its reason and what to use instead', () => {
    for (const [mode, why] of [
      ['RsaKeyPair', /Japan site/],
      ['OAuth', /interactive browser sign-in/],
      ['BearerToken', /not an access key/],
      ['Anonymous', /unsigned requests/],
    ] as const) {
      const error = failure(() =>
        resolveAlibabaCredentials(CHAIN, ctx({}, { '.aliyun/config.json': cliConfig('default', [{ ...AK_PROFILE, mode }]) })),
      );
      expect(error.message).toMatch(new RegExp(`^~/\\.aliyun/config\\.json profile default, line \\d+: mode ${mode} is not supported: `));
      expect(error.message).toMatch(why);
      expect(error.hint).toMatch(/^(Use|For unattended runs use) /);
    }
    // A mode the CLI does not know is named only by what was expected: it might be a glued secret.
    const unknown = failure(() =>
      resolveAlibabaCredentials(CHAIN, ctx({}, { '.aliyun/config.json': cliConfig('default', [{ ...AK_PROFILE, mode: 'Kerberos' }]) })),
    );
    expect(unknown.message).toMatch(/line \d+: mode is not AK, StsToken, .*External or CloudSSO \(the value is not shown/);
  });

  it('rejects half-set profiles and StsToken profiles without a token', () => {
    expect(
      failure(() =>
        resolveAlibabaCredentials(CHAIN, ctx({}, { '.aliyun/config.json': cliConfig('default', [{ ...AK_PROFILE, access_key_id: '' }]) })),
      ).message,
    ).toBe('~/.aliyun/config.json profile default has access_key_secret but no access_key_id');
    expect(
      failure(() =>
        resolveAlibabaCredentials(CHAIN, ctx({}, { '.aliyun/config.json': cliConfig('sts', [{ ...STS_PROFILE, sts_token: '' }]) })),
      ).message,
    ).toBe('~/.aliyun/config.json profile sts (mode StsToken) has no sts_token');
  });

  it('reports broken JSON without quoting the file', () => {
    const error = failure(() =>
      resolveAlibabaCredentials(CHAIN, ctx({}, { '.aliyun/config.json': `{"profiles":[{"access_key_secret":"${SECRET}"` })),
    );
    expect(error.message).toMatch(/^~\/\.aliyun\/config\.json is not valid JSON \(line \d+\)$/);
  });

  it('can be skipped with ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true', () => {
    const creds = resolveAlibabaCredentials(
      CHAIN,
      ctx(
        { ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'TRUE' },
        { '.aliyun/config.json': cliConfig('default', [AK_PROFILE]), '.alibabacloud/credentials': INI },
      ),
    );
    expect(creds.id).toBe('LTAIINI');
  });
});

describe('resolveAlibabaCredentials: ~/.alibabacloud/credentials', () => {
  it('reads the default section of type access_key', () => {
    const creds = resolveAlibabaCredentials(CHAIN, ctx({}, { '.alibabacloud/credentials': INI }));
    expect(creds).toMatchObject({ id: 'LTAIINI', source: '~/.alibabacloud/credentials [default]' });
    expect(creds.secret).toBe(SECRET);
  });

  it('falls through from a config.json without the profile', () => {
    const creds = resolveAlibabaCredentials(
      CHAIN,
      ctx(
        { ALIBABA_CLOUD_PROFILE: 'prod' },
        { '.aliyun/config.json': cliConfig('default', [AK_PROFILE]), '.alibabacloud/credentials': INI },
      ),
    );
    expect(creds).toMatchObject({ id: 'LTAIPROD', source: '~/.alibabacloud/credentials [prod]' });
  });

  it('honours ALIBABA_CLOUD_CREDENTIALS_FILE, and fails when it points nowhere', () => {
    const file = path.join(TEST_HOME, 'ali.ini');
    const creds = resolveAlibabaCredentials(CHAIN, ctx({ ALIBABA_CLOUD_CREDENTIALS_FILE: file }, { 'ali.ini': INI }));
    expect(creds).toMatchObject({ id: 'LTAIINI', source: `${file} [default]` });
    expect(
      failure(() =>
        resolveAlibabaCredentials(CHAIN, ctx({ ALIBABA_CLOUD_CREDENTIALS_FILE: '/nope' }, { '.alibabacloud/credentials': INI })),
      ).message,
    ).toBe('ALIBABA_CLOUD_CREDENTIALS_FILE names /nope, which cannot be read');
  });

  it('reports unsupported types, a missing type and half-set sections', () => {
    expect(
      failure(() =>
        resolveAlibabaCredentials(
          CHAIN,
          ctx({}, { '.alibabacloud/credentials': '[default]\ntype = rsa_key_pair\naccess_key_id = a\naccess_key_secret = b\n' }),
        ),
      ).message,
    ).toMatch(/^~\/\.alibabacloud\/credentials \[default\], line 2: type rsa_key_pair is not supported: .*Japan site/);
    expect(
      planAlibabaCredentials(
        CHAIN,
        ctx(
          {},
          {
            '.alibabacloud/credentials': `[default]\ntype = ram_role_arn\naccess_key_id = a\naccess_key_secret = ${SECRET}\nrole_arn = acs:ram::1234:role/r\n`,
          },
        ),
      ),
    ).toMatchObject({ kind: 'assume_role', roleArn: 'acs:ram::1234:role/r', source: { id: 'a' } });
    expect(
      failure(() =>
        resolveAlibabaCredentials(
          CHAIN,
          ctx({}, { '.alibabacloud/credentials': `[default]\naccess_key_id = a\naccess_key_secret = ${SECRET}\n` }),
        ),
      ).message,
    ).toBe('~/.alibabacloud/credentials [default] has no type');
    expect(
      failure(() =>
        resolveAlibabaCredentials(
          CHAIN,
          ctx({}, { '.alibabacloud/credentials': `[default]\ntype = access_key\naccess_key_secret = ${SECRET}\n` }),
        ),
      ).message,
    ).toBe('~/.alibabacloud/credentials [default] has access_key_secret but no access_key_id');
  });
});

describe('resolveAlibabaCredentials: named sources', () => {
  const files = {
    '.aliyun/config.json': cliConfig('default', [AK_PROFILE, { ...AK_PROFILE, name: 'ops', access_key_id: 'LTAIOPS' }]),
    '.alibabacloud/credentials': INI,
  };
  const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIENV', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'envsecret', ALIBABA_CLOUD_PROFILE: 'default' };

  it('{ profile } reads the named profile from config.json, then the INI file, never the environment', () => {
    expect(resolveAlibabaCredentials({ kind: 'profile', profile: 'ops' }, ctx(env, files)).id).toBe('LTAIOPS');
    expect(resolveAlibabaCredentials({ kind: 'profile', profile: 'prod' }, ctx(env, files)).id).toBe('LTAIPROD');
    expect(failure(() => resolveAlibabaCredentials({ kind: 'profile', profile: 'none' }, ctx(env, files))).message).toBe(
      'no Alibaba Cloud credentials found; tried ~/.aliyun/config.json profile none, ~/.alibabacloud/credentials [none]',
    );
  });

  it('{ env } with names reads exactly those variables', () => {
    const source: CredentialSource = { kind: 'env', id: 'MY_AK', secret: 'MY_SK' };
    const creds = resolveAlibabaCredentials(
      source,
      ctx({ ...env, MY_AK: 'LTAIMINE', MY_SK: SECRET, ALIBABA_CLOUD_SECURITY_TOKEN: TOKEN }, files),
    );
    expect(creds).toMatchObject({ id: 'LTAIMINE', source: 'env MY_AK' });
    expect(creds.token).toBeUndefined();
    expect(failure(() => resolveAlibabaCredentials(source, ctx(env, files))).message).toBe(
      'no Alibaba Cloud credentials found; tried environment variables MY_AK, MY_SK',
    );
    const withToken: CredentialSource = { kind: 'env', id: 'MY_AK', secret: 'MY_SK', token: 'MY_TOKEN' };
    expect(failure(() => resolveAlibabaCredentials(withToken, ctx({ MY_AK: 'a', MY_SK: SECRET }))).message).toBe(
      'environment variable MY_TOKEN is not set',
    );
    expect(resolveAlibabaCredentials(withToken, ctx({ MY_AK: 'a', MY_SK: SECRET, MY_TOKEN: TOKEN })).token).toBe(TOKEN);
  });

  it('{ env } without names reads the standard variables and never the files', () => {
    expect(failure(() => resolveAlibabaCredentials({ kind: 'env' }, ctx({}, files))).message).toMatch(
      /^no Alibaba Cloud credentials found; tried environment variables ALIBABA_CLOUD_ACCESS_KEY_ID, .*ALICLOUD_SECURITY_TOKEN$/,
    );
  });
});

describe('resolveAlibabaCredentials: nothing found', () => {
  it('names every variable and file tried', () => {
    const error = failure(() => resolveAlibabaCredentials(CHAIN, ctx({})));
    expect(error.message).toBe(
      'no Alibaba Cloud credentials found; tried environment variables ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABACLOUD_ACCESS_KEY_ID, ' +
        'ALICLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABACLOUD_ACCESS_KEY_SECRET, ALICLOUD_ACCESS_KEY_SECRET, ' +
        'ALIBABA_CLOUD_SECURITY_TOKEN, ALIBABACLOUD_SECURITY_TOKEN, ALICLOUD_SECURITY_TOKEN, ALIBABA_CLOUD_ROLE_ARN (OIDC), ~/.aliyun/config.json, ' +
        '~/.alibabacloud/credentials, ALIBABA_CLOUD_ECS_METADATA (ECS RAM role), ALIBABA_CLOUD_CREDENTIALS_URI',
    );
  });
});

describe('resolveAlibabaCredentials with real files', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads config.json from a temporary home directory', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'dw-ali-cred-'));
    dirs.push(home);
    mkdirSync(path.join(home, '.aliyun'));
    writeFileSync(path.join(home, '.aliyun', 'config.json'), cliConfig('sts', [AK_PROFILE, STS_PROFILE]), { mode: 0o600 });
    const creds = resolveAlibabaCredentials(CHAIN, { env: {}, homeDir: home, readFile: readFileOrUndefined });
    expect(creds).toMatchObject({ id: 'STS.CLI', source: '~/.aliyun/config.json profile sts' });
    expect(creds.token).toBe(TOKEN);
    expectHidden(creds);
  });
});
