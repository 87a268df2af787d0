import { describe, expect, it } from 'vitest';
import { CredentialsError } from '../../model/errors.js';
import {
  cloudSsoPlan,
  credentialsUriPlan,
  externalPlan,
  readCloudSsoAnswer,
  readCredentialsUriAnswer,
  readExternalOutput,
  splitProcessCommand,
} from './credential-sources.js';

const SECRET = 'answer-secret/9q+Wz=';

/** What a reader throws: its message, which must never quote the answer. */
function readFailure(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected the reader to refuse');
}

describe('splitProcessCommand (the vectors of credentials-go command_split_test.go)', () => {
  const posix: readonly [string, readonly string[]][] = [
    ['cmd arg1 arg2', ['cmd', 'arg1', 'arg2']],
    ['  cmd   arg1\targ2  ', ['cmd', 'arg1', 'arg2']],
    ['"C:\\Program Files\\tool\\cred.exe" get --profile default', ['C:\\Program Files\\tool\\cred.exe', 'get', '--profile', 'default']],
    ["'/usr/local/my tools/cred' arg", ['/usr/local/my tools/cred', 'arg']],
    ['tool --name "First Last"', ['tool', '--name', 'First Last']],
    ['tool arg\\ with\\ space', ['tool', 'arg with space']],
    ['tool "say \\"hi\\""', ['tool', 'say "hi"']],
    ['tool "" arg', ['tool', '', 'arg']],
    ["tool '' arg", ['tool', '', 'arg']],
    ['tool "a b"\'c d\'', ['tool', 'a bc d']],
    ['tool arg1 \\\n arg2', ['tool', 'arg1', 'arg2']],
    ['tool "a\\\nb"', ['tool', 'ab']],
    // No shell: what a shell would expand stays literal.
    ['tool $HOME `id` ; rm -rf /', ['tool', '$HOME', '`id`', ';', 'rm', '-rf', '/']],
  ];
  for (const [input, argv] of posix) {
    it(`splits ${JSON.stringify(input)}`, () => expect(splitProcessCommand(input, false)).toEqual(argv));
  }

  it('keeps Windows backslashes as path separators', () => {
    expect(splitProcessCommand('C:\\tools\\cred.exe "a \\"b\\""', true)).toEqual(['C:\\tools\\cred.exe', 'a "b"']);
  });

  it('refuses what cannot be split', () => {
    for (const [input, message] of [
      ['   ', 'is empty'],
      ['""', 'is empty'],
      ['"C:\\Program Files\\tool.exe', 'has an unclosed quote'],
      ["'/usr/bin/tool", 'has an unclosed quote'],
      ['tool\\', 'ends with a backslash'],
    ] as const) {
      expect(() => splitProcessCommand(input, false), input).toThrow(message);
    }
  });
});

describe('readers: fail closed, never quote the answer', () => {
  const keys = { AccessKeyId: 'STS.id', AccessKeySecret: SECRET, SecurityToken: 'tok', Expiration: '2026-12-01T01:00:00Z' };

  it('credentials URI: Code Success or none; every field, Expiration included, required', () => {
    expect(readCredentialsUriAnswer(JSON.stringify({ Code: 'Success', ...keys }))).toEqual({
      id: 'STS.id',
      secret: SECRET,
      token: 'tok',
      expiresAt: Date.UTC(2026, 11, 1, 1),
    });
    expect(readCredentialsUriAnswer(JSON.stringify(keys)).id).toBe('STS.id');
    expect(readFailure(() => readCredentialsUriAnswer(JSON.stringify({ ...keys, Code: SECRET })))).toBe('its Code is not Success');
    expect(readFailure(() => readCredentialsUriAnswer(JSON.stringify({ ...keys, SecurityToken: '' })))).toBe('SecurityToken missing');
    expect(readFailure(() => readCredentialsUriAnswer(JSON.stringify({ ...keys, Expiration: SECRET })))).toBe('Expiration is not a time');
    expect(readFailure(() => readCredentialsUriAnswer(`{"AccessKeySecret": "${SECRET}"`))).toBe('it is not JSON');
    expect(readFailure(() => readCredentialsUriAnswer(`{"AccessKeySecret": "${SECRET}", "AccessKeySecret": "x"}`))).toBe('it is not JSON');
  });

  it('CloudSSO: CloudCredential with every field', () => {
    expect(readCloudSsoAnswer(JSON.stringify({ CloudCredential: keys, RequestId: 'r' })).secret).toBe(SECRET);
    expect(readFailure(() => readCloudSsoAnswer(JSON.stringify(keys)))).toBe('CloudCredential missing');
    expect(readFailure(() => readCloudSsoAnswer(JSON.stringify({ CloudCredential: { ...keys, AccessKeyId: null } })))).toBe(
      'CloudCredential.AccessKeyId missing',
    );
  });

  it('External: AK (no token), StsToken (token required), no mode, an optional expiration; other modes refused', () => {
    const out = { access_key_id: 'LTAI', access_key_secret: SECRET, sts_token: 'tok' };
    expect(readExternalOutput(JSON.stringify({ mode: 'AK', ...out }))).toEqual({ id: 'LTAI', secret: SECRET });
    expect(readExternalOutput(JSON.stringify({ mode: 'StsToken', ...out, expiration: '2026-12-01T01:00:00Z' }))).toEqual({
      id: 'LTAI',
      secret: SECRET,
      token: 'tok',
      expiresAt: Date.UTC(2026, 11, 1, 1),
    });
    expect(readExternalOutput(JSON.stringify(out)).token).toBe('tok');
    expect(
      readFailure(() => readExternalOutput(JSON.stringify({ mode: 'StsToken', access_key_id: 'LTAI', access_key_secret: SECRET }))),
    ).toBe('mode StsToken without sts_token');
    expect(readFailure(() => readExternalOutput(JSON.stringify({ mode: 'RamRoleArn', ...out })))).toBe(
      'its mode (RamRoleArn) is not AK or StsToken',
    );
    expect(readFailure(() => readExternalOutput(JSON.stringify({ mode: SECRET, ...out })))).toBe('its mode is not AK or StsToken');
    expect(readFailure(() => readExternalOutput(JSON.stringify({ mode: 'AK', access_key_id: 'LTAI' })))).toBe(
      'access_key_id or access_key_secret is empty',
    );
    expect(readFailure(() => readExternalOutput(JSON.stringify({ ...out, expiration: 'soon' })))).toBe('expiration is not a time');
    expect(readFailure(() => readExternalOutput(`access_key_secret=${SECRET}`))).toBe('it is not JSON');
  });
});

describe('plans', () => {
  it('a credentials URI is shown by its origin only', () => {
    const plan = credentialsUriPlan('https://creds.example.com/v1/credentials?token=abc', 'env ALIBABA_CLOUD_CREDENTIALS_URI');
    expect(plan).toMatchObject({ kind: 'credential_endpoint', method: 'GET', what: 'the credentials URI https://creds.example.com' });
    expect(plan.hint).not.toContain('token=abc');
  });

  it('CloudSSO posts to the sign-in host, with the account and access configuration, the token as a bearer', () => {
    const plan = cloudSsoPlan(
      {
        name: 'sso',
        signInUrl: 'https://signin-cn-shanghai.alibabacloudsso.com/d-123/login',
        accountId: '1234',
        accessConfig: 'ac-1',
        accessToken: 'tkn',
        accessTokenExpire: 1_900_000_000,
      },
      'p',
    );
    expect(plan).toMatchObject({
      method: 'POST',
      url: 'https://signin-cn-shanghai.alibabacloudsso.com/cloud-credentials',
      account: '1234',
      signInExpiresAt: 1_900_000_000_000,
    });
    expect(JSON.parse(plan.body ?? '')).toEqual({ AccountId: '1234', AccessConfigurationId: 'ac-1' });
    expect(plan.headers()).toEqual({ Accept: 'application/json', 'Content-Type': 'application/json', Authorization: 'Bearer tkn' });
    // The token is behind a function: printing the plan does not print it.
    expect(JSON.stringify(plan)).not.toContain('tkn');
    expect(() =>
      cloudSsoPlan(
        { name: 'sso', signInUrl: 'https://x', accountId: '1', accessConfig: 'ac', accessToken: undefined, accessTokenExpire: 1 },
        'p',
      ),
    ).toThrow(CredentialsError);
  });

  it('External: the command is split once, when planned', () => {
    expect(externalPlan('/usr/bin/cred --profile "a b"', 'p')).toMatchObject({
      kind: 'credential_process',
      argv: ['/usr/bin/cred', '--profile', 'a b'],
      timeoutMs: 60_000,
    });
    expect(() => externalPlan('cred "open', 'p')).toThrow(/process_command has an unclosed quote/);
    expect(() => externalPlan(undefined, 'p')).toThrow(/has no process_command/);
  });
});
