import type { Clock } from './clock.js';
import { TokenBucket } from './token-bucket.js';
import type { AcquireOptions } from './token-bucket.js';

/**
 * Client-side pacing (design.md §7, §9): one token bucket per (cloud, account, product, action,
 * region), so calls go out below the vendor's limit instead of being retried into it. The caller
 * decides whether region is part of the key (call-executor `rateLimitScope`): the simulator, like
 * Tencent's cross-region `GlobalRegionUinLimitExceeded`, meters per account and API, so by default
 * the region is left empty and all regions of an account share one bucket.
 *
 * The account is the credential's key ID rather than the provider alias: the clouds count requests
 * per account, so two aliases with the same key must share one bucket or together they would send
 * twice the limit.
 */

/**
 * Pace at 98% of the documented limit. Our timers and the server's refill run on different clocks,
 * and requests paced evenly on our side can still arrive bunched (scheduling, connection reuse,
 * latency jitter). The 2% keeps the server's bucket gaining 0.02 × limit tokens of slack every
 * second, which absorbs that bunching, while costing at most 2% of the N/limit floor — inside the
 * ≥ 95% benchmark target with room for the first-request latency.
 */
export const PACING_MARGIN = 0.98;

/**
 * Burst: at most 10% of the limit (at least 1, and 2 once the limit allows it). The simulator, like
 * the clouds, allows a burst of `limit`; keeping ours a small fraction of that leaves ≥ 90% of the
 * server's bucket as headroom for arrival jitter. Two tokens let a late wake-up catch up instead
 * of losing the slot. A quiet bucket starts full, so the first `burst` calls go at once; after
 * that N calls take ≥ (N − burst) / rate.
 */
export function burstFor(limitQps: number): number {
  if (limitQps < 2) return 1;
  return Math.min(Math.floor(limitQps), Math.max(2, Math.ceil(limitQps / 10)));
}

export function pacedRate(limitQps: number): number {
  return limitQps * PACING_MARGIN;
}

export interface BucketKey {
  readonly cloud: string;
  /** The account: the credential's key ID (never the secret). */
  readonly account: string;
  readonly product: string;
  readonly action: string;
  /** Empty when the call has no region (Tencent TCSS, Alibaba CAS). */
  readonly region: string;
}

export function bucketKeyString(key: BucketKey): string {
  return [key.cloud, key.account, key.product, key.action, key.region].join('|');
}

export interface RateLimiterOptions {
  readonly clock: Clock;
}

export class RateLimiter {
  readonly #clock: Clock;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(options: RateLimiterOptions) {
    this.#clock = options.clock;
  }

  /** The bucket for a key, created on first use from the vendor limit (requests/second). */
  bucket(key: BucketKey, limitQps: number): TokenBucket {
    if (!(limitQps > 0) || !Number.isFinite(limitQps)) {
      throw new RangeError(`rate limit for ${key.product}:${key.action} must be a positive number, got ${limitQps}`);
    }
    const id = bucketKeyString(key);
    let bucket = this.#buckets.get(id);
    if (bucket === undefined) {
      bucket = new TokenBucket({ ratePerSecond: pacedRate(limitQps), burst: burstFor(limitQps), clock: this.#clock });
      this.#buckets.set(id, bucket);
    } else {
      bucket.lowerRate(pacedRate(limitQps));
    }
    return bucket;
  }

  /** Waits for this key's next slot; resolves with the time waited in ms. */
  acquire(key: BucketKey, limitQps: number, options: AcquireOptions = {}): Promise<number> {
    return this.bucket(key, limitQps).acquire(options);
  }

  get size(): number {
    return this.#buckets.size;
  }
}
