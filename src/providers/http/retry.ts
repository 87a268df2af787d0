import type { Redactor } from '../../model/redactor.js';
import { ApiError } from '../types.js';
import type { CallContext } from './classify.js';
import { deadlineError, transportError } from './classify.js';
import type { Clock } from './clock.js';
import { SlotBeyondDeadlineError } from './token-bucket.js';

/**
 * Retries at the call layer (cloud-apis.md §5.2: the official SDKs mostly do not retry). Each
 * attempt is built and signed afresh by the caller — new timestamp, new nonce — and waits for a
 * rate-limit token again, so a throttled call is never retried straight back into the limit.
 */

export interface RetryPolicy {
  /** Requests per logical call, first one included. */
  readonly maxAttempts: number;
  /** Backoff ceiling for the first retry; doubles per retry. */
  readonly baseDelayMs: number;
  /** Ceiling of any computed backoff. */
  readonly maxDelayMs: number;
  /** Ceiling of a server-requested delay (`x-acs-retry-after`), as openapi-core caps it. */
  readonly maxRetryAfterMs: number;
}

/** cloud-apis.md §5.2's recommendation: 5 attempts, full jitter from ~1 s, capped at 20 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 120_000,
};

/**
 * Exponential backoff with full jitter: uniform in [0, min(cap, base × 2^(retry−1))). Full jitter
 * spreads many clients that failed together (a throttled burst) instead of re-synchronising them.
 * `retry` is 1 for the first retry; `random` returns [0, 1).
 */
export function fullJitterDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const r = random();
  const unit = r >= 0 && r < 1 ? r : 0;
  return Math.floor(unit * ceiling);
}

/**
 * Never earlier than the server's `x-acs-retry-after` (it knows when its window reopens), but not
 * exactly at it either: that value is when *one* token is back, so every client throttled in the
 * same burst would come back in the same millisecond and be throttled again. Taking the larger of
 * the two keeps the jitter's spread while honouring the server's floor.
 */
export function retryDelay(error: ApiError, retry: number, policy: RetryPolicy, random: () => number): number {
  const jitter = fullJitterDelay(retry, policy, random);
  if (error.retryAfterMs !== undefined) return Math.max(Math.min(error.retryAfterMs, policy.maxRetryAfterMs), jitter);
  return jitter;
}

export interface RetryEvent {
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: ApiError;
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly random: () => number;
  readonly ctx: CallContext;
  readonly redactor: Redactor;
  /** The caller's cancellation (Ctrl-C, an overall run deadline). */
  readonly signal?: AbortSignal;
  /** Absolute deadline (clock ms) for the whole call, queueing included. */
  readonly deadlineAt?: number;
  /** Budget (ms) for the call once its first request may go: time queued behind the rate limit does not count. */
  readonly budgetMs?: number;
  /** Runs before every attempt, e.g. waits for a rate-limit token; must not start past `notAfter`. */
  readonly beforeAttempt?: (attempt: number, notAfter: number | undefined, signal: AbortSignal | undefined) => Promise<void>;
  readonly onRetry?: (event: RetryEvent) => void;
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, runs out of attempts, or the
 * deadline/signal stops it. Never sleeps past the deadline: when the next backoff would end after
 * it, the last real error is returned at once. Resolves with the value and the number of attempts.
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number, signal: AbortSignal | undefined) => Promise<T>,
  options: RetryOptions,
): Promise<{ value: T; attempts: number }> {
  const { clock, ctx, redactor, policy, signal } = options;
  let deadlineAt = options.deadlineAt;
  let last: ApiError | undefined;
  const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));

  for (let n = 1; n <= maxAttempts; n += 1) {
    if (signal?.aborted) throw deadlineError(ctx, redactor, 'aborted', last);
    if (deadlineAt !== undefined && clock.now() >= deadlineAt) throw deadlineError(ctx, redactor, 'deadline', last);

    if (options.beforeAttempt) {
      try {
        await options.beforeAttempt(n, deadlineAt, signal);
      } catch (err) {
        if (err instanceof SlotBeyondDeadlineError) throw deadlineError(ctx, redactor, 'deadline', last);
        if (signal?.aborted) throw deadlineError(ctx, redactor, 'aborted', last);
        throw err;
      }
    }
    if (n === 1 && options.budgetMs !== undefined) deadlineAt = earliest(deadlineAt, clock.now() + options.budgetMs);

    // In-flight requests are cut at the deadline too, not only the sleeps between them.
    const remaining = deadlineAt === undefined ? undefined : deadlineAt - clock.now();
    if (remaining !== undefined && remaining <= 0) throw deadlineError(ctx, redactor, 'deadline', last);
    const deadlineSignal = remaining === undefined ? undefined : AbortSignal.timeout(Math.ceil(remaining));
    const requestSignal = signal && deadlineSignal ? AbortSignal.any([signal, deadlineSignal]) : (signal ?? deadlineSignal);

    let error: ApiError;
    try {
      return { value: await attempt(n, requestSignal), attempts: n };
    } catch (err) {
      if (signal?.aborted) throw deadlineError(ctx, redactor, 'aborted', err instanceof ApiError ? err : last);
      if (deadlineSignal?.aborted) throw deadlineError(ctx, redactor, 'deadline', err instanceof ApiError ? err : last);
      error = err instanceof ApiError ? err : transportError(err, ctx, redactor);
    }
    last = error;
    if (!error.retryable || n === maxAttempts) throw error;

    const delayMs = retryDelay(error, n, policy, options.random);
    // Sleeping to (or past) the deadline could only end in a deadline error; the real error says more.
    if (deadlineAt !== undefined && clock.now() + delayMs >= deadlineAt) throw error;
    options.onRetry?.({ attempt: n, delayMs, error });
    try {
      await clock.sleep(delayMs, signal);
    } catch (err) {
      if (signal?.aborted) throw deadlineError(ctx, redactor, 'aborted', last);
      throw err;
    }
  }
  // Unreachable: the loop either returns or throws on its last attempt.
  throw last ?? deadlineError(ctx, redactor, 'deadline');
}
