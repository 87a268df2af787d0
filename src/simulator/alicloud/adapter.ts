import { vendorHost } from '../../providers/endpoints.js';
import { findApi } from '../apis.js';
import type { ApiSpec } from '../apis.js';
import type { CloudSimulator, Identified } from '../cloud-simulator.js';
import { isoSeconds } from '../cloud-simulator.js';
import { alibabaFailure, alibabaSuccess } from '../envelopes.js';
import { getCaInstanceStatus } from '../handlers/alibaba-cas.js';
import { getKmsInstance, listKmsInstances } from '../handlers/alibaba-kms.js';
import type { IncomingCall } from '../incoming.js';
import { header, rpcParams } from '../incoming.js';
import { alibabaSts } from '../sts.js';
import { alibabaCredentialServices } from './credential-services.js';
import { verifyAcs3, verifyRpc } from '../verify-alibaba.js';
import type { VendorError } from '../vendor-errors.js';
import { alibabaError } from '../vendor-errors.js';
import type { AlibabaAccount, AlibabaCaInstance } from '../world.js';
import { buildAlibabaAccount } from '../world.js';

/** This cloud's part of the router context: the world's static keys by AccessKey id. */
export interface AlibabaKeyIndex {
  readonly alibaba: ReadonlyMap<string, AlibabaAccount>;
}

function productLabel(action: string | undefined): string {
  const api = action === undefined ? undefined : findApi(action);
  return api?.product === 'cas' ? 'cas' : api?.product === 'kms' ? 'Kms' : '';
}

function alibabaApi(id: Identified, apis: readonly ApiSpec[]): ApiSpec | VendorError {
  const action = id.action ?? '';
  if (action === '')
    return alibabaError('MissingParameter', 'The input parameter "Action" that is mandatory for processing this request is not supplied.');
  const api = apis.find((a) => a.cloud === id.cloud && a.name === action);
  if (!api) return alibabaError('InvalidAction.NotFound', `Specified api is not found, please check your url and method. (${action})`);
  if (id.version !== api.version) return alibabaError('InvalidVersion', `Specified parameter Version "${id.version ?? ''}" is not valid.`);
  return api;
}

const ALIBABA_KMS_HOST = /^kms(?:-vpc)?\.([a-z0-9-]+)\.aliyuncs\.com(?::\d+)?$/i;
const ALIBABA_CAS_HOST = /^cas(?:\.([a-z0-9-]+))?\.aliyuncs\.com(?::\d+)?$/i;

/**
 * Which KMS region a request is for, the way the gateway sees it: the region of the regional Host
 * (`kms.<region>.aliyuncs.com`). A Host that is no vendor host (a client pointed straight at the
 * simulator's address) names no region; then a `RegionId` the client chose to send narrows the
 * view, and without one the request sees the whole account. driftwatch never sends RegionId: in
 * front of a loopback endpoint it sends the vendor's Host instead.
 */
function kmsRegion(call: IncomingCall, params: Readonly<Record<string, string>>): string | undefined {
  const fromHost = ALIBABA_KMS_HOST.exec(header(call, 'host') ?? '')?.[1];
  if (fromHost !== undefined) return fromHost.toLowerCase();
  return params.RegionId !== undefined && params.RegionId !== '' ? params.RegionId : undefined;
}

/**
 * Which CAs a CAS host serves: at `cas.aliyuncs.com` the CAs of the regions the official endpoint
 * table maps there, at `cas.<region>.aliyuncs.com` those whose region resolves to that host; a
 * non-vendor Host (a client pointed straight at the simulator) sees all of them.
 */
function casServes(call: IncomingCall): (ca: AlibabaCaInstance) => boolean {
  const host = (header(call, 'host') ?? '').toLowerCase().replace(/:\d+$/, '');
  if (!ALIBABA_CAS_HOST.test(host)) return () => true;
  return (ca) => {
    try {
      return vendorHost({ cloud: 'alicloud', product: 'cas', region: ca.region, site: 'china' }) === host;
    } catch {
      return false;
    }
  };
}

/**
 * Simulated Alibaba Cloud: ACS3-HMAC-SHA256 and V2 RPC verification (with nonces), the POP
 * gateway's envelopes (XML unless JSON is asked for on V2), STS 2015-04-01, the ECS metadata
 * service with its hardened mode.
 */
export const alicloudSimulator: CloudSimulator<AlibabaAccount> = {
  cloud: 'alicloud',
  identifySigned(call) {
    const authorization = header(call, 'authorization') ?? '';
    if (!authorization.startsWith('ACS3-')) return undefined;
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
  },
  // The V2 RPC signature: any request no other cloud claims is answered as the POP gateway would.
  identifyLegacy(call) {
    const params = rpcParams(call);
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
  },
  indexKeys: (accounts): AlibabaKeyIndex => ({
    alibaba: new Map(accounts.flatMap((a) => (a.cloud === 'alicloud' ? [[a.accessKeyId, a] as const] : []))),
  }),
  staticKey: (ctx, keyId) => ctx.alibaba.get(keyId),
  parseAccount: (raw, common) => buildAlibabaAccount(raw, common),
  worldKeyField: 'access_key_id',
  keys: (account) => ({
    id: account.accessKeyId,
    secret: account.accessKeySecret,
    ...(account.securityToken !== undefined ? { token: account.securityToken } : {}),
  }),
  accountId: (account) => account.uid,
  authenticate(call, id, verifier) {
    const verified = id.style === 'acs3' ? verifyAcs3(call, verifier) : verifyRpc(call, verifier);
    if (!verified.ok) return verified;
    const found = alibabaApi(id, verifier.apis);
    if ('code' in found) return { ok: false, error: found };
    return { ok: true, account: verified.account, api: found };
  },
  special(api, account, call) {
    const params = rpcParams(call);
    switch (api) {
      case 'GetKmsInstance':
        return getKmsInstance(account, params, kmsRegion(call, params));
      case 'ListKmsInstances':
        return listKmsInstances(account, params, kmsRegion(call, params));
      case 'GetCAInstanceStatus':
        return getCaInstanceStatus(account, params, casServes(call));
      default:
        return undefined;
    }
  },
  regionOf: (call) => rpcParams(call).RegionId,
  instanceIdOf: (call) => rpcParams(call).InstanceId,
  sts: (api, caller, call, ctx) =>
    alibabaSts(api.name === 'AssumeRole' ? 'AssumeRole' : 'AssumeRoleWithOIDC', rpcParams(call), caller, ctx),
  error: (code, message, httpStatus) => alibabaError(code, message, httpStatus),
  throttled(api, _qps, retryAfterMs) {
    const headers = { 'x-acs-retry-after': String(retryAfterMs) };
    // KMS has its own limiter (429 Rejected.Throttling); CAS is behind the gateway's user flow control.
    return api.product === 'kms'
      ? alibabaError('Rejected.Throttling', 'QPS Limit Exceeded', 429, headers)
      : alibabaError('Throttling.User', undefined, undefined, headers);
  },
  noSuchVersion: () => alibabaError('InvalidVersion'),
  expiredSession: () => alibabaError('InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.', 400),
  bodyTooLarge: () => alibabaError('InvalidParameter', 'The request body is too large.', 413),
  injectedFailure: (unavailable) => alibabaError(unavailable ? 'ServiceUnavailable' : 'InternalError'),
  // Alibaba request ids are upper-case UUIDs.
  requestId: (uuid) => uuid.toUpperCase(),
  success: (api, body, requestId, id) => alibabaSuccess(api.name, body, requestId, id.format),
  failure: (error, requestId, hostHeader, id) => alibabaFailure(error, requestId, hostHeader, id.product, id.format),
  sessionKeyId: (seed) => `STS.NT${seed.slice(0, 24)}`,
  sessionAccount: (base, secret, token) => ({ ...base, accessKeySecret: secret, securityToken: token }),
  // Alibaba role names are case-insensitive (ARNs carry them lower-cased).
  roleNameMatches: (roleName, inArn) => roleName.toLowerCase() === inArn.toLowerCase(),
  metadata: {
    rolesPath: '/latest/meta-data/ram/security-credentials/',
    // Every metadata path the CVM service does not claim, the token path included, is the ECS service's.
    claims: () => true,
    sessionToken: {
      path: '/latest/api/token',
      ttlHeader: 'x-aliyun-ecs-metadata-token-ttl-seconds',
      header: 'x-aliyun-ecs-metadata-token',
    },
    instanceRole: (world) => world.metadata.ecs,
    credentials: (session, nowMs) => ({
      AccessKeyId: session.keyId,
      AccessKeySecret: session.secret,
      SecurityToken: session.token,
      Expiration: isoSeconds(session.expiresAtMs),
      LastUpdated: isoSeconds(nowMs),
      Code: 'Success',
    }),
  },
  credentialServices: alibabaCredentialServices,
};
