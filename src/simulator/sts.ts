/**
 * The simulated STS of both clouds (issue 13): Alibaba `AssumeRole` / `AssumeRoleWithOIDC`
 * (2015-04-01) and Tencent `AssumeRole` / `AssumeRoleWithWebIdentity` (2018-08-13), plus the session
 * store the verifiers consult. A role is assumed only when the world file's trust relationship allows
 * it (the caller's account, the OIDC provider, the external id); the credentials it hands out act in
 * the role's account (metered as that account) and stop working at their expiry.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../model/json.js';
import type { HandlerResult } from './handlers/result.js';
import type { VendorError } from './vendor-errors.js';
import { alibabaError, tencentError } from './vendor-errors.js';
import type { AlibabaAccount, TencentAccount, World, WorldAccount, WorldRole } from './world.js';
import { cloudIdentity } from '../model/clouds.js';
import { isoSeconds } from './cloud-simulator.js';
import { cloudSimulator } from './clouds.js';

export interface StsSession {
  readonly keyId: string;
  readonly secret: string;
  readonly token: string;
  /** The role's account, with the session's secret and token: what the verifiers check against. */
  readonly account: WorldAccount;
  readonly expiresAtMs: number;
}

/** Issued sessions and metadata tokens. Secrets are derived from a counter: deterministic runs, no shared randomness. */
export class SessionStore {
  readonly #sessions = new Map<string, StsSession>();
  readonly #metadataTokens = new Set<string>();
  #counter = 0;

  #next(label: string): string {
    this.#counter += 1;
    return createHash('sha256').update(`${label}:${this.#counter}`).digest('hex');
  }

  issue(base: WorldAccount, lifetimeSeconds: number, nowMs: number): StsSession {
    const seed = this.#next('session');
    const cloud = cloudSimulator(base.cloud);
    const keyId = cloud.sessionKeyId(seed);
    const secret = this.#next('secret').slice(0, 40);
    const token = `simulated-sts-token-${this.#next('token')}`;
    const account: WorldAccount = cloud.sessionAccount(base, secret, token);
    const session = { keyId, secret, token, account, expiresAtMs: nowMs + lifetimeSeconds * 1000 };
    this.#sessions.set(keyId, session);
    return session;
  }

  find(keyId: string): StsSession | undefined {
    return this.#sessions.get(keyId);
  }

  metadataToken(): string {
    const token = `simulated-metadata-token-${this.#next('metadata')}`;
    this.#metadataTokens.add(token);
    return token;
  }

  isMetadataToken(token: string | undefined): boolean {
    return token !== undefined && this.#metadataTokens.has(token);
  }
}

export interface StsContext {
  readonly world: World;
  readonly sessions: SessionStore;
  readonly nowMs: number;
}

/** The role a role ARN names in the world (the ARN's shape is the cloud's: model/clouds.ts). */
function findRole(world: World, cloud: WorldAccount['cloud'], roleArn: string): { account: WorldAccount; role: WorldRole } | undefined {
  const m = cloudIdentity(cloud).roleArn.pattern.exec(roleArn);
  if (!m) return undefined;
  const [, id, name = ''] = m;
  const sim = cloudSimulator(cloud);
  for (const account of world.accounts) {
    if (account.cloud !== cloud || sim.accountId(account) !== id) continue;
    const role = account.roles.find((r) => sim.roleNameMatches(r.name, name));
    if (role) return { account, role };
  }
  return undefined;
}

function lifetime(requested: number, role: WorldRole): number {
  return Math.min(requested, role.sessionSeconds ?? requested);
}

type Check = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly error: VendorError };

function duration(raw: unknown, fail: (code: string, message: string) => VendorError): Check {
  if (raw === undefined || raw === '') return { ok: true, value: 3600 };
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 900 || n > 43_200)
    return { ok: false, error: fail('InvalidParameter.DurationSeconds', 'DurationSeconds must be between 900 and 43200.') };
  return { ok: true, value: n };
}

function alibabaAnswer(session: StsSession, roleArn: string, sessionName: string): JsonObject {
  return {
    AssumedRoleUser: { Arn: `${roleArn}/${sessionName}`, AssumedRoleId: `3${session.keyId.slice(6, 22)}:${sessionName}` },
    Credentials: {
      AccessKeyId: session.keyId,
      AccessKeySecret: session.secret,
      SecurityToken: session.token,
      Expiration: isoSeconds(session.expiresAtMs),
    },
  };
}

function tencentAnswer(session: StsSession): JsonObject {
  return {
    Credentials: { Token: session.token, TmpSecretId: session.keyId, TmpSecretKey: session.secret },
    ExpiredTime: Math.floor(session.expiresAtMs / 1000),
    Expiration: isoSeconds(session.expiresAtMs),
  };
}

/** Alibaba STS, signed (`AssumeRole`, by `caller`) or anonymous (`AssumeRoleWithOIDC`). */
export function alibabaSts(
  action: 'AssumeRole' | 'AssumeRoleWithOIDC',
  params: Readonly<Record<string, string>>,
  caller: AlibabaAccount | undefined,
  ctx: StsContext,
): HandlerResult {
  const fail = (code: string, message?: string, status?: number): HandlerResult => ({
    ok: false,
    error: alibabaError(code, message, status),
  });
  const roleArn = params.RoleArn ?? '';
  const sessionName = params.RoleSessionName ?? '';
  if (roleArn === '') return fail('MissingRoleArn', 'RoleArn is mandatory for this action.');
  if (sessionName === '') return fail('MissingRoleSessionName', 'RoleSessionName is mandatory for this action.');
  if (!/^[A-Za-z0-9.@_-]{2,64}$/.test(sessionName))
    return fail('InvalidParameter.RoleSessionName', 'The parameter RoleSessionName is invalid.');
  const asked = duration(params.DurationSeconds, (code, message) => alibabaError(code, message));
  if (!asked.ok) return { ok: false, error: asked.error };
  const found = findRole(ctx.world, 'alicloud', roleArn);
  if (!found) return fail('EntityNotExist.Role', 'The specified Role not exists.', 404);
  const denied = (why: string): HandlerResult =>
    fail('NoPermission', `You are not authorized to do this action. You should be authorized by RAM. (${why})`, 403);
  if (action === 'AssumeRole') {
    if (caller === undefined || !found.role.trustedAccounts.includes(caller.uid))
      return denied(`the trust policy of ${roleArn} does not trust this account`);
    if (found.role.externalId !== undefined && params.ExternalId !== found.role.externalId)
      return denied('the ExternalId does not match the trust policy');
  } else {
    const provider = params.OIDCProviderArn ?? '';
    if (provider === '') return fail('MissingOIDCProviderArn', 'OIDCProviderArn is mandatory for this action.');
    if ((params.OIDCToken ?? '') === '') return fail('MissingOIDCToken', 'OIDCToken is mandatory for this action.');
    if (!found.role.oidcProviders.includes(provider))
      return fail('AuthenticationFail.NoPermission', `The role ${roleArn} does not trust the OIDC provider.`, 403);
  }
  const session = ctx.sessions.issue(found.account, lifetime(asked.value, found.role), ctx.nowMs);
  return { ok: true, body: alibabaAnswer(session, roleArn, sessionName), nullable: [] };
}

/** Tencent STS, signed (`AssumeRole`) or with `Authorization: SKIP` (`AssumeRoleWithWebIdentity`). */
export function tencentSts(
  action: 'AssumeRole' | 'AssumeRoleWithWebIdentity',
  body: JsonObject,
  caller: TencentAccount | undefined,
  ctx: StsContext,
): HandlerResult {
  const fail = (code: string, message?: string): HandlerResult => ({ ok: false, error: tencentError(code, message) });
  const str = (name: string): string => (typeof body[name] === 'string' ? body[name] : '');
  const roleArn = str('RoleArn');
  const sessionName = str('RoleSessionName');
  if (roleArn === '') return fail('MissingParameter', 'The request is missing a required parameter `RoleArn`.');
  if (sessionName === '') return fail('MissingParameter', 'The request is missing a required parameter `RoleSessionName`.');
  const asked = duration(body.DurationSeconds, (code, message) => tencentError(code, message));
  if (!asked.ok) return { ok: false, error: asked.error };
  const found = findRole(ctx.world, 'tencentcloud', roleArn);
  if (!found) return fail('InvalidParameter.RoleNotExist', `The role ${roleArn} does not exist.`);
  if (action === 'AssumeRole') {
    if (caller === undefined || !found.role.trustedAccounts.includes(caller.uin)) {
      return fail('UnauthorizedOperation', `The trust policy of ${roleArn} does not allow this account to assume it.`);
    }
    if (found.role.externalId !== undefined && str('ExternalId') !== found.role.externalId)
      return fail('UnauthorizedOperation', 'The ExternalId does not match the trust policy.');
  } else {
    const provider = str('ProviderId');
    if (provider === '' || str('WebIdentityToken') === '') return fail('MissingParameter', 'ProviderId and WebIdentityToken are required.');
    if (!found.role.oidcProviders.includes(provider))
      return fail('InvalidParameter.WebIdentityTokenError', `The role ${roleArn} does not trust identity provider ${provider}.`);
  }
  const session = ctx.sessions.issue(found.account, lifetime(asked.value, found.role), ctx.nowMs);
  return { ok: true, body: tencentAnswer(session), nullable: [] };
}
