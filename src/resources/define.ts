import type { ProviderConfig, ResourceConfig } from '../model/desired-state.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { Cloud, ResourceTypeName, ResourceTypeSpec } from '../model/resource-types.js';
import type { ApiCall, ApiSpec, RequestProblem } from './api.js';
import { attributes, withoutRequestId } from './convert.js';
import type { AttributeDeclaration, ConvertContext, VendorBody, VendorFields } from './field.js';
import type { WorldDeclaration } from './world.js';

/**
 * A resource type as one declaration (Renovate's datasource folders are the model): everything
 * driftwatch knows about a type is in its folder under src/resources/, and the catalog, the ajv
 * response schema, the normalizer, absence, import and the simulator's world section are derived
 * here from that declaration instead of being written again elsewhere.
 */

/** Where in a success body the resource's own object is. */
export type BodyShape =
  /** The body is the object (Tencent's `Response`); the evidence is the body without RequestId. */
  | { readonly kind: 'root' }
  /** `body[key]` is the object; an empty or missing `id` field is the API's way of saying "gone". */
  | { readonly kind: 'object'; readonly key: string; readonly id: string }
  /** `body[key]` lists objects; the one whose `id` is the resource's instance_id is it, none = gone. */
  | { readonly kind: 'list'; readonly key: string; readonly id: string };

/** How driftwatch may decide that an instance of the type does not exist (README, design.md §12). */
export type AbsenceProof =
  /** An error answer with exactly this vendor code. */
  | { readonly answer: 'error'; readonly code: string; readonly why: string }
  /** A success body of a documented shape (decided by the body shape above). */
  | { readonly answer: 'success'; readonly body: string; readonly why: string };

/**
 * A listing API that names the instances of an account, for `import`. Pure: providers/discovery.ts
 * sends the calls and pages.
 */
export interface InstanceList {
  readonly api: ApiSpec;
  /** The ajv schema of one page (only what `read` needs). */
  readonly schema: JsonObject;
  /** Pages of this size until the total is reached; absent: one call lists everything. */
  readonly pageSize?: number;
  call(provider: ProviderConfig, region: string | undefined, page: number): ApiCall;
  /** The ids of a validated page, with the total and the page size the server used when it pages. */
  read(body: JsonObject): { readonly ids: readonly string[]; readonly total?: number; readonly pageSize?: number };
}

/** How `import` finds the instances to write out. */
export type Discovery =
  /** One resource per region (`--region`, repeatable, else the provider's), named after the region. */
  | { readonly kind: 'per-region' }
  /** One resource for the account, named after the provider alias. */
  | { readonly kind: 'account' }
  /**
   * The instances a listing API names: in each region when `perRegion`, else once (then the
   * provider's region is required, `needsRegion` says why); `--instance-id` may name them by hand.
   */
  | {
      readonly kind: 'listed';
      readonly list: InstanceList;
      readonly perRegion: boolean;
      readonly needsRegion?: string;
      readonly idsByHand: boolean;
    };

export interface ImportDeclaration {
  /**
   * Which attributes become expectations: settings and states a team decides on, never counters
   * that change daily; an expiry becomes a `not_within` window rather than today's date.
   */
  readonly expect: readonly { readonly attribute: string; readonly expiry?: true }[];
  readonly discovery: Discovery;
  /** Whether the same instance is already declared: by instance_id, by region, or one per account. */
  readonly identity: 'instance_id' | 'region' | 'account';
}

export interface ResourceTypeDeclaration<F extends VendorFields = VendorFields> {
  readonly name: ResourceTypeName;
  readonly cloud: Cloud;
  readonly description: string;
  /** Configuration fields that identify the instance (e.g. `instance_id`); all required. */
  readonly identifiers: readonly string[];
  /** Whether the resource may name a region of its own (overriding the provider's). */
  readonly regional: boolean;
  readonly api: ApiSpec;
  /** The call for one configured resource, or why none can be made. */
  request(resource: ResourceConfig, provider: ProviderConfig): ApiCall | RequestProblem;
  readonly body: BodyShape;
  readonly fields: F;
  readonly attributes: readonly AttributeDeclaration<F>[];
  /** Empty: the resource is account-level and can never be absent. */
  readonly absence: readonly AbsenceProof[];
  readonly import: ImportDeclaration;
  readonly world: WorldDeclaration;
}

/** A success body read for one resource; `invalid` carries the sentence after "<Action> response: ". */
export type BodyReading =
  | { readonly status: 'ok'; readonly attributes: JsonObject; readonly raw: JsonObject }
  | { readonly status: 'absent' }
  | { readonly status: 'invalid'; readonly message: string };

/** A declaration as the rest of driftwatch sees it: the attributes' readers stay inside the type. */
export type DeclaredType = Omit<ResourceTypeDeclaration, 'fields' | 'attributes'> & {
  readonly fields: VendorFields;
  readonly attributes: readonly Pick<AttributeDeclaration, 'spec' | 'unit' | 'reads'>[];
};

/** A declaration with what is derived from it. */
export interface ResourceType {
  readonly declaration: DeclaredType;
  /** The catalog entry (design.md §2). */
  readonly spec: ResourceTypeSpec;
  /** The ajv schema of a success body: only the fields read, unknown fields pass, nulls pass where declared. */
  readonly responseSchema: JsonObject;
  /** Reads a body that passed `responseSchema` for one resource. */
  read(body: JsonObject, resource: ResourceConfig): BodyReading;
}

class InvalidField extends Error {}

function objectSchema(fields: VendorFields): JsonObject {
  const required = Object.entries(fields)
    .filter(([, f]) => f.required)
    .map(([name]) => name);
  const properties: JsonObject = {};
  for (const [name, field] of Object.entries(fields)) properties[name] = field.schema;
  return required.length > 0 ? { type: 'object', required, properties } : { type: 'object', properties };
}

/** The ajv schema of a success body of this shape with these fields. */
export function responseSchema(body: BodyShape, fields: VendorFields): JsonObject {
  const inner = objectSchema(fields);
  switch (body.kind) {
    case 'root':
      return inner;
    case 'object':
      return { type: 'object', required: [body.key], properties: { [body.key]: inner } };
    case 'list':
      return { type: 'object', required: [body.key], properties: { [body.key]: { type: 'array', items: inner } } };
  }
}

export function defineResourceType<F extends VendorFields>(declaration: ResourceTypeDeclaration<F>): ResourceType {
  const { name, cloud, description, identifiers, regional } = declaration;
  const spec: ResourceTypeSpec = { name, cloud, description, identifiers, regional, attributes: declaration.attributes.map((a) => a.spec) };
  const normalize = (object: JsonObject, path: string): JsonObject => {
    const context = (field: string): ConvertContext => ({
      invalid(message: string): never {
        throw new InvalidField(`field ${path}${field} ${message}`);
      },
    });
    const body = object as VendorBody<F>;
    return attributes(declaration.attributes.map((a) => [a.spec.name, a.read(body, context)] as const));
  };
  const reading = (object: JsonObject, path: string, raw: JsonObject): BodyReading => {
    try {
      return { status: 'ok', attributes: normalize(object, path), raw };
    } catch (error) {
      if (error instanceof InvalidField) return { status: 'invalid', message: error.message };
      throw error;
    }
  };
  return {
    declaration,
    spec,
    responseSchema: responseSchema(declaration.body, declaration.fields),
    read(body, resource) {
      const shape = declaration.body;
      switch (shape.kind) {
        case 'root':
          return reading(body, '', withoutRequestId(body));
        case 'object': {
          const object = body[shape.key] as JsonObject;
          const id = object[shape.id];
          // terraform-provider-alicloud's rule: a success body with no id means the instance is gone.
          if (id === undefined || id === null || id === '') return { status: 'absent' };
          if (resource.instanceId !== undefined && id !== resource.instanceId) {
            // Evaluating another instance's status against this resource could pass for the wrong reason.
            return { status: 'invalid', message: `answered for instance ${id as string}, not ${resource.instanceId}` };
          }
          return reading(object, `${shape.key}.`, object);
        }
        case 'list': {
          const list = body[shape.key] as JsonObject[];
          const matches = list.filter((e) => e[shape.id] === resource.instanceId);
          // Asked where the instance lives, a list without its id proves absence (see `absence`).
          if (matches.length === 0) return { status: 'absent' };
          if (matches.length > 1) {
            return { status: 'invalid', message: `${shape.key} has ${matches.length} elements for ${String(resource.instanceId)}` };
          }
          const element = matches[0] as JsonObject;
          return reading(element, `${shape.key}[${list.indexOf(element)}].`, element);
        }
      }
    },
  };
}

/** A JSON value's elements that are objects (a validated list). */
export function objects(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value) ? value.filter((v): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)) : [];
}
