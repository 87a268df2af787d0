import type { JsonObject } from '../../model/json.js';
import type { ProviderConfig, ResourceConfig } from '../../model/desired-state.js';
import type { ApiCall, ApiResponse, Normalized, ResourceTypeDefinition } from '../types.js';
import {
  attributes,
  counter,
  catalogSpec,
  createResponseValidator,
  invalidRequest,
  invalidResponse,
  mapField,
  nullableInteger,
  nullableString,
} from '../response-schema.js';
import type { Field } from '../response-schema.js';
import { fromIsoUtc } from '../time.js';

const ACTION = 'GetKmsInstance';
const VERSION = '2016-01-20';

/** The fields of kms GetKmsInstance the normalizer reads (cloud-apis.md §3.3). */
interface KmsInstance {
  InstanceId?: Field<string>;
  InstanceName?: Field<string>;
  Status?: Field<string>;
  CreateTime?: Field<string>;
  StartDate?: Field<string>;
  EndDate?: Field<string>;
  ChargeType?: Field<string>;
  Spec?: Field<number>;
  KeyNum?: Field<number>;
  SecretNum?: Field<string | number>;
  VpcNum?: Field<number>;
  VpcId?: Field<string>;
  Log?: Field<number>;
  LogStorage?: Field<number>;
  ProductType?: Field<string>;
  ProductVersion?: Field<string>;
  SaleStatus?: Field<string>;
  BindVpcs?: Field<{ BindVpc?: Field<unknown[]> }>;
}

/**
 * `KmsInstance` must be an object: without it the body is not this API's answer. Its `InstanceId`
 * may be empty or missing — that is how the API says "no such instance" (cloud-apis.md §3.3).
 */
const SCHEMA = {
  type: 'object',
  required: ['KmsInstance'],
  properties: {
    KmsInstance: {
      type: 'object',
      properties: {
        InstanceId: nullableString,
        InstanceName: nullableString,
        Status: nullableString,
        CreateTime: nullableString,
        StartDate: nullableString,
        EndDate: nullableString,
        ChargeType: nullableString,
        Spec: nullableInteger,
        KeyNum: nullableInteger,
        // A string in the API, unlike KeyNum (pitfall 9); a fixed API sending a number is accepted too.
        SecretNum: { type: ['string', 'integer', 'null'] },
        VpcNum: nullableInteger,
        VpcId: nullableString,
        Log: nullableInteger,
        LogStorage: nullableInteger,
        ProductType: nullableString,
        ProductVersion: nullableString,
        SaleStatus: nullableString,
        BindVpcs: {
          type: ['object', 'null'],
          properties: { BindVpc: { type: ['array', 'null'] } },
        },
      },
    },
  },
} as const;

function secretQuota(value: string | number, requestId: string | null): number {
  if (typeof value === 'number') return value;
  const trimmed = value.trim();
  if (!/^\d{1,15}$/.test(trimmed)) {
    throw invalidResponse(ACTION, 'field KmsInstance.SecretNum must be a decimal number in a string', requestId);
  }
  return Number(trimmed);
}

function logFlag(n: number): boolean | null {
  return n === 1 ? true : n === 0 ? false : null;
}

function normalizeKmsInstance(instance: KmsInstance, requestId: string | null): JsonObject {
  return attributes([
    ['status', mapField(instance.Status, (s) => s)],
    ['instance_name', mapField(instance.InstanceName, (s) => s)],
    ['expires_at', mapField(instance.EndDate, fromIsoUtc)],
    ['starts_at', mapField(instance.StartDate, fromIsoUtc)],
    ['created_at', mapField(instance.CreateTime, fromIsoUtc)],
    ['charge_type', mapField(instance.ChargeType, (s) => s)],
    ['spec', mapField(instance.Spec, counter)],
    ['key_quota', mapField(instance.KeyNum, counter)],
    ['secret_quota', mapField(instance.SecretNum, (v) => secretQuota(v, requestId))],
    ['vpc_quota', mapField(instance.VpcNum, counter)],
    ['log_enabled', mapField(instance.Log, logFlag)],
    ['log_storage_gb', mapField(instance.LogStorage, counter)],
    ['product_type', mapField(instance.ProductType, (s) => s)],
    ['product_version', mapField(instance.ProductVersion, (s) => s)],
    ['sale_status', mapField(instance.SaleStatus, (s) => s)],
    ['vpc_id', mapField(instance.VpcId, (s) => s)],
    // The XML-style wrapper: a wrapper without the list says nothing about the count, so unknown.
    ['bound_vpc_count', mapField(instance.BindVpcs, (w) => mapField(w.BindVpc, (list) => list.length))],
  ]);
}

function instanceIdOf(resource: ResourceConfig): string {
  if (resource.instanceId === undefined || resource.instanceId === '') {
    throw invalidRequest(
      'DW_INSTANCE_ID_REQUIRED',
      `${resource.address}: kms ${ACTION} needs an instance_id`,
      'Set instance_id on the resource (e.g. instance_id: kst-hzz62f5ba3dnpb6v8xxxx).',
    );
  }
  return resource.instanceId;
}

/** `alicloud_kms_instance`: one GetKmsInstance call per instance; the region picks the endpoint. */
export function createAlicloudKmsInstanceDefinition(): ResourceTypeDefinition {
  const validate = createResponseValidator(ACTION, SCHEMA);
  return {
    spec: catalogSpec('alicloud_kms_instance'),
    api: { product: 'kms', action: ACTION, version: VERSION, defaultQps: 10 },
    call(resource: ResourceConfig, provider: ProviderConfig): ApiCall {
      const instanceId = instanceIdOf(resource);
      const region = resource.region ?? provider.region;
      if (region === undefined || region === '') {
        throw invalidRequest(
          'DW_REGION_REQUIRED',
          `${resource.address}: kms ${ACTION} needs a region (it selects the endpoint kms.<region>.aliyuncs.com)`,
          `Set region on provider ${provider.ref} or on the resource (e.g. region: cn-hangzhou).`,
        );
      }
      return { cloud: 'alicloud', product: 'kms', action: ACTION, version: VERSION, region, params: { KmsInstanceId: instanceId } };
    },
    normalize(response: ApiResponse, resource: ResourceConfig): Normalized {
      validate(response.body, response.requestId);
      const rawInstance = response.body['KmsInstance'] as JsonObject;
      const instance = rawInstance as unknown as KmsInstance;
      // terraform-provider-alicloud's rule: a success body with no InstanceId means the instance is gone.
      if (instance.InstanceId === undefined || instance.InstanceId === null || instance.InstanceId === '') {
        return { status: 'absent' };
      }
      if (resource.instanceId !== undefined && instance.InstanceId !== resource.instanceId) {
        // Evaluating another instance's status against this resource could pass for the wrong reason.
        throw invalidResponse(ACTION, `answered for instance ${instance.InstanceId}, not ${resource.instanceId}`, response.requestId);
      }
      return { status: 'ok', attributes: normalizeKmsInstance(instance, response.requestId), raw: rawInstance };
    },
  };
}
