import { requestProblem } from '../api.js';
import { defineResourceType, objects, responseSchema } from '../define.js';
import type { BodyShape, InstanceList } from '../define.js';
import { world } from '../world.js';
import { ATTRIBUTES, FIELDS } from './fields.js';

const API = { product: 'cas', action: 'GetCAInstanceStatus', version: '2020-06-30', defaultQps: 10 } as const;
const BODY: BodyShape = { kind: 'list', key: 'InstanceStatusList', id: 'InstanceId' };

/**
 * The provider's region chooses the CAS host — cas.aliyuncs.com, or cas.<region>.aliyuncs.com for
 * the international regions (cloud-apis.md §2.1, endpoints.ts); validation requires it. A
 * resource-level region is not allowed: a CA belongs to the account its provider names.
 */
function casCall(region: string | undefined, params?: Readonly<Record<string, string>>) {
  const base = {
    cloud: 'alicloud',
    product: API.product,
    action: API.action,
    version: API.version,
    ...(params ? { params } : {}),
  } as const;
  return region === undefined || region === '' ? base : { ...base, region };
}

/**
 * GetCAInstanceStatus asked without an InstanceId: the CA instances it reports. Whether that lists
 * every instance is undocumented (cloud-apis.md §3.4); `import` accepts ids given by hand as well.
 */
const CA_LIST: InstanceList = {
  api: API,
  // The same body as for one instance, so it is validated the same way.
  schema: responseSchema(BODY, FIELDS),
  call: (provider) => casCall(provider.region),
  read: (body) => ({ ids: objects(body['InstanceStatusList']).map((e) => e['InstanceId'] as string) }),
};

/** `alicloud_cas_private_ca`: one GetCAInstanceStatus call per CA instance (`InstanceId`). */
export const alicloudCasPrivateCa = defineResourceType({
  name: 'alicloud_cas_private_ca',
  cloud: 'alicloud',
  description: 'Alibaba Cloud private CA instance (cas GetCAInstanceStatus 2020-06-30).',
  identifiers: ['instance_id'],
  regional: false,
  api: API,
  request(resource, provider) {
    if (resource.instanceId === undefined || resource.instanceId === '') {
      return requestProblem(
        'DW_INSTANCE_ID_REQUIRED',
        `${resource.address}: cas ${API.action} needs an instance_id`,
        'Set instance_id on the resource (the console shows it, e.g. instance_id: cas-member-0hmi1234).',
      );
    }
    return casCall(provider.region, { InstanceId: resource.instanceId });
  },
  body: BODY,
  fields: FIELDS,
  attributes: ATTRIBUTES,
  absence: [
    {
      answer: 'error',
      code: 'InvalidInstanceId.NotFound',
      why: "the InstanceId is unknown to the CAS host of the provider's region (HTTP 404).",
    },
    {
      answer: 'success',
      body: 'HTTP 200 whose InstanceStatusList has no element with the InstanceId',
      why: "asked at the host of the provider's region (see the host table), the list is the region's CAs.",
    },
  ],
  import: {
    expect: [
      { attribute: 'status' },
      { attribute: 'ca_type' },
      { attribute: 'certificate_expires_at', expiry: true },
      { attribute: 'instance_expires_at', expiry: true },
    ],
    discovery: {
      kind: 'listed',
      list: CA_LIST,
      perRegion: false,
      needsRegion:
        'Set region in the provider block: it chooses the CAS host (cas.aliyuncs.com, or cas.<region>.aliyuncs.com for international regions).',
      idsByHand: true,
    },
    identity: 'instance_id',
  },
  world: {
    key: 'ca_instances',
    definition: 'caInstance',
    shape: 'list',
    fields: {
      InstanceId: { type: 'string', pattern: '^\\S+$' },
      Type: world.str,
      Status: world.str,
      CertTotalCount: world.int,
      CertIssuedCount: world.int,
      BeforeTime: world.int,
      AfterTime: world.int,
      Identifier: world.str,
      UseExpireTime: world.int,
    },
    simulatorKeys: {
      region: {
        type: 'string',
        pattern: '^[a-z0-9-]+$',
        description: 'The region whose CAS host serves the CA (default cn-hangzhou, i.e. cas.aliyuncs.com).',
      },
    },
    required: ['InstanceId'],
    nullable: ['Type', 'Status', 'CertTotalCount', 'CertIssuedCount', 'BeforeTime', 'AfterTime', 'Identifier', 'UseExpireTime'],
  },
});
