import type { RunContext } from './context.js';
import type { RunRequest } from './request.js';
import { credentialResolver, createRunExecutor, requireCredentials } from './executor.js';
import { readTrustedSnapshot } from './snapshot-trust.js';
import type { SnapshotTrust } from './snapshot-trust.js';
import type { DesiredState } from '../model/desired-state.js';
import { CredentialsError, InterruptedError } from '../model/errors.js';
import type { Observation, Observations, RawExchange } from '../model/observation.js';
import type { SnapshotInfo } from '../model/run-result.js';
import { planCalls } from '../engine/plan-calls.js';
import { observe } from '../engine/observe.js';
import { definitionFor } from '../providers/registry.js';
import { startProgress } from '../ui/progress.js';
import type { Progress, ProgressMode } from '../ui/progress.js';

/** The observe stage of a run: live through the call executor, or from a trusted `--observed` snapshot. */

function progressMode(ctx: RunContext, options: RunRequest): ProgressMode {
  if (!options.progress || options.format !== 'text') return 'off';
  return ctx.stderr.isTTY ? 'tty' : ctx.env.CI ? 'plain' : 'off';
}

async function observeLive(
  ctx: RunContext,
  state: DesiredState,
  options: RunRequest,
  targets: ReadonlySet<string> | undefined,
  exchanges: Map<string, RawExchange[]>,
): Promise<Observation[]> {
  const mode = progressMode(ctx, options);
  const plan = planCalls(state, definitionFor, targets);
  const totals = new Map<string, number>();
  for (const call of plan.calls) totals.set(call.provider.ref, (totals.get(call.provider.ref) ?? 0) + 1);
  let progress: Progress | undefined;
  const executor = createRunExecutor({
    resolveCredentials: credentialResolver(ctx),
    redactor: ctx.redactor,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    timeouts: { providers: state.providers, attemptTimeoutMs: options.attemptTimeoutMs, runTimeoutMs: options.runTimeoutMs },
    events: { progress: () => progress, ...(ctx.debug ? { debug: (line: string) => ctx.stderr.write(line) } : {}) },
  });
  try {
    await requireCredentials(
      executor,
      plan.calls.map((c) => c.provider),
    );
    progress = await startProgress(mode, totals, process.stderr);
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

export interface Observed {
  /** Held for a live run; read again on each pass for a snapshot in the canonical layout. */
  readonly observations: Observations;
  /** Each resource's raw requests and answers, for the evidence bundle (live runs only). */
  readonly exchanges: ReadonlyMap<string, RawExchange[]>;
  readonly snapshot?: SnapshotInfo;
  /** Providers whose every resource was refused for their keys: thrown once the reports are written (exit 1). */
  readonly refused?: CredentialsError;
}

/** Observes the selected resources (`trust` is set when `--observed` names a snapshot). */
export async function observeResources(
  ctx: RunContext,
  state: DesiredState,
  options: RunRequest,
  targets: ReadonlySet<string> | undefined,
  trust: SnapshotTrust | undefined,
  now: Date,
): Promise<Observed> {
  const exchanges = new Map<string, RawExchange[]>();
  let snapshotInfo: SnapshotInfo | undefined;
  let observations: Observations;
  let internal: Observation | undefined;
  let refused: CredentialsError | undefined;
  if (options.observed && trust) {
    const read = readTrustedSnapshot(ctx, options.observed, trust, now);
    observations = read.observations;
    snapshotInfo = read.info;
    internal = read.internal;
  } else {
    const live = await observeLive(ctx, state, options, targets, exchanges);
    observations = live;
    refused = unusableCredentials(live, state);
    internal = live.find((o) => o.error?.code === 'DW_INTERNAL');
  }
  if (ctx.signal.aborted) throw new InterruptedError();
  if (internal?.error) {
    // A bug while observing must not pass as an ordinary "unknown" (exit 3): fail the run.
    throw new Error(`observing ${internal.address} failed: ${internal.error.message}`);
  }
  return { observations, exchanges, ...(snapshotInfo ? { snapshot: snapshotInfo } : {}), ...(refused ? { refused } : {}) };
}
