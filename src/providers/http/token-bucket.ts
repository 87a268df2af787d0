import type { Clock } from './clock.js';

/**
 * A token bucket that hands out *reservations*: each acquire takes the next slot at once (the
 * balance may go negative) and then sleeps until that slot. Slots are assigned in call order, so
 * waiters are served FIFO without a queue or a pump timer, and a sleep that overruns (timers are
 * late, never early) does not shift later slots — the schedule is kept in bucket time, not in
 * wake-up times, so pacing does not drift below the rate.
 */

export interface TokenBucketOptions {
  /** Sustained rate, tokens per second (> 0). */
  readonly ratePerSecond: number;
  /** Tokens a quiet bucket accumulates, i.e. the largest burst (≥ 1). */
  readonly burst: number;
  readonly clock: Clock;
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

export interface AcquireOptions {
  readonly signal?: AbortSignal;
  /** Absolute time (clock ms) the slot must not be later than; checked before reserving. */
  readonly notAfter?: number;
}

export class TokenBucket {
  readonly #clock: Clock;
  #rate: number;
  readonly #burst: number;
  #tokens: number;
  #updatedAt: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new RangeError(`token bucket rate must be a positive number, got ${options.ratePerSecond}`);
    }
    if (!(options.burst >= 1) || !Number.isFinite(options.burst)) {
      throw new RangeError(`token bucket burst must be at least 1, got ${options.burst}`);
    }
    this.#clock = options.clock;
    this.#rate = options.ratePerSecond;
    this.#burst = options.burst;
    this.#tokens = options.burst;
    this.#updatedAt = options.clock.now();
  }

  get ratePerSecond(): number {
    return this.#rate;
  }

  get burst(): number {
    return this.#burst;
  }

  /** Tokens available now (negative while reservations are outstanding). */
  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Lowers the rate (never raises it): callers sharing a bucket get the strictest limit any of them asked for. */
  lowerRate(ratePerSecond: number): void {
    if (ratePerSecond > 0 && ratePerSecond < this.#rate) {
      this.#refill();
      this.#rate = ratePerSecond;
    }
  }

  #refill(): void {
    const now = this.#clock.now();
    const elapsed = now - this.#updatedAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#rate) / 1000);
      this.#updatedAt = now;
    }
  }

  /** Reserves the next slot and returns how long to wait for it (0 = now). */
  reserve(notAfter?: number): number {
    this.#refill();
    const waitMs = this.#tokens >= 1 ? 0 : ((1 - this.#tokens) * 1000) / this.#rate;
    if (notAfter !== undefined && this.#clock.now() + waitMs > notAfter) throw new SlotBeyondDeadlineError(waitMs);
    this.#tokens -= 1;
    return waitMs;
  }

  /**
   * Waits for a slot; resolves with the time waited. An aborted waiter's slot is not handed back:
   * later waiters already hold the slots after it, and re-issuing it would put two requests in one
   * slot. Losing a slot only costs time, never a throttling error.
   */
  async acquire(options: AcquireOptions = {}): Promise<number> {
    if (options.signal?.aborted) throw options.signal.reason;
    const waitMs = this.reserve(options.notAfter);
    if (waitMs > 0) await this.#clock.sleep(waitMs, options.signal);
    return waitMs;
  }
}
