import path from 'node:path';
import type { CredentialSource } from '../../model/desired-state.js';
import { CredentialsError } from '../../model/errors.js';
import { isJsonObject } from '../../model/json.js';
import type { JsonObject } from '../../model/json.js';
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
 * Alibaba Cloud credential chain (cloud-apis.md §4.2): environment variables (with the aliyun CLI's
 * fallback spellings), then the aliyun CLI's ~/.aliyun/config.json, then the SDKs' INI file.
 * Role-based modes need STS/IMDS calls before the first request and are reported as unsupported
 * rather than approximated.
 */

const ENV_IDS = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABACLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY_ID'] as const;
const ENV_SECRETS = ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABACLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_ACCESS_KEY_SECRET'] as const;
const ENV_TOKENS = ['ALIBABA_CLOUD_SECURITY_TOKEN', 'ALIBABACLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN'] as const;
const ENV_PROFILE = 'ALIBABA_CLOUD_PROFILE';
const ENV_FILE = 'ALIBABA_CLOUD_CREDENTIALS_FILE';
const ENV_CLI_DISABLED = 'ALIBABA_CLOUD_CLI_PROFILE_DISABLED';
const CLOUD = 'Alibaba Cloud';
/** The vendors' own spellings (aliyun CLI modes, credentials-file types): safe to quote in a message. */
const CLI_MODES = ['AK', 'StsToken', 'RamRoleArn', 'EcsRamRole', 'RsaKeyPair', 'ChainableRamRoleArn', 'External', 'CredentialsURI', 'OIDC', 'CloudSSO', 'OAuth'];
const INI_TYPES = ['access_key', 'sts', 'ecs_ram_role', 'ram_role_arn', 'rsa_key_pair', 'oidc_role_arn', 'credentials_uri', 'bearer'];

const HINT =
  'Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS), ' +
  'or run `aliyun configure` with mode AK or StsToken, or add a type = access_key section to ~/.alibabacloud/credentials; ' +
  'or name the source in the provider block (credentials: { profile: NAME } or { env: { id: VAR, secret: VAR } }).';
const UNSUPPORTED_HINT = 'Use an AK or StsToken profile (aliyun CLI) or a type = access_key section, or environment variables.';

function firstSet(env: CredentialContext['env'], names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = nonBlank(env[name]);
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

function fromEnv(
  env: CredentialContext['env'],
  names: { ids: readonly string[]; secrets: readonly string[]; tokens: readonly string[] },
  tokenRequired: boolean,
): ChainStep {
  // Each value takes the first spelling that is set, as the aliyun CLI does.
  const id = firstSet(env, names.ids);
  const secret = firstSet(env, names.secrets);
  const token = firstSet(env, names.tokens);
  if (id && secret) {
    if (tokenRequired && !token) throw new CredentialsError(`environment variable ${names.tokens.join(' / ')} is not set`, HINT);
    return {
      found: credentialsFrom(
        { id: id.value, secret: secret.value, token: token?.value },
        { id: id.name, secret: secret.name, token: token?.name ?? 'token' },
        `env ${id.name}`,
      ),
    };
  }
  if (id) throw new CredentialsError(`${id.name} is set but none of ${names.secrets.join(', ')} is`, HINT);
  if (secret) throw new CredentialsError(`${secret.name} is set but none of ${names.ids.join(', ')} is`, HINT);
  if (token) throw new CredentialsError(`${token.name} is set but no access key id and secret are`, HINT);
  return { found: undefined, tried: `environment variables ${[...names.ids, ...names.secrets, ...names.tokens].join(', ')}` };
}

function fromCliConfig(ctx: CredentialContext, named: string | undefined): ChainStep {
  const file = path.join(ctx.homeDir, '.aliyun', 'config.json');
  const shown = displayPath(file, ctx.homeDir);
  const text = ctx.readFile(file);
  if (text === undefined) return { found: undefined, tried: shown };
  const { data, lineOf } = parseJsonCredentialFile(text, shown);
  if (!isJsonObject(data)) throw new CredentialsError(`${shown} does not hold a JSON object`, HINT);
  const name = named ?? nonBlank(data.current) ?? 'default';
  const profiles = Array.isArray(data.profiles) ? data.profiles : [];
  const index = profiles.findIndex((p) => isJsonObject(p) && p.name === name);
  const profile = index >= 0 ? (profiles[index] as JsonObject) : undefined;
  const where = `${shown} profile ${name}`;
  if (!profile) return { found: undefined, tried: where };

  // Old CLI versions wrote no mode for plain access keys.
  const mode = nonBlank(profile.mode) ?? 'AK';
  if (mode !== 'AK' && mode !== 'StsToken') {
    throw unsupportedValue({ where, line: lineOf(['profiles', index, 'mode']), key: 'mode', value: mode }, CLI_MODES, 'AK or StsToken', UNSUPPORTED_HINT);
  }
  const id = nonBlank(profile.access_key_id);
  const secret = nonBlank(profile.access_key_secret);
  const token = mode === 'StsToken' ? nonBlank(profile.sts_token) : undefined;
  if (id === undefined && secret === undefined) throw new CredentialsError(`${where} (mode ${mode}) has no access_key_id or access_key_secret`, HINT);
  if (id === undefined) throw new CredentialsError(`${where} has access_key_secret but no access_key_id`, HINT);
  if (secret === undefined) throw new CredentialsError(`${where} has access_key_id but no access_key_secret`, HINT);
  if (mode === 'StsToken' && token === undefined) throw new CredentialsError(`${where} (mode StsToken) has no sts_token`, HINT);
  return {
    found: credentialsFrom(
      { id, secret, token },
      { id: `${where} access_key_id`, secret: `${where} access_key_secret`, token: `${where} sts_token` },
      where,
    ),
  };
}

function fromIni(ctx: CredentialContext, section: string): ChainStep {
  const { shown, sections, lineOf } = readIniCredentialsFile(ctx, ENV_FILE, path.join(ctx.homeDir, '.alibabacloud', 'credentials'), HINT);
  if (!sections) return { found: undefined, tried: shown };
  const where = `${shown} [${section}]`;
  const values = sections.get(section);
  if (!values) return { found: undefined, tried: where };
  const type = nonBlank(values.type);
  if (type === undefined) throw new CredentialsError(`${where} has no type`, 'Add `type = access_key` to the section.');
  if (type !== 'access_key') throw unsupportedValue({ where, line: lineOf(section, 'type'), key: 'type', value: type }, INI_TYPES, 'access_key', UNSUPPORTED_HINT);
  const id = nonBlank(values.access_key_id);
  const secret = nonBlank(values.access_key_secret);
  if (id === undefined && secret === undefined) throw new CredentialsError(`${where} has no access_key_id or access_key_secret`, HINT);
  if (id === undefined) throw new CredentialsError(`${where} has access_key_secret but no access_key_id`, HINT);
  if (secret === undefined) throw new CredentialsError(`${where} has access_key_id but no access_key_secret`, HINT);
  return {
    found: credentialsFrom({ id, secret, token: undefined }, { id: `${where} access_key_id`, secret: `${where} access_key_secret`, token: '' }, where),
  };
}

export function resolveAlibabaCredentials(source: CredentialSource, ctx: CredentialContext): Credentials {
  switch (source.kind) {
    case 'chain': {
      const profile = nonBlank(ctx.env[ENV_PROFILE]);
      const cliDisabled = nonBlank(ctx.env[ENV_CLI_DISABLED])?.toLowerCase() === 'true';
      return firstFound(CLOUD, HINT, [
        () => fromEnv(ctx.env, { ids: ENV_IDS, secrets: ENV_SECRETS, tokens: ENV_TOKENS }, false),
        () => (cliDisabled ? { found: undefined, tried: `~/.aliyun/config.json (skipped: ${ENV_CLI_DISABLED}=true)` } : fromCliConfig(ctx, profile)),
        () => fromIni(ctx, profile ?? 'default'),
      ]);
    }
    case 'profile':
      return firstFound(CLOUD, HINT, [() => fromCliConfig(ctx, source.profile), () => fromIni(ctx, source.profile)]);
    case 'env': {
      // Named variables are read exactly; fallback spellings and the token are only implied when no names were given.
      const named = source.id !== undefined || source.secret !== undefined;
      return firstFound(CLOUD, HINT, [
        () =>
          fromEnv(
            ctx.env,
            {
              ids: source.id !== undefined ? [source.id] : named ? [ENV_IDS[0]] : ENV_IDS,
              secrets: source.secret !== undefined ? [source.secret] : named ? [ENV_SECRETS[0]] : ENV_SECRETS,
              tokens: source.token !== undefined ? [source.token] : named ? [] : ENV_TOKENS,
            },
            source.token !== undefined,
          ),
      ]);
    }
  }
}
