import { requestProblem } from '../api.js';
import { defineResourceType, objects } from '../define.js';
import type { InstanceList } from '../define.js';
import { world } from '../world.js';
import { ATTRIBUTES, FIELDS } from './fields.js';

const API = { product: 'kms', action: 'GetKmsInstance', version: '2016-01-20', defaultQps: 10 } as const;

/**
 * ListKmsInstances, for `import`. The seed does not state its quota; 10/s is the KMS
 * instance-management bucket (cloud-apis.md §5.1), the same as GetKmsInstance. Its maximum page
 * size is 100 (cloud-apis.md §3.3).
 */
const LIST_API = { product: 'kms', action: 'ListKmsInstances', version: '2016-01-20', defaultQps: 10 } as const;

export const KMS_INSTANCE_LIST: InstanceList = {
  api: LIST_API,
  // The fields of a ListKmsInstances page the loop reads, including the XML-style wrapper.
  schema: {
    type: 'object',
    required: ['TotalCount'],
    properties: {
      TotalCount: { type: 'integer', minimum: 0 },
      PageNumber: { type: ['integer', 'null'] },
      PageSize: { type: ['integer', 'null'] },
      KmsInstances: {
        type: ['object', 'null'],
        properties: {
          KmsInstance: {
            type: ['array', 'null'],
            items: { type: 'object', required: ['KmsInstanceId'], properties: { KmsInstanceId: { type: 'string' } } },
          },
        },
      },
    },
  },
  pageSize: 100,
  call(_provider, region, page) {
    const call = { cloud: 'alicloud', product: LIST_API.product, action: LIST_API.action, version: LIST_API.version } as const;
    return { ...call, ...(region !== undefined ? { region } : {}), params: { PageNumber: String(page), PageSize: '100' } };
  },
  read(body) {
    const wrapper = body['KmsInstances'];
    const items = wrapper !== null && typeof wrapper === 'object' && !Array.isArray(wrapper) ? objects(wrapper['KmsInstance']) : [];
    const pageSize = body['PageSize'];
    return {
      ids: items.map((i) => i['KmsInstanceId'] as string),
      total: body['TotalCount'] as number,
      ...(typeof pageSize === 'number' ? { pageSize } : {}),
    };
  },
};

/** `alicloud_kms_instance`: one GetKmsInstance call per instance; the region picks the endpoint. */
export const alicloudKmsInstance = defineResourceType({
  name: 'alicloud_kms_instance',
  cloud: 'alicloud',
  description: 'Alibaba Cloud KMS instance (kms GetKmsInstance 2016-01-20).',
  identifiers: ['instance_id'],
  regional: true,
  api: API,
  request(resource, provider) {
    if (resource.instanceId === undefined || resource.instanceId === '') {
      return requestProblem(
        'DW_INSTANCE_ID_REQUIRED',
        `${resource.address}: kms ${API.action} needs an instance_id`,
        'Set instance_id on the resource (e.g. instance_id: kst-hzz62f5ba3dnpb6v8xxxx).',
      );
    }
    const region = resource.region ?? provider.region;
    if (region === undefined || region === '') {
      return requestProblem(
        'DW_REGION_REQUIRED',
        `${resource.address}: kms ${API.action} needs a region (it selects the endpoint kms.<region>.aliyuncs.com)`,
        `Set region on provider ${provider.ref} or on the resource (e.g. region: cn-hangzhou).`,
      );
    }
    return {
      cloud: 'alicloud',
      product: API.product,
      action: API.action,
      version: API.version,
      region,
      params: { KmsInstanceId: resource.instanceId },
    };
  },
  body: { kind: 'object', key: 'KmsInstance', id: 'InstanceId' },
  fields: FIELDS,
  attributes: ATTRIBUTES,
  absence: [
    {
      answer: 'error',
      code: 'Forbidden.ResourceNotFound',
      why: 'KMS 2016-01-20 answers an unknown KmsInstanceId with this code (HTTP 404).',
    },
    {
      answer: 'success',
      body: 'HTTP 200 whose KmsInstance.InstanceId is empty or missing',
      why: 'how the API reports a released instance; terraform-provider-alicloud reads it as "gone" too.',
    },
  ],
  import: {
    expect: [
      { attribute: 'status' },
      { attribute: 'charge_type' },
      { attribute: 'log_enabled' },
      { attribute: 'expires_at', expiry: true },
    ],
    discovery: { kind: 'listed', list: KMS_INSTANCE_LIST, perRegion: true, idsByHand: false },
    identity: 'instance_id',
  },
  world: {
    key: 'kms_instances',
    definition: 'kmsInstance',
    shape: 'list',
    fields: {
      InstanceId: { type: 'string', pattern: '^\\S+$' },
      InstanceName: world.str,
      Status: world.str,
      CreateTime: world.str,
      StartDate: world.str,
      EndDate: world.str,
      Spec: world.int,
      KeyNum: world.int,
      SecretNum: world.str,
      VpcNum: world.int,
      VpcId: world.str,
      ZoneIds: world.arrayOf({ type: 'string' }),
      VswitchIds: world.arrayOf({ type: 'string' }),
      BindVpcs: { type: ['object', 'null'] },
      CaCertificateChainPem: world.str,
      ChargeType: world.str,
      ProductVersion: world.str,
      SaleStatus: world.str,
      Log: world.int,
      LogStorage: world.int,
      ProductType: world.str,
      KmsInstanceArn: { type: 'string', description: 'ListKmsInstances only; default acs:kms:<region>:<uid>:instance/<InstanceId>.' },
    },
    simulatorKeys: {
      region: { type: 'string', pattern: '^[a-z0-9-]+$' },
      released: {
        type: 'boolean',
        description: 'GetKmsInstance answers HTTP 200 with an empty KmsInstance.InstanceId (a released instance); not listed.',
      },
    },
    required: ['region', 'InstanceId'],
    // Every field but the id may come back null.
    nullable: ['*'],
  },
});
