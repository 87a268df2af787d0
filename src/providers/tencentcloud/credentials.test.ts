import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialSource } from '../../model/desired-state.js';
import { TEST_HOME, credentialTestKit, readFileOrUndefined } from '../../../test/helpers/credential-test-kit.js';
import { planTencentCredentials, resolveTencentCredentials } from './credentials.js';

const SECRET = 'canary-secret-TC-3f9a';
const TOKEN = 'canary-token-TC-77b1';
const CHAIN: CredentialSource = { kind: 'chain' };

const { ctx, failure, expectHidden } = credentialTestKit([SECRET, TOKEN]);

const INI = `[default]\nsecret_id = AKIDINI\nsecret_key = ${SECRET}\n\n[prod]\nsecret_id = AKIDPROD\nsecret_key = ${SECRET}\ntoken = ${TOKEN}\n`;

describe('resolveTencentCredentials: environment', () => {
  it('reads TENCENTCLOUD_SECRET_ID / _SECRET_KEY', () => {
    const creds = resolveTencentCredentials(CHAIN, ctx({ TENCENTCLOUD_SECRET_ID: 'AKIDENV', TENCENTCLOUD_SECRET_KEY: SECRET }));
    expect(creds.id).toBe('AKIDENV');
    expect(creds.secret).toBe(SECRET);
    expect(creds.token).toBeUndefined();
    expect(creds.source).toBe('env TENCENTCLOUD_SECRET_ID');
    expectHidden(creds);
  });

  it('takes the token from TENCENTCLOUD_SESSION_TOKEN (SDKs) or TENCENTCLOUD_TOKEN (tccli), SDK spelling first', () => {
    const base = { TENCENTCLOUD_SECRET_ID: 'AKIDENV', TENCENTCLOUD_SECRET_KEY: SECRET };
    expect(resolveTencentCredentials(CHAIN, ctx({ ...base, TENCENTCLOUD_TOKEN: TOKEN })).token).toBe(TOKEN);
    expect(resolveTencentCredentials(CHAIN, ctx({ ...base, TENCENTCLOUD_SESSION_TOKEN: TOKEN, TENCENTCLOUD_TOKEN: 'other' })).token).toBe(
      TOKEN,
    );
    expect(resolveTencentCredentials(CHAIN, ctx({ ...base, TENCENTCLOUD_SESSION_TOKEN: '  ', TENCENTCLOUD_TOKEN: TOKEN })).token).toBe(
      TOKEN,
    );
  });

  it('wins over the profile files', () => {
    const creds = resolveTencentCredentials(
      CHAIN,
      ctx({ TENCENTCLOUD_SECRET_ID: 'AKIDENV', TENCENTCLOUD_SECRET_KEY: SECRET }, { '.tencentcloud/credentials': INI }),
    );
    expect(creds.id).toBe('AKIDENV');
  });

  it('rejects half-set variables, naming the missing one', () => {
    expect(
      failure(() => resolveTencentCredentials(CHAIN, ctx({ TENCENTCLOUD_SECRET_ID: 'AKIDENV' }, { '.tencentcloud/credentials': INI })))
        .message,
    ).toBe('TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is not');
    expect(failure(() => resolveTencentCredentials(CHAIN, ctx({ TENCENTCLOUD_SECRET_KEY: SECRET }))).message).toBe(
      'TENCENTCLOUD_SECRET_KEY is set but TENCENTCLOUD_SECRET_ID is not',
    );
    expect(failure(() => resolveTencentCredentials(CHAIN, ctx({ TENCENTCLOUD_TOKEN: TOKEN }))).message).toMatch(
      /TENCENTCLOUD_TOKEN is set but/,
    );
  });

  it('treats blank variables as unset', () => {
    const creds = resolveTencentCredentials(
      CHAIN,
      ctx({ TENCENTCLOUD_SECRET_ID: ' ', TENCENTCLOUD_SECRET_KEY: '' }, { '.tencentcloud/credentials': INI }),
    );
    expect(creds.id).toBe('AKIDINI');
  });

  it('rejects a value with a line break without quoting it', () => {
    const error = failure(() =>
      resolveTencentCredentials(CHAIN, ctx({ TENCENTCLOUD_SECRET_ID: 'AKIDENV', TENCENTCLOUD_SECRET_KEY: `${SECRET}\nX-Injected: 1` })),
    );
    expect(error.message).toBe('TENCENTCLOUD_SECRET_KEY contains spaces, line breaks or non-ASCII characters');
  });
});

describe('resolveTencentCredentials: ~/.tencentcloud/credentials', () => {
  it('reads the [default] section', () => {
    const creds = resolveTencentCredentials(CHAIN, ctx({}, { '.tencentcloud/credentials': INI }));
    expect(creds).toMatchObject({ id: 'AKIDINI', source: '~/.tencentcloud/credentials [default]' });
    expect(creds.secret).toBe(SECRET);
    expect(creds.token).toBeUndefined();
  });

  it('honours TENCENTCLOUD_CREDENTIALS_FILE, and fails when it points nowhere', () => {
    const env = { TENCENTCLOUD_CREDENTIALS_FILE: path.join(TEST_HOME, 'elsewhere.ini') };
    const creds = resolveTencentCredentials(
      CHAIN,
      ctx(env, { 'elsewhere.ini': INI, '.tencentcloud/credentials': '[default]\nsecret_id=WRONG\nsecret_key=x' }),
    );
    expect(creds.id).toBe('AKIDINI');
    expect(creds.source).toBe(`${path.join(TEST_HOME, 'elsewhere.ini')} [default]`);
    expect(
      failure(() =>
        resolveTencentCredentials(CHAIN, ctx({ TENCENTCLOUD_CREDENTIALS_FILE: '/nope/creds' }, { '.tencentcloud/credentials': INI })),
      ).message,
    ).toBe('TENCENTCLOUD_CREDENTIALS_FILE names /nope/creds, which cannot be read');
  });

  it('rejects a half-set section, naming file and section', () => {
    const error = failure(() =>
      resolveTencentCredentials(CHAIN, ctx({}, { '.tencentcloud/credentials': `[default]\nsecret_key = ${SECRET}\n` })),
    );
    expect(error.message).toBe('~/.tencentcloud/credentials [default] has secret_key but no secret_id');
  });

  it('falls through to tccli when the section is missing', () => {
    const creds = resolveTencentCredentials(
      CHAIN,
      ctx(
        {},
        {
          '.tencentcloud/credentials': '[other]\nsecret_id=a\nsecret_key=b\n',
          '.tccli/default.credential': JSON.stringify({ secretId: 'AKIDTCCLI', secretKey: SECRET }),
        },
      ),
    );
    expect(creds).toMatchObject({ id: 'AKIDTCCLI', source: '~/.tccli/default.credential' });
  });
});

describe('resolveTencentCredentials: ~/.tccli/<profile>.credential', () => {
  it('reads secretId/secretKey/token of the TCCLI_PROFILE profile', () => {
    const creds = resolveTencentCredentials(
      CHAIN,
      ctx({ TCCLI_PROFILE: 'ops' }, { '.tccli/ops.credential': JSON.stringify({ secretId: 'AKIDOPS', secretKey: SECRET, token: TOKEN }) }),
    );
    expect(creds).toMatchObject({ id: 'AKIDOPS', source: '~/.tccli/ops.credential' });
    expect(creds.token).toBe(TOKEN);
    expectHidden(creds);
  });

  // Issue 13 changes this: role profiles are planned (STS / metadata), never used with their stored keys directly.
  it('plans role-arn and cvm-role profiles instead of using their stored keys', () => {
    const arn = 'qcs::cam::uin/100000000001:roleName/audit';
    const roleFile = {
      '.tccli/default.credential': JSON.stringify({ secretId: 'AKID', secretKey: SECRET, 'role-arn': arn, 'role-session-name': 'nightly' }),
    };
    expect(planTencentCredentials(CHAIN, ctx({}, roleFile))).toMatchObject({
      kind: 'assume_role',
      roleArn: arn,
      sessionName: 'nightly',
      source: { id: 'AKID' },
    });
    expect(planTencentCredentials(CHAIN, ctx({}, { '.tccli/default.credential': JSON.stringify({ type: 'cvm-role' }) }))).toMatchObject({
      kind: 'cvm_role',
    });
    expect(failure(() => resolveTencentCredentials(CHAIN, ctx({}, roleFile))).message).toMatch(/need an STS or metadata call/);
    expect(
      failure(() => planTencentCredentials(CHAIN, ctx({}, { '.tccli/default.credential': JSON.stringify({ type: 'sso' }) }))).message,
    ).toMatch(/^~\/\.tccli\/default\.credential, line \d+: type sso is not supported by driftwatch/);
  });

  it('assumes TENCENTCLOUD_ROLE_ARN with the environment keys, as tccli does', () => {
    const env = {
      TENCENTCLOUD_SECRET_ID: 'AKIDENV',
      TENCENTCLOUD_SECRET_KEY: SECRET,
      TENCENTCLOUD_ROLE_ARN: 'qcs::cam::uin/1:roleName/audit',
      TENCENTCLOUD_ROLE_SESSION_NAME: 'ci-run',
    };
    expect(planTencentCredentials(CHAIN, ctx(env))).toMatchObject({
      kind: 'assume_role',
      roleArn: 'qcs::cam::uin/1:roleName/audit',
      sessionName: 'ci-run',
      source: { id: 'AKIDENV' },
    });
  });

  it('plans TKE OIDC from the TKE_* variables, and names the missing ones', () => {
    const tke = {
      TKE_REGION: 'ap-guangzhou',
      TKE_PROVIDER_ID: 'gh',
      TKE_WEB_IDENTITY_TOKEN_FILE: '/var/run/t',
      TKE_ROLE_ARN: 'qcs::cam::uin/1:roleName/ci',
    };
    expect(planTencentCredentials(CHAIN, ctx(tke))).toMatchObject({ kind: 'oidc', providerArn: 'gh', region: 'ap-guangzhou' });
    expect(failure(() => planTencentCredentials({ kind: 'oidc' }, ctx({ ...tke, TKE_PROVIDER_ID: undefined }))).message).toBe(
      'OIDC credentials need TKE_PROVIDER_ID as well',
    );
  });

  it('reports broken JSON without quoting the file', () => {
    const error = failure(() =>
      resolveTencentCredentials(CHAIN, ctx({}, { '.tccli/default.credential': `{"secretId":"AKID","secretKey":"${SECRET}",` })),
    );
    expect(error.message).toMatch(/^~\/\.tccli\/default\.credential is not valid JSON \(line \d+\)$/);
  });

  it('rejects a half-set file', () => {
    const error = failure(() =>
      resolveTencentCredentials(CHAIN, ctx({}, { '.tccli/default.credential': JSON.stringify({ secretId: 'AKID' }) })),
    );
    expect(error.message).toBe('~/.tccli/default.credential has secretId but no secretKey');
  });
});

describe('resolveTencentCredentials: named sources', () => {
  it('{ profile } reads only the profile files, never the environment', () => {
    const env = { TENCENTCLOUD_SECRET_ID: 'AKIDENV', TENCENTCLOUD_SECRET_KEY: 'envsecret' };
    const creds = resolveTencentCredentials({ kind: 'profile', profile: 'prod' }, ctx(env, { '.tencentcloud/credentials': INI }));
    expect(creds).toMatchObject({ id: 'AKIDPROD', source: '~/.tencentcloud/credentials [prod]' });
    expect(creds.token).toBe(TOKEN);
    const fromTccli = resolveTencentCredentials(
      { kind: 'profile', profile: 'stage' },
      ctx(env, {
        '.tencentcloud/credentials': INI,
        '.tccli/stage.credential': JSON.stringify({ secretId: 'AKIDSTAGE', secretKey: SECRET }),
      }),
    );
    expect(fromTccli.id).toBe('AKIDSTAGE');
    const error = failure(() =>
      resolveTencentCredentials({ kind: 'profile', profile: 'missing' }, ctx(env, { '.tencentcloud/credentials': INI })),
    );
    expect(error.message).toBe(
      'no Tencent Cloud credentials found; tried ~/.tencentcloud/credentials [missing], ~/.tccli/missing.credential',
    );
  });

  it('{ profile } refuses names that would leave ~/.tccli', () => {
    expect(failure(() => resolveTencentCredentials({ kind: 'profile', profile: '../x' }, ctx({}))).message).toMatch(
      /not a valid tccli profile name/,
    );
  });

  it('{ env } with names reads exactly those variables', () => {
    const source: CredentialSource = { kind: 'env', id: 'MY_ID', secret: 'MY_KEY' };
    const env = {
      MY_ID: 'AKIDMINE',
      MY_KEY: SECRET,
      TENCENTCLOUD_SECRET_ID: 'AKIDENV',
      TENCENTCLOUD_SECRET_KEY: 'x',
      TENCENTCLOUD_SESSION_TOKEN: TOKEN,
    };
    const creds = resolveTencentCredentials(source, ctx(env));
    expect(creds).toMatchObject({ id: 'AKIDMINE', source: 'env MY_ID' });
    expect(creds.token).toBeUndefined();
    expect(
      failure(() =>
        resolveTencentCredentials(
          source,
          ctx({ TENCENTCLOUD_SECRET_ID: 'AKIDENV', TENCENTCLOUD_SECRET_KEY: 'x' }, { '.tencentcloud/credentials': INI }),
        ),
      ).message,
    ).toBe('no Tencent Cloud credentials found; tried environment variables MY_ID, MY_KEY');
  });

  it('{ env } with a named token requires it', () => {
    const source: CredentialSource = { kind: 'env', id: 'MY_ID', secret: 'MY_KEY', token: 'MY_TOKEN' };
    expect(resolveTencentCredentials(source, ctx({ MY_ID: 'AKID', MY_KEY: SECRET, MY_TOKEN: TOKEN })).token).toBe(TOKEN);
    expect(failure(() => resolveTencentCredentials(source, ctx({ MY_ID: 'AKID', MY_KEY: SECRET }))).message).toBe(
      'environment variable MY_TOKEN is not set',
    );
  });

  it('{ env } without names reads the standard variables and never the files', () => {
    const error = failure(() => resolveTencentCredentials({ kind: 'env' }, ctx({}, { '.tencentcloud/credentials': INI })));
    expect(error.message).toBe(
      'no Tencent Cloud credentials found; tried environment variables TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_SESSION_TOKEN, TENCENTCLOUD_TOKEN',
    );
  });
});

describe('resolveTencentCredentials: nothing found', () => {
  it('names every variable and file tried', () => {
    const error = failure(() => resolveTencentCredentials(CHAIN, ctx({ TCCLI_PROFILE: 'ops' })));
    expect(error.message).toBe(
      'no Tencent Cloud credentials found; tried environment variables TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, ' +
        'TENCENTCLOUD_SESSION_TOKEN, TENCENTCLOUD_TOKEN, ~/.tencentcloud/credentials, ~/.tccli/ops.credential, TKE_ROLE_ARN (OIDC)',
    );
    expect(error.hint).toMatch(/TENCENTCLOUD_SECRET_ID/);
  });
});

describe('resolveTencentCredentials with real files', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads a credentials file from a temporary home directory', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'dw-tc-cred-'));
    dirs.push(home);
    mkdirSync(path.join(home, '.tencentcloud'));
    writeFileSync(path.join(home, '.tencentcloud', 'credentials'), INI, { mode: 0o600 });
    const creds = resolveTencentCredentials(
      { kind: 'profile', profile: 'prod' },
      { env: {}, homeDir: home, readFile: readFileOrUndefined },
    );
    expect(creds).toMatchObject({ id: 'AKIDPROD', source: '~/.tencentcloud/credentials [prod]' });
    expect(creds.secret).toBe(SECRET);
    expect(
      failure(() =>
        resolveTencentCredentials({ kind: 'profile', profile: 'nope' }, { env: {}, homeDir: home, readFile: readFileOrUndefined }),
      ).message,
    ).toMatch(/^no Tencent Cloud credentials found/);
  });
});
