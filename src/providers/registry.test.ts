import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../model/json.js';
import { RESOURCE_TYPES } from '../resources/registry.js';
import type { ResourceTypeName, ResourceTypeSpec } from '../model/resource-types.js';
import { RESOURCE_TYPE_DEFINITIONS, createResourceTypeDefinitions, defaultQpsFor, definitionFor } from './registry.js';
import { ApiError } from './types.js';
import { apiResponse, fixtureResponse, resourceConfig } from '../../test/fixtures/responses/index.js';
import type { FixtureName } from '../../test/fixtures/responses/index.js';

describe('registry', () => {
  it('registers exactly the catalog types, in catalog order', () => {
    expect(RESOURCE_TYPE_DEFINITIONS.map((d) => d.spec.name)).toEqual(RESOURCE_TYPES.map((t) => t.name));
    for (const type of RESOURCE_TYPES) {
      expect(definitionFor(type.name).spec).toBe(type);
    }
    expect(definitionFor('tencentcloud_kms')).toBeUndefined();
    expect(definitionFor('__proto__')).toBeUndefined();
  });

  // That every type folder under src/resources/ is registered is proven in src/resources/registry.test.ts.

  it('creates independent definitions (no shared mutable state between registries)', () => {
    const a = createResourceTypeDefinitions();
    const b = createResourceTypeDefinitions();
    expect(a[0]).not.toBe(b[0]);
    expect(a.map((d) => d.spec)).toEqual(b.map((d) => d.spec));
  });
});

/** Where each vendor example lives and which instance it describes. */
const EXAMPLES: readonly { type: ResourceTypeName; fixture: FixtureName; instanceId?: string }[] = [
  { type: 'tencentcloud_kms_service', fixture: 'tencentcloud-kms-get-service-status' },
  { type: 'tencentcloud_tcss_subscription', fixture: 'tencentcloud-tcss-describe-purchase-state-info-intl' },
  { type: 'tencentcloud_tcss_subscription', fixture: 'tencentcloud-tcss-describe-purchase-state-info-china' },
  { type: 'alicloud_kms_instance', fixture: 'alicloud-kms-get-kms-instance', instanceId: 'kst-bjj62f5ba3dnpb6v8****' },
  { type: 'alicloud_cas_private_ca', fixture: 'alicloud-cas-get-ca-instance-status', instanceId: 'cas-member-0hmi****' },
];

/** Every attribute is in the catalog and of its kind (or null = unknown). */
function assertAttributeKinds(spec: ResourceTypeSpec, attributes: JsonObject): void {
  for (const [name, value] of Object.entries(attributes)) {
    const attr = spec.attributes.find((a) => a.name === name);
    expect(attr, `${spec.name}.${name} is not in the catalog`).toBeDefined();
    if (!attr || value === null) continue;
    switch (attr.kind) {
      case 'string':
        expect(typeof value, `${spec.name}.${name}`).toBe('string');
        break;
      case 'integer':
        expect(Number.isInteger(value), `${spec.name}.${name}`).toBe(true);
        break;
      case 'boolean':
        expect(typeof value, `${spec.name}.${name}`).toBe('boolean');
        break;
      case 'timestamp':
        expect(
          typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value),
          `${spec.name}.${name}=${JSON.stringify(value)}`,
        ).toBe(true);
        expect(new Date(value as string).toISOString()).toBe(value);
        break;
    }
  }
}

type Path = readonly (string | number)[];

function paths(value: JsonValue, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i], ...paths(v, [...prefix, i]));
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push([...prefix, k], ...paths(v, [...prefix, k]));
  }
  return out;
}

interface Mutation {
  readonly at: number;
  readonly op: 'delete' | 'null' | 'replace';
  readonly value: JsonValue;
}

function mutate(body: JsonObject, mutations: readonly Mutation[]): JsonObject {
  const copy = structuredClone(body);
  for (const m of mutations) {
    const all = paths(copy);
    if (all.length === 0) break;
    const path = all[m.at % all.length] as Path;
    let parent: JsonValue = copy;
    for (const seg of path.slice(0, -1)) parent = (parent as Record<string | number, JsonValue>)[seg] as JsonValue;
    const key = path[path.length - 1] as string | number;
    const container = parent as Record<string | number, JsonValue>;
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete container[key];
    } else {
      container[key] = m.op === 'null' ? null : m.value;
    }
  }
  return copy;
}

const mutationArb = fc.array(
  fc.record({
    at: fc.nat(),
    op: fc.constantFrom<Mutation['op']>('delete', 'null', 'replace'),
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>,
      fc.constantFrom<JsonValue>('', 'xx', '10', 1.5, -1, 0, 1e20, true, [], {}),
    ),
  }),
  { minLength: 1, maxLength: 4 },
);

describe('normalizers against mutated vendor examples (seeded)', () => {
  for (const example of EXAMPLES) {
    it(`${example.fixture}: only ok/absent with well-kinded attributes, or an invalid_response ApiError`, () => {
      const definition = definitionFor(example.type);
      const resource = resourceConfig(example.type, example.instanceId ? { instanceId: example.instanceId } : {});
      const original = fixtureResponse(example.fixture);
      let rejected = 0;
      fc.assert(
        fc.property(mutationArb, (mutations) => {
          const body = mutate(original.body, mutations);
          let result;
          try {
            result = definition.normalize(apiResponse(body), resource);
          } catch (e) {
            expect(e).toBeInstanceOf(ApiError);
            expect((e as ApiError).kind).toBe('invalid_response');
            expect((e as ApiError).code).toBe('DW_INVALID_RESPONSE');
            expect((e as ApiError).retryable).toBe(false);
            rejected++;
            return;
          }
          if (result.status === 'ok') assertAttributeKinds(definition.spec, result.attributes);
        }),
        { seed: 424242, numRuns: 400 },
      );
      // The mutations must exercise both outcomes, or the property says little.
      expect(rejected).toBeGreaterThan(0);
      expect(rejected).toBeLessThan(400);
    });
  }

  it('the unmutated examples normalize to well-kinded attributes', () => {
    for (const example of EXAMPLES) {
      const definition = definitionFor(example.type);
      const resource = resourceConfig(example.type, example.instanceId ? { instanceId: example.instanceId } : {});
      const result = definition.normalize(fixtureResponse(example.fixture), resource);
      expect(result.status).toBe('ok');
      if (result.status === 'ok') assertAttributeKinds(definition.spec, result.attributes);
    }
  });

  it('a non-object body is an invalid_response, not a crash', () => {
    for (const definition of RESOURCE_TYPE_DEFINITIONS) {
      const resource = resourceConfig(definition.spec.name, { instanceId: 'x' });
      for (const body of [null, [], 'text', 42] as JsonValue[]) {
        let error: unknown;
        try {
          definition.normalize(apiResponse(body as JsonObject), resource);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).kind).toBe('invalid_response');
      }
    }
  });
});

describe('defaultQpsFor', () => {
  it('gives the documented rate of every API driftwatch calls', () => {
    expect(defaultQpsFor('kms', 'GetServiceStatus')).toBe(100);
    expect(defaultQpsFor('tcss', 'DescribePurchaseStateInfo')).toBe(20);
    expect(defaultQpsFor('kms', 'GetKmsInstance')).toBe(10);
    expect(defaultQpsFor('cas', 'GetCAInstanceStatus')).toBe(10);
    expect(defaultQpsFor('kms', 'ListKmsInstances')).toBe(10);
    expect(defaultQpsFor('tcss', 'GetServiceStatus')).toBeUndefined();
    expect(defaultQpsFor('kms', 'Encrypt')).toBeUndefined();
  });
});
