import type { Cloud, ResourceTypeName } from '../model/resource-types.js';
import type { ResourceType } from '../resources/define.js';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';
import { cloudAdapter } from './clouds.js';
import { createResponseValidator, invalidRequest, invalidResponse } from './response-schema.js';
import type { ApiResponse, Normalized, Product, ResourceTypeDefinition } from './types.js';

/**
 * The resource types as the engine calls them: each is derived from its declaration under
 * src/resources/<type>/ (request, response schema, normalizer), so adding a type touches no file
 * here. Creating the definitions is cheap: each compiles its response schema only when it first
 * normalizes a response.
 */
export function createDefinition(type: ResourceType): ResourceTypeDefinition {
  const { declaration } = type;
  const action = declaration.api.action;
  const validate = createResponseValidator(action, type.responseSchema);
  return {
    spec: type.spec,
    api: declaration.api,
    call(resource, provider) {
      const call = declaration.request(resource, provider);
      if ('problem' in call) throw invalidRequest(call.problem.code, call.problem.message, call.problem.hint);
      return call;
    },
    normalize(response: ApiResponse, resource): Normalized {
      validate(response.body, response.requestId);
      const reading = type.read(response.body, resource);
      if (reading.status === 'invalid') throw invalidResponse(action, reading.message, response.requestId);
      return reading;
    },
  };
}

export function createResourceTypeDefinitions(registry: TypeRegistry = BUILTIN_TYPES): readonly ResourceTypeDefinition[] {
  return registry.types.map(createDefinition);
}

export const RESOURCE_TYPE_DEFINITIONS: readonly ResourceTypeDefinition[] = Object.freeze(createResourceTypeDefinitions());

/** The lookup the engine's plan and observe steps take, for a registry. */
export type DefinitionLookup = (type: string) => ResourceTypeDefinition | undefined;

export function definitionLookup(registry: TypeRegistry): DefinitionLookup {
  if (registry === BUILTIN_TYPES) return definitionFor;
  const byType = new Map<string, ResourceTypeDefinition>(createResourceTypeDefinitions(registry).map((d) => [d.spec.name, d]));
  return (type) => byType.get(type);
}

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

/** APIs called outside the resource types' own calls (discovery for `import`), with their default rate. */
function discoveryApis(
  registry: TypeRegistry = BUILTIN_TYPES,
): readonly { readonly product: Product; readonly action: string; readonly version: string; readonly defaultQps: number }[] {
  return registry.types.flatMap((t) => {
    const discovery = t.declaration.import.discovery;
    return discovery.kind === 'listed' && discovery.list.api.action !== t.declaration.api.action ? [discovery.list.api] : [];
  });
}

const DISCOVERY_APIS = Object.freeze(discoveryApis());

/**
 * The documented requests-per-second of an API, to seed its token bucket; undefined for an API
 * driftwatch does not call. (KMS exists on both clouds, so the cloud-specific action name decides.)
 * Given the cloud, STS calls get the cloud adapter's STS pace.
 */
export function defaultQpsFor(product: Product, action: string, cloud?: Cloud, registry: TypeRegistry = BUILTIN_TYPES): number | undefined {
  const apis =
    registry === BUILTIN_TYPES
      ? [...RESOURCE_TYPE_DEFINITIONS.map((d) => d.api), ...DISCOVERY_APIS]
      : [...registry.types.map((t) => t.declaration.api), ...discoveryApis(registry)];
  for (const api of apis) {
    if (api.product === product && api.action === action) return api.defaultQps;
  }
  if (product === 'sts' && cloud !== undefined) return cloudAdapter(cloud).rateLimits.stsQps;
  return undefined;
}
