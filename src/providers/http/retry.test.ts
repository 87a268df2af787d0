import { describe, expect, it } from 'vitest';
import { Redactor } from '../../model/redactor.js';
import { ApiError } from '../types.js';
import type { CallContext } from './classify.js';
import { ManualClock } from './manual-clock.js';
import { DEFAULT_RETRY_POLICY, fullJitterDelay, retryDelay, withRetries } from './retry.js';
import type { RetryOptions } from './retry.js';

const ctx: CallContext = { cloud: 'alicloud', product: 'cas', action: 'GetCAInstanceStatus', host: 'cas.aliyuncs.com' };

/** mulberry32: a small seeded PRNG so jitter is reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const throttled = (retryAfterMs?: number): ApiError =>
  new ApiError({
    kind: 'throttled',
    code: 'Throttling.User',
    message: 'slow down',
    retryable: true,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
const auth = (): ApiError => new ApiError({ kind: 'auth', code: 'InvalidAccessKeyId.NotFound', message: 'no such key', retryable: false });

/** Lifts a synchronous attempt body into a promise (a throw becomes a rejection). */
function lift<T>(body: () => T): () => Promise<T> {
  return () => new Promise<T>((resolve) => resolve(body()));
}

function options(clock: ManualClock, over: Partial<RetryOptions> = {}): RetryOptions {
  return { policy: DEFAULT_RETRY_POLICY, clock, random: seeded(42), ctx, redactor: new Redactor(), ...over };
}

describe('fullJitterDelay', () => {
  it('stays within [0, min(cap, base·2^(n−1))) for many seeded draws', () => {
    const random = seeded(7);
    for (let retry = 1; retry <= 8; retry += 1) {
      const ceiling = Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** (retry - 1));
      const draws = Array.from({ length: 500 }, () => fullJitterDelay(retry, DEFAULT_RETRY_POLICY, random));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThan(ceiling);
      // Full jitter uses the whole range, not just the top (equal jitter) or a fixed value.
      expect(Math.min(...draws)).toBeLessThan(ceiling * 0.1);
      expect(Math.max(...draws)).toBeGreaterThan(ceiling * 0.9);
    }
  });

  it('is capped', () => {
    expect(fullJitterDelay(30, DEFAULT_RETRY_POLICY, () => 0.999999)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs - 1);
    expect(fullJitterDelay(1, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(500);
    expect(fullJitterDelay(3, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(2000);
  });

  it('never retries earlier than the server asked, and keeps the jitter above that floor', () => {
    expect(retryDelay(throttled(1234), 1, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(1234);
    expect(retryDelay(throttled(10_000_000), 1, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(DEFAULT_RETRY_POLICY.maxRetryAfterMs);
    expect(retryDelay(throttled(50), 1, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(500);
    expect(retryDelay(throttled(), 2, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(1000);
    const random = seeded(3);
    for (let i = 0; i < 200; i += 1) expect(retryDelay(throttled(300), 2, DEFAULT_RETRY_POLICY, random)).toBeGreaterThanOrEqual(300);
  });
});

describe('withRetries', () => {
  it('retries retryable errors and reports the attempts used', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const result = await clock.run(
      withRetries(
        lift(() => {
          calls += 1;
          if (calls < 3) throw throttled();
          return 'ok';
        }),
        options(clock),
      ),
    );
    expect(result).toEqual({ value: 'ok', attempts: 3 });
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[0]).toBeLessThan(1000);
    expect(clock.sleeps[1]).toBeLessThan(2000);
  });

  it('fails fast on a non-retryable error', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const run = withRetries(
      lift(() => {
        calls += 1;
        throw auth();
      }),
      options(clock),
    );
    await expect(clock.run(run)).rejects.toMatchObject({ kind: 'auth' });
    expect(calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const run = withRetries(
      lift(() => {
        calls += 1;
        throw throttled();
      }),
      options(clock, { policy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 4 } }),
    );
    await expect(clock.run(run)).rejects.toMatchObject({ code: 'Throttling.User' });
    expect(calls).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
  });

  it('honours retry-after exactly', async () => {
    const clock = new ManualClock();
    let calls = 0;
    await clock.run(
      withRetries(
        lift(() => {
          calls += 1;
          if (calls === 1) throw throttled(3_210);
          return 1;
        }),
        options(clock),
      ),
    );
    expect(clock.sleeps).toEqual([3_210]);
    expect(clock.now()).toBe(3_210);
  });

  it('waits for a token before every attempt, retries included', async () => {
    const clock = new ManualClock();
    const tokens: number[] = [];
    let calls = 0;
    await clock.run(
      withRetries(
        lift(() => {
          calls += 1;
          if (calls < 3) throw throttled();
          return 1;
        }),
        options(clock, {
          beforeAttempt: (n) => {
            tokens.push(n);
            return Promise.resolve();
          },
        }),
      ),
    );
    expect(tokens).toEqual([1, 2, 3]);
  });

  it('never sleeps past the deadline and returns the real error', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const run = withRetries(
      lift(() => {
        calls += 1;
        throw throttled();
      }),
      options(clock, { deadlineAt: 2_500, random: () => 0.99 }),
    );
    // Delays would be 990, 1980, …: the second would end at 2970 > 2500, so it stops after two attempts.
    await expect(clock.run(run)).rejects.toMatchObject({ code: 'Throttling.User' });
    expect(calls).toBe(2);
    expect(clock.now()).toBeLessThan(2_500);
  });

  it('measures the budget from the first slot, not from queueing', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const run = withRetries(
      lift(() => {
        calls += 1;
        throw throttled(400);
      }),
      options(clock, { budgetMs: 1_000, random: () => 0, beforeAttempt: (n) => (n === 1 ? clock.sleep(60_000) : Promise.resolve()) }),
    );
    await expect(clock.run(run)).rejects.toMatchObject({ code: 'Throttling.User' });
    // Queued 60 s for the first slot, then 1 s of budget: attempts at 60.0, 60.4, 60.8 s; the next would end at 61.2 s.
    expect(calls).toBe(3);
    expect(clock.now()).toBe(60_800);
  });

  it('turns a rate-limit slot beyond the deadline into a deadline error', async () => {
    const clock = new ManualClock();
    const { SlotBeyondDeadlineError } = await import('./token-bucket.js');
    const run = withRetries(
      lift(() => 1),
      options(clock, { deadlineAt: 100, beforeAttempt: () => Promise.reject(new SlotBeyondDeadlineError(500)) }),
    );
    await expect(clock.run(run)).rejects.toMatchObject({ kind: 'timeout', code: 'DW_DEADLINE' });
  });

  it('stops at once when the caller aborts during a backoff', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let calls = 0;
    const run = withRetries(
      lift(() => {
        calls += 1;
        throw throttled(5_000);
      }),
      options(clock, { signal: controller.signal }),
    );
    // Let the first attempt fail and the backoff start, then abort instead of advancing the clock.
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.pending).toBe(1);
    controller.abort(new Error('cancelled'));
    await expect(run).rejects.toMatchObject({ kind: 'timeout', code: 'DW_ABORTED' });
    await expect(run).rejects.toThrow(/last error: Throttling.User/);
    expect(calls).toBe(1);
  });

  it('cuts an in-flight attempt at the deadline', async () => {
    const clock = new ManualClock(Date.now());
    const run = withRetries(
      (_n, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'UND_ERR_ABORTED' })));
        }),
      options(clock, { budgetMs: 50 }),
    );
    await expect(run).rejects.toMatchObject({ code: 'DW_DEADLINE' });
  });
});
