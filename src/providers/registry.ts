import type { Cloud, ResourceTypeName } from '../model/resource-types.js';
import { cloudAdapter } from './clouds.js';
import type { Product, ResourceTypeDefinition } from './types.js';
import { createTencentKmsServiceDefinition } from './tencentcloud/kms-service.js';
import { createTencentTcssSubscriptionDefinition } from './tencentcloud/tcss-subscription.js';
import { createAlicloudKmsInstanceDefinition } from './alicloud/kms-instance.js';
import { createAlicloudCasPrivateCaDefinition } from './alicloud/cas-private-ca.js';

/**
 * Every resource type driftwatch can observe. Adding a type means a catalog entry in
 * src/model/resource-types.ts, one file under src/providers/<cloud>/, and a line here; the
 * registry test fails until all three agree. Creating the definitions is cheap: each compiles its
 * response schema only when it first normalizes a response.
 */
export function createResourceTypeDefinitions(): readonly ResourceTypeDefinition[] {
  return [
    createTencentKmsServiceDefinition(),
    createTencentTcssSubscriptionDefinition(),
    createAlicloudKmsInstanceDefinition(),
    createAlicloudCasPrivateCaDefinition(),
  ];
}

export const RESOURCE_TYPE_DEFINITIONS: readonly ResourceTypeDefinition[] = Object.freeze(createResourceTypeDefinitions());

const BY_TYPE: ReadonlyMap<string, ResourceTypeDefinition> = new Map(RESOURCE_TYPE_DEFINITIONS.map((d) => [d.spec.name, d]));

/**
 * The definition of a resource type. A catalog name always has one (the registry test proves it);
 * any other string gives undefined.
 */
export function definitionFor(type: ResourceTypeName): ResourceTypeDefinition;
export function definitionFor(type: string): ResourceTypeDefinition | undefined;
export function definitionFor(type: string): ResourceTypeDefinition | undefined {
  return BY_TYPE.get(type);
}

/**
 * APIs called outside the resource types (discovery for `import`), with their default rate. The
 * seed does not state ListKmsInstances' quota; 10/s is the KMS instance-management bucket
 * (cloud-apis.md §5.1), the same as GetKmsInstance.
 */
export const DISCOVERY_APIS: readonly { readonly product: Product; readonly action: string; readonly version: string; readonly defaultQps: number }[] = [
  { product: 'kms', action: 'ListKmsInstances', version: '2016-01-20', defaultQps: 10 },
];

/**
 * The documented requests-per-second of an API, to seed its token bucket; undefined for an API
 * driftwatch does not call. (KMS exists on both clouds, so the cloud-specific action name decides.)
 * Given the cloud, STS calls get the cloud adapter's STS pace.
 */
export function defaultQpsFor(product: Product, action: string, cloud?: Cloud): number | undefined {
  for (const api of [...RESOURCE_TYPE_DEFINITIONS.map((d) => d.api), ...DISCOVERY_APIS]) {
    if (api.product === product && api.action === action) return api.defaultQps;
  }
  if (product === 'sts' && cloud !== undefined) return cloudAdapter(cloud).rateLimits.stsQps;
  return undefined;
}
