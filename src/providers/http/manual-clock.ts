import type { Clock } from './clock.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * A Clock whose time moves only when told to, so pacing, backoff and deadlines are tested
 * deterministically (design.md §11: injected clock, no sleeps for timing). Sleepers wake in time
 * order (ties in the order they went to sleep). Every requested sleep is logged in `sleeps`.
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers: Timer[] = [];
  /** Every sleep requested, in ms, in request order. */
  readonly sleeps: number[] = [];

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  readonly now = (): number => this.#now;

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    this.sleeps.push(ms);
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#timers.indexOf(timer);
        if (index >= 0) this.#timers.splice(index, 1);
        reject(signal?.reason as Error);
      };
      const timer: Timer = {
        at: this.#now + ms,
        seq: (this.#seq += 1),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    });
  };

  /** Sleepers not yet woken. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Jumps to the earliest sleeper's wake-up time and wakes it (and any due at the same instant). */
  next(): boolean {
    const first = this.#timers[0];
    if (first === undefined) return false;
    this.#now = Math.max(this.#now, first.at);
    while (this.#timers[0] !== undefined && this.#timers[0].at <= this.#now) this.#timers.shift()?.resolve();
    return true;
  }

  /** Moves time forward by `ms`, waking every sleeper due on the way. */
  advance(ms: number): void {
    const target = this.#now + ms;
    while (this.#timers[0] !== undefined && this.#timers[0].at <= target) {
      const timer = this.#timers.shift();
      if (timer === undefined) break;
      this.#now = Math.max(this.#now, timer.at);
      timer.resolve();
    }
    this.#now = target;
  }

  /**
   * Runs `work` while jumping to the next wake-up whenever everything else is waiting: between jumps
   * the event loop gets a full turn (setImmediate), so promise chains and loopback I/O progress first.
   */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    // Observe the outcome without leaving a rejected promise unhandled while the loop spins.
    const observed = work.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    while (!done) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!done) this.next();
    }
    await observed;
    return work;
  }
}
