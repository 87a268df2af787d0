/**
 * Which handler answers an API call: an API with vendor behaviour of its own (Alibaba's regional
 * KMS hosts and paging, the CAS host that serves a CA) has a handler in its cloud's simulator
 * adapter (`special`); every other resource
 * type's API is answered from its declaration (src/resources/<type>/index.ts, `world`): the
 * object the world gives for the account (per region, the one, or the instance asked for), or
 * the type's "never bought" answer.
 */
import type { JsonObject } from '../../model/json.js';
import type { ResourceType } from '../../resources/define.js';
import type { ApiSpec } from '../apis.js';
import type { IncomingCall } from '../incoming.js';
import type { VendorResource, World, WorldAccount } from '../world.js';
import type { CloudSimulator } from '../cloud-simulator.js';
import type { FieldPath, HandlerResult } from './result.js';

/** The body as the type's body shape wraps its object, and the paths the null fault may blank. */
function wrapped(type: ResourceType, fields: JsonObject, nullable: readonly string[]): HandlerResult {
  const shape = type.declaration.body;
  const names = nullable.includes('*') ? Object.keys(fields) : nullable.filter((f) => f in fields);
  switch (shape.kind) {
    case 'root':
      return { ok: true, body: fields, nullable: names.map((f): FieldPath => [f]) };
    case 'object':
      return {
        ok: true,
        body: { [shape.key]: fields },
        nullable: names.filter((f) => f !== shape.id).map((f): FieldPath => [shape.key, f]),
      };
    case 'list':
      return {
        ok: true,
        body: { [shape.key]: [fields] },
        nullable: names.filter((f) => f !== shape.id).map((f): FieldPath => [shape.key, '*', f]),
      };
  }
}

/** An API answered from its type's declaration and the world's objects for the account. */
function declared(type: ResourceType, account: WorldAccount, call: IncomingCall, cloud: CloudSimulator): HandlerResult {
  const world = type.declaration.world;
  const objects = account.objects.get(type.spec.name);
  let resource: VendorResource | undefined;
  if (world.shape === 'by-region') {
    const region = cloud.regionOf(call);
    if (region === undefined || region === '') {
      return { ok: false, error: cloud.error('MissingParameter', 'The request is missing a required parameter `Region`.') };
    }
    resource = objects?.shape === 'by-region' ? objects.byRegion.get(region) : undefined;
  } else if (world.shape === 'single') {
    resource = objects?.shape === 'single' ? objects.object : undefined;
  } else {
    const id = cloud.instanceIdOf(call);
    resource = objects?.shape === 'list' ? objects.list.find((o) => o.instanceId === id) : undefined;
    const notFound = type.declaration.absence.find((p) => p.answer === 'error');
    if (!resource)
      return {
        ok: false,
        error: cloud.error(
          notFound?.answer === 'error' ? notFound.code : 'ResourceNotFound',
          `The specified InstanceId does not exist. InstanceId: ${id ?? ''}`,
        ),
      };
  }
  if (resource?.forceError)
    return { ok: false, error: cloud.error(resource.forceError.code, resource.forceError.message, resource.forceError.httpStatus) };
  const fields = resource ? { ...resource.fields } : { ...(world.notPurchased ?? {}) };
  return wrapped(type, fields, world.nullable);
}

/** The answer to a resource type's API (STS is answered by sts.ts). */
export function answer(world: World, api: ApiSpec, account: WorldAccount, call: IncomingCall, cloud: CloudSimulator): HandlerResult {
  const special = cloud.special(api.name, account, call);
  if (special) return special;
  const type = world.types.types.find((t) => t.spec.cloud === account.cloud && t.declaration.api.action === api.name);
  if (!type) return { ok: false, error: cloud.error('InvalidAction', `The requested action \`${api.name}\` does not exist.`) };
  return declared(type, account, call, cloud);
}
