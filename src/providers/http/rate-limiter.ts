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
 * How a bucket paces (token-bucket.ts): every one-second window at any phase carries at most the
 * limit — checked over 1 s / 98% so that 20 ms of arrival jitter still fits — spread evenly with a
 * small burst, lowered on throttling and slowly restored.
 */
export { PACING_MARGIN, burstFor, pacedRate } from './token-bucket.js';

export interface BucketKey {
  readonly cloud: string;
  /** The account: the credential's key ID (never the secret). */
  readonly account: string;
  readonly product: string;
  readonly action: string;
  /** Empty when the call has no region (Tencent TCSS, Alibaba CAS). */
  readonly region: string;
}

function bucketKeyString(key: BucketKey): string {
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
      bucket = new TokenBucket({ limitQps, clock: this.#clock });
      this.#buckets.set(id, bucket);
    } else {
      bucket.lowerLimit(limitQps);
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
