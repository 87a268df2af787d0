/**
 * Routes one request as the clouds do, all on one port: each cloud's simulator (simulator/clouds.ts)
 * recognises its requests — by their signature headers first, then by their parameters — then
 * verifies the signature and finds the API. Here, for every cloud alike: expired sessions, the
 * per-account QPS, forced errors, and the answer from the world.
 */
import type { JsonObject } from '../model/json.js';
import { ANONYMOUS_APIS } from './apis.js';
import type { ApiSpec } from './apis.js';
import type { Identified } from './cloud-simulator.js';
import type { CloudKeyIndexes } from './clouds.js';
import { cloudSimulator, cloudSimulators } from './clouds.js';
import { answer } from './handlers/index.js';
import type { FieldPath, HandlerResult } from './handlers/result.js';
import type { IncomingCall } from './incoming.js';
import type { NonceStore } from './nonce-store.js';
import type { RateLimiter } from './rate-limit.js';
import type { SessionStore } from './sts.js';
import type { VendorError } from './vendor-errors.js';
import type { World, WorldAccount } from './world.js';

export type { Identified };

/** The world, its static keys (one index per cloud), and the simulator's running state. */
export type RouterContext = CloudKeyIndexes & {
  readonly world: World;
  readonly nonces: NonceStore;
  readonly limiter: RateLimiter;
  readonly sessions: SessionStore;
};

/** A static key of the world, or the credentials of an STS / metadata session (acting as the role's account). */
function keyOf(ctx: RouterContext, cloud: Identified['cloud'], keyId: string): WorldAccount | undefined {
  const session = ctx.sessions.find(keyId)?.account;
  return cloudSimulator(cloud).staticKey(ctx, keyId) ?? (session?.cloud === cloud ? session : undefined);
}

export type Routed =
  | {
      readonly kind: 'ok';
      readonly api: ApiSpec;
      readonly account: WorldAccount;
      readonly body: JsonObject;
      readonly nullable: readonly FieldPath[];
    }
  | { readonly kind: 'error'; readonly error: VendorError; readonly throttled: boolean };

/** Cheap classification, before any verification: which cloud's envelope, which action, which key. */
export function identify(call: IncomingCall): Identified {
  const clouds = cloudSimulators();
  for (const cloud of clouds) {
    const id = cloud.identifySigned(call);
    if (id !== undefined) return id;
  }
  for (const cloud of clouds) {
    const id = cloud.identifyLegacy(call);
    if (id !== undefined) return id;
  }
  // The last cloud's legacy recognition takes every request (Alibaba's V2 RPC); reaching here is a registry bug.
  throw new Error('no cloud simulator recognised the request');
}

/** The account the request claims, for logs and stats (verification happens in `route`). */
export function claimedAccount(id: Identified, ctx: RouterContext): WorldAccount | undefined {
  if (id.keyId === undefined) return undefined;
  return keyOf(ctx, id.cloud, id.keyId);
}

function dispatchSts(api: ApiSpec, caller: WorldAccount | undefined, call: IncomingCall, ctx: RouterContext, nowMs: number): HandlerResult {
  const sts = { world: ctx.world, sessions: ctx.sessions, nowMs };
  return cloudSimulator(api.cloud).sts(api, caller?.cloud === api.cloud ? caller : undefined, call, sts);
}

/** Web-identity calls carry no signature: the token is checked by the STS handler, and the role's trust decides. */
function routeAnonymous(call: IncomingCall, id: Identified, ctx: RouterContext, nowMs: number): Routed | undefined {
  const api = ctx.world.apis.find((a) => a.cloud === id.cloud && a.name === id.action && ANONYMOUS_APIS.has(a.name));
  if (!api) return undefined;
  if (id.version !== api.version) return { kind: 'error', error: cloudSimulator(id.cloud).noSuchVersion(), throttled: false };
  const result = dispatchSts(api, undefined, call, ctx, nowMs);
  if (!result.ok) return { kind: 'error', error: result.error, throttled: false };
  // There is no caller account; the role's account stands in for logs.
  const account = ctx.world.accounts.find((a) => a.cloud === id.cloud) as WorldAccount;
  return { kind: 'ok', api, account, body: result.body, nullable: [] };
}

export function route(call: IncomingCall, id: Identified, ctx: RouterContext, serverNowMs: number): Routed {
  const error = (e: VendorError, isThrottle = false): Routed => ({ kind: 'error', error: e, throttled: isThrottle });
  const cloud = cloudSimulator(id.cloud);

  const anonymous = routeAnonymous(call, id, ctx, serverNowMs);
  if (anonymous) return anonymous;
  const session = id.keyId === undefined ? undefined : ctx.sessions.find(id.keyId);
  if (session && serverNowMs >= session.expiresAtMs) return error(cloud.expiredSession());

  const verified = cloud.authenticate(call, id, {
    findAccount: (keyId) => keyOf(ctx, id.cloud, keyId),
    apis: ctx.world.apis,
    nonces: ctx.nonces,
    serverNowMs,
  });
  if (!verified.ok) return error(verified.error);
  const { account, api } = verified;

  const qps = ctx.world.limits[api.name] ?? api.defaultQps;
  const keyId = cloud.keys(account).id;
  const taken = ctx.limiter.take(`${account.cloud}\n${keyId}\n${api.name}`, qps, ctx.world.rateLimitWindow);
  if (!taken.allowed) return error(cloud.throttled(api, qps, taken.retryAfterMs), true);

  const forced = account.errors[api.name];
  if (forced) return error(cloud.error(forced.code, forced.message, forced.httpStatus));

  const result = api.product === 'sts' ? dispatchSts(api, account, call, ctx, serverNowMs) : answer(ctx.world, api, account, call, cloud);
  if (!result.ok) return error(result.error);
  return { kind: 'ok', api, account, body: result.body, nullable: result.nullable };
}
