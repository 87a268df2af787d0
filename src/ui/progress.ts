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
  return `${provider}: ${c.done + c.failed}/${c.total} calls` + (c.failed ? `, ${c.failed} failed` : '') + `, ${c.throttled} throttled, ${c.retried} retried`;
}

/**
 * Progress on stderr only: listr2 on a TTY (one line per provider), plain periodic lines in CI,
 * nothing when off. It never writes to stdout, where reports go.
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
  if (mode === 'plain') {
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
  const waiters = new Map<string, { task: { title: string }; resolve: () => void }>();
  const list = new Listr(
    [...counts.keys()].map((provider) => ({
      title: describe(provider, counts.get(provider) as Counts),
      task: (_ctx: unknown, task: { title: string }) =>
        new Promise<void>((resolve) => {
          // Calls may have finished before listr2 started this task: show where they are now.
          task.title = describe(provider, counts.get(provider) as Counts);
          waiters.set(provider, { task, resolve });
          if (finished(counts.get(provider) as Counts)) resolve();
        }),
    })),
    {
    concurrent: true,
    exitOnError: false,
    renderer: 'default',
      rendererOptions: { logger: new ListrLogger({ processOutput: new ProcessOutput(stderr, stderr) }) },
    },
  );
  const running = list.run().catch(() => undefined);
  return {
    record(provider, event) {
      const c = counts.get(provider);
      if (!c) return;
      bump(c, event);
      const waiter = waiters.get(provider);
      if (waiter) waiter.task.title = describe(provider, c);
      if (waiter && finished(c)) waiter.resolve();
    },
    async stop() {
      for (const [provider, w] of waiters) {
        w.task.title = describe(provider, counts.get(provider) as Counts);
        w.resolve();
      }
      await running;
    },
  };
}
