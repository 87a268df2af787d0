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
  remaining,
} from '../response-schema.js';
import type { Field, ResponseValidator } from '../response-schema.js';
import { fromUnixMillis } from '../time.js';

export const CAS_ACTION = 'GetCAInstanceStatus';
export const CAS_VERSION = '2020-06-30';

/** One element of InstanceStatusList (cloud-apis.md §3.4). */
interface InstanceStatus {
  InstanceId: string;
  Type?: Field<string>;
  Status?: Field<string>;
  CertTotalCount?: Field<number>;
  CertIssuedCount?: Field<number>;
  BeforeTime?: Field<number>;
  AfterTime?: Field<number>;
  Identifier?: Field<string>;
  UseExpireTime?: Field<number>;
}

/**
 * The list must be an array and every element must carry its InstanceId: the id is how the
 * element for a resource is chosen, and an element that cannot be attributed cannot be trusted.
 */
const SCHEMA = {
  type: 'object',
  required: ['InstanceStatusList'],
  properties: {
    InstanceStatusList: {
      type: 'array',
      items: {
        type: 'object',
        required: ['InstanceId'],
        properties: {
          InstanceId: { type: 'string' },
          Type: nullableString,
          Status: nullableString,
          CertTotalCount: nullableInteger,
          CertIssuedCount: nullableInteger,
          BeforeTime: nullableInteger,
          AfterTime: nullableInteger,
          Identifier: nullableString,
          UseExpireTime: nullableInteger,
        },
      },
    },
  },
} as const;

/** The validator for a GetCAInstanceStatus body (shared with discovery, which lists the same body). */
export function createCaInstanceStatusValidator(): ResponseValidator {
  return createResponseValidator(CAS_ACTION, SCHEMA);
}

/** The InstanceStatusList of a body that passed the validator. */
export function instanceStatusList(body: JsonObject): JsonObject[] {
  return body['InstanceStatusList'] as JsonObject[];
}

function normalizeInstanceStatus(element: InstanceStatus): JsonObject {
  return attributes([
    ['status', mapField(element.Status, (s) => s)],
    ['ca_type', mapField(element.Type, (s) => s)],
    ['certificates_total', mapField(element.CertTotalCount, counter)],
    ['certificates_issued', mapField(element.CertIssuedCount, counter)],
    ['certificates_remaining', remaining(element.CertTotalCount, element.CertIssuedCount)],
    // Present only for USED/REVOKE; for BUY/REFUND they are absent and so stay unknown.
    ['certificate_expires_at', mapField(element.AfterTime, fromUnixMillis)],
    ['certificate_not_before', mapField(element.BeforeTime, fromUnixMillis)],
    ['identifier', mapField(element.Identifier, (s) => s)],
    ['instance_expires_at', mapField(element.UseExpireTime, fromUnixMillis)],
  ]);
}

/** `alicloud_cas_private_ca`: one GetCAInstanceStatus call per CA instance (`InstanceId`). */
export function createAlicloudCasPrivateCaDefinition(): ResourceTypeDefinition {
  const validate = createCaInstanceStatusValidator();
  return {
    spec: catalogSpec('alicloud_cas_private_ca'),
    api: { product: 'cas', action: CAS_ACTION, version: CAS_VERSION, defaultQps: 10 },
    call(resource: ResourceConfig, provider: ProviderConfig): ApiCall {
      if (resource.instanceId === undefined || resource.instanceId === '') {
        throw invalidRequest(
          'DW_INSTANCE_ID_REQUIRED',
          `${resource.address}: cas ${CAS_ACTION} needs an instance_id`,
          'Set instance_id on the resource (the console shows it, e.g. instance_id: cas-member-0hmi1234).',
        );
      }
      const base = {
        cloud: 'alicloud',
        product: 'cas',
        action: CAS_ACTION,
        version: CAS_VERSION,
        params: { InstanceId: resource.instanceId },
      } as const;
      // The provider's region chooses the CAS host — cas.aliyuncs.com, or cas.<region>.aliyuncs.com for
      // the international regions (cloud-apis.md §2.1, endpoints.ts); validation requires it. A
      // resource-level region is not allowed: a CA belongs to the account its provider names.
      return provider.region === undefined || provider.region === '' ? base : { ...base, region: provider.region };
    },
    normalize(response: ApiResponse, resource: ResourceConfig): Normalized {
      validate(response.body, response.requestId);
      const list = instanceStatusList(response.body);
      const matches = list.filter((e) => e['InstanceId'] === resource.instanceId);
      // Asked at the host of the provider's region, a list without this id proves absence (absence.ts).
      if (matches.length === 0) return { status: 'absent' };
      if (matches.length > 1) {
        throw invalidResponse(CAS_ACTION, `InstanceStatusList has ${matches.length} elements for ${resource.instanceId}`, response.requestId);
      }
      const element = matches[0] as JsonObject;
      return { status: 'ok', attributes: normalizeInstanceStatus(element as unknown as InstanceStatus), raw: element };
    },
  };
}
