import type { AssumeRoleSource, CredentialSource, ProviderConfig } from '../model/desired-state.js';
import { cloudOfInstanceRole } from '../model/clouds.js';
import type { Cloud } from '../model/clouds.js';
import { CredentialsError } from '../model/errors.js';
import { isJsonObject } from '../model/json.js';
import type { JsonObject } from '../model/json.js';
import { cloudAdapter } from './clouds.js';
import { expiryOf } from './cloud-adapter.js';
import type { AnsweredKeys, AssumeRolePlan, CredentialPlan, EndpointPlan, OidcPlan, ProcessPlan, RolePlan } from './credential-plan.js';
import {
  DEFAULT_DURATION_SECONDS,
  DEFAULT_SESSION_NAME,
  checkDuration,
  checkRoleArn,
  checkSessionName,
  describePlan,
  isRolePlan,
  RoleCredentialsError,
  roleAccount,
} from './credential-plan.js';
import type { ErrorKind } from '../model/observation.js';
import { assertPrintable, makeCredentials, nonBlank } from './credentials.js';
import type { CredentialContext } from './credentials.js';
import { EndpointError, parseEndpointOverride } from './endpoints.js';
import { isLoopbackHost } from '../util/loopback.js';
import { CredentialProcessError, runCredentialProcess } from './credential-process.js';
import { ApiError } from './types.js';
import type { ApiCall, ApiResponse, Credentials } from './types.js';

/**
 * Temporary credentials (design.md §12): STS AssumeRole / AssumeRoleWithOIDC (Alibaba, 2015-04-01),
 * AssumeRole / AssumeRoleWithWebIdentity (Tencent, 2018-08-13), the ECS / CVM instance-metadata
 * roles, and the credential endpoints and processes a cloud's tools read (Alibaba's credentials URI,
 * CloudSSO and External commands: the request is generic here, the answer is read by the cloud's
 * own reader in its folder).
 *
 * Written here rather than taken from @alicloud/credentials or tencentcloud-sdk-nodejs because both hard-code their hosts and schemes (`https://sts…`, `http://100.100.100.200`,
 * `http://metadata.tencentyun.com`), so neither `--endpoint` nor the simulator could carry the calls,
 * and because STS calls must go through driftwatch's own pacing, retries, deadlines and redactor like
 * every other request. The requests follow the vendors' code (parameters, versions, header names)
 * and are pinned by role-credentials.test.ts.
 *
 * Credentials are cached per process and per source: every provider that needs the same role
 * shares one session, a refresh starts before expiry (the vendors' margins), and only one refresh is
 * in flight at a time. A failure is cached too, so a denied role is asked once per run, not once per
 * resource; it surfaces as a CredentialsError naming the role and the failing step.
 */

/** What the role resolver needs from the HTTP layer. */
export interface CredentialIo {
  /**
   * An STS call, paced, signed with `credentials` (anonymous when undefined: web identity) and retried
   * like any call. `host`: the STS host when not the cloud's global one (ALIBABA_CLOUD_STS_REGION).
   */
  sts(call: ApiCall, provider: ProviderConfig, credentials: Credentials | undefined, host?: string): Promise<ApiResponse>;
  /**
   * One request to an instance-metadata service or a credential endpoint (credentials URI,
   * CloudSSO), retried on network errors and 5xx. Resolves with any other HTTP answer.
   */
  http(request: CredentialHttpRequest): Promise<{ readonly status: number; readonly body: string }>;
}

export interface CredentialHttpRequest {
  readonly cloud: Cloud;
  /** The service asked, for messages and hints (`metadata`, `credentials URI`, `CloudSSO`). */
  readonly service: string;
  readonly url: URL;
  readonly method: 'GET' | 'PUT' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Secrets the request carries (a bearer token, a token in the URI): registered with the redactor before it is sent. */
  readonly secrets?: readonly string[];
  /** What is being read, for messages (`role name`, `credentials of role X`). */
  readonly what: string;
}

/**
 * Points both clouds' instance-metadata clients at another base URL (the simulator in tests). Plain
 * http is accepted only for loopback hosts, like every endpoint override.
 */
export const METADATA_ENDPOINT_ENV = 'DRIFTWATCH_METADATA_ENDPOINT';

export interface RoleResolverOptions {
  readonly ctx: CredentialContext;
  /** Epoch ms (the executor's clock). */
  readonly now: () => number;
}

export type ResolveCredentials = (provider: ProviderConfig, io: CredentialIo) => Promise<Credentials>;

interface CacheEntry {
  current?: Credentials;
  refreshAt?: number;
  pending?: Promise<Credentials>;
  failed?: Error;
}

/** The plan of an `assume_role` source: the role, and the plan of the credentials that assume it. */
function planAssumeRole(cloud: Cloud, source: AssumeRoleSource, ctx: CredentialContext, where: string): AssumeRolePlan {
  return {
    kind: 'assume_role',
    cloud,
    roleArn: checkRoleArn(cloud, source.roleArn, where),
    sessionName: checkSessionName(source.sessionName ?? DEFAULT_SESSION_NAME, where),
    externalId: source.externalId,
    durationSeconds: checkDuration(source.durationSeconds ?? DEFAULT_DURATION_SECONDS, where),
    source: planSource(cloud, source.source, ctx, where),
    where,
  };
}

/** Plans any credential source of a provider (synchronous, local reads only). */
function planSource(cloud: Cloud, source: CredentialSource, ctx: CredentialContext, where: string): CredentialPlan {
  if (source.kind === 'assume_role') return planAssumeRole(cloud, source, ctx, where);
  return cloudAdapter(cloud).credentials.plan(source, ctx);
}

/**
 * The key id of the long-lived keys a provider would use, read locally without a network call (the
 * shard partition's account key, engine/shard.ts); undefined for role sources and for credentials
 * that cannot be used — those make the provider's resources unknown in whichever shard they land.
 */
export function staticKeyIdOf(ctx: CredentialContext): (provider: ProviderConfig) => string | undefined {
  return (provider) => {
    try {
      const plan = planSource(provider.cloud, provider.credentials, ctx, provider.ref);
      return isRolePlan(plan) ? undefined : plan.id;
    } catch {
      return undefined;
    }
  };
}

function cacheKey(plan: CredentialPlan): string {
  if (!isRolePlan(plan)) return `keys\n${plan.id}`;
  switch (plan.kind) {
    case 'assume_role':
      return [
        'assume',
        plan.cloud,
        plan.roleArn,
        plan.sessionName,
        plan.externalId ?? '',
        plan.durationSeconds,
        `(${cacheKey(plan.source)})`,
      ].join('\n');
    case 'oidc':
      return ['oidc', plan.cloud, plan.roleArn, plan.providerArn, plan.tokenFile, plan.sessionName].join('\n');
    case 'ecs_ram_role':
      return `ecs\n${plan.roleName ?? ''}`;
    case 'cvm_role':
      return `cvm\n${plan.roleName ?? ''}`;
    case 'credential_endpoint':
      // `where` too: two profiles may ask the same endpoint with different sign-ins.
      return ['endpoint', plan.cloud, plan.where, plan.method, plan.url, plan.body ?? ''].join('\n');
    case 'credential_process':
      return ['process', plan.cloud, ...plan.argv].join('\n');
  }
}

function field(body: JsonObject | undefined, name: string): string | undefined {
  const v = body?.[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function failedStep(plan: RolePlan, detail: string, hint: string, kind: ErrorKind = 'permission'): RoleCredentialsError {
  return new RoleCredentialsError(`${describePlan(plan)} failed: ${detail}`, hint, kind);
}

/** A refused key or role is the role's permission problem here; transport and service failures keep their kind. */
function stepKind(error: ApiError): ErrorKind {
  return error.kind === 'auth' || error.kind === 'signature' || error.kind === 'credentials' ? 'permission' : error.kind;
}

/** Reads Alibaba `Credentials` / Tencent `Credentials` + `ExpiredTime` from an STS answer; fails closed on anything missing. */
function fromStsAnswer(plan: AssumeRolePlan | OidcPlan, response: ApiResponse, account: string | undefined): Credentials {
  const creds = isJsonObject(response.body.Credentials) ? response.body.Credentials : undefined;
  const where = `${plan.kind === 'oidc' ? 'web identity role' : 'role'} ${plan.roleArn}`;
  const keys = cloudAdapter(plan.cloud).credentials.temporaryKeys;
  const id = field(creds, keys.id);
  const secret = field(creds, keys.secret);
  const token = field(creds, keys.token);
  const expiresAt = expiryOf(keys.stsExpiryIn === 'credentials' ? creds : response.body, keys.expiry);
  if (id === undefined || secret === undefined || token === undefined || expiresAt === undefined) {
    throw failedStep(
      plan,
      `the STS answer (request id ${response.requestId ?? 'none'}) has no complete Credentials`,
      "Check the endpoint: it did not answer like the vendor's STS.",
    );
  }
  return makeCredentials(id, secret, token, where, { ...(account !== undefined ? { account } : {}), expiresAt });
}

/**
 * A credential endpoint's URL: https, or plain http only to a loopback host (design.md §10) — a
 * credentials URI on another machine must not carry keys in clear text.
 */
function credentialEndpointUrl(plan: EndpointPlan): URL {
  let url: URL;
  try {
    url = new URL(plan.url);
  } catch {
    throw new CredentialsError(
      `${plan.where}: ${plan.what} is not a URL`,
      'Write it as https://host/path (or http://127.0.0.1:PORT/path for a local credential service).',
    );
  }
  if (url.username !== '' || url.password !== '')
    throw new CredentialsError(`${plan.where}: ${plan.what} must not contain a user name or password`, 'Remove the `user:password@` part.');
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return url;
  throw new CredentialsError(
    `${plan.where}: ${plan.what} must be https:// (plain http:// only to a loopback host, not ${url.hostname})`,
    'Serve the credentials over https, or from a service on this machine (127.0.0.1, ::1, localhost).',
  );
}

function metadataBase(cloud: Cloud, env: CredentialContext['env']): URL {
  const override = nonBlank(env[METADATA_ENDPOINT_ENV]);
  if (override === undefined) return new URL(cloudAdapter(cloud).metadata.baseUrl);
  try {
    return parseEndpointOverride(override);
  } catch (error) {
    if (error instanceof EndpointError) throw new CredentialsError(`${METADATA_ENDPOINT_ENV}: ${error.message}`, error.hint);
    throw error;
  }
}

/**
 * Creates the resolver the call executor asks for a provider's credentials on every call. Long-lived
 * keys come back as they are; temporary ones from the cache, refreshed ahead of expiry.
 */
export function createRoleResolver(options: RoleResolverOptions): ResolveCredentials {
  const { ctx, now } = options;
  const cache = new Map<string, CacheEntry>();

  const obtain = async (plan: CredentialPlan, provider: ProviderConfig, io: CredentialIo): Promise<Credentials> => {
    if (!isRolePlan(plan)) return plan;
    // The endpoint is part of the key: the same role through --endpoint is another session.
    const key = `${provider.endpoint ?? ''}\n${cacheKey(plan)}`;
    let entry = cache.get(key);
    if (entry === undefined) {
      entry = {};
      cache.set(key, entry);
    }
    if (entry.failed !== undefined) throw entry.failed;
    const t = now();
    if (entry.current !== undefined && entry.refreshAt !== undefined && t < entry.refreshAt) return entry.current;
    let pending = entry.pending;
    if (pending === undefined) {
      const target = entry;
      pending = target.pending = fetchFor(plan, provider, io).then(
        (creds) => {
          const issued = now();
          const lifetime = (creds.expiresAt ?? issued) - issued;
          target.current = creds;
          // Keys without an expiry (an External process's AK) serve the whole run.
          target.refreshAt =
            creds.expiresAt === undefined
              ? Number.POSITIVE_INFINITY
              : creds.expiresAt - Math.min(cloudAdapter(provider.cloud).credentials.refreshMarginMs, Math.max(0, lifetime / 2));
          target.pending = undefined;
          return creds;
        },
        (error: unknown) => {
          target.pending = undefined;
          target.failed = error instanceof Error ? error : new Error(String(error));
          throw target.failed;
        },
      );
      // Callers that keep using still-valid credentials do not await the refresh; its failure is
      // recorded in the entry, so the rejection is handled here rather than crashing the process.
      pending.catch(() => undefined);
    }
    // While a refresh is in flight, callers keep using credentials that have not expired yet.
    if (entry.current?.expiresAt !== undefined && t < entry.current.expiresAt) return entry.current;
    return pending;
  };

  const fetchFor = async (plan: RolePlan, provider: ProviderConfig, io: CredentialIo): Promise<Credentials> => {
    switch (plan.kind) {
      case 'assume_role': {
        const source = await obtain(plan.source, provider, io);
        const params: Record<string, string> = {
          RoleArn: plan.roleArn,
          RoleSessionName: plan.sessionName,
          DurationSeconds: String(plan.durationSeconds),
          ...(plan.externalId !== undefined ? { ExternalId: plan.externalId } : {}),
        };
        const call: ApiCall = cloudAdapter(plan.cloud).credentials.assumeRoleCall(plan, params);
        const response = await stsCall(plan, call, provider, io, source);
        return fromStsAnswer(plan, response, roleAccount(plan.cloud, plan.roleArn));
      }
      case 'oidc': {
        const token = ctx.readFile(plan.tokenFile)?.trim();
        if (token === undefined || token === '') {
          throw failedStep(
            plan,
            `the OIDC token file ${plan.tokenFile} cannot be read or is empty`,
            'Check that the token is mounted (ACK RRSA, TKE) or written by the CI job before driftwatch runs.',
          );
        }
        const call: ApiCall = cloudAdapter(plan.cloud).credentials.webIdentityCall(plan, token);
        const response = await stsCall(plan, call, provider, io, undefined);
        return fromStsAnswer(plan, response, roleAccount(plan.cloud, plan.roleArn));
      }
      case 'ecs_ram_role':
      case 'cvm_role':
        return instanceRole(plan, provider, io);
      case 'credential_endpoint':
        return fromEndpoint(plan, io);
      case 'credential_process':
        return fromProcess(plan);
    }
  };

  /** The credentials URI and CloudSSO: one request, the answer read in the vendor's format. */
  const fromEndpoint = async (plan: EndpointPlan, io: CredentialIo): Promise<Credentials> => {
    const url = credentialEndpointUrl(plan);
    if (plan.signInExpiresAt !== undefined && now() >= plan.signInExpiresAt) {
      throw new CredentialsError(`${describePlan(plan)}: the sign-in has expired`, plan.hint);
    }
    const headers = plan.headers();
    // The bearer token (CloudSSO) and a query (a credentials URI may carry a token there) are secrets.
    const bearer = headers.Authorization?.replace(/^Bearer\s+/i, '');
    const secrets = [...(bearer !== undefined ? [bearer] : []), ...(url.search.length > 1 ? [url.search.slice(1)] : [])];
    let answer: { status: number; body: string };
    try {
      answer = await io.http({
        cloud: plan.cloud,
        service: plan.what,
        url,
        method: plan.method,
        headers,
        ...(plan.body !== undefined ? { body: plan.body } : {}),
        secrets,
        what: 'credentials',
      });
    } catch (error) {
      if (error instanceof ApiError) throw failedStep(plan, error.message, plan.hint, stepKind(error));
      throw error;
    }
    // The answer is never quoted: a refusal may echo what was sent, a success holds the keys.
    if (answer.status !== 200)
      throw failedStep(
        plan,
        `HTTP ${answer.status}`,
        plan.hint,
        answer.status === 401 || answer.status === 403 ? 'permission' : 'invalid_response',
      );
    return answered(plan, () => plan.read(answer.body), plan.account ?? `${plan.kind}:${plan.what}`);
  };

  const fromProcess = async (plan: ProcessPlan): Promise<Credentials> => {
    const hint = 'Run the command by hand to see why it fails; it must print the credentials as JSON on stdout.';
    let stdout: string;
    try {
      stdout = await runCredentialProcess(plan.argv, { env: ctx.env, timeoutMs: plan.timeoutMs });
    } catch (error) {
      if (!(error instanceof CredentialProcessError)) throw error;
      if (error.reason === 'not-found')
        throw new CredentialsError(`${describePlan(plan)}: ${error.message}`, 'Install the program or fix process_command in the profile.');
      // Like a refused STS call, a failing source leaves this provider's resources unknown (exit 3);
      // only a program that cannot be run at all is a broken setup.
      throw failedStep(plan, error.message, hint, error.reason === 'timeout' ? 'timeout' : 'transient');
    }
    // Temporary keys from a command keep one rate-limit bucket across refreshes.
    return answered(plan, () => plan.read(stdout), `${plan.kind}:${plan.where}`);
  };

  /** Credentials from a reader's keys; `account` stands for temporary keys' account in rate-limit buckets. */
  const answered = (plan: EndpointPlan | ProcessPlan, read: () => AnsweredKeys, account: string | undefined): Credentials => {
    let keys: AnsweredKeys;
    try {
      keys = read();
    } catch (error) {
      throw failedStep(
        plan,
        `the answer is not usable: ${error instanceof Error ? error.message : String(error)}`,
        'Check what the credential source returns; driftwatch never prints it (it holds secrets).',
        'invalid_response',
      );
    }
    assertPrintable(keys.id, `the access key id from ${plan.where}`);
    assertPrintable(keys.secret, `the access key secret from ${plan.where}`);
    if (keys.token !== undefined) assertPrintable(keys.token, `the security token from ${plan.where}`);
    if (keys.expiresAt !== undefined && keys.expiresAt <= now())
      throw failedStep(
        plan,
        'the credentials it answered have already expired',
        'Check the clock of this machine and of the credential source.',
        'invalid_response',
      );
    const temporary = keys.token !== undefined || keys.expiresAt !== undefined;
    return makeCredentials(keys.id, keys.secret, keys.token, plan.where, {
      ...(temporary && account !== undefined ? { account } : {}),
      ...(keys.expiresAt !== undefined ? { expiresAt: keys.expiresAt } : {}),
    });
  };

  const stsCall = async (
    plan: AssumeRolePlan | OidcPlan,
    call: ApiCall,
    provider: ProviderConfig,
    io: CredentialIo,
    source: Credentials | undefined,
  ): Promise<ApiResponse> => {
    try {
      const host = cloudAdapter(plan.cloud).credentials.stsHostFromEnv(ctx.env);
      return await io.sts(call, provider, source, host);
    } catch (error) {
      if (error instanceof ApiError) {
        const hint =
          error.kind === 'permission' || error.kind === 'auth'
            ? `Check the role's trust policy (it must trust ${source ? `the account of ${source.source}` : 'the OIDC provider'}${plan.kind === 'assume_role' && plan.externalId ? ' with this external id' : ''}) and that the source may call sts:${call.action}.`
            : (error.hint ?? 'Re-run; if it persists, check the STS endpoint.');
        // The ApiError's message already names the API and the vendor code.
        throw failedStep(plan, error.message, hint, stepKind(error));
      }
      throw error;
    }
  };

  const instanceRole = async (
    plan: Extract<RolePlan, { kind: 'ecs_ram_role' | 'cvm_role' }>,
    provider: ProviderConfig,
    io: CredentialIo,
  ): Promise<Credentials> => {
    const cloud: Cloud = cloudOfInstanceRole(plan.kind);
    const adapter = cloudAdapter(cloud);
    const base = metadataBase(cloud, ctx.env);
    const prefix = adapter.metadata.credentialsPath;
    const send = async (
      method: 'GET' | 'PUT',
      path: string,
      headers: Record<string, string>,
      what: string,
    ): Promise<{ status: number; body: string }> => {
      try {
        return await io.http({ cloud, service: 'metadata', url: new URL(path, base), method, headers, what });
      } catch (error) {
        if (error instanceof ApiError) {
          throw failedStep(
            plan,
            `${what}: ${error.message}`,
            `Run on an ${adapter.metadata.runOn}, or choose another credential source.`,
            stepKind(error),
          );
        }
        throw error;
      }
    };

    // Hardened (IMDSv2) mode: a session token first, as @alicloud/credentials does; fall back to
    // plain reads only when ALIBABA_CLOUD_IMDSV1_DISABLED does not forbid it.
    const headers: Record<string, string> = {};
    const session = adapter.metadata.sessionToken;
    const imdsv1Disabled = plan.kind === 'ecs_ram_role' && plan.imdsv1Disabled;
    if (session !== undefined) {
      let token: string | undefined;
      try {
        const answer = await send('PUT', session.path, { [session.ttlHeader]: String(session.ttlSeconds) }, 'metadata token');
        if (answer.status === 200 && answer.body.trim() !== '') token = answer.body.trim();
        else if (imdsv1Disabled)
          throw failedStep(
            plan,
            `metadata token: HTTP ${answer.status}`,
            'The instance must allow the hardened metadata mode (token requests).',
          );
      } catch (error) {
        if (imdsv1Disabled || !(error instanceof CredentialsError)) throw error;
      }
      if (token !== undefined) headers[session.header] = token;
    }

    let roleName = plan.roleName;
    if (roleName === undefined) {
      const answer = await send('GET', prefix, headers, 'role name');
      const name = answer.body.trim().split(/\s+/)[0] ?? '';
      if (answer.status !== 200 || !/^[A-Za-z0-9.@_+=,-]{1,128}$/.test(name)) {
        throw failedStep(
          plan,
          `role name: HTTP ${answer.status}${answer.status === 200 ? ' with no role name' : ''}`,
          'Attach a role to the instance, or name it in the configuration.',
        );
      }
      roleName = name;
    }
    if (!/^[A-Za-z0-9.@_+=,-]{1,128}$/.test(roleName))
      throw failedStep(plan, 'the role name has characters a role name cannot have', 'Check the role name.');
    const answer = await send('GET', `${prefix}${roleName}`, headers, `credentials of role ${roleName}`);
    const named = { ...plan, roleName };
    if (answer.status === 404)
      throw failedStep(named, 'the instance has no role of that name (HTTP 404)', 'Attach the role to the instance, or fix its name.');
    if (answer.status !== 200)
      throw failedStep(named, `HTTP ${answer.status}`, 'Re-run; if it persists, check the instance metadata service.');
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      body = undefined;
    }
    const data = isJsonObject(body) ? body : undefined;
    if (data?.Code !== 'Success')
      throw failedStep(
        named,
        `the metadata answer is not a successful credential (Code ${typeof data?.Code === 'string' ? data.Code : 'missing'})`,
        'Re-run; if it persists, check the instance role.',
      );
    const keys = adapter.credentials.temporaryKeys;
    const id = field(data, keys.id);
    const secret = field(data, keys.secret);
    const token = field(data, keys.token);
    const expiresAt = expiryOf(data, adapter.metadata.expiry);
    if (id === undefined || secret === undefined || token === undefined || expiresAt === undefined) {
      throw failedStep(named, 'the metadata answer has no complete credentials', 'Re-run; if it persists, check the instance role.');
    }
    // The instance's account is not in the answer; the role name stands for it in rate-limit keys.
    return makeCredentials(id, secret, token, `${plan.kind} ${roleName}`, { account: `${plan.kind}:${roleName}`, expiresAt });
  };

  // Planning reads environment variables and profile files: once per provider, not once per call.
  const plans = new Map<string, CredentialPlan | Error>();
  return async (provider, io) => {
    let plan = plans.get(provider.ref);
    if (plan === undefined) {
      try {
        plan = planSource(provider.cloud, provider.credentials, ctx, `provider ${provider.group ?? provider.ref}`);
      } catch (error) {
        plan = error instanceof Error ? error : new Error(String(error));
      }
      plans.set(provider.ref, plan);
    }
    if (plan instanceof Error) throw plan;
    return obtain(plan, provider, io);
  };
}
