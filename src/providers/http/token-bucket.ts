import type { Clock } from './clock.js';

/**
 * The pacing bucket of one (cloud, account, API[, region]) — issue 17's guarantee: **in no interval of
 * one second, at any phase, do more requests leave than the limit**. The clouds count requests per
 * second ("… in a second, which exceeds the frequency limit"), some in fixed windows, some as token
 * buckets; a schedule that keeps every sliding one-second window at or under the limit satisfies both.
 *
 * Two mechanisms, each doing one job:
 * - A **sliding-window log** of actual departure times is the guarantee: a request may leave only
 *   when the `capacity`-th most recent departure is at least `windowMs` old. It is checked against
 *   the times requests really left (read from the clock at departure), so a timer that fires late
 *   can delay later requests but never squeeze them together.
 * - A **GCRA** (the virtual-scheduling form of a token bucket) spreads requests evenly inside the
 *   window instead of sending a whole second's worth at once, with a small burst tolerance. It keeps
 *   its schedule in bucket time, so late wake-ups below the burst tolerance cost no throughput.
 *
 * The window is 1 s / `margin` (1020 ms at 98%): requests paced on our side can arrive bunched
 * (scheduling, connection reuse, latency jitter); a schedule that holds in every 1020 ms window still
 * holds in every 1000 ms window at the server after up to 20 ms of arrival jitter.
 *
 * When the server throttles anyway — an account whose real quota is below the documented one — the
 * bucket lowers its allowance multiplicatively (at most once per window: the answers to requests
 * already in flight carry no news) and pauses for any retry-after the server named; each window's
 * worth of clean answers then raises it again by a small step, never above the documented limit.
 *
 * Waiters are served first come, first served by one pump per bucket; because slots are decided at
 * departure and not reserved ahead, a lowered allowance or a retry-after applies at once to every
 * request still waiting, not only to those that arrive later.
 */

/** Share of the documented limit a full window may carry per second of wall time; see above. */
export const PACING_MARGIN = 0.98;
/** Multiplicative decrease on a throttled answer. */
const THROTTLE_DECREASE = 0.5;
/** Additive recovery: share of the documented limit regained per window's worth of clean answers. */
export const RECOVERY_STEP = 0.05;
/** The allowance never falls below this share of the documented limit. */
export const MIN_ALLOWANCE_SHARE = 1 / 32;

/**
 * Burst (requests the GCRA lets go back to back): 10% of the limit, at least 1, and 2 once the limit
 * allows it, so a late wake-up catches up instead of losing its slot. The sliding log caps any burst
 * at the window's capacity, so the burst shapes the schedule but cannot break the guarantee.
 */
export function burstFor(limitQps: number): number {
  if (limitQps < 2) return 1;
  return Math.min(Math.floor(limitQps), Math.max(2, Math.ceil(limitQps / 10)));
}

/** The sustained rate the bucket paces at for a documented limit (requests per second). */
export function pacedRate(limitQps: number, margin = PACING_MARGIN): number {
  return limitQps * margin;
}

/** The next free slot lies beyond the caller's deadline; nothing was reserved. */
export class SlotBeyondDeadlineError extends Error {
  readonly waitMs: number;
  constructor(waitMs: number) {
    super(`the rate limit's next free slot is ${Math.ceil(waitMs)} ms away, beyond the deadline`);
    this.name = 'SlotBeyondDeadlineError';
    this.waitMs = waitMs;
  }
}

export interface TokenBucketOptions {
  /** The documented limit: requests per second (> 0). */
  readonly limitQps: number;
  readonly clock: Clock;
  /** (0, 1]; default PACING_MARGIN. */
  readonly margin?: number;
}

export interface AcquireOptions {
  readonly signal?: AbortSignal;
  /** Absolute time (clock ms) the slot must not be later than; a waiter that cannot make it is refused. */
  readonly notAfter?: number;
}

interface Waiter {
  readonly enqueuedAt: number;
  readonly notAfter: number | undefined;
  readonly resolve: (waitedMs: number) => void;
  readonly reject: (err: unknown) => void;
  readonly detach: () => void;
}

export class TokenBucket {
  readonly #clock: Clock;
  readonly #margin: number;
  /** The documented limit (only ever lowered, when a stricter caller shares the bucket). */
  #limit: number;
  /** AIMD allowance: requests per second the bucket currently trusts the server to take (≤ limit). */
  #allowance: number;
  /** GCRA theoretical arrival time of the next request. */
  #tat: number;
  /** Actual departure times, oldest first; at most the largest capacity is kept. */
  readonly #departures: number[] = [];
  readonly #queue: Waiter[] = [];
  #pumping = false;
  #pauseUntil = Number.NEGATIVE_INFINITY;
  #lastDecreaseAt = Number.NEGATIVE_INFINITY;
  #cleanAnswers = 0;

  constructor(options: TokenBucketOptions) {
    if (!(options.limitQps > 0) || !Number.isFinite(options.limitQps)) {
      throw new RangeError(`rate limit must be a positive number, got ${options.limitQps}`);
    }
    const margin = options.margin ?? PACING_MARGIN;
    if (!(margin > 0 && margin <= 1)) throw new RangeError(`pacing margin must be in (0, 1], got ${margin}`);
    this.#clock = options.clock;
    this.#margin = margin;
    this.#limit = options.limitQps;
    this.#allowance = options.limitQps;
    this.#tat = options.clock.now();
  }

  /** The documented limit this bucket keeps every one-second window under. */
  get limitQps(): number {
    return this.#limit;
  }

  /** The current AIMD allowance (requests per second, ≤ limitQps). */
  get allowanceQps(): number {
    return this.#allowance;
  }

  /** The sustained rate requests leave at while waiters queue. */
  get ratePerSecond(): number {
    return this.#allowance * this.#margin;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Lowers the limit (never raises it): callers sharing a bucket get the strictest limit any of them asked for. */
  lowerLimit(limitQps: number): void {
    if (limitQps > 0 && limitQps < this.#limit) {
      this.#limit = limitQps;
      this.#allowance = Math.min(this.#allowance, limitQps);
    }
  }

  /**
   * The server throttled a request of this bucket: pause every waiter for the server's retry-after
   * (when it named one) and halve the allowance, at most once per window.
   */
  throttled(retryAfterMs?: number): void {
    const now = this.#clock.now();
    if (retryAfterMs !== undefined && retryAfterMs > 0 && Number.isFinite(retryAfterMs)) {
      this.#pauseUntil = Math.max(this.#pauseUntil, now + retryAfterMs);
    }
    if (now - this.#lastDecreaseAt >= this.#windowMs()) {
      this.#allowance = Math.max(this.#limit * MIN_ALLOWANCE_SHARE, this.#allowance * THROTTLE_DECREASE);
      this.#lastDecreaseAt = now;
      this.#cleanAnswers = 0;
    }
  }

  /** A request of this bucket was answered without throttling: slowly win back the allowance. */
  answered(): void {
    if (this.#allowance >= this.#limit) return;
    this.#cleanAnswers += 1;
    if (this.#cleanAnswers >= this.#allowance) {
      this.#cleanAnswers = 0;
      this.#allowance = Math.min(this.#limit, this.#allowance + this.#limit * RECOVERY_STEP);
    }
  }

  /** Requests per window and the window (ms, ≥ 1000 / margin). */
  #window(): { capacity: number; windowMs: number } {
    // A fractional allowance rounds down (5.5/s keeps 5 per window); below one request per second
    // the window stretches so that its one request is the allowance.
    const capacity = Math.max(1, Math.floor(this.#allowance));
    return { capacity, windowMs: 1000 / (this.#margin * Math.min(1, this.#allowance)) };
  }

  #windowMs(): number {
    return this.#window().windowMs;
  }

  /** The earliest time (clock ms) the next request may leave. */
  #earliest(): number {
    const { capacity, windowMs } = this.#window();
    const interval = windowMs / capacity;
    const tolerance = (Math.min(burstFor(this.#allowance), capacity) - 1) * interval;
    let at = Math.max(this.#tat - tolerance, this.#pauseUntil);
    const n = this.#departures.length;
    if (n >= capacity) at = Math.max(at, (this.#departures[n - capacity] ?? 0) + windowMs);
    return at;
  }

  #depart(now: number): void {
    const { capacity, windowMs } = this.#window();
    this.#tat = Math.max(this.#tat, now) + windowMs / capacity;
    this.#departures.push(now);
    // Keep enough history for the largest capacity the allowance can recover to.
    const keep = Math.max(1, Math.floor(this.#limit));
    if (this.#departures.length > 2 * keep) this.#departures.splice(0, this.#departures.length - keep);
  }

  /**
   * Waits for a slot; resolves with the time waited (ms). Refuses at once (SlotBeyondDeadlineError,
   * nothing taken) when even the earliest possible slot is past `notAfter`, and later when the
   * queue ahead or a throttle pushes the slot past it.
   */
  acquire(options: AcquireOptions = {}): Promise<number> {
    const { signal, notAfter } = options;
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const now = this.#clock.now();
    const earliest = this.#earliest();
    if (this.#queue.length === 0 && earliest <= now) {
      if (notAfter !== undefined && now > notAfter) return Promise.reject(new SlotBeyondDeadlineError(0));
      this.#depart(now);
      return Promise.resolve(0);
    }
    const { capacity, windowMs } = this.#window();
    const projected = Math.max(earliest, now) + (this.#queue.length * windowMs) / capacity;
    if (notAfter !== undefined && projected > notAfter) return Promise.reject(new SlotBeyondDeadlineError(projected - now));
    return new Promise<number>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(signal?.reason as Error);
      };
      const waiter: Waiter = {
        enqueuedAt: now,
        notAfter,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    void this.#drain().finally(() => {
      this.#pumping = false;
      // A waiter that arrived while the pump was finishing would otherwise wait for nobody.
      if (this.#queue.length > 0) this.#pump();
    });
  }

  async #drain(): Promise<void> {
    for (;;) {
      const head = this.#queue[0];
      if (head === undefined) return;
      const now = this.#clock.now();
      const at = this.#earliest();
      if (head.notAfter !== undefined && at > head.notAfter) {
        this.#queue.shift();
        head.detach();
        head.reject(new SlotBeyondDeadlineError(at - now));
        continue;
      }
      if (at <= now) {
        this.#queue.shift();
        head.detach();
        this.#depart(now);
        head.resolve(now - head.enqueuedAt);
        continue;
      }
      // Re-evaluated on waking: a throttle, a lowered limit or an aborted head may have changed the slot.
      try {
        await this.#clock.sleep(at - now);
      } catch (err) {
        // The pump's sleep has no signal, so this is a broken clock: fail every waiter rather than strand them.
        for (const waiter of this.#queue.splice(0)) {
          waiter.detach();
          waiter.reject(err);
        }
        return;
      }
    }
  }
}
