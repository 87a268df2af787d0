import type { JsonObject, JsonValue } from '../../model/json.js';
import { isJsonObject } from '../../model/json.js';
import type { ApiSpec } from '../apis.js';
import type { CloudSimulator, Identified } from '../cloud-simulator.js';
import { isoSeconds } from '../cloud-simulator.js';
import { tencentFailure, tencentSuccess } from '../envelopes.js';
import type { IncomingCall } from '../incoming.js';
import { header, rpcParams } from '../incoming.js';
import { tencentSts } from '../sts.js';
import { verifyTencent } from '../verify-tencent.js';
import type { VendorError } from '../vendor-errors.js';
import { tencentError } from '../vendor-errors.js';
import type { TencentAccount } from '../world.js';
import { buildTencentAccount } from '../world.js';

/** This cloud's part of the router context: the world's static keys by secret id. */
export interface TencentKeyIndex {
  readonly tencent: ReadonlyMap<string, TencentAccount>;
}

const TENCENT_PRODUCTS = new Set(['kms', 'tcss', 'sts']);

/** Routes by `X-TC-Action`, the product from the credential scope's service, else the Host's first label, else the action. */
function tencentApi(id: Identified, service: string, call: IncomingCall, apis: readonly ApiSpec[]): ApiSpec | VendorError {
  const action = id.action ?? '';
  if (action === '') return tencentError('MissingParameter', 'The request is missing a required parameter `Action`.');
  const hostLabel = (header(call, 'host') ?? '').split('.')[0] ?? '';
  // The SDK takes the service from the endpoint's first label, which is `127` for 127.0.0.1:PORT;
  // then only the action can tell the product.
  const product = TENCENT_PRODUCTS.has(service) ? service : TENCENT_PRODUCTS.has(hostLabel) ? hostLabel : undefined;
  const api = apis.find((a) => a.cloud === id.cloud && a.name === action && (product === undefined || a.product === product));
  if (!api) return tencentError('InvalidAction', `The requested action \`${action}\` does not exist.`);
  if (id.version !== api.version) {
    return tencentError('NoSuchVersion', `The requested version \`${id.version ?? ''}\` of API \`${action}\` does not exist.`);
  }
  return api;
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

/**
 * Simulated Tencent Cloud: TC3-HMAC-SHA256 verification, the `{"Response": …}` envelope (HTTP 200
 * even for errors), STS 2018-08-13, the CVM metadata service.
 */
export const tencentcloudSimulator: CloudSimulator<TencentAccount> = {
  cloud: 'tencentcloud',
  identifySigned(call) {
    const authorization = header(call, 'authorization') ?? '';
    if (header(call, 'x-tc-action') === undefined && !authorization.startsWith('TC3-')) return undefined;
    return {
      cloud: 'tencentcloud',
      style: 'tc3',
      action: header(call, 'x-tc-action'),
      version: header(call, 'x-tc-version'),
      keyId: /Credential=([^/,\s]+)\//.exec(authorization)?.[1],
      format: 'JSON',
      product: '',
    };
  },
  identifyLegacy(call) {
    const params = rpcParams(call);
    // Tencent's legacy v1 signature (parameters in the form); answered in Tencent's envelope, and
    // refused by verification because only TC3 is supported.
    if (params.SecretId === undefined || params.AccessKeyId !== undefined) return undefined;
    return {
      cloud: 'tencentcloud',
      style: 'tc3',
      action: params.Action,
      version: params.Version,
      keyId: params.SecretId,
      format: 'JSON',
      product: '',
    };
  },
  indexKeys: (accounts): TencentKeyIndex => ({
    tencent: new Map(accounts.flatMap((a) => (a.cloud === 'tencentcloud' ? [[a.secretId, a] as const] : []))),
  }),
  staticKey: (ctx, keyId) => ctx.tencent.get(keyId),
  parseAccount: (raw, common) => buildTencentAccount(raw, common),
  worldKeyField: 'secret_id',
  keys: (account) => ({
    id: account.secretId,
    secret: account.secretKey,
    ...(account.securityToken !== undefined ? { token: account.securityToken } : {}),
  }),
  accountId: (account) => account.uin,
  authenticate(call, id, verifier) {
    const verified = verifyTencent(call, verifier.findAccount, verifier.serverNowMs);
    if (!verified.ok) return verified;
    const found = tencentApi(id, verified.service, call, verifier.apis);
    if ('code' in found) return { ok: false, error: found };
    const badParameter = found.product === 'sts' ? undefined : tencentParameters(call);
    if (badParameter) return { ok: false, error: badParameter };
    return { ok: true, account: verified.account, api: found };
  },
  // Every Tencent API is answered from its type's declaration.
  special: () => undefined,
  regionOf: (call) => header(call, 'x-tc-region'),
  instanceIdOf: () => undefined,
  sts: (api, caller, call, ctx) =>
    tencentSts(api.name === 'AssumeRole' ? 'AssumeRole' : 'AssumeRoleWithWebIdentity', tencentBody(call), caller, ctx),
  error: (code, message, httpStatus) => tencentError(code, message, httpStatus),
  throttled: (api, qps) =>
    tencentError(
      'RequestLimitExceeded',
      `Your current request frequency exceeds the limit of ${qps} requests per second for ${api.name}. Please reduce the frequency of calls.`,
    ),
  noSuchVersion: () => tencentError('NoSuchVersion'),
  expiredSession: () => tencentError('AuthFailure.TokenFailure', 'The token has expired.'),
  bodyTooLarge: () => tencentError('InvalidParameter', 'The request body is too large.'),
  injectedFailure: () => tencentError('InternalError'),
  // Tencent request ids are lower-case UUIDs.
  requestId: (uuid) => uuid,
  success: (_api, body, requestId) => tencentSuccess(body, requestId),
  failure: (error, requestId) => tencentFailure(error, requestId),
  sessionKeyId: (seed) => `AKIDTMP${seed.slice(0, 26)}`,
  sessionAccount: (base, secret, token) => ({ ...base, secretKey: secret, securityToken: token }),
  roleNameMatches: (roleName, inArn) => roleName === inArn,
  metadata: {
    rolesPath: '/latest/meta-data/cam/security-credentials/',
    claims: (pathname) => pathname.includes('/cam/'),
    instanceRole: (world) => world.metadata.cvm,
    credentials: (session) => ({
      TmpSecretId: session.keyId,
      TmpSecretKey: session.secret,
      Token: session.token,
      ExpiredTime: Math.floor(session.expiresAtMs / 1000),
      Expiration: isoSeconds(session.expiresAtMs),
      Code: 'Success',
    }),
  },
};
