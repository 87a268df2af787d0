/**
 * Which handler answers an API call: an API with vendor behaviour of its own (Alibaba's regional
 * KMS hosts and paging, the CAS host that serves a CA) has a handler here; every other resource
 * type's API is answered from its declaration (src/resources/<type>/index.ts, `world`): the
 * object the world gives for the account (per region, the one, or the instance asked for), or
 * the type's "never bought" answer.
 */
import type { JsonObject } from '../../model/json.js';
import type { ResourceType } from '../../resources/define.js';
import { vendorHost } from '../../providers/endpoints.js';
import type { ApiSpec } from '../apis.js';
import type { IncomingCall } from '../incoming.js';
import { header, rpcParams } from '../incoming.js';
import { alibabaError, tencentError } from '../vendor-errors.js';
import type { VendorError } from '../vendor-errors.js';
import type { AlibabaAccount, AlibabaCaInstance, VendorResource, World, WorldAccount } from '../world.js';
import { getCaInstanceStatus } from './alibaba-cas.js';
import { getKmsInstance, listKmsInstances } from './alibaba-kms.js';
import type { FieldPath, HandlerResult } from './result.js';

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

type Handler = (account: AlibabaAccount, call: IncomingCall) => HandlerResult;

/** The Alibaba APIs whose answers depend on the Host the request was sent to. */
const ALIBABA_HANDLERS: Readonly<Record<string, Handler>> = {
  GetKmsInstance: (account, call) => {
    const params = rpcParams(call);
    return getKmsInstance(account, params, kmsRegion(call, params));
  },
  ListKmsInstances: (account, call) => {
    const params = rpcParams(call);
    return listKmsInstances(account, params, kmsRegion(call, params));
  },
  GetCAInstanceStatus: (account, call) => getCaInstanceStatus(account, rpcParams(call), casServes(call)),
};

function vendorError(account: WorldAccount, code: string, message?: string, httpStatus?: number): VendorError {
  return account.cloud === 'tencentcloud' ? tencentError(code, message, httpStatus) : alibabaError(code, message, httpStatus);
}

/** The body as the type's body shape wraps its object, and the paths the null fault may blank. */
function wrapped(type: ResourceType, fields: JsonObject, nullable: readonly string[]): HandlerResult {
  const shape = type.declaration.body;
  const names = nullable.includes('*') ? Object.keys(fields) : nullable.filter((f) => f in fields);
  switch (shape.kind) {
    case 'root':
      return { ok: true, body: fields, nullable: names.map((f): FieldPath => [f]) };
    case 'object':
      return { ok: true, body: { [shape.key]: fields }, nullable: names.filter((f) => f !== shape.id).map((f): FieldPath => [shape.key, f]) };
    case 'list':
      return { ok: true, body: { [shape.key]: [fields] }, nullable: names.filter((f) => f !== shape.id).map((f): FieldPath => [shape.key, '*', f]) };
  }
}

/** An API answered from its type's declaration and the world's objects for the account. */
function declared(type: ResourceType, account: WorldAccount, call: IncomingCall): HandlerResult {
  const world = type.declaration.world;
  const objects = account.objects.get(type.spec.name);
  let resource: VendorResource | undefined;
  if (world.shape === 'by-region') {
    const region = account.cloud === 'tencentcloud' ? header(call, 'x-tc-region') : rpcParams(call).RegionId;
    if (region === undefined || region === '') {
      return { ok: false, error: vendorError(account, 'MissingParameter', 'The request is missing a required parameter `Region`.') };
    }
    resource = objects?.shape === 'by-region' ? objects.byRegion.get(region) : undefined;
  } else if (world.shape === 'single') {
    resource = objects?.shape === 'single' ? objects.object : undefined;
  } else {
    const id = account.cloud === 'tencentcloud' ? undefined : rpcParams(call).InstanceId;
    resource = objects?.shape === 'list' ? objects.list.find((o) => o.instanceId === id) : undefined;
    const notFound = type.declaration.absence.find((p) => p.answer === 'error');
    if (!resource) return { ok: false, error: vendorError(account, notFound?.answer === 'error' ? notFound.code : 'ResourceNotFound', `The specified InstanceId does not exist. InstanceId: ${id ?? ''}`) };
  }
  if (resource?.forceError) return { ok: false, error: vendorError(account, resource.forceError.code, resource.forceError.message, resource.forceError.httpStatus) };
  const fields = resource ? { ...resource.fields } : { ...(world.notPurchased ?? {}) };
  return wrapped(type, fields, world.nullable);
}

/** The answer to a resource type's API (STS is answered by sts.ts). */
export function answer(world: World, api: ApiSpec, account: WorldAccount, call: IncomingCall): HandlerResult {
  const special = account.cloud === 'alicloud' ? ALIBABA_HANDLERS[api.name] : undefined;
  if (special && account.cloud === 'alicloud') return special(account, call);
  const type = world.types.types.find((t) => t.spec.cloud === account.cloud && t.declaration.api.action === api.name);
  if (!type) return { ok: false, error: vendorError(account, 'InvalidAction', `The requested action \`${api.name}\` does not exist.`) };
  return declared(type, account, call);
}
