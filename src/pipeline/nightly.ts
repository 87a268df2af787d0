import { join } from 'node:path';
import type { RunContext } from './context.js';
import type { RunRequest } from './request.js';
import { readConfigFile } from './load.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { DEFAULT_HISTORY_KEEP } from '../model/desired-state.js';
import type { DesiredState } from '../model/desired-state.js';
import { IoError, UsageError } from '../model/errors.js';
import type { RunReport } from '../model/run-result.js';
import type { ObservedSeries } from '../model/series.js';
import { parseDuration } from '../util/duration.js';
import { configDigest } from '../engine/shard.js';
import { annotateChanges, applyRetention, openLedger, recordFileName, recordOf, scopeOf } from '../history/index.js';
import type { Ledger } from '../history/index.js';
import { sendNotifications } from '../notify/index.js';
import type { HistoryPoint } from '../report/reporter.js';

/**
 * The run-time hooks of nightly runs, kept apart so the run itself calls two functions: `open`
 * before evaluating (the ledger's past observations feed forecasts and `runs_out_within`), and
 * `finish` after (mark what changed, record the run, tell the notification targets).
 */
export interface NightlyRun {
  readonly series: ObservedSeries | undefined;
  /** The recorded runs before this one, for the HTML trend (spread into the report options). */
  readonly reportOptions: { readonly history?: readonly HistoryPoint[] };
  finish(result: RunReport): Promise<RunReport>;
  /** Why the run could not be recorded (after `finish`): the reports are still written, then the run exits 1. */
  readonly failure: () => IoError | undefined;
}

export async function openNightly(ctx: RunContext, options: RunRequest, state: DesiredState, now: Date): Promise<NightlyRun> {
  const dir = options.history ?? state.history?.dir;
  if (dir === undefined && options.failOnNew === true) {
    throw new UsageError(
      '--fail-on-new needs the run history to know what is new',
      'Add --history DIR (or history: { dir: DIR } in the configuration).',
    );
  }
  const scope = scopeOf(options.shard);
  const ledger =
    dir === undefined
      ? undefined
      : await openLedger(dir, { now, warn: (message) => ctx.stderr.write(`warning: ${message}\n`), ...(scope ? { scope } : {}) });
  let failure: IoError | undefined;
  const earlier = ledger?.entries.filter((e) => e.at < now.getTime()).map((e) => ({ as_of: e.record.as_of, summary: e.record.summary }));
  return {
    series: ledger?.series,
    reportOptions: earlier !== undefined && earlier.length > 0 ? { history: earlier } : {},
    failure: () => failure,
    finish: async (result) => {
      const digest = ledger === undefined ? undefined : await digestOf(ctx, state);
      const previous = ledger?.previous?.record;
      if (previous !== undefined && previous.config_digest !== digest) {
        // Not refused (every edit of the configuration changes the digest), but never merged silently.
        ctx.stderr.write(
          `warning: history: the previous run (as of ${previous.as_of}) was of another configuration; new and resolved are relative to it\n`,
        );
      }
      const annotated = ledger === undefined ? result : annotate(options, ledger, result);
      if (ledger !== undefined && digest !== undefined) {
        try {
          await record(ctx, options, state, ledger, annotated, digest);
        } catch (error) {
          if (!(error instanceof IoError)) throw error;
          failure = new IoError(
            `the run could not be recorded in the history at ${ledger.dir}: ${error.message}`,
            'Check that the directory is writable; the reports of this run were written.',
            { cause: error },
          );
        }
      }
      if (state.notify === undefined) return annotated;
      const notifications = await sendNotifications(state.notify, annotated, {
        clock: () => ctx.now().getTime(),
        sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
        redact: (text) => ctx.redactor.redact(text),
      });
      for (const n of notifications) {
        if (n.status === 'failed')
          ctx.stderr.write(
            `warning: notify ${n.type} (\${env.${n.target}}) failed after ${n.attempts} attempt(s): ${n.message ?? ''}; the verdict is unchanged\n`,
          );
        if (n.status === 'skipped' && annotated.history === undefined) ctx.stderr.write(`warning: notify ${n.type}: ${n.message ?? ''}\n`);
      }
      return { ...annotated, notifications };
    },
  };
}

function annotate(options: RunRequest, ledger: Ledger, result: RunReport): RunReport {
  return annotateChanges(result, ledger.previous?.record.findings ?? [], {
    failOnNew: options.failOnNew === true,
    records: ledger.entries.length,
    previousAsOf: ledger.previous?.record.as_of,
  });
}

async function digestOf(ctx: RunContext, state: DesiredState): Promise<string> {
  return configDigest(await Promise.all(state.files.map((file) => readConfigFile(ctx, file, file))));
}

/** Appends the run's record and applies retention; throws an IoError when the ledger cannot be written. */
async function record(
  ctx: RunContext,
  options: RunRequest,
  state: DesiredState,
  ledger: Ledger,
  annotated: RunReport,
  digest: string,
): Promise<void> {
  const text = `${JSON.stringify(recordOf(annotated, digest))}\n`;
  await writeFileAtomic(join(ledger.dir, recordFileName(annotated.as_of)), ctx.redactor.redact(text), ctx.tempFiles);
  const keepMs = options.historyKeep?.ms ?? state.history?.keepMs ?? parseDuration(DEFAULT_HISTORY_KEEP);
  if (keepMs === undefined) return;
  try {
    await applyRetention(ledger.dir, new Date(Date.parse(annotated.as_of)), keepMs);
  } catch (error) {
    throw new IoError(`cannot remove old records (${(error as NodeJS.ErrnoException).code ?? String(error)})`, undefined, { cause: error });
  }
}
