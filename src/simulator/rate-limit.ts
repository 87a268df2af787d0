/**
 * Per-account, per-API request metering, as the clouds meter their documented QPS, on the
 * simulator's injectable clock (tests freeze or step time instead of sleeping). Two modes, chosen
 * by the world file's `rate_limit_window` (issue 17), because the clouds do not say which they use
 * and a client must satisfy both:
 * - `token_bucket` (default): capacity equal to the limit (a full second's burst), refilled
 *   continuously at `limit` tokens per second;
 * - `fixed`: at most `limit` requests per calendar second of the server clock ([k s, k+1 s)), the
 *   reading of Tencent's "… in a second, which exceeds the frequency limit". A client that bursts
 *   at the end of one second and again at the start of the next passes a token bucket but not this.
 */
export type RateLimitWindow = 'fixed' | 'token_bucket';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

interface FixedWindow {
  /** Index of the window (start ms / window length). */
  index: number;
  count: number;
}

export interface TakeResult {
  readonly allowed: boolean;
  /** When refused: milliseconds until a request would be accepted (for `x-acs-retry-after`). */
  readonly retryAfterMs: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #windows = new Map<string, FixedWindow>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Takes one request's worth from the meter `key` whose limit is `qps` requests per second. */
  take(key: string, qps: number, mode: RateLimitWindow = 'token_bucket'): TakeResult {
    return mode === 'fixed' ? this.#takeFixed(key, qps) : this.#takeToken(key, qps);
  }

  #takeToken(key: string, qps: number): TakeResult {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { tokens: qps, updatedMs: now };
      this.#buckets.set(key, bucket);
    }
    // A clock that steps backwards (an injected test clock) mints no tokens; refilling resumes from there.
    const elapsed = Math.max(0, now - bucket.updatedMs);
    bucket.tokens = Math.min(qps, bucket.tokens + (elapsed * qps) / 1000);
    bucket.updatedMs = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(((1 - bucket.tokens) * 1000) / qps)) };
  }

  #takeFixed(key: string, qps: number): TakeResult {
    const now = this.#now();
    // Below one request per second a window is long enough for exactly one request.
    const capacity = Math.max(1, Math.floor(qps));
    const windowMs = qps >= 1 ? 1000 : 1000 / qps;
    const index = Math.floor(now / windowMs);
    let window = this.#windows.get(key);
    // A clock that steps backwards stays in the window it had reached: no fresh allowance from it.
    if (!window || index > window.index) {
      window = { index, count: 0 };
      this.#windows.set(key, window);
    }
    if (window.count < capacity) {
      window.count += 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.max(1, Math.ceil((window.index + 1) * windowMs - now)) };
  }
}
