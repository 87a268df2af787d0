import { requestProblem } from '../api.js';
import { defineResourceType } from '../define.js';
import { world } from '../world.js';
import { ATTRIBUTES, FIELDS } from './fields.js';

const API = { product: 'kms', action: 'GetServiceStatus', version: '2019-01-18', defaultQps: 100 } as const;

/** `tencentcloud_kms_service`: one GetServiceStatus call per account × region (X-TC-Region is required). */
export const tencentcloudKmsService = defineResourceType({
  name: 'tencentcloud_kms_service',
  cloud: 'tencentcloud',
  description: 'Tencent Cloud KMS service status of one account in one region (kms GetServiceStatus 2019-01-18).',
  identifiers: [],
  regional: true,
  api: API,
  request(resource, provider) {
    const region = resource.region ?? provider.region;
    if (region === undefined || region === '') {
      return requestProblem(
        'DW_REGION_REQUIRED',
        `${resource.address}: kms ${API.action} needs a region`,
        `Set region on provider ${provider.ref} or on the resource (e.g. region: ap-guangzhou).`,
      );
    }
    return { cloud: 'tencentcloud', product: API.product, action: API.action, version: API.version, region };
  },
  body: { kind: 'root' },
  fields: FIELDS,
  attributes: ATTRIBUTES,
  // Account-level: even a Tencent `ResourceNotFound` on GetServiceStatus leaves it unknown.
  absence: [],
  import: {
    expect: [
      { attribute: 'service_enabled' },
      { attribute: 'service_state' },
      { attribute: 'edition' },
      { attribute: 'auto_renew' },
      { attribute: 'expires_at', expiry: true },
    ],
    discovery: { kind: 'per-region' },
    identity: 'region',
  },
  world: {
    key: 'kms',
    definition: 'kmsServiceStatus',
    shape: 'by-region',
    fields: {
      ServiceEnabled: world.bool,
      InvalidType: world.int,
      UserLevel: world.int,
      ProExpireTime: world.int,
      ProRenewFlag: world.int,
      ProResourceId: world.str,
      ExclusiveVSMEnabled: world.bool,
      ExclusiveHSMEnabled: world.bool,
      SubscriptionInfo: world.str,
      CmkUserCount: world.int,
      CmkLimit: world.int,
      ExclusiveHSMList: world.arrayOf({ type: 'object' }),
      IsAllowedDataKeyHosted: world.bool,
      DataKeyLimit: world.int,
      FreeDataKeyLimit: world.int,
      DataKeyUsedCount: world.int,
      SyncTaskList: world.arrayOf({ type: 'object' }),
      IsAllowedSync: world.bool,
      QpsLimit: world.int,
      QpsTotalLimit: world.int,
      RegionsQps: world.arrayOf({ type: 'object' }),
      ResourceZone: world.int,
      ResourceRegion: world.int,
    },
    // A region the world does not list answers as an account that never bought KMS there.
    notPurchased: {
      ServiceEnabled: false,
      InvalidType: 0,
      UserLevel: 0,
      ProExpireTime: 0,
      ProRenewFlag: 0,
      ProResourceId: '',
      ExclusiveVSMEnabled: false,
      ExclusiveHSMEnabled: false,
      SubscriptionInfo: '',
    },
    // The fields the SDK metadata marks "not required in output" — the ones a response may lack or blank.
    nullable: [
      'CmkUserCount',
      'CmkLimit',
      'ExclusiveHSMList',
      'IsAllowedDataKeyHosted',
      'DataKeyLimit',
      'FreeDataKeyLimit',
      'DataKeyUsedCount',
      'SyncTaskList',
      'IsAllowedSync',
      'QpsLimit',
      'QpsTotalLimit',
      'RegionsQps',
      'ResourceZone',
      'ResourceRegion',
    ],
  },
});
