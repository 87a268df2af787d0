import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RunContext } from './context.js';
import type { RunRequest } from './request.js';
import { staticKeyId } from './executor.js';
import { loadConfig } from '../config/load-config.js';
import { didYouMean } from '../util/did-you-mean.js';
import type { DesiredState } from '../model/desired-state.js';
import type { ShardInfo } from '../model/run-result.js';
import { configDigest, selectShard } from '../engine/shard.js';
import type { ShardSpec } from '../engine/shard.js';
import { ConfigError, IoError, UsageError } from '../model/errors.js';
import { formatDiagnostic } from '../model/location.js';
import { credentialValues } from '../model/credential-env.js';

/** The first stages of a run: load the configuration, then select what this run checks. */

/** Loads and validates the configuration; warnings go to stderr, errors throw a ConfigError. */
export async function loadState(ctx: RunContext, paths: readonly string[]): Promise<DesiredState> {
  const loaded = await loadConfig(paths, { cwd: ctx.cwd, env: ctx.env });
  if (loaded.diagnostics.some((d) => d.severity === 'error')) throw new ConfigError(loaded.diagnostics);
  for (const warning of loaded.diagnostics) ctx.stderr.write(`${formatDiagnostic(warning)}\n`);
  // Variables a provider names as its credential source hold secrets whatever they are called.
  const named = loaded.state.providers.flatMap((p) =>
    p.credentials.kind === 'env' ? [p.credentials.id, p.credentials.secret, p.credentials.token] : [],
  );
  for (const value of credentialValues(
    ctx.env,
    named.filter((n): n is string => n !== undefined),
  ))
    ctx.redactor.add(value);
  // A robot's URL carries its access token; both it and the signing secret are secrets.
  for (const target of loaded.state.notify ?? []) for (const secret of [target.url, target.secret]) if (secret) ctx.redactor.add(secret);
  return loaded.state;
}

/** Checks `--target`s and returns the addresses they name; an address as written names all its fan-out expansions. */
function checkTargets(state: DesiredState, targets: readonly string[]): string[] {
  const known = state.resources.map((r) => r.address);
  const addresses = new Set(known);
  const out: string[] = [];
  for (const target of targets) {
    const group = state.resources.filter((r) => r.group === target).map((r) => r.address);
    out.push(...(group.length > 0 ? group : [target]));
    if (!addresses.has(target) && group.length === 0) {
      const suggestion = didYouMean(target, known);
      throw new UsageError(
        `--target: no resource ${target} in the configuration${suggestion ? `; did you mean ${suggestion}?` : ''}`,
        `Addresses look like <type>.<name>, e.g. ${known[0] ?? 'tencentcloud_kms_service.prod'}.`,
      );
    }
  }
  return out;
}

/** A configuration or policy file as the evidence bundle, the shard digest and the history record hold it. */
export async function readConfigFile(ctx: RunContext, path: string, display: string): Promise<{ path: string; content: string }> {
  try {
    return { path: display, content: await readFile(resolve(ctx.cwd, path), 'utf8') };
  } catch (error) {
    // Read again after loading: a file removed or made unreadable mid-run.
    throw new IoError(`cannot read ${display} again after loading it`, undefined, { cause: error });
  }
}

/** This shard's part of the configuration: its accounts' providers and resources, and their waivers. */
async function shardOf(ctx: RunContext, state: DesiredState, spec: ShardSpec): Promise<{ state: DesiredState; info: ShardInfo }> {
  const selection = selectShard(state, spec, staticKeyId(ctx));
  const files = await Promise.all([
    ...state.files.map((file) => readConfigFile(ctx, file, file)),
    ...state.policies.map((p) => readConfigFile(ctx, p.path, p.ref)),
  ]);
  return {
    state: {
      ...state,
      resources: state.resources.filter((r) => selection.addresses.has(r.address)),
      waivers: state.waivers.filter((w) => selection.addresses.has(w.resource)),
    },
    info: { index: spec.index, count: spec.count, accounts: selection.accounts, config_digest: configDigest(files) },
  };
}

/** What this run checks of the configuration. */
export interface Selection {
  readonly state: DesiredState;
  /** The addresses `--target` names; undefined checks every resource of `state`. */
  readonly targets?: ReadonlySet<string>;
  readonly shard?: ShardInfo;
}

/** `--target` and `--shard` applied to the loaded configuration; a run that selects nothing is refused unless `--allow-empty`. */
export async function selectResources(ctx: RunContext, loaded: DesiredState, options: RunRequest): Promise<Selection> {
  const named = checkTargets(loaded, options.targets);
  const sharded = options.shard ? await shardOf(ctx, loaded, options.shard) : undefined;
  const state = sharded?.state ?? loaded;
  const targets = named.length > 0 ? new Set(named) : undefined;
  const selected = targets ? targets.size : loaded.resources.length;
  if (selected === 0 && !options.allowEmpty) {
    throw new UsageError(
      `the configuration at ${options.paths.join(', ')} selects no resources, so nothing would be checked`,
      'Declare resources (see `driftwatch init`), check the PATH, or pass --allow-empty if an empty run is intended.',
    );
  }
  return { state, ...(targets ? { targets } : {}), ...(sharded ? { shard: sharded.info } : {}) };
}
