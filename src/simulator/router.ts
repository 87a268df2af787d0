/**
 * Routes one request as the clouds do, all on one port: Tencent by `X-TC-Action` (product from the
 * credential scope's service, else the Host's first label, else the action), Alibaba by
 * `x-acs-action` (ACS3, Authorization header) or the `Action` parameter (V2 RPC). Then: verify the
 * signature, check action and version, meter the per-account QPS, apply forced errors, and answer
 * from the world.
 */
import type { JsonObject, JsonValue } from '../model/json.js';
import { isJsonObject } from '../model/json.js';
import { ANONYMOUS_APIS, findApi } from './apis.js';
import type { ApiSpec } from './apis.js';
import type { AlibabaFormat } from './envelopes.js';
import { answer } from './handlers/index.js';
import type { FieldPath, HandlerResult } from './handlers/result.js';
import type { IncomingCall } from './incoming.js';
import { header, rpcParams } from './incoming.js';
import type { NonceStore } from './nonce-store.js';
import type { RateLimiter } from './rate-limit.js';
import type { SessionStore } from './sts.js';
import { alibabaSts, expiredSessionError, tencentSts } from './sts.js';
import { verifyAcs3, verifyRpc } from './verify-alibaba.js';
import { verifyTencent } from './verify-tencent.js';
import type { VendorError } from './vendor-errors.js';
import { alibabaError, tencentError } from './vendor-errors.js';
import type { AlibabaAccount, ForcedError, TencentAccount, World, WorldAccount } from './world.js';

export interface Identified {
  readonly cloud: 'tencentcloud' | 'alicloud';
  readonly style: 'tc3' | 'acs3' | 'rpc';
  readonly action: string | undefined;
  readonly version: string | undefined;
  /** The key id the request claims (not yet verified). */
  readonly keyId: string | undefined;
  /** Alibaba answer format; Tencent always JSON. */
  readonly format: AlibabaFormat;
  /** Product label for Alibaba's `Recommend` link. */
  readonly product: string;
}

export interface RouterContext {
  readonly world: World;
  readonly tencent: ReadonlyMap<string, TencentAccount>;
  readonly alibaba: ReadonlyMap<string, AlibabaAccount>;
  readonly nonces: NonceStore;
  readonly limiter: RateLimiter;
  readonly sessions: SessionStore;
}

/** A static key of the world, or the credentials of an STS / metadata session (acting as the role's account). */
function tencentKey(ctx: RouterContext, secretId: string): TencentAccount | undefined {
  const session = ctx.sessions.find(secretId)?.account;
  return ctx.tencent.get(secretId) ?? (session?.cloud === 'tencentcloud' ? session : undefined);
}

function alibabaKey(ctx: RouterContext, accessKeyId: string): AlibabaAccount | undefined {
  const session = ctx.sessions.find(accessKeyId)?.account;
  return ctx.alibaba.get(accessKeyId) ?? (session?.cloud === 'alicloud' ? session : undefined);
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
  const authorization = header(call, 'authorization') ?? '';
  if (header(call, 'x-tc-action') !== undefined || authorization.startsWith('TC3-')) {
    return {
      cloud: 'tencentcloud',
      style: 'tc3',
      action: header(call, 'x-tc-action'),
      version: header(call, 'x-tc-version'),
      keyId: /Credential=([^/,\s]+)\//.exec(authorization)?.[1],
      format: 'JSON',
      product: '',
    };
  }
  if (authorization.startsWith('ACS3-')) {
    const action = header(call, 'x-acs-action');
    return {
      cloud: 'alicloud',
      style: 'acs3',
      action,
      version: header(call, 'x-acs-version'),
      keyId: /Credential=([^,\s]+),/.exec(authorization)?.[1],
      format: 'JSON',
      product: productLabel(action),
    };
  }
  const params = rpcParams(call);
  if (params.SecretId !== undefined && params.AccessKeyId === undefined) {
    // Tencent's legacy v1 signature (parameters in the form); answered in Tencent's envelope, and
    // refused by verification because only TC3 is supported.
    return { cloud: 'tencentcloud', style: 'tc3', action: params.Action, version: params.Version, keyId: params.SecretId, format: 'JSON', product: '' };
  }
  return {
    cloud: 'alicloud',
    style: 'rpc',
    action: params.Action,
    version: params.Version,
    keyId: params.AccessKeyId,
    // The V2 gateway answers XML unless asked for JSON (cloud-apis.md §2.2, pitfall 13).
    format: params.Format?.toUpperCase() === 'JSON' ? 'JSON' : 'XML',
    product: productLabel(params.Action),
  };
}

function productLabel(action: string | undefined): string {
  const api = action === undefined ? undefined : findApi(action);
  return api?.product === 'cas' ? 'cas' : api?.product === 'kms' ? 'Kms' : '';
}

/** The account the request claims, for logs and stats (verification happens in `route`). */
export function claimedAccount(id: Identified, ctx: RouterContext): WorldAccount | undefined {
  if (id.keyId === undefined) return undefined;
  return id.cloud === 'tencentcloud' ? tencentKey(ctx, id.keyId) : alibabaKey(ctx, id.keyId);
}

const TENCENT_PRODUCTS = new Set(['kms', 'tcss', 'sts']);

function tencentApi(world: World, id: Identified, service: string, call: IncomingCall): ApiSpec | VendorError {
  const action = id.action ?? '';
  if (action === '') return tencentError('MissingParameter', 'The request is missing a required parameter `Action`.');
  const hostLabel = (header(call, 'host') ?? '').split('.')[0] ?? '';
  // The SDK takes the service from the endpoint's first label, which is `127` for 127.0.0.1:PORT;
  // then only the action can tell the product.
  const product = TENCENT_PRODUCTS.has(service) ? service : TENCENT_PRODUCTS.has(hostLabel) ? hostLabel : undefined;
  const api = world.apis.find((a) => a.cloud === 'tencentcloud' && a.name === action && (product === undefined || a.product === product));
  if (!api) return tencentError('InvalidAction', `The requested action \`${action}\` does not exist.`);
  if (id.version !== api.version) {
    return tencentError('NoSuchVersion', `The requested version \`${id.version ?? ''}\` of API \`${action}\` does not exist.`);
  }
  return api;
}

function alibabaApi(world: World, id: Identified): ApiSpec | VendorError {
  const action = id.action ?? '';
  if (action === '') return alibabaError('MissingParameter', 'The input parameter "Action" that is mandatory for processing this request is not supplied.');
  const api = world.apis.find((a) => a.cloud === 'alicloud' && a.name === action);
  if (!api) return alibabaError('InvalidAction.NotFound', `Specified api is not found, please check your url and method. (${action})`);
  if (id.version !== api.version) return alibabaError('InvalidVersion', `Specified parameter Version "${id.version ?? ''}" is not valid.`);
  return api;
}

function throttled(api: ApiSpec, qps: number, retryAfterMs: number): VendorError {
  if (api.cloud === 'tencentcloud') {
    return tencentError(
      'RequestLimitExceeded',
      `Your current request frequency exceeds the limit of ${qps} requests per second for ${api.name}. Please reduce the frequency of calls.`,
    );
  }
  const headers = { 'x-acs-retry-after': String(retryAfterMs) };
  // KMS has its own limiter (429 Rejected.Throttling); CAS is behind the gateway's user flow control.
  return api.product === 'kms'
    ? alibabaError('Rejected.Throttling', 'QPS Limit Exceeded', 429, headers)
    : alibabaError('Throttling.User', undefined, undefined, headers);
}

function forced(api: ApiSpec, fe: ForcedError): VendorError {
  return api.cloud === 'tencentcloud' ? tencentError(fe.code, fe.message, fe.httpStatus) : alibabaError(fe.code, fe.message, fe.httpStatus);
}

function tencentParameters(call: IncomingCall): VendorError | undefined {
  const text = call.method === 'POST' ? call.body.toString('utf8').trim() : '';
  const keys = call.method === 'GET' ? Object.keys(call.query) : [];
  if (text !== '') {
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(text) as JsonValue;
    } catch {
      return tencentError('InvalidParameter', 'The request body is not valid JSON.');
    }
    if (!isJsonObject(parsed)) return tencentError('InvalidParameter', 'The request body must be a JSON object.');
    keys.push(...Object.keys(parsed));
  }
  // Neither API takes a parameter; Tencent rejects unknown ones rather than ignoring them.
  const first = keys[0];
  return first === undefined ? undefined : tencentError('UnknownParameter', `The parameter \`${first}\` is not recognized.`);
}

function tencentBody(call: IncomingCall): JsonObject {
  try {
    const parsed = JSON.parse(call.body.toString('utf8')) as JsonValue;
    return isJsonObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function dispatchSts(api: ApiSpec, caller: WorldAccount | undefined, call: IncomingCall, ctx: RouterContext, nowMs: number): HandlerResult {
  const sts = { world: ctx.world, sessions: ctx.sessions, nowMs };
  if (api.cloud === 'tencentcloud') {
    return tencentSts(api.name === 'AssumeRole' ? 'AssumeRole' : 'AssumeRoleWithWebIdentity', tencentBody(call), caller?.cloud === 'tencentcloud' ? caller : undefined, sts);
  }
  return alibabaSts(api.name === 'AssumeRole' ? 'AssumeRole' : 'AssumeRoleWithOIDC', rpcParams(call), caller?.cloud === 'alicloud' ? caller : undefined, sts);
}

/** Web-identity calls carry no signature: the token is checked by the STS handler, and the role's trust decides. */
function routeAnonymous(call: IncomingCall, id: Identified, ctx: RouterContext, nowMs: number): Routed | undefined {
  const api = ctx.world.apis.find((a) => a.cloud === id.cloud && a.name === id.action && ANONYMOUS_APIS.has(a.name));
  if (!api) return undefined;
  if (id.version !== api.version) {
    const error = id.cloud === 'tencentcloud' ? tencentError('NoSuchVersion') : alibabaError('InvalidVersion');
    return { kind: 'error', error, throttled: false };
  }
  const result = dispatchSts(api, undefined, call, ctx, nowMs);
  if (!result.ok) return { kind: 'error', error: result.error, throttled: false };
  // There is no caller account; the role's account stands in for logs.
  const account = ctx.world.accounts.find((a) => a.cloud === id.cloud) as WorldAccount;
  return { kind: 'ok', api, account, body: result.body, nullable: [] };
}

export function route(call: IncomingCall, id: Identified, ctx: RouterContext, serverNowMs: number): Routed {
  const error = (e: VendorError, isThrottle = false): Routed => ({ kind: 'error', error: e, throttled: isThrottle });

  const anonymous = routeAnonymous(call, id, ctx, serverNowMs);
  if (anonymous) return anonymous;
  const session = id.keyId === undefined ? undefined : ctx.sessions.find(id.keyId);
  if (session && serverNowMs >= session.expiresAtMs) return error(expiredSessionError(id.cloud));

  let account: WorldAccount;
  let api: ApiSpec;
  if (id.cloud === 'tencentcloud') {
    const verified = verifyTencent(call, (sid) => tencentKey(ctx, sid), serverNowMs);
    if (!verified.ok) return error(verified.error);
    const found = tencentApi(ctx.world, id, verified.service, call);
    if ('code' in found) return error(found);
    const badParameter = found.product === 'sts' ? undefined : tencentParameters(call);
    if (badParameter) return error(badParameter);
    account = verified.account;
    api = found;
  } else {
    const verifier = { findAccount: (akid: string) => alibabaKey(ctx, akid), nonces: ctx.nonces, serverNowMs };
    const verified = id.style === 'acs3' ? verifyAcs3(call, verifier) : verifyRpc(call, verifier);
    if (!verified.ok) return error(verified.error);
    const found = alibabaApi(ctx.world, id);
    if ('code' in found) return error(found);
    account = verified.account;
    api = found;
  }

  const qps = ctx.world.limits[api.name] ?? api.defaultQps;
  const keyId = account.cloud === 'tencentcloud' ? account.secretId : account.accessKeyId;
  const taken = ctx.limiter.take(`${account.cloud}\n${keyId}\n${api.name}`, qps, ctx.world.rateLimitWindow);
  if (!taken.allowed) return error(throttled(api, qps, taken.retryAfterMs), true);

  const accountError = account.errors[api.name];
  if (accountError) return error(forced(api, accountError));

  const result = api.product === 'sts' ? dispatchSts(api, account, call, ctx, serverNowMs) : answer(ctx.world, api, account, call);
  if (!result.ok) return error(result.error);
  return { kind: 'ok', api, account, body: result.body, nullable: result.nullable };
}
