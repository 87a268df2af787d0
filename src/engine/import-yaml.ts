import { cloudIdentity } from '../model/clouds.js';
import { Document, YAMLMap } from 'yaml';
import type { CredentialSource, ProviderConfig } from '../model/desired-state.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { BUILTIN_TYPES, attributeSpec } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';
import type { AttributeSpec, ResourceTypeName } from '../model/resource-types.js';

/**
 * `driftwatch import`: turns what is live into a desired-state file a team can review and commit.
 * Pure: the caller reads the status and writes the text.
 */

export interface ImportObservation {
  readonly type: ResourceTypeName;
  /** Resource name (the part after `<type>.` in the address). */
  readonly name: string;
  readonly instanceId?: string;
  readonly region?: string;
  /** Normalized attributes as observed. */
  readonly attributes: JsonObject;
  /** The provider reference the resource is written with; default the first of `providers`. */
  readonly provider?: string;
  /** A fanned-out provider's account (`account:`), when the resource is written on the provider as declared. */
  readonly account?: string;
}

export interface ImportYamlInput {
  /** The provider blocks to write: every provider read that the configuration joined does not declare. */
  readonly providers: readonly ProviderConfig[];
  /** The provider references read, for the header (default: those of `providers`). */
  readonly readFrom?: readonly string[];
  readonly observations: readonly ImportObservation[];
  /** When the status was read (ISO-8601). */
  readonly readAt: string;
  /** Where it was read from (base URLs, no credentials). */
  readonly endpoint: string;
  /** `$schema` for editors, relative to the written file; defaults to DEFAULT_SCHEMA_REF. */
  readonly schemaRef?: string;
  /**
   * Writing into an existing configuration directory: no `version` (one file has it already), and
   * these resource names of each type are taken (a new resource never reuses one).
   */
  readonly into?: { readonly takenNames: ReadonlyMap<string, ReadonlySet<string>> };
  /**
   * The resource types (default: the built-in ones). Which attributes of a type become
   * expectations is its declaration's `import.expect` (src/resources/<type>/index.ts).
   */
  readonly types?: TypeRegistry;
}

/** Where the schema is when driftwatch is a dependency of the project the file is written into. */
export const DEFAULT_SCHEMA_REF = './node_modules/driftwatch/schemas/driftwatch.schema.json';

/** The window written for every expiry: renewals are usually due a month ahead. */
const EXPIRY_WINDOW = '30d';
const EXPIRY_WINDOW_MS = 30 * 86_400_000;

/**
 * Whether an observed value can be written as an expectation: known (not null), of the
 * attribute's kind, and for an enumeration one of its documented values — an undocumented raw
 * value would make the expectation unknown on every run.
 */
function usable(spec: AttributeSpec, value: JsonValue | undefined): value is string | number | boolean {
  if (value === undefined || value === null) return false;
  switch (spec.kind) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'timestamp':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'string':
      return typeof value === 'string' && (spec.values === undefined || spec.values.includes(value));
  }
}

/** The `credentials:` value that names `source` (undefined: the default chain, written as nothing). */
function credentialsValue(source: CredentialSource): JsonValue | undefined {
  switch (source.kind) {
    case 'chain':
      return undefined;
    case 'profile':
      return { profile: source.profile };
    case 'env': {
      const names: Record<string, string> = {};
      if (source.id !== undefined) names['id'] = source.id;
      if (source.secret !== undefined) names['secret'] = source.secret;
      if (source.token !== undefined) names['token'] = source.token;
      return Object.keys(names).length === 0 ? 'env' : { env: names };
    }
    case 'oidc':
      return 'oidc';
    case 'ecs_ram_role':
    case 'cvm_role':
      return source.roleName === undefined ? source.kind : { [source.kind]: source.roleName };
    case 'assume_role':
      return {
        assume_role: {
          role_arn: source.roleArn,
          ...(source.sessionName !== undefined ? { session_name: source.sessionName } : {}),
          ...(source.externalId !== undefined ? { external_id: source.externalId } : {}),
          ...(source.durationSeconds !== undefined ? { duration: source.durationSeconds } : {}),
          source: credentialsValue(source.source) ?? 'chain',
        },
      };
  }
}

function credentialsNode(doc: Document, source: CredentialSource): unknown {
  const value = credentialsValue(source);
  return value === undefined || typeof value === 'string' ? value : doc.createNode(value);
}

function providerNode(doc: Document, provider: ProviderConfig): YAMLMap {
  const node = doc.createNode({}) as YAMLMap;
  if (provider.region !== undefined) node.set('region', provider.region);
  // The site is the default (china) unless stated; a cloud whose site picks the host has it written out.
  if (cloudIdentity(provider.cloud).sites || provider.site !== 'china') node.set('site', provider.site);
  const credentials = credentialsNode(doc, provider.credentials);
  if (credentials !== undefined) node.set('credentials', credentials);
  if (provider.endpoint !== undefined) node.set('endpoint', provider.endpoint);
  const limits = Object.keys(provider.rateLimits).sort();
  if (limits.length > 0) node.set('rate_limits', doc.createNode(Object.fromEntries(limits.map((k) => [k, provider.rateLimits[k]]))));
  return node;
}

function uniqueName(taken: Set<string>, name: string): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}-${i}`;
  taken.add(candidate);
  return candidate;
}

function expectNode(doc: Document, types: TypeRegistry, observation: ImportObservation, readAtMs: number): YAMLMap {
  const type = types.get(observation.type);
  const node = doc.createNode({}) as YAMLMap;
  if (!type) return node;
  const spec = type.spec;
  for (const { attribute, expiry } of type.declaration.import.expect) {
    const attr = attributeSpec(spec, attribute);
    const value = observation.attributes[attribute];
    if (!attr || !usable(attr, value)) continue;
    if (expiry && typeof value === 'string') {
      const window = doc.createNode({ not_within: EXPIRY_WINDOW }) as YAMLMap;
      window.flow = true;
      const soon = !Number.isNaN(readAtMs) && Date.parse(value) - readAtMs <= EXPIRY_WINDOW_MS;
      window.comment = soon ? ` read: ${value} (already within ${EXPIRY_WINDOW}: fails until renewed)` : ` read: ${value}`;
      node.set(attribute, window);
    } else {
      node.set(attribute, value);
    }
  }
  if (node.items.length === 0) {
    // Flow style puts the note on the same line (`expect: {} # …`) instead of under a lone `{}`.
    node.flow = true;
    node.comment = ' no stable attribute could be read; add expectations by hand';
  }
  return node;
}

function resourceNode(
  doc: Document,
  input: ImportYamlInput,
  types: TypeRegistry,
  observation: ImportObservation,
  readAtMs: number,
): YAMLMap {
  const spec = types.resourceType(observation.type);
  const ref = observation.provider ?? input.providers[0]?.ref ?? '';
  const node = doc.createNode({ provider: ref }) as YAMLMap;
  if (observation.account !== undefined) node.set('account', observation.account);
  if (observation.instanceId !== undefined) node.set('instance_id', observation.instanceId);
  // On a fanned-out provider a regional resource without `region` would expand to all its regions.
  const providerRegion = observation.account !== undefined ? undefined : input.providers.find((p) => p.ref === ref)?.region;
  if (spec?.regional && observation.region !== undefined && observation.region !== providerRegion) {
    node.set('region', observation.region);
  }
  node.set('expect', expectNode(doc, types, observation, readAtMs));
  return node;
}

/**
 * Desired-state YAML for what was observed: the provider block, one resource per observation with
 * its current settings as expectations and `not_within: 30d` on expiries, and comments recording
 * when and where the status was read. Resource types follow the catalog order; names keep the
 * input order (a repeated name gets `-2`, `-3`, …).
 */
export function renderImportYaml(input: ImportYamlInput): string {
  const doc = new Document(input.into ? {} : { version: 1 });
  const readFrom = input.readFrom ?? input.providers.map((p) => p.ref);
  const schemaRef = input.schemaRef ?? DEFAULT_SCHEMA_REF;
  doc.commentBefore = [
    ` yaml-language-server: $schema=${schemaRef}`,
    ' (the $schema path is relative to this file: point it at schemas/driftwatch.schema.json of the installed driftwatch)',
    '',
    ` Written by \`driftwatch import\` from provider${readFrom.length === 1 ? '' : 's'} ${readFrom.join(', ')},`,
    ` read at ${input.readAt} from ${input.endpoint}.`,
    ' Each expectation is the value read then, not a recommendation: review before committing.',
  ].join('\n');

  if (input.providers.length > 0) {
    const providers = doc.createNode({}) as YAMLMap;
    for (const provider of input.providers) {
      const existing = providers.get(provider.cloud);
      const cloudNode = existing instanceof YAMLMap ? existing : (doc.createNode({}) as YAMLMap);
      if (cloudNode !== existing) providers.set(provider.cloud, cloudNode);
      cloudNode.set(provider.alias, providerNode(doc, provider));
    }
    doc.set('providers', providers);
  }

  const readAtMs = Date.parse(input.readAt);
  const types = input.types ?? BUILTIN_TYPES;
  const resources = doc.createNode({}) as YAMLMap;
  for (const type of types.catalog) {
    const ofType = input.observations.filter((o) => o.type === type.name);
    if (ofType.length === 0) continue;
    const typeNode = doc.createNode({}) as YAMLMap;
    const taken = new Set<string>(input.into?.takenNames.get(type.name) ?? []);
    for (const observation of ofType) {
      typeNode.set(uniqueName(taken, observation.name), resourceNode(doc, input, types, observation, readAtMs));
    }
    resources.set(type.name, typeNode);
  }
  if (resources.items.length === 0) {
    resources.flow = true;
    resources.comment = ' nothing was found to import';
  }
  doc.set('resources', resources);
  return doc.toString({ lineWidth: 0 });
}
