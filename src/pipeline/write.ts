import { relative } from 'node:path';
import type { RunContext } from './context.js';
import type { RunRequest } from './request.js';
import { readConfigFile } from './load.js';
import { signSnapshot } from './snapshot-trust.js';
import { removeStaleTemps, writeFileAtomic } from '../util/atomic-write.js';
import type { DesiredState } from '../model/desired-state.js';
import type { Observation, RawExchange } from '../model/observation.js';
import type { RunReport } from '../model/run-result.js';
import { createSnapshot, parseSnapshot, serializeSnapshot } from '../engine/snapshot.js';
import { REPORTERS } from '../report/index.js';
import type { ReportOptions, Reporter } from '../report/index.js';
import type { SigningKey } from '../report/evidence/signing.js';
import type { FrameworkName } from '../report/controls.js';

/** The write stages of a run: `--save-observed`, `--evidence`, every `--out` report and the report on stdout. */

/** `--save-observed`: the observations as a snapshot, redacted, and signed when a key is configured. */
export async function saveObserved(
  ctx: RunContext,
  path: string,
  observations: readonly Observation[],
  snapshotKey: SigningKey | undefined,
  version: string,
): Promise<void> {
  const unsigned = createSnapshot(ctx.redactor.redactValue(observations), { toolVersion: version, observedAt: ctx.now().toISOString() });
  // Redacted before signing, so the signature covers exactly the bytes written.
  const redacted = parseSnapshot(ctx.redactor.redact(serializeSnapshot(unsigned)), path);
  const snapshot = snapshotKey ? signSnapshot(redacted, snapshotKey) : redacted;
  await writeFileAtomic(path, serializeSnapshot(snapshot), ctx.tempFiles);
}

/** Characters gathered before a write: fewer, larger writes than one per resource. */
const WRITE_CHARS = 1 << 16;

/**
 * A report as redacted pieces, rendered as the resources stream (a secret lies within one piece:
 * one JSON string or line), gathered into writes of about WRITE_CHARS.
 */
function* redactedChunks(ctx: RunContext, reporter: Reporter, result: RunReport, options: ReportOptions): Generator<string> {
  let pending = '';
  for (const chunk of reporter.renderChunks(result, options)) {
    pending += ctx.redactor.redact(chunk);
    if (pending.length >= WRITE_CHARS) {
      yield pending;
      pending = '';
    }
  }
  if (pending !== '') yield pending;
}

/** The audit-evidence bundle: what was evaluated, what was seen, what was concluded, signed. */
export async function writeEvidence(
  ctx: RunContext,
  dir: string,
  run: {
    state: DesiredState;
    result: RunReport;
    observations: readonly Observation[];
    exchanges: ReadonlyMap<string, RawExchange[]>;
    signingKey: SigningKey;
    force: boolean;
  },
  version: string,
  framework: FrameworkName | undefined,
): Promise<void> {
  const frameworkOption = framework ? { framework } : {};
  const { writeEvidenceBundle } = await import('../report/evidence/bundle.js');
  await removeStaleTemps(dir);
  const configFiles = await Promise.all(run.state.files.map((file) => readConfigFile(ctx, file, file)));
  const policyFiles = await Promise.all(
    run.state.policies.map((p) =>
      readConfigFile(
        ctx,
        p.path,
        p.ref.startsWith('builtin:') ? `builtin/${p.ref.slice('builtin:'.length)}.yaml` : relative(ctx.cwd, p.path),
      ),
    ),
  );
  const written = await writeEvidenceBundle(
    dir,
    {
      result: run.result,
      observations: run.observations,
      exchanges: Object.fromEntries(run.exchanges),
      configFiles,
      policyFiles,
      ...frameworkOption,
      toolVersion: version,
      asOf: run.result.as_of,
      signingKey: run.signingKey,
      redact: (text) => ctx.redactor.redact(text),
    },
    { force: run.force, ...(ctx.tempFiles ? { tempFiles: ctx.tempFiles } : {}) },
  );
  ctx.stderr.write(
    `Evidence bundle: ${relative(ctx.cwd, written.dir) || written.dir} (${written.files} files, signed ${written.algorithm} ${written.keyId}).\n`,
  );
}

/**
 * Every `--out` report, then the `--format` report on stdout, each written piece by piece as the
 * run's resources stream (`check`, `plan`, `report --from`, `diff`, `merge`).
 */
export async function writeReports(
  ctx: RunContext,
  options: Pick<RunRequest, 'outputs' | 'format' | 'framework'>,
  result: RunReport,
  timeZone: string | undefined,
  extra: Pick<ReportOptions, 'history'> = {},
): Promise<void> {
  const shared = {
    ...(timeZone !== undefined ? { timeZone } : {}),
    ...extra,
    ...(options.framework ? { framework: options.framework } : {}),
  };
  for (const out of options.outputs) {
    const chunks = redactedChunks(ctx, REPORTERS[out.format], result, { color: false, ...shared });
    await writeFileAtomic(out.path, chunks, ctx.tempFiles);
  }
  for (const chunk of redactedChunks(ctx, REPORTERS[options.format], result, { color: ctx.color && options.format === 'text', ...shared }))
    ctx.stdout.write(chunk);
  if (options.outputs.length > 0 && ctx.debug) {
    ctx.stderr.write(options.outputs.map((o) => `wrote ${o.format} to ${relative(ctx.cwd, o.path)}\n`).join(''));
  }
}
