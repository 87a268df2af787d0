import type { RunContext } from './context.js';
import type { RunRequest } from './request.js';
import { loadState, selectResources } from './load.js';
import { observeResources } from './observe.js';
import { saveObserved, writeEvidence, writeReports } from './write.js';
import { loadCompareBase, loadHeadPacks } from './compare-base.js';
import { optionalSigningKey, resolveSnapshotTrust } from './snapshot-trust.js';
import { toolVersion } from '../util/version.js';
import type { RunReport } from '../model/run-result.js';
import { observationList } from '../model/observation.js';
import { evaluateStream } from '../engine/evaluate.js';
import { compare } from '../compare/compare.js';
import { loadPolicyChecks } from '../policy/policy-checks.js';
import { openNightly } from './nightly.js';

/**
 * load → select → observe → evaluate (or compare) → history and notifications → write: one run of
 * `plan`, `check` and `demo`.
 * Each stage is a module of this folder; this function only orders them.
 */
export async function runCheck(ctx: RunContext, options: RunRequest): Promise<RunReport> {
  const version = toolVersion();
  const loaded = await loadState(ctx, options.paths);
  const timeZone = options.timeZone ?? loaded.reportTimeZone;
  const { state, targets, shard } = await selectResources(ctx, loaded, options);
  // Policy packs and the signing key are read before any request, so a broken pack or a missing
  // key fails the run up front instead of after minutes of paced calls.
  const now = options.asOf ?? ctx.now();
  const nightly = await openNightly(ctx, options, state, now);
  const series = nightly.series ? { series: nightly.series } : {};
  const policyChecks = await loadPolicyChecks(state, { cwd: ctx.cwd, now, ...series });
  const base = options.compare ? await loadCompareBase(options.compare, options.paths, ctx.cwd, ctx.env) : undefined;
  const signingKey = options.evidence
    ? await (await import('../report/evidence/signing.js')).loadSigningKey(ctx.env, { cwd: ctx.cwd, redactor: ctx.redactor })
    : undefined;
  // --save-observed signs with the evidence key when one is configured (it is not required).
  const snapshotKey = options.saveObserved && !signingKey ? await optionalSigningKey(ctx) : signingKey;
  const trust = options.observed ? await resolveSnapshotTrust(ctx, options, state) : undefined;
  const { observations, exchanges, snapshot, refused } = await observeResources(ctx, state, options, targets, trust, now);
  if (options.saveObserved) await saveObserved(ctx, options.saveObserved, observations, snapshotKey, version);
  const evaluated = base
    ? compare({
        base: base.side,
        head: { state, packs: await loadHeadPacks(state, ctx.cwd) },
        baseLabel: base.label,
        observations: observationList(observations),
        now,
        failOn: options.failOn,
        toolVersion: version,
        ...(targets ? { targets: [...targets] } : {}),
        ...series,
      })
    : // Streamed: the resources are evaluated again each time a report reads them, never all held.
      evaluateStream({
        state,
        observations,
        now,
        ...(policyChecks ? { policyChecks } : {}),
        ...series,
        failOn: options.failOn,
        toolVersion: version,
        ...(targets ? { targets: [...targets] } : {}),
      });
  const result: RunReport = await nightly.finish({ ...evaluated, ...(snapshot ? { snapshot } : {}), ...(shard ? { shard } : {}) });
  if (options.evidence && signingKey) {
    await writeEvidence(
      ctx,
      options.evidence,
      { state, result, observations, exchanges, signingKey, force: options.force === true },
      version,
      options.framework,
    );
  }
  await writeReports(ctx, options, result, timeZone, nightly.reportOptions);
  if (refused) throw refused;
  const unrecorded = nightly.failure();
  if (unrecorded) throw unrecorded;
  return result;
}
