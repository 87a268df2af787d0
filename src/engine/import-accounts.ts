import type { DesiredState, ProviderConfig, ResourceConfig } from '../model/desired-state.js';
import type { ObservationError } from '../model/observation.js';
import { UsageError } from '../model/errors.js';
import type { ResourceType } from '../resources/define.js';
import { didYouMean } from '../util/did-you-mean.js';
import { discoverResources } from '../providers/discovery.js';
import type { DiscoveryChoice } from '../providers/discovery.js';
import { ApiError } from '../providers/types.js';
import type { ExecuteCall } from '../providers/types.js';
import type { ImportObservation } from './import-yaml.js';
import { observe } from './observe.js';
import type { ObserveOptions } from './observe.js';
import { planCalls } from './plan-calls.js';
import { shardProviders } from './shard.js';
import type { ShardSpec } from './shard.js';

/**
 * `driftwatch import` over many accounts (issue 13): every account of a fanned-out provider, or
 * every provider named, read in one run into one configuration — or one shard of them
 * (`--shard I/N`, the same partition by account as `plan` and `check`). What is read is turned into
 * resources whose names carry their account, so the files several shards write into one
 * configuration directory load as one configuration without two resources sharing a name.
 */

/**
 * The providers `--provider` names in a configuration: a provider, or every account of a
 * fanned-out provider by the reference it was declared with (`alicloud.members`).
 */
export function importProviders(state: DesiredState, refs: readonly string[], type: ResourceType): ProviderConfig[] {
  const cloud = type.spec.cloud;
  const chosen = new Set<string>();
  for (const ref of refs) {
    const exact = state.providers.filter((p) => p.ref === ref);
    const members = exact.length > 0 ? exact : state.providers.filter((p) => p.group === ref);
    if (members.length === 0) {
      const known = [...new Set(state.providers.flatMap((p) => [p.group ?? p.ref]))];
      const suggestion = didYouMean(ref, known);
      throw new UsageError(`import: no provider ${ref} in the configuration${suggestion ? `; did you mean ${suggestion}?` : ''}`);
    }
    for (const p of members) {
      if (p.cloud !== cloud) throw new UsageError(`import: ${type.spec.name} is a ${cloud} type, but ${ref} is a ${p.cloud} provider`);
      chosen.add(p.ref);
    }
  }
  // Configuration order: the same providers in the same order, whatever order the flags came in.
  return state.providers.filter((p) => chosen.has(p.ref));
}

/**
 * The providers this shard reads: the partition is dealt over every provider of the
 * configuration, as `check --shard` deals it, so an account is imported by the shard that checks it.
 */
export function importShard(
  state: DesiredState,
  providers: readonly ProviderConfig[],
  spec: ShardSpec,
  keyIdOf: (provider: ProviderConfig) => string | undefined,
): { readonly providers: ProviderConfig[]; readonly accounts: readonly string[] } {
  const { refs, accounts } = shardProviders(state.providers, spec, keyIdOf);
  return { providers: providers.filter((p) => refs.has(p.ref)), accounts };
}

/** One resource read for import, or why it could not be. */
export type ImportRead =
  | { readonly provider: ProviderConfig; readonly resource: ResourceConfig; readonly attributes: ImportObservation['attributes'] }
  | { readonly provider: ProviderConfig; readonly address: string; readonly error: ObservationError };

export interface ImportReadOptions {
  readonly execute: ExecuteCall;
  readonly definitionFor: ObserveOptions['definitionFor'];
  readonly now: () => Date;
  readonly signal?: AbortSignal;
}

/**
 * Discovers and reads a type in every provider given: discovery per provider (one account's
 * failed listing leaves that account out, named, instead of ending the run for the others), then
 * the same plan → observe path as `check` over all of them at once — paced per account,
 * concurrent across accounts. With one provider, a failed listing is the run's failure, as before.
 */
export async function readForImport(
  providers: readonly ProviderConfig[],
  type: ResourceType,
  choice: DiscoveryChoice,
  options: ImportReadOptions,
): Promise<ImportRead[]> {
  const failed: ImportRead[] = [];
  const listed = await Promise.all(
    providers.map(async (provider) => {
      try {
        return await discoverResources(options.execute, provider, type, choice, options.signal ? { signal: options.signal } : {});
      } catch (error) {
        if (providers.length === 1 || !(error instanceof ApiError)) throw error;
        failed.push({ provider, address: `${type.spec.name} of ${provider.ref}`, error: error.toObservationError() });
        return [];
      }
    }),
  );
  // Discovery names resources per provider (`<type>.<region>`): the address carries the provider, so
  // two accounts' resources stay apart through planning and observing.
  const resources = listed.flat().map((r) => (providers.length > 1 ? { ...r, address: `${r.address}@${r.provider}` } : r));
  const state: DesiredState = { files: [], providers: [...providers], resources, policies: [], waivers: [] };
  const observed = await observe(planCalls(state, options.definitionFor), {
    execute: options.execute,
    definitionFor: options.definitionFor,
    now: options.now,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const byRef = new Map(providers.map((p) => [p.ref, p]));
  const reads: ImportRead[] = [];
  for (const o of observed) {
    const resource = byAddress.get(o.address);
    const provider = resource ? byRef.get(resource.provider) : undefined;
    if (resource === undefined || provider === undefined) continue;
    if (o.status === 'ok') reads.push({ provider, resource, attributes: o.attributes });
    else if (o.error)
      reads.push({
        provider,
        address: providers.length > 1 ? `${resource.type}.${resource.name} of ${provider.ref}` : o.address,
        error: o.error,
      });
  }
  // Listing failures sort with the account's other reads: the warnings come out in account order.
  const order = new Map(providers.map((p, i) => [p.ref, i]));
  return [...reads, ...failed].sort((a, b) => (order.get(a.provider.ref) ?? 0) - (order.get(b.provider.ref) ?? 0));
}

/** `org[123]` is not a YAML name: an account of a fanned-out provider written as a provider of its own is `org-123`. */
function writtenAlias(provider: ProviderConfig): string {
  return provider.account !== undefined ? provider.alias.replace(/\[(.*)\]$/, '-$1') : provider.alias;
}

/** A provider as written into a file of its own: a fanned-out provider's account becomes a provider with its own alias. */
function writtenProvider(provider: ProviderConfig): ProviderConfig {
  const alias = writtenAlias(provider);
  const { account: _account, group: _group, ...rest } = provider;
  return { ...rest, alias, ref: `${provider.cloud}.${alias}` };
}

export interface ImportPlan {
  /** Provider blocks the output declares (none for providers the configuration joined declares). */
  readonly providers: readonly ProviderConfig[];
  readonly observations: readonly ImportObservation[];
  /** Resources left out because the configuration joined declares them already: what, and where. */
  readonly skipped: readonly { readonly what: string; readonly declared: ResourceConfig }[];
}

/**
 * How what was read is written. Into a configuration that declares the provider (fanned out or
 * not), resources reference it as declared — an account of a fanned-out provider with `account:` —
 * and no provider block is repeated; otherwise each provider read gets a block of its own.
 * `qualify` (more than one provider selected) prefixes each name with its account (or alias), so
 * names never depend on which other accounts were read: a shard names a resource as the whole run does.
 */
export function planImportOutput(
  reads: readonly ImportRead[],
  type: ResourceType,
  existing: DesiredState | undefined,
  qualify: boolean,
): ImportPlan {
  const providers = new Map<string, ProviderConfig>();
  const observations: ImportObservation[] = [];
  const skipped: { what: string; declared: ResourceConfig }[] = [];
  for (const read of reads) {
    if (!('resource' in read)) continue;
    const { provider, resource } = read;
    const observation: ImportObservation = {
      type: resource.type,
      name: resource.name,
      attributes: read.attributes,
      ...(resource.region ? { region: resource.region } : {}),
      ...(resource.instanceId ? { instanceId: resource.instanceId } : {}),
    };
    const declared = existing?.resources.find((r) => sameInstance(r, observation, provider, existing, type));
    if (declared) {
      skipped.push({ what: `${type.spec.name} ${observation.instanceId ?? observation.region ?? observation.name}`, declared });
      continue;
    }
    const alias = writtenAlias(provider);
    // The account-level resource is named after its provider; every other one gets its provider's prefix.
    const name = resource.name === provider.alias ? alias : qualify ? `${alias}-${resource.name}` : resource.name;
    const written = writtenProvider(provider);
    if (existing?.providers.some((p) => p.ref === provider.ref)) {
      const account = provider.group !== undefined ? provider.account : undefined;
      observations.push({ ...observation, name, provider: provider.group ?? provider.ref, ...(account !== undefined ? { account } : {}) });
    } else {
      // A provider block an earlier import wrote for this account is used, not repeated.
      if (!existing?.providers.some((p) => p.ref === written.ref)) providers.set(written.ref, written);
      observations.push({ ...observation, name, provider: written.ref });
    }
  }
  return { providers: [...providers.values()], observations, skipped };
}

/** Whether a declared resource is the same cloud instance as an imported one (same account, type and identity). */
function sameInstance(
  declared: ResourceConfig,
  imported: ImportObservation,
  provider: ProviderConfig,
  state: DesiredState,
  type: ResourceType,
): boolean {
  if (declared.type !== imported.type) return false;
  const declaredProvider = state.providers.find((p) => p.ref === declared.provider);
  // Same account: the same provider reference, or one with the same cloud, site and credentials source.
  const sameAccount =
    declared.provider === provider.ref ||
    (declaredProvider !== undefined &&
      declaredProvider.cloud === provider.cloud &&
      declaredProvider.site === provider.site &&
      JSON.stringify(declaredProvider.credentials) === JSON.stringify(provider.credentials));
  if (!sameAccount) return false;
  if (imported.instanceId !== undefined) return declared.instanceId === imported.instanceId;
  if (type.declaration.import.identity === 'region') return (declared.region ?? declaredProvider?.region) === imported.region;
  return true;
}
