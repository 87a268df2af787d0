import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { relative, resolve } from 'node:path';
import type { CliContext } from './context.js';
import type { RunOptions } from './run-options.js';
import { DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_RUN_TIMEOUT_MS } from './run-options.js';
import { removeStaleTemps, writeFileAtomic } from './atomic-write.js';
import { toolVersion } from './version.js';
import { loadConfig } from '../config/load-config.js';
import { didYouMean } from '../util/did-you-mean.js';
import type { DesiredState, ProviderConfig } from '../model/desired-state.js';
import type { ShardInfo } from '../model/run-result.js';
import { configDigest, selectShard } from '../engine/shard.js';
import type { ShardSpec } from '../engine/shard.js';
import { RoleCredentialsError, isRolePlan } from '../providers/credential-plan.js';
import { ConfigError, CredentialsError, InterruptedError, IoError, UsageError } from '../model/errors.js';
import { formatDiagnostic } from '../model/location.js';
import { credentialValues } from '../model/credential-env.js';
import type { Observation, RawExchange } from '../model/observation.js';
import type { RunResult } from '../model/run-result.js';
import { planCalls } from '../engine/plan-calls.js';
import { observe } from '../engine/observe.js';
import { evaluate } from '../engine/evaluate.js';
import { loadCompareBase, loadHeadPacks } from './compare-base.js';
import { compare } from '../compare/compare.js';
import { openNightly } from './nightly.js';
import { createSnapshot, parseSnapshot, serializeSnapshot } from '../engine/snapshot.js';
import { readTrustedSnapshot, resolveSnapshotTrust, signSnapshot } from './snapshot-trust.js';
import type { SnapshotInfo } from '../model/run-result.js';
import { REPORTERS } from '../report/index.js';
import type { ReportOptions, Reporter } from '../report/index.js';
import { loadPolicyChecks } from '../policy/policy-checks.js';
import { defaultQpsFor, definitionFor } from '../providers/registry.js';
import { createCallExecutor } from '../providers/call-executor.js';
import { STS_DEFAULT_QPS, createRoleResolver, planSource } from '../providers/role-credentials.js';
import type { ResolveCredentials } from '../providers/role-credentials.js';
import { startProgress } from '../ui/progress.js';
import type { SigningKey } from '../report/evidence/signing.js';
import type { FrameworkName } from '../report/controls.js';
import type { ProgressEvent, ProgressMode } from '../ui/progress.js';
import type { CallEvent, CallExecutor } from '../providers/call-executor.js';
import type { Progress } from '../ui/progress.js';

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Resolves a provider's credentials from its `credentials:` source: the vendor's chain, profiles of
 * every mode, assumed roles, instance roles and OIDC (role-credentials.ts). The call executor asks on
 * each call and registers the secrets (and their encoded spellings) with the redactor before the
 * first request; temporary credentials are cached and refreshed by the resolver.
 */
export function credentialResolver(ctx: CliContext): ResolveCredentials {
  const chainCtx = { env: ctx.env, homeDir: ctx.env.HOME ?? homedir(), readFile: readOptional };
  return createRoleResolver({ ctx: chainCtx, now: () => Date.now() });
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

/** Key id of long-lived keys a provider would use, read locally (for the shard partition); undefined when not static. */
function staticKeyId(ctx: CliContext): (provider: ProviderConfig) => string | undefined {
  const chainCtx = { env: ctx.env, homeDir: ctx.env.HOME ?? homedir(), readFile: readOptional };
  return (provider) => {
    try {
      const plan = planSource(provider.cloud, provider.credentials, chainCtx, provider.ref);
      return isRolePlan(plan) ? undefined : plan.id;
    } catch {
      // Unusable credentials make the provider's resources unknown in whichever shard they land.
      return undefined;
    }
  };
}

/** This shard's part of the configuration: its accounts' providers and resources, and their waivers. */
async function shardOf(ctx: CliContext, state: DesiredState, spec: ShardSpec): Promise<{ state: DesiredState; info: ShardInfo }> {
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

const PROGRESS_EVENTS: Readonly<Record<CallEvent['type'], ProgressEvent | undefined>> = {
  start: undefined,
  success: 'done',
  failure: 'failed',
  retry: 'retry',
  throttled: 'throttled',
};

/** One line per call event for `--debug` (the redactor still scrubs it on the way out). */
function describeCallEvent(event: CallEvent): string {
  const head = `${event.provider} ${event.api} ${event.type}`;
  switch (event.type) {
    case 'start':
      return head;
    case 'success':
      return `${head} after ${event.attempts} attempt(s), request id ${event.requestId ?? 'none'}`;
    case 'retry':
      return `${head} #${event.attempt} in ${Math.round(event.delayMs)} ms after ${event.error.code}: ${event.error.message}`;
    case 'throttled':
      return `${head} on attempt ${event.attempt}: ${event.error.code}`;
    case 'failure':
      return `${head} after ${event.attempts} attempt(s): ${event.error.code}: ${event.error.message} (request id ${event.error.request_id ?? 'none'})`;
  }
}

function progressMode(ctx: CliContext, options: RunOptions): ProgressMode {
  if (!options.progress || options.format !== 'text') return 'off';
  return ctx.stderr.isTTY ? 'tty' : ctx.env.CI ? 'plain' : 'off';
}

async function observeLive(
  ctx: CliContext,
  state: DesiredState,
  options: RunOptions,
  targets: ReadonlySet<string> | undefined,
  exchanges: Map<string, RawExchange[]>,
): Promise<Observation[]> {
  const plan = planCalls(state, definitionFor, targets);
  const totals = new Map<string, number>();
  for (const call of plan.calls) totals.set(call.provider.ref, (totals.get(call.provider.ref) ?? 0) + 1);
  const attemptTimeout = (provider: ProviderConfig): number => options.attemptTimeoutMs ?? provider.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const longestAttempt = Math.max(DEFAULT_ATTEMPT_TIMEOUT_MS, ...state.providers.map(attemptTimeout));
  let progress: Progress | undefined;
  const executor = createCallExecutor({
    resolveCredentials: credentialResolver(ctx),
    ...(options.endpoint ? { endpointOverride: options.endpoint } : {}),
    attemptTimeoutMs: attemptTimeout,
    deadlineAt: Date.now() + (options.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS),
    // undici's own header/body timeouts must not cut an attempt shorter than its --timeout.
    http: { headersTimeoutMs: longestAttempt, bodyTimeoutMs: longestAttempt },
    defaultQps: (product, action) => defaultQpsFor(product, action) ?? (product === 'sts' ? STS_DEFAULT_QPS : 10),
    redactor: ctx.redactor,
    onEvent: (event) => {
      const mapped = PROGRESS_EVENTS[event.type];
      if (mapped) progress?.record(event.provider, mapped);
      if (ctx.debug) ctx.stderr.write(`debug: ${describeCallEvent(event)}\n`);
    },
  });
  try {
    await requireCredentials(executor, plan.calls.map((c) => c.provider));
    progress = await startProgress(progressMode(ctx, options), totals, process.stderr);
    return await observe(plan, {
      execute: executor.execute,
      definitionFor,
      now: ctx.now,
      signal: ctx.signal,
      onExchange: (addresses, exchange) => {
        for (const address of addresses) exchanges.set(address, [...(exchanges.get(address) ?? []), exchange]);
      },
    });
  } finally {
    await executor.close();
    await progress?.stop();
  }
}

/** The evidence signing key when one is configured, else undefined (for signing snapshots). */
async function optionalSigningKey(ctx: CliContext): Promise<SigningKey | undefined> {
  const signing = await import('../report/evidence/signing.js');
  if (!Object.values(signing.SIGNING_KEY_ENV).some((name) => (ctx.env[name] ?? '') !== '')) return undefined;
  return signing.loadSigningKey(ctx.env, { cwd: ctx.cwd, redactor: ctx.redactor });
}

/**
 * Every provider the run calls must have credentials before the first request: a missing or
 * half-set key is a broken setup (exit 1), not a resource that could not be verified (exit 3).
 */
async function requireCredentials(executor: CallExecutor, providers: readonly ProviderConfig[]): Promise<void> {
  const unique = [...new Map(providers.map((p) => [p.ref, p])).values()];
  const failures: string[] = [];
  const hints = new Set<string>();
  for (const provider of unique) {
    try {
      await executor.credentials(provider);
    } catch (error) {
      // A role that STS or the metadata service refused leaves only that provider's resources unknown (issue 13).
      if (error instanceof RoleCredentialsError) continue;
      failures.push(`${provider.ref}: ${error instanceof Error ? error.message : String(error)}`);
      if (error instanceof CredentialsError && error.hint) hints.add(error.hint);
    }
  }
  if (failures.length > 0) {
    throw new CredentialsError(
      `no usable credentials for ${failures.length === 1 ? 'provider' : 'providers'} ${failures.join('; ')}`,
      [...hints].join(' ') || 'Set the vendor\'s environment variables or profile file, or name a source with credentials: in the provider block.',
    );
  }
}

/**
 * Error kinds that mean the keys themselves were refused: an unknown or disabled key id (`auth`),
 * a secret that does not belong to the id (`signature`), none at all (`credentials`). The whole
 * provider is unusable; a permission denied on one resource (`permission`) stays that resource's unknown.
 */
const UNUSABLE_CREDENTIAL_KINDS: ReadonlySet<string> = new Set(['auth', 'signature', 'credentials']);

/**
 * A provider whose every resource was refused for its keys is a broken setup, not resources that
 * could not be verified: the run ends with exit 1. One refused call beside an answer or a
 * transient failure is that resource's unknown (the keys may be fine). The reports are still
 * written, with those resources unknown, so the nightly job shows what was affected.
 */
function unusableCredentials(observations: readonly Observation[], state: DesiredState): CredentialsError | undefined {
  const providerOf = new Map(state.resources.map((r) => [r.address, r.provider]));
  const refused = new Map<string, string>();
  const otherwise = new Set<string>();
  for (const o of observations) {
    const provider = providerOf.get(o.address) ?? o.address;
    if (o.error && UNUSABLE_CREDENTIAL_KINDS.has(o.error.kind)) {
      if (!refused.has(provider)) refused.set(provider, `${o.error.code}: ${o.error.message}`);
    } else {
      otherwise.add(provider);
    }
  }
  const broken = [...refused].filter(([provider]) => !otherwise.has(provider));
  if (broken.length === 0) return undefined;
  return new CredentialsError(
    `the cloud refused the credentials of ${broken.map(([p, why]) => `${p} (${why})`).join('; ')}; the report shows its resources as unknown`,
    'Check that the key id and secret belong together and are active (and that the clock is right); then run again.',
  );
}

/** Loads and validates the configuration; warnings go to stderr, errors throw a ConfigError. */
export async function loadState(ctx: CliContext, paths: readonly string[]): Promise<DesiredState> {
  const loaded = await loadConfig(paths, { cwd: ctx.cwd, env: ctx.env });
  if (loaded.diagnostics.some((d) => d.severity === 'error')) throw new ConfigError(loaded.diagnostics);
  for (const warning of loaded.diagnostics) ctx.stderr.write(`${formatDiagnostic(warning)}\n`);
  // Variables a provider names as its credential source hold secrets whatever they are called.
  const named = loaded.state.providers.flatMap((p) => (p.credentials.kind === 'env' ? [p.credentials.id, p.credentials.secret, p.credentials.token] : []));
  for (const value of credentialValues(ctx.env, named.filter((n): n is string => n !== undefined))) ctx.redactor.add(value);
  // A robot's URL carries its access token; both it and the signing secret are secrets.
  for (const target of loaded.state.notify ?? []) for (const secret of [target.url, target.secret]) if (secret) ctx.redactor.add(secret);
  return loaded.state;
}

/** A report as redacted pieces: whole for most formats, per resource for JSON (results can exceed one string). */
function* redactedChunks(ctx: CliContext, reporter: Reporter, result: RunResult, options: ReportOptions): Generator<string> {
  const chunks = reporter.renderChunks ? reporter.renderChunks(result, options) : [reporter.render(result, options)];
  for (const chunk of chunks) yield ctx.redactor.redact(chunk);
}

async function readConfigFile(ctx: CliContext, path: string, display: string): Promise<{ path: string; content: string }> {
  try {
    return { path: display, content: await readFile(resolve(ctx.cwd, path), 'utf8') };
  } catch (error) {
    throw new IoError(`cannot read ${display} for the evidence bundle`, undefined, { cause: error });
  }
}

/** The audit-evidence bundle: what was evaluated, what was seen, what was concluded, signed. */
async function writeEvidence(
  ctx: CliContext,
  dir: string,
  run: { state: DesiredState; result: RunResult; observations: readonly Observation[]; exchanges: ReadonlyMap<string, RawExchange[]>; signingKey: SigningKey; force: boolean },
  version: string,
  framework: FrameworkName | undefined,
): Promise<void> {
  const frameworkOption = framework ? { framework } : {};
  const { writeEvidenceBundle } = await import('../report/evidence/bundle.js');
  await removeStaleTemps(dir);
  const configFiles = await Promise.all(run.state.files.map((file) => readConfigFile(ctx, file, file)));
  const policyFiles = await Promise.all(
    run.state.policies.map((p) =>
      readConfigFile(ctx, p.path, p.ref.startsWith('builtin:') ? `builtin/${p.ref.slice('builtin:'.length)}.yaml` : relative(ctx.cwd, p.path)),
    ),
  );
  const written = await writeEvidenceBundle(dir, {
    result: run.result,
    observations: run.observations,
    exchanges: Object.fromEntries(run.exchanges),
    configFiles,
    policyFiles,
    reports: { text: REPORTERS.text.render(run.result, { color: false, ...frameworkOption }), json: REPORTERS.json.render(run.result, { color: false, ...frameworkOption }) },
    ...frameworkOption,
    toolVersion: version,
    asOf: run.result.as_of,
    signingKey: run.signingKey,
    redact: (text) => ctx.redactor.redact(text),
  }, { force: run.force, ...(ctx.tempFiles ? { tempFiles: ctx.tempFiles } : {}) });
  ctx.stderr.write(`Evidence bundle: ${relative(ctx.cwd, written.dir) || written.dir} (${written.files} files, signed ${written.algorithm} ${written.keyId}).\n`);
}

/** load → plan → observe → evaluate → render → write: the shared body of `plan`, `check` and `demo`. */
export async function runCheck(ctx: CliContext, options: RunOptions): Promise<RunResult> {
  const version = toolVersion();
  const loaded = await loadState(ctx, options.paths);
  const timeZone = options.timeZone ?? loaded.reportTimeZone;
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
  // Policy packs and the signing key are read before any request, so a broken pack or a missing
  // key fails the run up front instead of after minutes of paced calls.
  const now = options.asOf ?? ctx.now();
  const nightly = await openNightly(ctx, options, state, now);
  const series = nightly.series ? { series: nightly.series } : {};
  const policyChecks = await loadPolicyChecks(state, { cwd: ctx.cwd, now, ...series });
  const base = options.compare ? await loadCompareBase(options.compare, options.paths, ctx.cwd, ctx.env) : undefined;
  const signingKey = options.evidence ? await (await import('../report/evidence/signing.js')).loadSigningKey(ctx.env, { cwd: ctx.cwd, redactor: ctx.redactor }) : undefined;
  // --save-observed signs with the evidence key when one is configured (it is not required).
  const snapshotKey = options.saveObserved && !signingKey ? await optionalSigningKey(ctx) : signingKey;
  const trust = options.observed ? await resolveSnapshotTrust(ctx, options, state) : undefined;
  const exchanges = new Map<string, RawExchange[]>();
  let snapshotInfo: SnapshotInfo | undefined;
  let observations: Observation[];
  if (options.observed && trust) {
    const read = await readTrustedSnapshot(ctx, options.observed, trust, now);
    observations = read.observations;
    snapshotInfo = read.info;
  } else {
    observations = await observeLive(ctx, state, options, targets, exchanges);
  }
  if (ctx.signal.aborted) throw new InterruptedError();
  const refused = options.observed ? undefined : unusableCredentials(observations, state);
  const internal = observations.find((o) => o.error?.code === 'DW_INTERNAL');
  if (internal?.error) {
    // A bug while observing must not pass as an ordinary "unknown" (exit 3): fail the run.
    throw new Error(`observing ${internal.address} failed: ${internal.error.message}`);
  }
  if (options.saveObserved) {
    const unsigned = createSnapshot(ctx.redactor.redactValue(observations), { toolVersion: version, observedAt: ctx.now().toISOString() });
    // Redacted before signing, so the signature covers exactly the bytes written.
    const redacted = parseSnapshot(ctx.redactor.redact(serializeSnapshot(unsigned)), options.saveObserved);
    const snapshot = snapshotKey ? signSnapshot(redacted, snapshotKey) : redacted;
    await writeFileAtomic(options.saveObserved, serializeSnapshot(snapshot), ctx.tempFiles);
  }
  const evaluated = base
    ? compare({
        base: base.side,
        head: { state, packs: await loadHeadPacks(state, ctx.cwd) },
        baseLabel: base.label,
        observations,
        now,
        failOn: options.failOn,
        toolVersion: version,
        ...(targets ? { targets: [...targets] } : {}),
        ...series,
      })
    : evaluate({
        state,
        observations,
        now,
        ...(policyChecks ? { policyChecks } : {}),
        ...series,
        failOn: options.failOn,
        toolVersion: version,
        ...(targets ? { targets: [...targets] } : {}),
      });
  const result = await nightly.finish({ ...evaluated, ...(snapshotInfo ? { snapshot: snapshotInfo } : {}), ...(sharded ? { shard: sharded.info } : {}) });
  const zone = timeZone !== undefined ? { timeZone } : {};
  if (options.evidence && signingKey) {
    await writeEvidence(ctx, options.evidence, { state, result, observations, exchanges, signingKey, force: options.force === true }, version, options.framework);
  }
  for (const out of options.outputs) {
    await writeFileAtomic(out.path, redactedChunks(ctx, REPORTERS[out.format], result, { color: false, ...zone, ...nightly.reportOptions, ...(options.framework ? { framework: options.framework } : {}) }), ctx.tempFiles);
  }
  for (const chunk of redactedChunks(ctx, REPORTERS[options.format], result, { color: ctx.color && options.format === 'text', ...zone, ...nightly.reportOptions, ...(options.framework ? { framework: options.framework } : {}) })) ctx.stdout.write(chunk);
  if (options.outputs.length > 0 && ctx.debug) {
    ctx.stderr.write(options.outputs.map((o) => `wrote ${o.format} to ${relative(ctx.cwd, o.path)}\n`).join(''));
  }
  if (refused) throw refused;
  const unrecorded = nightly.failure();
  if (unrecorded) throw unrecorded;
  return result;
}
