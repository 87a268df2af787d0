import { platform } from 'node:os';
import { CredentialsError } from '../../model/errors.js';
import { isJsonObject } from '../../model/json.js';
import type { JsonObject } from '../../model/json.js';
import type { AnsweredKeys, EndpointPlan, ProcessPlan } from '../credential-plan.js';
import { CREDENTIAL_PROCESS_TIMEOUT_MS } from '../credential-process.js';
import { nonBlank } from '../credentials.js';
import { parseVendorJson } from '../vendor-json.js';

/**
 * The Alibaba Cloud credential sources that answer over HTTP or from a command, as the vendor's
 * tools read them (aliyun CLI `config/profile.go`, credentials-go `providers/uri.go`,
 * `providers/cloud_sso.go`, `providers/external.go`, `providers/command_split.go`, and
 * @alicloud/credentials 2.4 `providers/uri.js`, `cloud_sso.js`, `external.js`, `utils/command.js`):
 *
 * - the credentials URI (`ALIBABA_CLOUD_CREDENTIALS_URI`, CLI mode `CredentialsURI`): GET, answer
 *   `{ Code: "Success", AccessKeyId, AccessKeySecret, SecurityToken, Expiration }`;
 * - CloudSSO (CLI mode `CloudSSO`): POST `<sign-in host>/cloud-credentials` with the access token the
 *   CLI cached at sign-in as a bearer token and `{ AccountId, AccessConfigurationId }`, answer
 *   `{ CloudCredential: { AccessKeyId, AccessKeySecret, SecurityToken, Expiration } }`;
 * - an external process (CLI mode `External`, `process_command`): the command run without a shell,
 *   stdout `{ mode: "AK" | "StsToken", access_key_id, access_key_secret, sts_token, expiration? }`.
 *
 * Written here rather than loaded from @alicloud/credentials for the reasons role-credentials.ts
 * gives (its requests could not go through driftwatch's endpoint rules, retries and redactor), and
 * because the SDKs print a command's output when it is not JSON and write refreshed keys back into
 * ~/.aliyun/config.json — driftwatch does neither. Every reader fails closed: a missing field, an
 * unparsable time or an unexpected mode is an error whose message never quotes the answer.
 */

/** The aliyun CLI's switch for both (`1` or `true`): no external command is run and no credentials URI fetched. */
const ENV_DISABLE_EXTERNAL = 'ALIBABA_CLOUD_DISABLE_EXTERNAL_PROCESS';
export const ENV_CREDENTIALS_URI = 'ALIBABA_CLOUD_CREDENTIALS_URI';

function externalDisabled(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = nonBlank(env[ENV_DISABLE_EXTERNAL])?.toLowerCase();
  return value === '1' || value === 'true';
}

/** Refuses a source the CLI's switch turns off, saying which switch. */
export function checkExternalAllowed(env: Readonly<Record<string, string | undefined>>, what: string, where: string): void {
  if (externalDisabled(env)) {
    throw new CredentialsError(
      `${where}: ${what} is disabled by ${ENV_DISABLE_EXTERNAL}`,
      `Unset ${ENV_DISABLE_EXTERNAL}, or choose another credential source.`,
    );
  }
}

function parseAnswer(text: string): JsonObject {
  let data: unknown;
  try {
    data = parseVendorJson(text);
  } catch {
    throw new Error('it is not JSON');
  }
  if (!isJsonObject(data)) throw new Error('it is not a JSON object');
  return data;
}

function text(data: JsonObject, name: string): string | undefined {
  const value = data[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `Expiration` as the vendors write it (`2006-01-02T15:04:05Z`), in epoch ms. */
function expiration(value: string | undefined, name: string): number {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${name} is ${value === undefined ? 'missing' : 'not a time'}`);
  return ms;
}

/** The STS-shaped keys both the credentials URI and CloudSSO answer with. */
function stsKeys(data: JsonObject, where: string): AnsweredKeys {
  const id = text(data, 'AccessKeyId');
  const secret = text(data, 'AccessKeySecret');
  const token = text(data, 'SecurityToken');
  const missing = [
    id === undefined ? 'AccessKeyId' : '',
    secret === undefined ? 'AccessKeySecret' : '',
    token === undefined ? 'SecurityToken' : '',
  ].filter((n) => n !== '');
  if (id === undefined || secret === undefined || token === undefined) throw new Error(`${where}${missing.join(', ')} missing`);
  return { id, secret, token, expiresAt: expiration(text(data, 'Expiration'), 'Expiration') };
}

/**
 * A credentials URI's answer. The CLI requires `Code: "Success"`; the SDKs' newer providers do not
 * send or check it, so an answer without `Code` is read, and any other `Code` is refused.
 * `Expiration` is required (as credentials-go requires it): without it the keys could not be refreshed.
 */
export function readCredentialsUriAnswer(body: string): AnsweredKeys {
  const data = parseAnswer(body);
  if (data.Code !== undefined && data.Code !== 'Success') throw new Error('its Code is not Success');
  return stsKeys(data, '');
}

export function readCloudSsoAnswer(body: string): AnsweredKeys {
  const data = parseAnswer(body);
  const credential = data.CloudCredential;
  if (!isJsonObject(credential)) throw new Error('CloudCredential missing');
  return stsKeys(credential, 'CloudCredential.');
}

/**
 * An External command's output. `mode` AK gives long-lived keys (used for the whole run unless an
 * `expiration` says otherwise), StsToken needs `sts_token`; no mode is read like the SDKs read it.
 * The CLI would go on to treat any other mode as a profile of its own; here that is refused.
 */
export function readExternalOutput(stdout: string): AnsweredKeys {
  const data = parseAnswer(stdout);
  const mode = data.mode;
  if (mode !== undefined && mode !== 'AK' && mode !== 'StsToken') {
    // Quoted only when it is one of the vendor's mode names: the output may carry a secret anywhere.
    const named = typeof mode === 'string' && CLI_MODE_NAMES.includes(mode) ? ` (${mode})` : '';
    throw new Error(`its mode${named} is not AK or StsToken`);
  }
  const id = text(data, 'access_key_id');
  const secret = text(data, 'access_key_secret');
  if (id === undefined || secret === undefined) throw new Error('access_key_id or access_key_secret is empty');
  const token = mode === 'AK' ? undefined : text(data, 'sts_token');
  if (mode === 'StsToken' && token === undefined) throw new Error('mode StsToken without sts_token');
  const expires = text(data, 'expiration');
  return {
    id,
    secret,
    ...(token !== undefined ? { token } : {}),
    ...(expires !== undefined ? { expiresAt: expiration(expires, 'expiration') } : {}),
  };
}

/** The origin only: a credentials URI's path or query may hold a token. */
function shownOrigin(uri: string): string {
  try {
    return new URL(uri).origin;
  } catch {
    return '(not a URL)';
  }
}

export function credentialsUriPlan(uri: string, where: string): EndpointPlan {
  const origin = shownOrigin(uri);
  return {
    kind: 'credential_endpoint',
    cloud: 'alicloud',
    what: `the credentials URI ${origin}`,
    method: 'GET',
    url: uri,
    headers: () => ({}),
    read: readCredentialsUriAnswer,
    hint: `Check that the credential service at ${origin} is running and answers {"Code": "Success", "AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}.`,
    where,
  };
}

export interface CloudSsoProfile {
  readonly name: string;
  readonly signInUrl: string | undefined;
  readonly accountId: string | undefined;
  readonly accessConfig: string | undefined;
  readonly accessToken: string | undefined;
  /** `cloud_sso_access_token_expire`, unix seconds. */
  readonly accessTokenExpire: unknown;
}

export function cloudSsoPlan(profile: CloudSsoProfile, where: string): EndpointPlan {
  const relogin = `Sign in again with \`aliyun configure --profile ${profile.name} --mode CloudSSO\`.`;
  const { signInUrl, accountId, accessConfig, accessToken } = profile;
  if (signInUrl === undefined || accountId === undefined || accessConfig === undefined) {
    throw new CredentialsError(
      `${where} (mode CloudSSO) needs cloud_sso_sign_in_url, cloud_sso_account_id and cloud_sso_access_config`,
      relogin,
    );
  }
  const expire = typeof profile.accessTokenExpire === 'number' ? profile.accessTokenExpire : Number.NaN;
  if (accessToken === undefined || !(expire > 0))
    throw new CredentialsError(`${where} (mode CloudSSO) holds no sign-in (access_token)`, relogin);
  let url: URL;
  try {
    url = new URL(signInUrl);
  } catch {
    throw new CredentialsError(`${where}: cloud_sso_sign_in_url is not a URL`, relogin);
  }
  const token = accessToken;
  return {
    kind: 'credential_endpoint',
    cloud: 'alicloud',
    what: `CloudSSO ${url.origin}`,
    method: 'POST',
    // The vendors keep only the scheme and host of the sign-in URL.
    url: `${url.protocol}//${url.host}/cloud-credentials`,
    headers: () => ({ Accept: 'application/json', 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }),
    body: JSON.stringify({ AccountId: accountId, AccessConfigurationId: accessConfig }),
    read: readCloudSsoAnswer,
    signInExpiresAt: expire * 1000,
    account: accountId,
    hint: `${relogin} Check that access configuration ${accessConfig} is assigned to you in account ${accountId}.`,
    where,
  };
}

export function externalPlan(command: string | undefined, where: string): ProcessPlan {
  if (command === undefined)
    throw new CredentialsError(`${where} (mode External) has no process_command`, 'Set it with `aliyun configure --mode External`.');
  let argv: string[];
  try {
    argv = splitProcessCommand(command, platform() === 'win32');
  } catch (error) {
    throw new CredentialsError(
      `${where}: process_command ${error instanceof Error ? error.message : 'cannot be split'}`,
      'Fix the quoting of process_command.',
    );
  }
  return { kind: 'credential_process', cloud: 'alicloud', argv, timeoutMs: CREDENTIAL_PROCESS_TIMEOUT_MS, read: readExternalOutput, where };
}

/**
 * `process_command` into argv, as the vendors split it (credentials-go `command_split.go`,
 * @alicloud/credentials `utils/command.js`): POSIX shlex rules on Unix — outside quotes `\` escapes
 * the next character; in double quotes it escapes only `"`, `\`, `$` and a backquote; in single
 * quotes everything is literal; backslash-newline continues the line — and on Windows `\` is a
 * path separator, escaping only `"` inside double quotes. No shell ever sees the command.
 */
export function splitProcessCommand(command: string, windows: boolean): string[] {
  const input = command.trim();
  if (input === '') throw new Error('is empty');
  const args: string[] = [];
  let current = '';
  let inSingle = false;
  let inDouble = false;
  let started = false;
  const flush = (): void => {
    if (started) args.push(current);
    current = '';
    started = false;
  };
  for (let i = 0; i < input.length; i++) {
    const c = input.charAt(i);
    const next = input.charAt(i + 1);
    if (inSingle) {
      if (c === "'") inSingle = false;
      else current += c;
    } else if (inDouble) {
      if (c === '"') inDouble = false;
      else if (
        c === '\\' &&
        i + 1 < input.length &&
        (windows ? next === '"' : next === '\n' || next === '"' || next === '\\' || next === '$' || next === '`')
      ) {
        if (next !== '\n') current += next;
        i++;
      } else current += c;
    } else if (c === '\\' && !windows) {
      if (i + 1 >= input.length) throw new Error('ends with a backslash');
      i++;
      if (next !== '\n') {
        current += next;
        started = true;
      }
    } else if (c === "'" || c === '"') {
      if (c === "'") inSingle = true;
      else inDouble = true;
      started = true;
    } else if (/\s/.test(c)) {
      flush();
    } else {
      current += c;
      started = true;
    }
  }
  if (inSingle || inDouble) throw new Error('has an unclosed quote');
  flush();
  if (args.length === 0 || args[0] === '') throw new Error('is empty');
  return args;
}

/** The aliyun CLI's modes (config/profile.go `knownModes`): safe to quote in a message. */
export const CLI_MODE_NAMES = [
  'AK',
  'StsToken',
  'RamRoleArn',
  'EcsRamRole',
  'RsaKeyPair',
  'RamRoleArnWithRoleName',
  'ChainableRamRoleArn',
  'External',
  'CredentialsURI',
  'OIDC',
  'CloudSSO',
  'OAuth',
  'BearerToken',
  'Anonymous',
];

/**
 * Modes driftwatch refuses, each with why and what to use instead: none of them can give an
 * unattended run keys that sign the KMS and CAS APIs.
 */
export const REFUSED_CLI_MODES: Readonly<Record<string, { readonly why: string; readonly instead: string }>> = {
  RsaKeyPair: {
    why: "it trades an RSA key pair for session keys through an STS API of the Japan site only, which the vendor's current SDKs no longer offer",
    instead: 'Use an AK, RamRoleArn or OIDC profile.',
  },
  OAuth: {
    why: 'it needs an interactive browser sign-in and rewrites ~/.aliyun/config.json with refreshed tokens, which an unattended checker must not do',
    instead:
      'For unattended runs use RamRoleArn, OIDC, EcsRamRole or a credentials URI; for a person at a terminal, CloudSSO after `aliyun configure --mode CloudSSO`.',
  },
  BearerToken: {
    why: 'a bearer token is not an access key: the KMS and CAS APIs driftwatch calls accept only signed requests',
    instead: 'Use an AK or StsToken profile, or a role (RamRoleArn, EcsRamRole, OIDC).',
  },
  Anonymous: {
    why: 'it sends unsigned requests, which the KMS and CAS APIs refuse',
    instead: 'Use an AK or StsToken profile, or a role (RamRoleArn, EcsRamRole, OIDC).',
  },
};
