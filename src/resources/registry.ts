import type { AttributeSpec, ResourceTypeName, ResourceTypeSpec } from '../model/resource-types.js';
import type { ResourceType } from './define.js';
import { alicloudCasPrivateCa } from './alicloud-cas-private-ca/index.js';
import { alicloudKmsInstance } from './alicloud-kms-instance/index.js';
import { tencentcloudKmsService } from './tencentcloud-kms-service/index.js';
import { tencentcloudTcssSubscription } from './tencentcloud-tcss-subscription/index.js';

/**
 * The resource types driftwatch knows: one folder each under src/resources/, one line each here.
 * The registry test lists the folders and fails until every folder is registered with the same
 * file roles. Everything that needs the catalog takes a registry (the built-in one by default),
 * so a test can run a type that exists only in its fixtures.
 */
export interface TypeRegistry {
  /** The types, in catalog order. */
  readonly types: readonly ResourceType[];
  /** The catalog (design.md §2): the types' specs, in order. */
  readonly catalog: readonly ResourceTypeSpec[];
  /** Whether this is the built-in registry (the one the committed schema and validator were generated from). */
  readonly builtin: boolean;
  get(name: string): ResourceType | undefined;
  resourceType(name: string): ResourceTypeSpec | undefined;
  isResourceTypeName(name: string): name is ResourceTypeName;
  /** A new registry with these types after this one's (a type of the same name is refused). */
  with(...types: readonly ResourceType[]): TypeRegistry;
}

export function createTypeRegistry(types: readonly ResourceType[], builtin = false): TypeRegistry {
  const byName = new Map<string, ResourceType>();
  for (const type of types) {
    if (byName.has(type.spec.name)) throw new Error(`resource type ${type.spec.name} is registered twice`);
    byName.set(type.spec.name, type);
  }
  const catalog = Object.freeze(types.map((t) => t.spec));
  const registry: TypeRegistry = {
    types: Object.freeze([...types]),
    catalog,
    builtin,
    get: (name) => byName.get(name),
    resourceType: (name) => byName.get(name)?.spec,
    isResourceTypeName: (name): name is ResourceTypeName => byName.has(name),
    with: (...more) => createTypeRegistry([...types, ...more]),
  };
  return Object.freeze(registry);
}

/** The built-in resource types, in catalog order. */
export const BUILTIN_TYPES: TypeRegistry = createTypeRegistry(
  [tencentcloudKmsService, tencentcloudTcssSubscription, alicloudKmsInstance, alicloudCasPrivateCa],
  true,
);

/** The built-in catalog (design.md §2, a contract). */
export const RESOURCE_TYPES: readonly ResourceTypeSpec[] = BUILTIN_TYPES.catalog;

export function resourceType(name: string): ResourceTypeSpec | undefined {
  return BUILTIN_TYPES.resourceType(name);
}

export function isResourceTypeName(name: string): name is ResourceTypeName {
  return BUILTIN_TYPES.isResourceTypeName(name);
}

/** Attribute lookup in a type's catalog entry. */
export function attributeSpec(type: ResourceTypeSpec, attribute: string): AttributeSpec | undefined {
  // A loop rather than find(): this runs once per expectation of the configuration.
  for (const a of type.attributes) if (a.name === attribute) return a;
  return undefined;
}
