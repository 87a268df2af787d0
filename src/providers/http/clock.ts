import { setTimeout as delay } from 'node:timers/promises';

/**
 * Time as the HTTP layer sees it, injected so pacing, backoff and deadlines are tested on a fake
 * clock instead of with real sleeps.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Resolves after `ms`; rejects (with the signal's reason) as soon as `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) throw signal.reason;
    if (ms <= 0) return;
    try {
      await delay(ms, undefined, signal ? { signal } : undefined);
    } catch (err) {
      // timers/promises rejects with its own AbortError; callers want to know why the signal fired.
      if (signal?.aborted) throw signal.reason;
      throw err;
    }
  },
};
