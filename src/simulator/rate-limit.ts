/**
 * Per-account, per-API token buckets, as the clouds meter their documented QPS: capacity equal to
 * the limit (a full second's burst), refilled continuously at `limit` tokens per second on the
 * simulator's injectable clock, so tests can freeze or step time instead of sleeping.
 */
interface Bucket {
  tokens: number;
  updatedMs: number;
}

export interface TakeResult {
  readonly allowed: boolean;
  /** When refused: milliseconds until one token is available (for `x-acs-retry-after`). */
  readonly retryAfterMs: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Takes one token from the bucket `key` whose limit is `qps` requests per second. */
  take(key: string, qps: number): TakeResult {
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
}
