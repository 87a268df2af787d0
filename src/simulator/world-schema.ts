/**
 * JSON Schema of the world file (design.md §7, a contract; documented in docs/simulator.md).
 * Vendor objects take the vendors' field names verbatim: the documented ones are type-checked
 * (a value may also be null, to simulate the "may return null" fields), any other PascalCase field
 * is passed through untouched (vendor docs drift, design.md §2), and a lower-case key that is not a
 * simulator key (`region`, `force_error`) is a typo and rejected.
 */
import type { Cloud } from '../model/resource-types.js';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';
import type { WorldDeclaration } from '../resources/world.js';
import { apiNames } from './apis.js';

type Schema = Record<string, unknown>;

const forcedError: Schema = {
  description: 'A vendor error code to answer with instead of the resource, or { code, message, http_status }.',
  oneOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      additionalProperties: false,
      required: ['code'],
      properties: {
        code: { type: 'string', minLength: 1 },
        message: { type: 'string' },
        // 200: Alibaba's error-in-a-200 answer; 4xx/5xx: the status (for Tencent, a gateway status with Response.Error).
        http_status: { type: 'integer', minimum: 200, maximum: 599, not: { minimum: 201, maximum: 399 } },
      },
    },
  ],
};

/** Shared pieces are referenced, not inlined, so that ajv compiles each once (startup time). */
const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });

/** A vendor object: documented fields typed, other PascalCase fields free, simulator keys listed. */
function vendorObject(fields: Schema, simulatorKeys: Schema = {}, required: string[] = []): Schema {
  return {
    type: 'object',
    properties: { ...fields, ...simulatorKeys, force_error: ref('forcedError') },
    patternProperties: { '^[A-Z]': {} },
    additionalProperties: false,
    required,
  };
}

/** A resource type's vendor object, from its world declaration (src/resources/<type>/index.ts). */
function typeObject(world: WorldDeclaration): Schema {
  return vendorObject({ ...world.fields }, { ...world.simulatorKeys }, [...(world.required ?? [])]);
}

/** Where a type's objects sit in an account: per region, one, or a list of instances. */
function accountProperty(world: WorldDeclaration): Schema {
  switch (world.shape) {
    case 'by-region':
      return { type: 'object', propertyNames: { pattern: '^[a-z0-9-]+$' }, additionalProperties: ref(world.definition) };
    case 'single':
      return ref(world.definition);
    case 'list':
      return { type: 'array', items: ref(world.definition) };
  }
}

function typeProperties(types: TypeRegistry, cloud: Cloud): Schema {
  return Object.fromEntries(
    types.types.filter((t) => t.spec.cloud === cloud).map((t) => [t.declaration.world.key, accountProperty(t.declaration.world)]),
  );
}

function accountErrors(names: readonly string[]): Schema {
  return {
    type: 'object',
    description: 'Forced errors per API for every call of this account.',
    propertyNames: { enum: [...names] },
    additionalProperties: ref('forcedError'),
  };
}

const role: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9.@_+=,-]{1,64}$' },
    trusted_accounts: {
      type: 'array',
      items: { type: 'string', pattern: '^[0-9]+$' },
      description: 'Account ids whose credentials may assume the role.',
    },
    oidc_providers: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description: 'OIDC provider ARNs / ids whose tokens the role accepts.',
    },
    external_id: { type: 'string', minLength: 1 },
    session_seconds: {
      type: 'integer',
      minimum: 1,
      maximum: 43200,
      description: 'Lifetime of the credentials it issues (caps the requested duration).',
    },
  },
};

const instanceRole: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['account', 'role'],
  properties: {
    account: { type: 'string', pattern: '^[0-9]+$', description: 'uid / uin of a world account.' },
    role: { type: 'string', pattern: '^[A-Za-z0-9.@_+=,-]{1,64}$' },
    session_seconds: { type: 'integer', minimum: 1, maximum: 43200 },
    require_token: { type: 'boolean', description: 'ECS hardened mode: reads need a metadata token.' },
  },
};

const common = (names: readonly string[]): Schema => ({
  name: { type: 'string', minLength: 1 },
  roles: { type: 'array', items: role },
  security_token: { type: 'string', minLength: 1 },
  errors: accountErrors(names),
});

const tencentAccount = (types: TypeRegistry, names: readonly string[]): Schema => ({
  type: 'object',
  additionalProperties: false,
  required: ['cloud', 'secret_id', 'secret_key'],
  properties: {
    cloud: { const: 'tencentcloud' },
    secret_id: { type: 'string', pattern: '^\\S+$' },
    secret_key: { type: 'string', minLength: 1 },
    uin: { type: 'string', pattern: '^[0-9]+$' },
    ...common(names),
    ...typeProperties(types, 'tencentcloud'),
  },
});

const alibabaAccount = (types: TypeRegistry, names: readonly string[]): Schema => ({
  type: 'object',
  additionalProperties: false,
  required: ['cloud', 'access_key_id', 'access_key_secret'],
  properties: {
    cloud: { const: 'alicloud' },
    access_key_id: { type: 'string', pattern: '^\\S+$' },
    access_key_secret: { type: 'string', minLength: 1 },
    uid: { type: 'string', pattern: '^[0-9]+$' },
    ...common(names),
    ...typeProperties(types, 'alicloud'),
  },
});

const rate: Schema = { type: 'number', minimum: 0, maximum: 1 };

/**
 * The world schema for a registry of resource types: each type adds its vendor object (a shared
 * definition) and its key in the accounts of its cloud.
 */
export function buildWorldSchema(types: TypeRegistry = BUILTIN_TYPES): Schema {
  const names = apiNames(types);
  const definitions: Schema = { forcedError };
  for (const t of types.types) definitions[t.declaration.world.definition] = typeObject(t.declaration.world);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'driftwatch simulator world',
    type: 'object',
    additionalProperties: false,
    required: ['accounts'],
    definitions,
    properties: {
      accounts: {
        type: 'array',
        items: {
          type: 'object',
          required: ['cloud'],
          properties: { cloud: { enum: ['tencentcloud', 'alicloud'] } },
          discriminator: { propertyName: 'cloud' },
          oneOf: [tencentAccount(types, names), alibabaAccount(types, names)],
        },
      },
      limits: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(names.map((name) => [name, { type: 'number', exclusiveMinimum: 0 }])),
      },
      rate_limit_window: {
        enum: ['token_bucket', 'fixed'],
        description:
          'How limits are metered: token_bucket (capacity = limit, refilled continuously; default) or fixed (at most limit per calendar second).',
      },
      faults: {
        type: 'object',
        additionalProperties: false,
        properties: {
          seed: { type: 'integer' },
          latency_ms: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'integer', minimum: 0, maximum: 600000 } },
          error_rate: rate,
          reset_rate: rate,
          hang_rate: rate,
          malformed_rate: rate,
          null_rate: rate,
          duplicate_rate: rate,
        },
      },
      clock: {
        type: 'object',
        additionalProperties: false,
        properties: { skew_seconds: { type: 'integer' } },
      },
      metadata: {
        type: 'object',
        additionalProperties: false,
        description: 'Instance metadata services: the role of the simulated ECS / CVM instance.',
        properties: { ecs_ram_role: instanceRole, cvm_role: instanceRole },
      },
      credentials_uri: {
        type: 'object',
        description: 'Alibaba credentials URIs (ALIBABA_CLOUD_CREDENTIALS_URI), served at /credentials-uri/<name>.',
        propertyNames: { pattern: '^[A-Za-z0-9_-]{1,64}$' },
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          required: ['account'],
          properties: {
            account: { type: 'string', pattern: '^[0-9]+$', description: 'uid of a world account: the credentials act in it.' },
            session_seconds: { type: 'integer', minimum: 1, maximum: 43200 },
            answer: {
              enum: ['session', 'keys'],
              description: "session (default): a new STS session per request; keys: the account's own keys and security_token.",
            },
          },
        },
      },
      cloud_sso: {
        type: 'object',
        additionalProperties: false,
        required: ['access_token', 'access_configurations'],
        description: 'Alibaba CloudSSO: POST /cloud-credentials with the sign-in access token as a bearer token.',
        properties: {
          access_token: { type: 'string', minLength: 1 },
          access_configurations: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            description: 'Access configuration ids it grants in every Alibaba account of the world.',
          },
          session_seconds: { type: 'integer', minimum: 1, maximum: 43200 },
        },
      },
    },
  };
}

export const WORLD_SCHEMA: Schema = buildWorldSchema();
