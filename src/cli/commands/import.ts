import { readdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { listFlag, stringFlag } from '../command.js';
import { writeFileAtomic } from '../atomic-write.js';
import { credentialContext, credentialResolver, loadState } from '../run-check.js';
import { STS_DEFAULT_QPS, staticKeyIdOf } from '../../providers/role-credentials.js';
import { parseEndpointFlag } from '../run-options.js';
import { RemoteError, UsageError } from '../../model/errors.js';
import type { DesiredState, ProviderConfig } from '../../model/desired-state.js';
import { BUILTIN_TYPES, RESOURCE_TYPES, isResourceTypeName } from '../../resources/registry.js';
import type { ResourceType } from '../../resources/define.js';
import { didYouMean } from '../../util/did-you-mean.js';
import { renderImportYaml } from '../../engine/import-yaml.js';
import { importProviders, importShard, planImportOutput, readForImport } from '../../engine/import-accounts.js';
import { parseShard } from '../../engine/shard.js';
import { createCallExecutor } from '../../providers/call-executor.js';
import { defaultQpsFor, definitionFor } from '../../providers/registry.js';
import { resolveEndpoint } from '../../providers/endpoints.js';
import { ApiError } from '../../providers/types.js';

const NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** The providers to read: those `--provider` names in the configuration at PATH, or one made from the flags. */
async function chooseProviders(ctx: CliContext, input: ParsedInput, type: ResourceType): Promise<{ providers: ProviderConfig[]; state?: DesiredState }> {
  const refs = listFlag(input, 'provider');
  if (refs.length === 0) throw new UsageError('import: --provider is required', 'e.g. --provider alicloud.prod (from the configuration at PATH) or --provider alicloud --region cn-hangzhou.');
  const cloud = type.spec.cloud;
  if (input.positionals.length > 0) {
    const state = await loadState(ctx, input.positionals);
    return { providers: importProviders(state, refs, type), state };
  }
  const [ref = '', ...others] = refs;
  if (others.length > 0) throw new UsageError('import: several --provider need a configuration PATH that declares them');
  const [refCloud, alias = 'default', ...rest] = ref.split('.');
  if (refCloud !== cloud || rest.length > 0 || !NAME.test(alias)) {
    throw new UsageError(`import: --provider ${ref} does not fit ${type.spec.name}`, `Without a configuration PATH, use --provider ${cloud} or ${cloud}.<alias>.`);
  }
  const site = stringFlag(input, 'site') ?? 'china';
  if (site !== 'china' && site !== 'intl') throw new UsageError(`import: --site must be china or intl, got '${site}'`);
  const region = listFlag(input, 'region')[0];
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
function shardOfImport(ctx: CliContext, input: ParsedInput, chosen: { providers: ProviderConfig[]; state?: DesiredState }): ProviderConfig[] {
  const text = stringFlag(input, 'shard');
  if (text === undefined) return chosen.providers;
  const spec = parseShard(text);
  if (typeof spec === 'string') throw new UsageError(`--shard: ${spec}`, 'Give the shard number and the number of shards, e.g. --shard 1/3.');
  if (chosen.state === undefined) throw new UsageError('import: --shard needs a configuration PATH', 'Shards partition the accounts of a configuration; pass its path.');
  const shard = importShard(chosen.state, chosen.providers, spec, staticKeyIdOf(credentialContext(ctx)));
  ctx.stderr.write(`Shard ${spec.index}/${spec.count}: ${shard.providers.length} of ${chosen.providers.length} provider${chosen.providers.length === 1 ? '' : 's'} to read.\n`);
  return shard.providers;
}

/** `import`: writes desired-state YAML from what is live, with today's values as expectations. */
export const importCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const typeName = stringFlag(input, 'type');
    const names = RESOURCE_TYPES.map((t) => t.name);
    if (!typeName || !isResourceTypeName(typeName)) {
      const suggestion = typeName ? didYouMean(typeName, names) : undefined;
      throw new UsageError(
        typeName ? `import: unknown resource type '${typeName}'${suggestion ? `; did you mean '${suggestion}'?` : ''}` : 'import: --type is required',
        `Expected one of: ${names.join(', ')}.`,
      );
    }
    const type = BUILTIN_TYPES.get(typeName) as ResourceType;
    const chosen = await chooseProviders(ctx, input, type);
    const providers = shardOfImport(ctx, input, chosen);
    const endpointOverride = parseEndpointFlag(stringFlag(input, 'endpoint'));
    const executor = createCallExecutor({
      resolveCredentials: credentialResolver(ctx),
      ...(endpointOverride ? { endpointOverride } : {}),
      defaultQps: (product, action) => defaultQpsFor(product, action) ?? (product === 'sts' ? STS_DEFAULT_QPS : 10),
      redactor: ctx.redactor,
    });
    try {
      const choice = { regions: listFlag(input, 'region'), instanceIds: listFlag(input, 'instance-id') };
      const reads = await readForImport(providers, type, choice, { execute: executor.execute, definitionFor, now: ctx.now, signal: ctx.signal });
      let unreadable = 0;
      for (const read of reads) {
        if ('resource' in read) continue;
        // One unreadable resource (or account) must not hide the others; it is left out, named, and the exit code says so.
        unreadable += 1;
        ctx.stderr.write(`warning: ${read.address} left out: ${read.error.code}: ${read.error.message}\n`);
      }
      if (reads.length > 0 && unreadable === reads.length) {
        throw new RemoteError(`import: none of the ${reads.length} ${typeName} resources could be read`, 'Check the provider\'s credentials and permissions.');
      }
      const api = definitionFor(typeName).api;
      const endpoints = [
        ...new Set(
          providers.map(
            (provider) =>
              endpointOverride ??
              provider.endpoint ??
              resolveEndpoint({ cloud: provider.cloud, product: api.product, region: provider.region, site: provider.site }).toString(),
          ),
        ),
      ];
      const output = stringFlag(input, 'output');
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
        readFrom: providers.length > 3 ? [`${providers.length} providers`] : providers.map((p) => p.ref),
        observations: plan.observations,
        readAt: ctx.now().toISOString(),
        endpoint: endpoints.join(', '),
        ...(existing ? { into: { takenNames } } : {}),
      });
      if (output) {
        await writeFileAtomic(resolve(ctx.cwd, output), yaml, ctx.tempFiles);
        const into = existing ? ' (resources only: the directory is a configuration)' : '';
        const count = plan.observations.length;
        ctx.stderr.write(`Imported ${count} ${typeName} resource${count === 1 ? '' : 's'} into ${output}${into}.\n`);
      } else {
        ctx.stdout.write(yaml);
      }
      return unreadable > 0 ? 3 : 0;
    } catch (error) {
      if (error instanceof ApiError) {
        const from = providers.map((p) => p.ref).join(', ');
        throw new RemoteError(`import: reading ${typeName} from ${from} failed: ${error.code}: ${error.message}`, error.hint ?? 'Check the provider\'s credentials and region.');
      }
      throw error;
    } finally {
      await executor.close();
    }
  },
};

/**
 * The configuration the output file joins, when `--output` points into a directory that already
 * holds configuration files (the file itself excluded): its version and providers must not be
 * repeated, and what it declares must not be imported twice.
 */
async function existingConfiguration(ctx: CliContext, output: string): Promise<DesiredState | undefined> {
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
