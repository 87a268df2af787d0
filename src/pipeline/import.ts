import { readdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { RunContext } from './context.js';
import { credentialResolver, createRunExecutor, staticKeyId } from './executor.js';
import { loadState } from './load.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { RemoteError, UsageError } from '../model/errors.js';
import type { DesiredState, ProviderConfig } from '../model/desired-state.js';
import type { ResourceTypeName } from '../model/resource-types.js';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { ResourceType } from '../resources/define.js';
import { renderImportYaml } from '../engine/import-yaml.js';
import { importProviders, importShard, planImportOutput, readForImport } from '../engine/import-accounts.js';
import type { ShardSpec } from '../engine/shard.js';
import { definitionFor } from '../providers/registry.js';
import { resolveEndpoint } from '../providers/endpoints.js';
import { ApiError } from '../providers/types.js';

const NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** What `import` is asked to read and where its YAML goes (cli/commands/import.ts maps the flags onto it). */
export interface ImportRequest {
  readonly type: ResourceTypeName;
  /**
   * `--provider` (repeatable): providers of the configuration at `paths` — a fanned-out provider by
   * its reference as declared stands for every account — or one `<cloud>[.<alias>]` made from the flags below.
   */
  readonly providers: readonly string[];
  /** The configuration that declares the providers; none when the flags describe one. */
  readonly paths: readonly string[];
  /** `--shard I/N`: only the accounts of that shard (the partition of plan/check; needs `paths`). */
  readonly shard?: ShardSpec | undefined;
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
  /** Resources (or accounts' listings) that could not be read and were left out (exit 3). */
  readonly unreadable: number;
  /** The output joins a directory that is already a configuration: resources only were written. */
  readonly into: boolean;
} & ({ readonly yaml: string } | { readonly writtenTo: string });

/** The providers to read: those the request names in the configuration at PATH, or one made from the flags. */
async function chooseProviders(
  ctx: RunContext,
  request: ImportRequest,
  type: ResourceType,
): Promise<{ providers: ProviderConfig[]; state?: DesiredState }> {
  if (request.paths.length > 0) {
    const state = await loadState(ctx, request.paths);
    return { providers: importProviders(state, request.providers, type), state };
  }
  const [ref = '', ...others] = request.providers;
  if (others.length > 0) throw new UsageError('import: several --provider need a configuration PATH that declares them');
  const cloud = type.spec.cloud;
  const [refCloud, alias = 'default', ...rest] = ref.split('.');
  if (refCloud !== cloud || rest.length > 0 || !NAME.test(alias)) {
    throw new UsageError(
      `import: --provider ${ref} does not fit ${type.spec.name}`,
      `Without a configuration PATH, use --provider ${cloud} or ${cloud}.<alias>.`,
    );
  }
  const site = request.site ?? 'china';
  if (site !== 'china' && site !== 'intl') throw new UsageError(`import: --site must be china or intl, got '${site}'`);
  const region = request.regions[0];
  return {
    providers: [
      {
        cloud,
        alias,
        ref: `${cloud}.${alias}`,
        site,
        credentials: { kind: 'chain' },
        rateLimits: {},
        location: { file: '<command line>', line: 1, column: 1 },
        ...(region ? { region } : {}),
      },
    ],
  };
}

/** `--shard I/N`: this shard's accounts of the providers chosen (engine/import-accounts.ts). */
function shardOfImport(
  ctx: RunContext,
  request: ImportRequest,
  chosen: { providers: ProviderConfig[]; state?: DesiredState },
): ProviderConfig[] {
  const spec = request.shard;
  if (spec === undefined) return chosen.providers;
  if (chosen.state === undefined)
    throw new UsageError('import: --shard needs a configuration PATH', 'Shards partition the accounts of a configuration; pass its path.');
  const shard = importShard(chosen.state, chosen.providers, spec, staticKeyId(ctx));
  const of = chosen.providers.length;
  ctx.stderr.write(`Shard ${spec.index}/${spec.count}: ${shard.providers.length} of ${of} provider${of === 1 ? '' : 's'} to read.\n`);
  return shard.providers;
}

/**
 * `import`: reads what is live — one provider, several, or every account of a fanned-out provider
 * (or this shard's accounts of them) — through the same plan → observe path as `check`, and
 * composes one desired-state file with today's values as expectations, written to `--output` or returned.
 */
export async function runImport(ctx: RunContext, request: ImportRequest): Promise<ImportOutcome> {
  const typeName = request.type;
  const type = BUILTIN_TYPES.get(typeName) as ResourceType;
  const chosen = await chooseProviders(ctx, request, type);
  const providers = shardOfImport(ctx, request, chosen);
  const endpointOverride = request.endpoint;
  const executor = createRunExecutor({
    resolveCredentials: credentialResolver(ctx),
    redactor: ctx.redactor,
    ...(endpointOverride ? { endpoint: endpointOverride } : {}),
  });
  try {
    const choice = { regions: request.regions, instanceIds: request.instanceIds };
    const reads = await readForImport(providers, type, choice, {
      execute: executor.execute,
      definitionFor,
      now: ctx.now,
      signal: ctx.signal,
    });
    let unreadable = 0;
    for (const read of reads) {
      if ('resource' in read) continue;
      // One unreadable resource (or account) must not hide the others; it is left out, named, and the exit code says so.
      unreadable += 1;
      ctx.stderr.write(`warning: ${read.address} left out: ${read.error.code}: ${read.error.message}\n`);
    }
    if (reads.length > 0 && unreadable === reads.length) {
      throw new RemoteError(
        `import: none of the ${reads.length} ${typeName} resources could be read`,
        "Check the provider's credentials and permissions.",
      );
    }
    const api = definitionFor(typeName).api;
    const endpoints = new Set(
      providers.map(
        (provider) =>
          endpointOverride ??
          provider.endpoint ??
          resolveEndpoint({ cloud: provider.cloud, product: api.product, region: provider.region, site: provider.site }).toString(),
      ),
    );
    const output = request.output;
    const existing = output ? await existingConfiguration(ctx, resolve(ctx.cwd, output)) : undefined;
    // Names carry their account whenever more than one provider was chosen, shard or not.
    const plan = planImportOutput(reads, type, existing, chosen.providers.length > 1);
    for (const { what, declared } of plan.skipped) {
      ctx.stderr.write(`skipped ${what}: already declared as ${declared.address} (${declared.location.file}:${declared.location.line})\n`);
    }
    const takenNames = new Map<string, Set<string>>();
    for (const r of existing?.resources ?? []) takenNames.set(r.type, new Set([...(takenNames.get(r.type) ?? []), r.name]));
    const yaml = renderImportYaml({
      providers: plan.providers,
      readFrom:
        providers.length === 0
          ? ['none (this shard holds none of the chosen accounts)']
          : providers.length > 3
            ? [`${providers.length} providers`]
            : providers.map((p) => p.ref),
      observations: plan.observations,
      readAt: ctx.now().toISOString(),
      endpoint: [...endpoints].join(', '),
      ...(existing ? { into: { takenNames } } : {}),
    });
    const outcome = { imported: plan.observations.length, unreadable, into: existing !== undefined };
    if (!output) return { ...outcome, yaml };
    await writeFileAtomic(resolve(ctx.cwd, output), yaml, ctx.tempFiles);
    return { ...outcome, writtenTo: output };
  } catch (error) {
    if (error instanceof ApiError) {
      const from = providers.map((p) => p.ref).join(', ');
      throw new RemoteError(
        `import: reading ${typeName} from ${from} failed: ${error.code}: ${error.message}`,
        error.hint ?? "Check the provider's credentials and region.",
      );
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
