/** What the observe step reports, per provider reference (e.g. `alicloud.prod`). */
export type ProgressEvent = 'done' | 'failed' | 'retry' | 'throttled';

export interface Progress {
  record(provider: string, event: ProgressEvent): void;
  /** Stops rendering; resolves once the terminal is released. */
  stop(): Promise<void>;
}

export type ProgressMode = 'tty' | 'plain' | 'off';

interface Counts {
  total: number;
  done: number;
  failed: number;
  retried: number;
  throttled: number;
}

function bump(c: Counts, event: ProgressEvent): void {
  if (event === 'done') c.done += 1;
  else if (event === 'failed') c.failed += 1;
  else if (event === 'retry') c.retried += 1;
  else c.throttled += 1;
}

function describe(provider: string, c: Counts): string {
  return (
    `${provider}: ${c.done + c.failed}/${c.total} calls` +
    (c.failed ? `, ${c.failed} failed` : '') +
    `, ${c.throttled} throttled, ${c.retried} retried`
  );
}

/** Below this width listr2's truncation has no room for a line (0 is what some CI PTYs report). */
const MIN_TTY_COLUMNS = 20;

/**
 * The width listr2 lays lines out in: it reads `process.stdout.columns` even though it writes to
 * stderr, so both must be usable. `undefined` (not a terminal) counts as listr2's default of 80.
 */
function ttyWidthUsable(stderr: NodeJS.WriteStream): boolean {
  const widths = [stderr.columns, process.stdout.isTTY ? process.stdout.columns : undefined];
  return widths.every((w) => w === undefined || w >= MIN_TTY_COLUMNS);
}

/**
 * Progress on stderr only: listr2 on a TTY (one line per provider), plain periodic lines in CI
 * or on a terminal too narrow to draw in, nothing when off. It never writes to stdout, where
 * reports go. A provider with failed calls ends with a cross, never a tick.
 */
export async function startProgress(
  mode: ProgressMode,
  totals: ReadonlyMap<string, number>,
  stderr: NodeJS.WriteStream,
  plainIntervalMs = 5_000,
): Promise<Progress> {
  const counts = new Map<string, Counts>([...totals].map(([p, total]) => [p, { total, done: 0, failed: 0, retried: 0, throttled: 0 }]));
  const finished = (c: Counts): boolean => c.done + c.failed >= c.total;
  if (mode === 'off' || counts.size === 0) {
    return { record: () => undefined, stop: () => Promise.resolve() };
  }
  if (mode === 'plain' || !ttyWidthUsable(stderr)) {
    const line = (): string => [...counts].map(([p, c]) => describe(p, c)).join('; ');
    const timer = setInterval(() => stderr.write(`progress: ${line()}\n`), plainIntervalMs);
    timer.unref();
    return {
      record(provider, event) {
        const c = counts.get(provider);
        if (c) bump(c, event);
      },
      stop() {
        clearInterval(timer);
        stderr.write(`progress: ${line()}\n`);
        return Promise.resolve();
      },
    };
  }
  const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
  /** Tasks still running; a task leaves the map when it settles so its title is never touched after (a late title change redraws a finished list). */
  const open = new Map<string, { task: { title: string }; settle: () => void }>();
  let stopped = false;
  const logger = new ListrLogger({ processOutput: new ProcessOutput(stderr, stderr) });
  const list = new Listr(
    [...counts.keys()].map((provider) => ({
      title: describe(provider, counts.get(provider) as Counts),
      task: (_ctx: unknown, task: { title: string }) =>
        new Promise<void>((resolve, reject) => {
          const settle = (): void => {
            open.delete(provider);
            const c = counts.get(provider) as Counts;
            // listr2 shows a rejected task with a cross and the error message as its line.
            // Unfinished at stop (interrupted) is no success either.
            if (c.failed > 0 || !finished(c)) reject(new Error(describe(provider, c)));
            else resolve();
          };
          // Calls may have finished before listr2 started this task: show where they are now.
          task.title = describe(provider, counts.get(provider) as Counts);
          open.set(provider, { task, settle });
          if (stopped || finished(counts.get(provider) as Counts)) settle();
        }),
    })),
    {
      concurrent: true,
      exitOnError: false,
      // The CLI owns SIGINT/SIGTERM (exit 1, "interrupted"); listr2's own handler exits 127.
      registerSignalListeners: false,
      renderer: 'default',
      rendererOptions: { logger },
      // listr2 falls back to line output when process.stdout is not a terminal; that goes to stderr too.
      fallbackRendererOptions: { logger },
    },
  );
  const running = list.run().catch(() => undefined);
  return {
    record(provider, event) {
      const c = counts.get(provider);
      if (!c) return;
      bump(c, event);
      const entry = open.get(provider);
      if (!entry) return;
      entry.task.title = describe(provider, c);
      if (finished(c)) entry.settle();
    },
    async stop() {
      stopped = true;
      for (const [provider, entry] of [...open]) {
        entry.task.title = describe(provider, counts.get(provider) as Counts);
        entry.settle();
      }
      await running;
    },
  };
}
