import path from 'node:path';
import type { CredentialSource } from '../../model/desired-state.js';
import { CredentialsError } from '../../model/errors.js';
import { isJsonObject } from '../../model/json.js';
import type { Credentials } from '../types.js';
import type { CredentialPlan, OidcPlan } from '../credential-plan.js';
import {
  DEFAULT_DURATION_SECONDS,
  DEFAULT_SESSION_NAME,
  checkRoleArn,
  checkSessionName,
  isRolePlan,
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

/**
 * Tencent Cloud credential chain (cloud-apis.md §4.1): environment variables, then the SDKs' INI
 * profile file, then tccli's per-profile JSON (whose `role-arn` and `cvm-role` profiles plan an STS
 * or metadata call), then TKE OIDC from the TKE_* variables. The CVM role is used when named
 * (`credentials: cvm_role`, a cvm-role tccli profile): unlike the SDK, the chain does not probe the
 * metadata host, so a run off CVM fails at once instead of waiting on a network timeout.
 */

const ENV_ID = 'TENCENTCLOUD_SECRET_ID';
const ENV_SECRET = 'TENCENTCLOUD_SECRET_KEY';
// The SDKs read …_SESSION_TOKEN, tccli reads …_TOKEN; accept both, SDK spelling first.
const ENV_TOKENS = ['TENCENTCLOUD_SESSION_TOKEN', 'TENCENTCLOUD_TOKEN'] as const;
const ENV_FILE = 'TENCENTCLOUD_CREDENTIALS_FILE';
const TKE_VARS = ['TKE_REGION', 'TKE_PROVIDER_ID', 'TKE_WEB_IDENTITY_TOKEN_FILE', 'TKE_ROLE_ARN'] as const;
const CLOUD = 'Tencent Cloud';
/** tccli's own profile types: safe to quote in a message. */
const TCCLI_TYPES = ['assume-role', 'assume_role', 'cvm-role', 'cvm_role', 'oidc-role-arn', 'oidc_role_arn', 'sso'];

/** AssumeRoleWithWebIdentity from the TKE_* variables, as the Node SDK's OIDCRoleArnCredential reads them. */
function tencentOidcFromEnv(env: CredentialContext['env'], required: boolean): OidcPlan | undefined {
  const [region, providerId, tokenFile, roleArn] = TKE_VARS.map((name) => nonBlank(env[name]));
  if (region === undefined && providerId === undefined && tokenFile === undefined && roleArn === undefined) {
    if (!required) return undefined;
    throw new CredentialsError(
      `credentials: oidc needs ${TKE_VARS.join(', ')}`,
      'Set them as TKE does for pods with a web identity, or choose another credential source.',
    );
  }
  if (region === undefined || providerId === undefined || tokenFile === undefined || roleArn === undefined) {
    const missing = TKE_VARS.filter((n) => nonBlank(env[n]) === undefined);
    throw new CredentialsError(`OIDC credentials need ${missing.join(' and ')} as well`, `Set all of ${TKE_VARS.join(', ')}.`);
  }
  const where = 'env TKE_ROLE_ARN';
  return {
    kind: 'oidc',
    cloud: 'tencentcloud',
    roleArn: checkRoleArn('tencentcloud', roleArn, where),
    providerArn: providerId,
    tokenFile,
    sessionName: DEFAULT_SESSION_NAME,
    durationSeconds: DEFAULT_DURATION_SECONDS,
    region,
    where,
  };
}

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
    return {
      found: credentialsFrom(
        { id, secret, token },
        { id: `${where} secret_id`, secret: `${where} secret_key`, token: `${where} token` },
        where,
      ),
    };
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
  if (type === 'cvm-role' || type === 'cvm_role') {
    return { found: { kind: 'cvm_role', roleName: nonBlank(data['role-name']), where: shown } };
  }
  if (type !== undefined) {
    // The type is read from the file: only tccli's own spellings are ever quoted (unsupportedValue).
    throw unsupportedValue(
      { where: shown, line: lineOf(['type']), key: 'type', value: type },
      TCCLI_TYPES,
      'absent (secretId/secretKey, with role-arn to assume a role) or cvm-role',
      'Use a profile with secretId/secretKey (and token), role-arn, or type cvm-role.',
    );
  }
  const id = nonBlank(data.secretId);
  const secret = nonBlank(data.secretKey);
  const token = nonBlank(data.token);
  const roleArn = nonBlank(data['role-arn']);
  if (id !== undefined && secret !== undefined) {
    const keys = credentialsFrom(
      { id, secret, token },
      { id: `${shown} secretId`, secret: `${shown} secretKey`, token: `${shown} token` },
      shown,
    );
    if (roleArn === undefined) return { found: keys };
    // tccli assumes the role with the profile's keys before calling anything.
    return {
      found: {
        kind: 'assume_role',
        cloud: 'tencentcloud',
        roleArn: checkRoleArn('tencentcloud', roleArn, shown),
        sessionName: checkSessionName(nonBlank(data['role-session-name']) ?? DEFAULT_SESSION_NAME, shown),
        externalId: undefined,
        durationSeconds: DEFAULT_DURATION_SECONDS,
        source: keys,
        where: shown,
      },
    };
  }
  if (roleArn !== undefined) throw new CredentialsError(`${shown} has role-arn but no secretId/secretKey to assume it with`, HINT);
  if (id !== undefined) throw new CredentialsError(`${shown} has secretId but no secretKey`, HINT);
  if (secret !== undefined) throw new CredentialsError(`${shown} has secretKey but no secretId`, HINT);
  return { found: undefined, tried: shown };
}

/**
 * tccli's environment override: with TENCENTCLOUD_ROLE_ARN (and TENCENTCLOUD_ROLE_SESSION_NAME) set,
 * the keys from the environment assume that role before anything is called.
 */
function withEnvRole(env: CredentialContext['env'], step: ChainStep): ChainStep {
  const roleArn = nonBlank(env.TENCENTCLOUD_ROLE_ARN);
  if (!step.found || roleArn === undefined || isRolePlan(step.found)) return step;
  const where = 'env TENCENTCLOUD_ROLE_ARN';
  return {
    found: {
      kind: 'assume_role',
      cloud: 'tencentcloud',
      roleArn: checkRoleArn('tencentcloud', roleArn, where),
      sessionName: checkSessionName(nonBlank(env.TENCENTCLOUD_ROLE_SESSION_NAME) ?? DEFAULT_SESSION_NAME, where),
      externalId: undefined,
      durationSeconds: DEFAULT_DURATION_SECONDS,
      source: step.found,
      where,
    },
  };
}

/** Plans a provider's Tencent Cloud credentials (see planAlibabaCredentials). */
export function planTencentCredentials(source: CredentialSource, ctx: CredentialContext): CredentialPlan {
  switch (source.kind) {
    case 'chain': {
      const profile = nonBlank(ctx.env.TCCLI_PROFILE) ?? 'default';
      return firstFound(CLOUD, HINT, [
        () => withEnvRole(ctx.env, fromEnv(ctx.env, { id: ENV_ID, secret: ENV_SECRET, tokens: ENV_TOKENS }, false)),
        () => fromIni(ctx, 'default'),
        () => fromTccli(ctx, profile),
        () => {
          const oidc = tencentOidcFromEnv(ctx.env, false);
          return oidc ? { found: oidc } : { found: undefined, tried: 'TKE_ROLE_ARN (OIDC)' };
        },
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
    case 'cvm_role':
      return { kind: 'cvm_role', roleName: source.roleName, where: 'credentials: cvm_role' };
    case 'oidc':
      return tencentOidcFromEnv(ctx.env, true) as OidcPlan;
    case 'ecs_ram_role':
      throw new CredentialsError(
        'credentials: ecs_ram_role is an Alibaba Cloud source',
        'Use cvm_role for the Tencent Cloud instance role.',
      );
    case 'assume_role':
      throw new CredentialsError('credentials: assume_role is planned by the role resolver', 'This is a driftwatch bug; report it.');
  }
}

/** Long-lived (or static STS) keys only: a source that needs an STS or metadata call is an error here. */
export function resolveTencentCredentials(source: CredentialSource, ctx: CredentialContext): Credentials {
  return staticKeysOnly(planTencentCredentials(source, ctx));
}
