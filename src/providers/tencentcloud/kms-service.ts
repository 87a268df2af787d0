import type { JsonObject } from '../../model/json.js';
import type { ProviderConfig, ResourceConfig } from '../../model/desired-state.js';
import type { ApiCall, ApiResponse, Normalized, ResourceTypeDefinition } from '../types.js';
import {
  attributes,
  counter,
  catalogSpec,
  createResponseValidator,
  enumName,
  invalidRequest,
  mapField,
  nullableBoolean,
  nullableInteger,
  nullableString,
  remaining,
  withoutRequestId,
} from '../response-schema.js';
import type { Field } from '../response-schema.js';
import { fromUnixSeconds } from '../time.js';

const ACTION = 'GetServiceStatus';
const VERSION = '2019-01-18';

/** The fields of kms GetServiceStatus the normalizer reads (cloud-apis.md §3.1). */
interface ServiceStatus {
  ServiceEnabled: boolean;
  InvalidType?: Field<number>;
  UserLevel?: Field<number>;
  ProExpireTime?: Field<number>;
  ProRenewFlag?: Field<number>;
  ProResourceId?: Field<string>;
  ExclusiveVSMEnabled?: Field<boolean>;
  ExclusiveHSMEnabled?: Field<boolean>;
  SubscriptionInfo?: Field<string>;
  CmkUserCount?: Field<number>;
  CmkLimit?: Field<number>;
  IsAllowedDataKeyHosted?: Field<boolean | number>;
  DataKeyLimit?: Field<number>;
  DataKeyUsedCount?: Field<number>;
  IsAllowedSync?: Field<boolean>;
}

/**
 * `ServiceEnabled` is the one field required: it is what the API is for, and a body without it is
 * not a GetServiceStatus answer. Every other field may be absent (the doc example omits half).
 */
const SCHEMA = {
  type: 'object',
  required: ['ServiceEnabled'],
  properties: {
    ServiceEnabled: { type: 'boolean' },
    InvalidType: nullableInteger,
    UserLevel: nullableInteger,
    ProExpireTime: nullableInteger,
    ProRenewFlag: nullableInteger,
    ProResourceId: nullableString,
    ExclusiveVSMEnabled: nullableBoolean,
    ExclusiveHSMEnabled: nullableBoolean,
    SubscriptionInfo: nullableString,
    CmkUserCount: nullableInteger,
    CmkLimit: nullableInteger,
    // Typed boolean but described as "1 (supported), 0 (unsupported)" (pitfall 9): accept both forms.
    IsAllowedDataKeyHosted: { type: ['boolean', 'integer', 'null'] },
    DataKeyLimit: nullableInteger,
    DataKeyUsedCount: nullableInteger,
    IsAllowedSync: nullableBoolean,
  },
} as const;

const SERVICE_STATE: Readonly<Record<number, string>> = {
  0: 'not_purchased',
  1: 'normal',
  2: 'suspended_arrears',
  3: 'released',
};
const EDITION: Readonly<Record<number, string>> = { 0: 'basic', 1: 'ultimate' };

/** 1/0 flags: anything else is not a known answer, so unknown rather than a guessed boolean. */
function flag(n: number): boolean | null {
  return n === 1 ? true : n === 0 ? false : null;
}

function boolOrFlag(v: boolean | number): boolean | null {
  return typeof v === 'boolean' ? v : flag(v);
}

function normalizeKmsServiceStatus(body: ServiceStatus): JsonObject {
  return attributes([
    ['service_enabled', body.ServiceEnabled],
    ['service_state', mapField(body.InvalidType, (n) => enumName(SERVICE_STATE, n))],
    ['edition', mapField(body.UserLevel, (n) => enumName(EDITION, n))],
    ['auto_renew', mapField(body.ProRenewFlag, flag)],
    ['expires_at', mapField(body.ProExpireTime, fromUnixSeconds)],
    ['pro_resource_id', mapField(body.ProResourceId, (s) => s)],
    ['cmk_count', mapField(body.CmkUserCount, counter)],
    ['cmk_limit', mapField(body.CmkLimit, counter)],
    ['cmk_remaining', remaining(body.CmkLimit, body.CmkUserCount)],
    ['exclusive_hsm_enabled', mapField(body.ExclusiveHSMEnabled, (b) => b)],
    ['exclusive_vsm_enabled', mapField(body.ExclusiveVSMEnabled, (b) => b)],
    ['data_key_hosting', mapField(body.IsAllowedDataKeyHosted, boolOrFlag)],
    ['data_key_limit', mapField(body.DataKeyLimit, counter)],
    ['data_key_used', mapField(body.DataKeyUsedCount, counter)],
    ['sync_allowed', mapField(body.IsAllowedSync, (b) => b)],
    ['subscription', mapField(body.SubscriptionInfo, (s) => s)],
  ]);
}

/** `tencentcloud_kms_service`: one GetServiceStatus call per account × region (X-TC-Region is required). */
export function createTencentKmsServiceDefinition(): ResourceTypeDefinition {
  const validate = createResponseValidator(ACTION, SCHEMA);
  return {
    spec: catalogSpec('tencentcloud_kms_service'),
    api: { product: 'kms', action: ACTION, version: VERSION, defaultQps: 100 },
    call(resource: ResourceConfig, provider: ProviderConfig): ApiCall {
      const region = resource.region ?? provider.region;
      if (region === undefined || region === '') {
        throw invalidRequest(
          'DW_REGION_REQUIRED',
          `${resource.address}: kms ${ACTION} needs a region`,
          `Set region on provider ${provider.ref} or on the resource (e.g. region: ap-guangzhou).`,
        );
      }
      return { cloud: 'tencentcloud', product: 'kms', action: ACTION, version: VERSION, region };
    },
    normalize(response: ApiResponse): Normalized {
      validate(response.body, response.requestId);
      const body = response.body as unknown as ServiceStatus;
      return { status: 'ok', attributes: normalizeKmsServiceStatus(body), raw: withoutRequestId(response.body) };
    },
  };
}
