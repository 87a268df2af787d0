import path from 'node:path';
import type { CredentialSource } from '../../model/desired-state.js';
import { CredentialsError } from '../../model/errors.js';
import { isJsonObject } from '../../model/json.js';
import type { Credentials } from '../types.js';
import {
  credentialsFrom,
  displayPath,
  firstFound,
  nonBlank,
  parseJsonCredentialFile,
  readIniCredentialsFile,
  unsupportedValue,
  type ChainStep,
  type CredentialContext,
} from '../credentials.js';

/**
 * Tencent Cloud credential chain (cloud-apis.md §4.1): environment variables, then the SDKs' INI
 * profile file, then tccli's per-profile JSON. Instance roles and TKE OIDC are not supported — they
 * need network calls before the first request and are out of scope for a read-only checker.
 */

const ENV_ID = 'TENCENTCLOUD_SECRET_ID';
const ENV_SECRET = 'TENCENTCLOUD_SECRET_KEY';
// The SDKs read …_SESSION_TOKEN, tccli reads …_TOKEN; accept both, SDK spelling first.
const ENV_TOKENS = ['TENCENTCLOUD_SESSION_TOKEN', 'TENCENTCLOUD_TOKEN'] as const;
const ENV_FILE = 'TENCENTCLOUD_CREDENTIALS_FILE';
const CLOUD = 'Tencent Cloud';
/** tccli's own profile types: safe to quote in a message. */
const TCCLI_TYPES = ['assume-role', 'assume_role', 'cvm-role', 'cvm_role', 'oidc-role-arn', 'oidc_role_arn', 'sso'];

const HINT =
  'Set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or add secret_id/secret_key to ~/.tencentcloud/credentials, ' +
  'or run `tccli configure`; or name the source in the provider block (credentials: { profile: NAME } or { env: { id: VAR, secret: VAR } }).';

function fromEnv(
  env: CredentialContext['env'],
  names: { id: string; secret: string; tokens: readonly string[] },
  tokenRequired: boolean,
): ChainStep {
  const id = nonBlank(env[names.id]);
  const secret = nonBlank(env[names.secret]);
  const tokenName = names.tokens.find((name) => nonBlank(env[name]) !== undefined);
  const token = tokenName === undefined ? undefined : nonBlank(env[tokenName]);
  const tried = [names.id, names.secret, ...names.tokens].join(', ');
  if (id !== undefined && secret !== undefined) {
    if (tokenRequired && token === undefined) {
      throw new CredentialsError(`environment variable ${names.tokens.join(' / ')} is not set`, HINT);
    }
    return {
      found: credentialsFrom({ id, secret, token }, { id: names.id, secret: names.secret, token: tokenName ?? 'token' }, `env ${names.id}`),
    };
  }
  if (id !== undefined) throw new CredentialsError(`${names.id} is set but ${names.secret} is not`, HINT);
  if (secret !== undefined) throw new CredentialsError(`${names.secret} is set but ${names.id} is not`, HINT);
  if (token !== undefined) {
    throw new CredentialsError(`${tokenName ?? 'token'} is set but ${names.id} and ${names.secret} are not`, HINT);
  }
  return { found: undefined, tried: `environment variables ${tried}` };
}

function fromIni(ctx: CredentialContext, profile: string): ChainStep {
  const { shown, sections } = readIniCredentialsFile(ctx, ENV_FILE, path.join(ctx.homeDir, '.tencentcloud', 'credentials'), HINT);
  if (!sections) return { found: undefined, tried: shown };
  const where = `${shown} [${profile}]`;
  const section = sections.get(profile);
  const id = nonBlank(section?.secret_id);
  const secret = nonBlank(section?.secret_key);
  const token = nonBlank(section?.token);
  if (id !== undefined && secret !== undefined) {
    return { found: credentialsFrom({ id, secret, token }, { id: `${where} secret_id`, secret: `${where} secret_key`, token: `${where} token` }, where) };
  }
  if (id !== undefined) throw new CredentialsError(`${where} has secret_id but no secret_key`, HINT);
  if (secret !== undefined) throw new CredentialsError(`${where} has secret_key but no secret_id`, HINT);
  return { found: undefined, tried: where };
}

function fromTccli(ctx: CredentialContext, profile: string): ChainStep {
  if (!/^[A-Za-z0-9._-]+$/.test(profile) || profile.startsWith('.')) {
    // tccli names files after the profile; anything else could walk out of ~/.tccli.
    throw new CredentialsError(`profile name ${JSON.stringify(profile)} is not a valid tccli profile name`, HINT);
  }
  const file = path.join(ctx.homeDir, '.tccli', `${profile}.credential`);
  const shown = displayPath(file, ctx.homeDir);
  const text = ctx.readFile(file);
  if (text === undefined) return { found: undefined, tried: shown };
  const { data, lineOf } = parseJsonCredentialFile(text, shown);
  if (!isJsonObject(data)) throw new CredentialsError(`${shown} does not hold a JSON object`, HINT);
  const type = nonBlank(data.type);
  if (type !== undefined || nonBlank(data['role-arn']) !== undefined) {
    // Using the stored keys directly would act with different permissions than the profile intends.
    const hint = 'Use a profile with secretId/secretKey (and token), or environment variables.';
    if (type === undefined) throw new CredentialsError(`${shown}, line ${lineOf(['role-arn']) ?? '?'}: a role-arn profile is not supported by driftwatch`, hint);
    throw unsupportedValue({ where: shown, line: lineOf(['type']), key: 'type', value: type }, TCCLI_TYPES, 'absent (secretId/secretKey profiles)', hint);
  }
  const id = nonBlank(data.secretId);
  const secret = nonBlank(data.secretKey);
  const token = nonBlank(data.token);
  if (id !== undefined && secret !== undefined) {
    return { found: credentialsFrom({ id, secret, token }, { id: `${shown} secretId`, secret: `${shown} secretKey`, token: `${shown} token` }, shown) };
  }
  if (id !== undefined) throw new CredentialsError(`${shown} has secretId but no secretKey`, HINT);
  if (secret !== undefined) throw new CredentialsError(`${shown} has secretKey but no secretId`, HINT);
  return { found: undefined, tried: shown };
}

export function resolveTencentCredentials(source: CredentialSource, ctx: CredentialContext): Credentials {
  switch (source.kind) {
    case 'chain': {
      const profile = nonBlank(ctx.env.TCCLI_PROFILE) ?? 'default';
      return firstFound(CLOUD, HINT, [
        () => fromEnv(ctx.env, { id: ENV_ID, secret: ENV_SECRET, tokens: ENV_TOKENS }, false),
        () => fromIni(ctx, 'default'),
        () => fromTccli(ctx, profile),
      ]);
    }
    case 'profile':
      return firstFound(CLOUD, HINT, [() => fromIni(ctx, source.profile), () => fromTccli(ctx, source.profile)]);
    case 'env': {
      // Named variables are read exactly; a token variable is only implied when no names were given.
      const named = source.id !== undefined || source.secret !== undefined;
      const tokens = source.token !== undefined ? [source.token] : named ? [] : ENV_TOKENS;
      return firstFound(CLOUD, HINT, [
        () => fromEnv(ctx.env, { id: source.id ?? ENV_ID, secret: source.secret ?? ENV_SECRET, tokens }, source.token !== undefined),
      ]);
    }
  }
}
