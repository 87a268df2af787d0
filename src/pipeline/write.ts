import { relative } from 'node:path';
import type { RunContext } from './context.js';
import type { RunRequest } from './request.js';
import { readConfigFile } from './load.js';
import { signSnapshot } from './snapshot-trust.js';
import { removeStaleTemps, writeFileAtomic } from '../util/atomic-write.js';
import type { DesiredState } from '../model/desired-state.js';
import { observationList } from '../model/observation.js';
import type { Observation, Observations, RawExchange } from '../model/observation.js';
import { IoError } from '../model/errors.js';
import { compareStrings } from '../model/order.js';
import { stripUnsafeJson } from '../model/safe-text.js';
import { nestedTooDeep } from '../engine/json-input.js';
import { PiecewiseMessage, signBytes } from '../report/evidence/signing.js';
import type { RunReport } from '../model/run-result.js';
import {
  createSnapshot,
  observationSeparator,
  parseSnapshot,
  serializeObservation,
  serializeSnapshot,
  snapshotHead,
  snapshotTail,
} from '../engine/snapshot.js';
import { REPORTERS } from '../report/index.js';
import type { ReportOptions, Reporter } from '../report/index.js';
import type { SigningKey } from '../report/evidence/signing.js';
import type { FrameworkName } from '../report/controls.js';

/** The write stages of a run: `--save-observed`, `--evidence`, every `--out` report and the report on stdout. */

/**
 * A piece cannot be written on its own as the whole-text path would write it (redaction reordered
 * or merged addresses, or broke or deepened a piece): that rare snapshot is written whole.
 */
class WriteWhole extends Error {}

/** Pieces (of a snapshot, of a report) are gathered to about this many characters per write. */
const WRITE_CHARS = 64 * 1024;

/**
 * One observation as the whole-text path writes it: its values redacted, its text redacted (a
 * secret lies inside one JSON string, so redacting each piece is redacting the whole), then parsed
 * back (which strips unsafe characters and, after a redaction, re-sorts keys) and serialized.
 */
function redactedPiece(ctx: RunContext, observation: Observation): { address: string; text: string } {
  const value = ctx.redactor.redactValue(observation);
  const text = serializeObservation(value);
  const redacted = ctx.redactor.redact(text);
  let parsed: Observation = value;
  if (redacted !== text) {
    try {
      parsed = JSON.parse(redacted) as Observation;
    } catch {
      throw new WriteWhole();
    }
  }
  const stripped = stripUnsafeJson(parsed, redacted) as Observation;
  // An observation sits two levels below the snapshot's top.
  if (nestedTooDeep(stripped, 2)) throw new WriteWhole();
  return { address: stripped.address, text: stripped === value ? text : serializeObservation(stripped) };
}

/** The snapshot file, piece by piece, signed as it goes (the signed text ends before the signature). */
function* snapshotPieces(
  ctx: RunContext,
  observations: Observations,
  key: SigningKey | undefined,
  head: { version: string; observedAt: string },
): Generator<string> {
  const signed = key ? PiecewiseMessage.for(key) : undefined;
  let batch = ctx.redactor.redact(snapshotHead(head.version, head.observedAt));
  let count = 0;
  let previous: string | undefined;
  const ordered = 'sorted' in observations ? observations.sorted() : [...observations].sort((a, b) => compareStrings(a.address, b.address));
  for (const observation of ordered) {
    const piece = redactedPiece(ctx, observation);
    if (previous !== undefined && compareStrings(previous, piece.address) >= 0) throw new WriteWhole();
    previous = piece.address;
    batch += observationSeparator(count) + piece.text;
    count += 1;
    if (batch.length >= WRITE_CHARS) {
      signed?.update(batch);
      yield batch;
      batch = '';
    }
  }
  signed?.update(batch + snapshotTail(count, undefined));
  yield batch + snapshotTail(count, key && signed ? signBytes(signed, key) : undefined);
}

/**
 * `--save-observed`: the observations as a snapshot, redacted, and signed when a key is configured,
 * streamed to the file (a snapshot read with `--observed` is read through once more, not held).
 * Redacted before signing, so the signature covers exactly the bytes written.
 */
export async function saveObserved(
  ctx: RunContext,
  path: string,
  observations: Observations,
  snapshotKey: SigningKey | undefined,
  version: string,
): Promise<void> {
  const observedAt = ctx.now().toISOString();
  try {
    await writeFileAtomic(path, snapshotPieces(ctx, observations, snapshotKey, { version, observedAt }), ctx.tempFiles);
    return;
  } catch (error) {
    // Anything else is the disk's failure or the source's own refusal (a snapshot that changed while it was read).
    if (!(error instanceof IoError && error.cause instanceof WriteWhole)) throw error;
  }
  const unsigned = createSnapshot(ctx.redactor.redactValue(observationList(observations)), { toolVersion: version, observedAt });
  const redacted = parseSnapshot(ctx.redactor.redact(serializeSnapshot(unsigned)), path);
  const snapshot = snapshotKey ? signSnapshot(redacted, snapshotKey) : redacted;
  await writeFileAtomic(path, serializeSnapshot(snapshot), ctx.tempFiles);
}

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
    observations: Observations;
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
  for (const chunk of redactedChunks(ctx, REPORTERS[options.format], result, {
    color: ctx.color && options.format === 'text',
    ...shared,
  })) {
    ctx.stdout.write(chunk);
    // A pipe read slowly (`| tee`, `| gzip`) must not make the report pile up in memory.
    await ctx.stdout.drained?.();
  }
  if (options.outputs.length > 0 && ctx.debug) {
    ctx.stderr.write(options.outputs.map((o) => `wrote ${o.format} to ${relative(ctx.cwd, o.path)}\n`).join(''));
  }
}
