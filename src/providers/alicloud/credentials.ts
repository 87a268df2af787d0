import path from 'node:path';
import type { CredentialSource } from '../../model/desired-state.js';
import { CredentialsError } from '../../model/errors.js';
import { isJsonObject } from '../../model/json.js';
import type { JsonObject } from '../../model/json.js';
import type { Credentials } from '../types.js';
import type { CredentialPlan, OidcPlan } from '../credential-plan.js';
import {
  DEFAULT_DURATION_SECONDS,
  DEFAULT_SESSION_NAME,
  checkDuration,
  checkRoleArn,
  checkSessionName,
  staticKeysOnly,
} from '../credential-plan.js';
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
import {
  CLI_MODE_NAMES,
  ENV_CREDENTIALS_URI,
  REFUSED_CLI_MODES,
  checkExternalAllowed,
  cloudSsoPlan,
  credentialsUriPlan,
  externalPlan,
} from './credential-sources.js';

/**
 * Alibaba Cloud credential chain (cloud-apis.md §4.2), in @alicloud/credentials' order: environment
 * variables (with the aliyun CLI's fallback spellings), OIDC (ACK RRSA) variables, the aliyun CLI's
 * ~/.aliyun/config.json, the SDKs' INI file, then the ECS RAM role. Role modes (RamRoleArn,
 * ChainableRamRoleArn, RamRoleArnWithRoleName, EcsRamRole, OIDC; INI ram_role_arn, ecs_ram_role,
 * oidc_role_arn) plan an STS or metadata call that role-credentials.ts makes; CredentialsURI,
 * External and CloudSSO plan a request or a command (credential-sources.ts), the credentials URI
 * also last in the chain from ALIBABA_CLOUD_CREDENTIALS_URI; RsaKeyPair, OAuth, BearerToken and
 * Anonymous are refused with the reason.
 */

const ENV_IDS = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABACLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY_ID'] as const;
const ENV_SECRETS = ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABACLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_ACCESS_KEY_SECRET'] as const;
const ENV_TOKENS = ['ALIBABA_CLOUD_SECURITY_TOKEN', 'ALIBABACLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN'] as const;
const ENV_PROFILE = 'ALIBABA_CLOUD_PROFILE';
const ENV_FILE = 'ALIBABA_CLOUD_CREDENTIALS_FILE';
const ENV_CLI_DISABLED = 'ALIBABA_CLOUD_CLI_PROFILE_DISABLED';
const ENV_ROLE_ARN = 'ALIBABA_CLOUD_ROLE_ARN';
const ENV_OIDC_PROVIDER = 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN';
const ENV_OIDC_TOKEN_FILE = 'ALIBABA_CLOUD_OIDC_TOKEN_FILE';
const ENV_SESSION_NAME = 'ALIBABA_CLOUD_ROLE_SESSION_NAME';
const ENV_ECS_ROLE = 'ALIBABA_CLOUD_ECS_METADATA';
const ENV_ECS_DISABLED = 'ALIBABA_CLOUD_ECS_METADATA_DISABLED';
const ENV_IMDSV1_DISABLED = 'ALIBABA_CLOUD_IMDSV1_DISABLED';
const CLOUD = 'Alibaba Cloud';
/** The vendors' own spellings of credentials-file types: safe to quote in a message. */
const INI_TYPES = ['access_key', 'sts', 'ecs_ram_role', 'ram_role_arn', 'rsa_key_pair', 'oidc_role_arn', 'credentials_uri', 'bearer'];
/** INI types refused, with why (the aliyun CLI's modes of the same name say the same: REFUSED_CLI_MODES). */
const REFUSED_INI_TYPES: Readonly<Record<string, string>> = { rsa_key_pair: 'RsaKeyPair', bearer: 'BearerToken' };
/** Source profiles can chain; a loop or a very long chain is a mistake, not a configuration. */
const MAX_PROFILE_DEPTH = 8;

const HINT =
  'Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS), ' +
  'or run `aliyun configure` with mode AK or StsToken, or add a type = access_key section to ~/.alibabacloud/credentials; ' +
  'or name the source in the provider block (credentials: { profile: NAME } or { env: { id: VAR, secret: VAR } }).';
const SUPPORTED_MODES =
  'AK, StsToken, RamRoleArn, ChainableRamRoleArn, RamRoleArnWithRoleName, EcsRamRole, OIDC, CredentialsURI, External or CloudSSO';
const SUPPORTED_TYPES = 'access_key, sts, ram_role_arn, ecs_ram_role, oidc_role_arn or credentials_uri';
const UNSUPPORTED_HINT = `Use an ${SUPPORTED_MODES} profile (aliyun CLI), a type = ${SUPPORTED_TYPES} section, environment variables, or name the source in the provider block.`;

/** A mode as the aliyun CLI reads it: its own spelling whatever the case (config/profile.go NormalizeMode). */
function normalizeMode(mode: string): string {
  return CLI_MODE_NAMES.find((m) => m.toLowerCase() === mode.toLowerCase()) ?? mode;
}

/** A mode or type driftwatch refuses on purpose: the reason and what to use instead, at its line. */
function refused(mode: string, place: string, named = `mode ${mode}`): CredentialsError | undefined {
  const reason = REFUSED_CLI_MODES[mode];
  return reason ? new CredentialsError(`${place}: ${named} is not supported: ${reason.why}`, reason.instead) : undefined;
}

/** The credentials URI of a profile, else of the environment (as the CLI falls back to it). */
function credentialsUriFrom(ctx: CredentialContext, uri: string | undefined, where: string, key: string): CredentialPlan {
  const chosen = uri ?? nonBlank(ctx.env[ENV_CREDENTIALS_URI]);
  if (chosen === undefined)
    throw new CredentialsError(
      `${where} has no ${key} and ${ENV_CREDENTIALS_URI} is not set`,
      `Set ${key} in the profile or ${ENV_CREDENTIALS_URI}.`,
    );
  checkExternalAllowed(ctx.env, 'the credentials URI', where);
  return credentialsUriPlan(chosen, uri !== undefined ? where : `env ${ENV_CREDENTIALS_URI}`);
}

function isTrue(value: string | undefined): boolean {
  return nonBlank(value)?.toLowerCase() === 'true';
}

function durationFrom(value: unknown, where: string): number {
  if (value === undefined || value === null || value === '' || value === 0) return DEFAULT_DURATION_SECONDS;
  const n = typeof value === 'number' ? value : Number(value);
  return checkDuration(n, where);
}

/** AssumeRoleWithOIDC from the variables ACK RRSA and the SDKs use (undefined when none is set). */
function alibabaOidcFromEnv(env: CredentialContext['env'], required: boolean): OidcPlan | undefined {
  const roleArn = nonBlank(env[ENV_ROLE_ARN]);
  const providerArn = nonBlank(env[ENV_OIDC_PROVIDER]);
  const tokenFile = nonBlank(env[ENV_OIDC_TOKEN_FILE]);
  const names = [ENV_ROLE_ARN, ENV_OIDC_PROVIDER, ENV_OIDC_TOKEN_FILE];
  if (roleArn === undefined && providerArn === undefined && tokenFile === undefined) {
    if (!required) return undefined;
    throw new CredentialsError(
      `credentials: oidc needs ${names.join(', ')}`,
      "Set them as ACK RRSA does (or your CI's OIDC setup), or choose another credential source.",
    );
  }
  if (roleArn === undefined || providerArn === undefined || tokenFile === undefined) {
    const missing = names.filter((n) => nonBlank(env[n]) === undefined);
    throw new CredentialsError(`OIDC credentials need ${missing.join(' and ')} as well`, `Set all of ${names.join(', ')}.`);
  }
  const where = 'env ' + ENV_ROLE_ARN;
  return {
    kind: 'oidc',
    cloud: 'alicloud',
    roleArn: checkRoleArn('alicloud', roleArn, where),
    providerArn,
    tokenFile,
    sessionName: checkSessionName(nonBlank(env[ENV_SESSION_NAME]) ?? DEFAULT_SESSION_NAME, where),
    durationSeconds: DEFAULT_DURATION_SECONDS,
    region: undefined,
    where,
  };
}

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

function fromCliConfig(ctx: CredentialContext, named: string | undefined, depth = 0): ChainStep {
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
  const mode = normalizeMode(nonBlank(profile.mode) ?? 'AK');
  const keys = (): Credentials => {
    const id = nonBlank(profile.access_key_id);
    const secret = nonBlank(profile.access_key_secret);
    const token = mode === 'StsToken' ? nonBlank(profile.sts_token) : undefined;
    if (id === undefined && secret === undefined)
      throw new CredentialsError(`${where} (mode ${mode}) has no access_key_id or access_key_secret`, HINT);
    if (id === undefined) throw new CredentialsError(`${where} has access_key_secret but no access_key_id`, HINT);
    if (secret === undefined) throw new CredentialsError(`${where} has access_key_id but no access_key_secret`, HINT);
    if (mode === 'StsToken' && token === undefined) throw new CredentialsError(`${where} (mode StsToken) has no sts_token`, HINT);
    return credentialsFrom(
      { id, secret, token },
      { id: `${where} access_key_id`, secret: `${where} access_key_secret`, token: `${where} sts_token` },
      where,
    );
  };
  const role = (source: CredentialPlan): CredentialPlan => {
    const roleArn = nonBlank(profile.ram_role_arn);
    if (roleArn === undefined) throw new CredentialsError(`${where} (mode ${mode}) has no ram_role_arn`, HINT);
    const externalId = nonBlank(profile.external_id);
    return {
      kind: 'assume_role',
      cloud: 'alicloud',
      roleArn: checkRoleArn('alicloud', roleArn, where),
      sessionName: checkSessionName(nonBlank(profile.ram_session_name) ?? DEFAULT_SESSION_NAME, where),
      externalId,
      durationSeconds: durationFrom(profile.expired_seconds, where),
      source,
      where,
    };
  };
  switch (mode) {
    case 'AK':
    case 'StsToken':
      return { found: keys() };
    case 'RamRoleArn':
      return { found: role(keys()) };
    case 'ChainableRamRoleArn': {
      const sourceName = nonBlank(profile.source_profile);
      if (sourceName === undefined) throw new CredentialsError(`${where} (mode ChainableRamRoleArn) has no source_profile`, HINT);
      if (depth >= MAX_PROFILE_DEPTH)
        throw new CredentialsError(`${where}: source_profile chain is longer than ${MAX_PROFILE_DEPTH} (a loop?)`, HINT);
      const source = fromCliConfig(ctx, sourceName, depth + 1);
      if (!source.found) throw new CredentialsError(`${where}: source_profile ${sourceName} is not in ${shown}`, HINT);
      return { found: role(source.found) };
    }
    case 'EcsRamRole':
      return {
        found: {
          kind: 'ecs_ram_role',
          roleName: nonBlank(profile.ram_role_name),
          imdsv1Disabled: isTrue(ctx.env[ENV_IMDSV1_DISABLED]),
          where,
        },
      };
    case 'RamRoleArnWithRoleName':
      // The CLI's ECS role used as the source of an assumed role.
      return {
        found: role({
          kind: 'ecs_ram_role',
          roleName: nonBlank(profile.ram_role_name),
          imdsv1Disabled: isTrue(ctx.env[ENV_IMDSV1_DISABLED]),
          where,
        }),
      };
    case 'CredentialsURI':
      return { found: credentialsUriFrom(ctx, nonBlank(profile.credentials_uri), where, 'credentials_uri') };
    case 'External':
      checkExternalAllowed(ctx.env, 'the External process_command', where);
      return { found: externalPlan(nonBlank(profile.process_command), where) };
    case 'CloudSSO':
      return {
        found: cloudSsoPlan(
          {
            name,
            signInUrl: nonBlank(profile.cloud_sso_sign_in_url),
            accountId: nonBlank(profile.cloud_sso_account_id),
            accessConfig: nonBlank(profile.cloud_sso_access_config),
            accessToken: nonBlank(profile.access_token),
            accessTokenExpire: profile.cloud_sso_access_token_expire,
          },
          where,
        ),
      };
    case 'OIDC': {
      const roleArn = nonBlank(profile.ram_role_arn);
      const providerArn = nonBlank(profile.oidc_provider_arn);
      const tokenFile = nonBlank(profile.oidc_token_file);
      if (roleArn === undefined || providerArn === undefined || tokenFile === undefined) {
        throw new CredentialsError(`${where} (mode OIDC) needs ram_role_arn, oidc_provider_arn and oidc_token_file`, HINT);
      }
      return {
        found: oidcFromFile(
          roleArn,
          providerArn,
          tokenFile,
          nonBlank(profile.ram_session_name),
          durationFrom(profile.expired_seconds, where),
          where,
        ),
      };
    }
    default: {
      const line = lineOf(['profiles', index, 'mode']);
      // The mode is read from the file: only the vendor's own spellings are ever quoted (unsupportedValue).
      throw (
        refused(mode, `${where}${line !== undefined ? `, line ${line}` : ''}`) ??
        unsupportedValue({ where, line, key: 'mode', value: mode }, CLI_MODE_NAMES, SUPPORTED_MODES, UNSUPPORTED_HINT)
      );
    }
  }
}

/** An OIDC role read from a credential file (aliyun CLI `OIDC` mode or INI `oidc_role_arn`): same plan, different keys. */
function oidcFromFile(
  roleArn: string,
  providerArn: string,
  tokenFile: string,
  sessionName: string | undefined,
  durationSeconds: number,
  where: string,
): OidcPlan {
  return {
    kind: 'oidc',
    cloud: 'alicloud',
    roleArn: checkRoleArn('alicloud', roleArn, where),
    providerArn,
    tokenFile,
    sessionName: checkSessionName(sessionName ?? DEFAULT_SESSION_NAME, where),
    durationSeconds,
    region: undefined,
    where,
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
  const keys = (): Credentials => {
    const id = nonBlank(values.access_key_id);
    const secret = nonBlank(values.access_key_secret);
    if (id === undefined && secret === undefined) throw new CredentialsError(`${where} has no access_key_id or access_key_secret`, HINT);
    if (id === undefined) throw new CredentialsError(`${where} has access_key_secret but no access_key_id`, HINT);
    if (secret === undefined) throw new CredentialsError(`${where} has access_key_id but no access_key_secret`, HINT);
    return credentialsFrom(
      { id, secret, token: undefined },
      { id: `${where} access_key_id`, secret: `${where} access_key_secret`, token: '' },
      where,
    );
  };
  switch (type) {
    case 'access_key':
      return { found: keys() };
    case 'sts': {
      const token = nonBlank(values.security_token);
      if (token === undefined) throw new CredentialsError(`${where} (type sts) has no security_token`, HINT);
      const { id, secret } = keys();
      return {
        found: credentialsFrom(
          { id, secret, token },
          { id: `${where} access_key_id`, secret: `${where} access_key_secret`, token: `${where} security_token` },
          where,
        ),
      };
    }
    case 'credentials_uri':
      // No vendor SDK reads this type from the file (it is a type of their Config object); the key is the CLI profile's.
      return { found: credentialsUriFrom(ctx, nonBlank(values.credentials_uri), where, 'credentials_uri') };
    case 'ram_role_arn': {
      const roleArn = nonBlank(values.role_arn);
      if (roleArn === undefined) throw new CredentialsError(`${where} (type ram_role_arn) has no role_arn`, HINT);
      // A session policy narrows what the role may do; ignoring it would act with more rights than asked.
      if (nonBlank(values.policy) !== undefined)
        throw new CredentialsError(
          `${where}: a session policy is not supported`,
          'Remove `policy` and grant the role only the read permissions driftwatch needs.',
        );
      return {
        found: {
          kind: 'assume_role',
          cloud: 'alicloud',
          roleArn: checkRoleArn('alicloud', roleArn, where),
          sessionName: checkSessionName(nonBlank(values.role_session_name) ?? DEFAULT_SESSION_NAME, where),
          externalId: nonBlank(values.external_id),
          durationSeconds: DEFAULT_DURATION_SECONDS,
          source: keys(),
          where,
        },
      };
    }
    case 'ecs_ram_role':
      return {
        found: { kind: 'ecs_ram_role', roleName: nonBlank(values.role_name), imdsv1Disabled: isTrue(ctx.env[ENV_IMDSV1_DISABLED]), where },
      };
    case 'oidc_role_arn': {
      const roleArn = nonBlank(values.role_arn);
      const providerArn = nonBlank(values.oidc_provider_arn);
      const tokenFile = nonBlank(values.oidc_token_file_path);
      if (roleArn === undefined || providerArn === undefined || tokenFile === undefined) {
        throw new CredentialsError(`${where} (type oidc_role_arn) needs role_arn, oidc_provider_arn and oidc_token_file_path`, HINT);
      }
      return { found: oidcFromFile(roleArn, providerArn, tokenFile, nonBlank(values.role_session_name), DEFAULT_DURATION_SECONDS, where) };
    }
    default: {
      const line = lineOf(section, 'type');
      const mode = REFUSED_INI_TYPES[type];
      const refusal =
        mode !== undefined ? refused(mode, `${where}${line !== undefined ? `, line ${line}` : ''}`, `type ${type}`) : undefined;
      throw refusal ?? unsupportedValue({ where, line, key: 'type', value: type }, INI_TYPES, SUPPORTED_TYPES, UNSUPPORTED_HINT);
    }
  }
}

/**
 * Plans a provider's Alibaba Cloud credentials from its source: long-lived keys, or the STS /
 * metadata call that will produce temporary ones. `assume_role` sources are planned by the caller
 * (role-credentials.ts), which knows the fan-out account; here they are a configuration error.
 */
export function planAlibabaCredentials(source: CredentialSource, ctx: CredentialContext): CredentialPlan {
  switch (source.kind) {
    case 'chain': {
      const profile = nonBlank(ctx.env[ENV_PROFILE]);
      const cliDisabled = isTrue(ctx.env[ENV_CLI_DISABLED]);
      const ecsRole = nonBlank(ctx.env[ENV_ECS_ROLE]);
      return firstFound(CLOUD, HINT, [
        () => fromEnv(ctx.env, { ids: ENV_IDS, secrets: ENV_SECRETS, tokens: ENV_TOKENS }, false),
        () => {
          const oidc = alibabaOidcFromEnv(ctx.env, false);
          return oidc ? { found: oidc } : { found: undefined, tried: `${ENV_ROLE_ARN} (OIDC)` };
        },
        () =>
          cliDisabled
            ? { found: undefined, tried: `~/.aliyun/config.json (skipped: ${ENV_CLI_DISABLED}=true)` }
            : fromCliConfig(ctx, profile),
        () => fromIni(ctx, profile ?? 'default'),
        // The SDK probes the metadata service even off ECS; a checker on a laptop or CI runner must not
        // wait on a link-local address, so the chain uses the instance role only when its name is given.
        () =>
          ecsRole !== undefined && !isTrue(ctx.env[ENV_ECS_DISABLED])
            ? {
                found: {
                  kind: 'ecs_ram_role',
                  roleName: ecsRole,
                  imdsv1Disabled: isTrue(ctx.env[ENV_IMDSV1_DISABLED]),
                  where: `env ${ENV_ECS_ROLE}`,
                },
              }
            : { found: undefined, tried: `${ENV_ECS_ROLE} (ECS RAM role)` },
        // Last, as in the SDKs' default chain.
        () => {
          const uri = nonBlank(ctx.env[ENV_CREDENTIALS_URI]);
          if (uri === undefined) return { found: undefined, tried: ENV_CREDENTIALS_URI };
          checkExternalAllowed(ctx.env, 'the credentials URI', `env ${ENV_CREDENTIALS_URI}`);
          return { found: credentialsUriPlan(uri, `env ${ENV_CREDENTIALS_URI}`) };
        },
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
    case 'ecs_ram_role':
      return {
        kind: 'ecs_ram_role',
        roleName: source.roleName ?? nonBlank(ctx.env[ENV_ECS_ROLE]),
        imdsv1Disabled: isTrue(ctx.env[ENV_IMDSV1_DISABLED]),
        where: 'credentials: ecs_ram_role',
      };
    case 'oidc':
      return alibabaOidcFromEnv(ctx.env, true) as OidcPlan;
    case 'cvm_role':
      throw new CredentialsError(
        'credentials: cvm_role is a Tencent Cloud source',
        'Use ecs_ram_role for the Alibaba Cloud instance role.',
      );
    case 'assume_role':
      throw new CredentialsError('credentials: assume_role is planned by the role resolver', 'This is a driftwatch bug; report it.');
  }
}

/** Long-lived (or static STS) keys only: a source that needs an STS or metadata call is an error here. */
export function resolveAlibabaCredentials(source: CredentialSource, ctx: CredentialContext): Credentials {
  return staticKeysOnly(planAlibabaCredentials(source, ctx));
}
