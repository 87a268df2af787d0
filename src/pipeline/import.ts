import { readdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { RunContext } from './context.js';
import { credentialResolver, createRunExecutor } from './executor.js';
import { loadState } from './load.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { RemoteError, UsageError } from '../model/errors.js';
import type { DesiredState, ProviderConfig, ResourceConfig } from '../model/desired-state.js';
import type { ResourceTypeName, ResourceTypeSpec } from '../model/resource-types.js';
import { BUILTIN_TYPES, resourceType } from '../resources/registry.js';
import type { ResourceType } from '../resources/define.js';
import { didYouMean } from '../util/did-you-mean.js';
import { renderImportYaml } from '../engine/import-yaml.js';
import { observe } from '../engine/observe.js';
import { planCalls } from '../engine/plan-calls.js';
import type { ImportObservation } from '../engine/import-yaml.js';
import { definitionFor } from '../providers/registry.js';
import { discoverResources } from '../providers/discovery.js';
import { resolveEndpoint } from '../providers/endpoints.js';
import { ApiError } from '../providers/types.js';

const NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** What `import` is asked to read and where its YAML goes (cli/commands/import.ts maps the flags onto it). */
export interface ImportRequest {
  readonly type: ResourceTypeName;
  /** `--provider`: a provider of the configuration at `paths`, or `<cloud>[.<alias>]` made from the flags below. */
  readonly provider: string;
  /** The configuration that declares the provider; none when the flags describe it. */
  readonly paths: readonly string[];
  /** `--site`, as written (checked only when the flags describe the provider). */
  readonly site?: string | undefined;
  readonly regions: readonly string[];
  readonly instanceIds: readonly string[];
  readonly endpoint?: string | undefined;
  /** `--output`, as written (relative to the working directory). */
  readonly output?: string | undefined;
}

/** What was read and where it went, for the CLI to report. */
export type ImportOutcome = {
  readonly imported: number;
  /** Resources that could not be read and were left out (exit 3). */
  readonly unreadable: number;
  /** The output joins a directory that is already a configuration: resources only were written. */
  readonly into: boolean;
} & ({ readonly yaml: string } | { readonly writtenTo: string });

/** The provider to read with: one from the configuration at PATH, or one made from the flags. */
async function chooseProvider(ctx: RunContext, request: ImportRequest): Promise<ProviderConfig> {
  const { provider: ref, type } = request;
  const cloud = (resourceType(type) as ResourceTypeSpec).cloud;
  if (request.paths.length > 0) {
    const state = await loadState(ctx, request.paths);
    const provider = state.providers.find((p) => p.ref === ref);
    if (!provider) {
      const suggestion = didYouMean(ref, state.providers.map((p) => p.ref));
      throw new UsageError(`import: no provider ${ref} in the configuration${suggestion ? `; did you mean ${suggestion}?` : ''}`);
    }
    if (provider.cloud !== cloud) throw new UsageError(`import: ${type} is a ${cloud} type, but ${ref} is a ${provider.cloud} provider`);
    return provider;
  }
  const [refCloud, alias = 'default', ...rest] = ref.split('.');
  if (refCloud !== cloud || rest.length > 0 || !NAME.test(alias)) {
    throw new UsageError(`import: --provider ${ref} does not fit ${type}`, `Without a configuration PATH, use --provider ${cloud} or ${cloud}.<alias>.`);
  }
  const site = request.site ?? 'china';
  if (site !== 'china' && site !== 'intl') throw new UsageError(`import: --site must be china or intl, got '${site}'`);
  const region = request.regions[0];
  return {
    cloud,
    alias,
    ref: `${cloud}.${alias}`,
    site,
    credentials: { kind: 'chain' },
    rateLimits: {},
    location: { file: '<command line>', line: 1, column: 1 },
    ...(region ? { region } : {}),
  };
}

/**
 * `import`: reads what is live through the same plan → observe path as `check`, and composes
 * desired-state YAML with today's values as expectations, written to `--output` or returned.
 */
export async function runImport(ctx: RunContext, request: ImportRequest): Promise<ImportOutcome> {
  const typeName = request.type;
  const provider = await chooseProvider(ctx, request);
  const endpointOverride = request.endpoint;
  const executor = createRunExecutor({
    resolveCredentials: credentialResolver(ctx),
    redactor: ctx.redactor,
    ...(endpointOverride ? { endpoint: endpointOverride } : {}),
  });
  try {
    const type = BUILTIN_TYPES.get(typeName) as ResourceType;
    const choice = { regions: request.regions, instanceIds: request.instanceIds };
    const resources = await discoverResources(executor.execute, provider, type, choice, { signal: ctx.signal });
    // The same plan → observe path as `check`: paced, concurrent, one observation per resource.
    const state = { files: [], providers: [provider], resources, policies: [], waivers: [] };
    const observed = await observe(planCalls(state, definitionFor), { execute: executor.execute, definitionFor, now: ctx.now, signal: ctx.signal });
    const byAddress = new Map(resources.map((r) => [r.address, r]));
    const observations: ImportObservation[] = [];
    const unreadable: string[] = [];
    for (const o of observed) {
      const resource = byAddress.get(o.address) as ResourceConfig;
      if (o.status === 'ok') {
        observations.push({
          type: resource.type,
          name: resource.name,
          attributes: o.attributes,
          ...(resource.region ? { region: resource.region } : {}),
          ...(resource.instanceId ? { instanceId: resource.instanceId } : {}),
        });
      } else if (o.status === 'error' && o.error) {
        // One unreadable resource must not hide the others; it is left out, named, and the exit code says so.
        unreadable.push(resource.name);
        ctx.stderr.write(`warning: ${o.address} left out: ${o.error.code}: ${o.error.message}\n`);
      }
    }
    if (resources.length > 0 && unreadable.length === resources.length) {
      throw new RemoteError(`import: none of the ${resources.length} ${typeName} resources could be read`, 'Check the provider\'s credentials and permissions.');
    }
    const api = definitionFor(typeName).api;
    const endpoint =
      endpointOverride ??
      provider.endpoint ??
      resolveEndpoint({ cloud: provider.cloud, product: api.product, region: provider.region, site: provider.site }).toString();
    // An account of a fanned-out provider becomes a provider of its own (`org[123]` is not a YAML name).
    const alias = provider.account !== undefined ? provider.alias.replace(/\[(.*)\]$/, '-$1') : provider.alias;
    const written = { ...provider, alias, ref: `${provider.cloud}.${alias}` };
    const output = request.output;
    const existing = output ? await existingConfiguration(ctx, resolve(ctx.cwd, output)) : undefined;
    let fresh = observations;
    if (existing) {
      fresh = observations.filter((o) => {
        const declared = existing.resources.find((r) => sameInstance(r, o, provider, existing, type));
        if (declared) ctx.stderr.write(`skipped ${typeName} ${o.instanceId ?? o.region ?? o.name}: already declared as ${declared.address} (${declared.location.file}:${declared.location.line})\n`);
        return !declared;
      });
    }
    const takenNames = new Map<string, Set<string>>();
    for (const r of existing?.resources ?? []) takenNames.set(r.type, new Set([...(takenNames.get(r.type) ?? []), r.name]));
    const yaml = renderImportYaml({
      provider: written,
      observations: fresh,
      readAt: ctx.now().toISOString(),
      endpoint,
      ...(existing ? { into: { providerDeclared: existing.providers.some((p) => p.ref === written.ref), takenNames } } : {}),
    });
    const outcome = { imported: fresh.length, unreadable: unreadable.length, into: existing !== undefined };
    if (!output) return { ...outcome, yaml };
    await writeFileAtomic(resolve(ctx.cwd, output), yaml, ctx.tempFiles);
    return { ...outcome, writtenTo: output };
  } catch (error) {
    if (error instanceof ApiError) {
      throw new RemoteError(`import: reading ${typeName} from ${provider.ref} failed: ${error.code}: ${error.message}`, error.hint ?? 'Check the provider\'s credentials and region.');
    }
    throw error;
  } finally {
    await executor.close();
  }
}

/**
 * The configuration the output file joins, when `--output` points into a directory that already
 * holds configuration files (the file itself excluded): its version and providers must not be
 * repeated, and what it declares must not be imported twice.
 */
async function existingConfiguration(ctx: RunContext, output: string): Promise<DesiredState | undefined> {
  const dir = dirname(output);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const others = names.filter((n) => /\.ya?ml$/.test(n) && n !== basename(output) && !/\.test\.ya?ml$/.test(n)).map((n) => resolve(dir, n));
  if (others.length === 0) return undefined;
  return loadState(ctx, others);
}

/** Whether a declared resource is the same cloud instance as an imported one (same account, type and identity). */
function sameInstance(declared: ResourceConfig, imported: ImportObservation, provider: ProviderConfig, state: DesiredState, type: ResourceType): boolean {
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
