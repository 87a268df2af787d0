import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Clock } from './clock.js';
import { ManualClock } from './manual-clock.js';
import { MIN_ALLOWANCE_SHARE, PACING_MARGIN, RECOVERY_STEP, SlotBeyondDeadlineError, TokenBucket, burstFor } from './token-bucket.js';

/** The most departures any half-open interval [t, t + windowMs) holds, over every phase t. */
function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi += 1) {
    // The densest window starts at some departure; count those within windowMs after sorted[lo].
    while ((sorted[hi] ?? 0) - (sorted[lo] ?? 0) >= windowMs) lo += 1;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** A clock whose timers fire late by a seeded amount, as real timers do under load (never early). */
function lateClock(base: ManualClock, lateness: readonly number[]): Clock {
  let i = 0;
  return {
    now: base.now,
    sleep: (ms, signal) => {
      const extra = lateness.length === 0 ? 0 : (lateness[i++ % lateness.length] ?? 0);
      return base.sleep(ms + extra, signal);
    },
  };
}

/** Acquires at the given arrival times (ms from 0) and returns the departure times. */
async function schedule(
  bucket: TokenBucket,
  clock: ManualClock,
  arrivals: readonly number[],
  onDeparture?: (index: number, at: number) => void,
): Promise<number[]> {
  const times: number[] = [];
  const all = Promise.all(
    arrivals.map(async (at, index) => {
      await clock.sleep(at);
      await bucket.acquire();
      times.push(clock.now());
      onDeparture?.(index, clock.now());
    }),
  );
  await clock.run(all);
  return times;
}

describe('TokenBucket pacing', () => {
  it('lets a small burst through, then spaces requests evenly just below the limit', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ limitQps: 10, clock });
    const times = await schedule(
      bucket,
      clock,
      Array.from({ length: 30 }, () => 0),
    );
    expect(times.slice(0, burstFor(10))).toEqual([0, 0]);
    const interval = 1000 / (10 * PACING_MARGIN);
    expect(times[2]).toBeCloseTo(interval, 6);
    // 30 requests at 10/s: never more than 10 in any second, and done in about 3 s (the floor is 3 s).
    expect(maxInAnyWindow(times, 1000)).toBe(10);
    expect(maxInAnyWindow(times, 1000 / PACING_MARGIN - 1e-6)).toBeLessThanOrEqual(10);
    expect(times.at(-1)).toBeLessThan(3_000);
  });

  it('serves waiters first come, first served', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ limitQps: 5, clock });
    const order: number[] = [];
    await schedule(
      bucket,
      clock,
      Array.from({ length: 12 }, () => 0),
      (i) => order.push(i),
    );
    expect(order).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('would put more than the limit into a second without the window log (the property below can fail)', () => {
    // The old pacing: burst of 10% of the limit plus 98% of the rate, in the same fixed second.
    const limit = 100;
    const burst = Array.from({ length: 10 }, () => 0);
    const paced = Array.from({ length: 98 }, (_, i) => ((i + 1) * 1000) / 98 - 1);
    expect(maxInAnyWindow([...burst, ...paced], 1000)).toBeGreaterThan(limit);
  });

  it('never sends more than the limit in any one-second window, at any phase, for any arrival schedule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0.2, max: 30, noNaN: true })),
        fc.array(fc.integer({ min: 0, max: 4_000 }), { minLength: 1, maxLength: 150 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 8 }),
        async (limit, arrivals, lateness) => {
          const clock = new ManualClock();
          const bucket = new TokenBucket({ limitQps: limit, clock: lateClock(clock, lateness) });
          const times = await schedule(bucket, clock, arrivals);
          expect(times).toHaveLength(arrivals.length);
          expect(maxInAnyWindow(times, 1000)).toBeLessThanOrEqual(Math.max(1, Math.floor(limit)));
        },
      ),
      { numRuns: 150, seed: 17 },
    );
  });

  it('keeps the guarantee while it is throttled, paused and recovering', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 120 }),
        fc.array(fc.tuple(fc.nat(), fc.option(fc.integer({ min: 1, max: 3_000 }), { nil: undefined })), { maxLength: 6 }),
        async (limit, arrivals, throttles) => {
          const clock = new ManualClock();
          const bucket = new TokenBucket({ limitQps: limit, clock });
          const throttleAt = new Map(throttles.map(([i, after]) => [i % arrivals.length, after]));
          const times = await schedule(bucket, clock, arrivals, (index) => {
            if (throttleAt.has(index)) bucket.throttled(throttleAt.get(index));
            else bucket.answered();
          });
          expect(maxInAnyWindow(times, 1000)).toBeLessThanOrEqual(limit);
          expect(bucket.allowanceQps).toBeLessThanOrEqual(limit);
          expect(bucket.allowanceQps).toBeGreaterThanOrEqual(limit * MIN_ALLOWANCE_SHARE);
        },
      ),
      { numRuns: 100, seed: 1717 },
    );
  });

  it('costs at most the margin against the floor on a long backlog', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ limitQps: 10, clock });
    const times = await schedule(
      bucket,
      clock,
      Array.from({ length: 600 }, () => 0),
    );
    // The floor for 600 calls at 10/s is 60 s; the window log lets the pace reach 98% of it.
    expect(60 / ((times.at(-1) ?? 0) / 1000)).toBeGreaterThanOrEqual(0.98);
  });

  it('does not lose slots when a sleeper wakes late by less than its burst', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ limitQps: 10, clock: lateClock(clock, [5]) });
    const times = await schedule(
      bucket,
      clock,
      Array.from({ length: 200 }, () => 0),
    );
    // 5 ms late on every wake-up (5% of the interval), yet the pace keeps to the schedule within one interval.
    const onTime = ((200 - 1) * 1000) / (10 * PACING_MARGIN);
    expect(times.at(-1) ?? 0).toBeLessThan(onTime + 1000 / (10 * PACING_MARGIN));
  });
});

describe('TokenBucket deadlines and cancellation', () => {
  it('refuses a slot beyond the deadline without taking it', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ limitQps: 1, clock });
    await bucket.acquire({ notAfter: 0 });
    await expect(bucket.acquire({ notAfter: 500 })).rejects.toBeInstanceOf(SlotBeyondDeadlineError);
    // Nothing was taken by the refused request: the next one leaves one window after the first.
    const next = bucket.acquire();
    await clock.run(next);
    expect(clock.now()).toBeCloseTo(1000 / PACING_MARGIN, 6);
  });

  it('refuses a waiter whose slot a throttle pushed past its deadline', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ limitQps: 2, clock });
    await bucket.acquire();
    await bucket.acquire();
    const waiting = bucket.acquire({ notAfter: 2_000 });
    bucket.throttled(5_000);
    await expect(clock.run(waiting)).rejects.toBeInstanceOf(SlotBeyondDeadlineError);
  });

  it('stops waiting when the signal aborts, and the queue moves on', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ limitQps: 1, clock });
    await bucket.acquire();
    const controller = new AbortController();
    const aborted = bucket.acquire({ signal: controller.signal });
    const after = bucket.acquire();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(bucket.waiting).toBe(1);
    await clock.run(after);
    expect(clock.now()).toBeCloseTo(1000 / PACING_MARGIN, 6);
  });
});

describe('TokenBucket when throttled anyway (AIMD)', () => {
  it('halves its allowance once per window and pauses every waiter for the retry-after', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ limitQps: 20, clock });
    bucket.throttled();
    expect(bucket.allowanceQps).toBe(10);
    // Answers to requests already in flight carry no news: no second decrease inside the window.
    bucket.throttled();
    expect(bucket.allowanceQps).toBe(10);
    clock.advance(1_100);
    bucket.throttled(3_000);
    expect(bucket.allowanceQps).toBe(5);
    const start = clock.now();
    const times = await schedule(bucket, clock, [0, 0, 0]);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(start + 3_000);
  });

  it('never falls below its floor', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ limitQps: 10, clock });
    for (let i = 0; i < 20; i += 1) {
      bucket.throttled();
      clock.advance(60_000);
    }
    expect(bucket.allowanceQps).toBeCloseTo(10 * MIN_ALLOWANCE_SHARE, 9);
  });

  it('recovers slowly: one step per window of clean answers, never above the documented limit', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ limitQps: 20, clock });
    bucket.throttled();
    expect(bucket.allowanceQps).toBe(10);
    for (let i = 0; i < 9; i += 1) bucket.answered();
    expect(bucket.allowanceQps).toBe(10);
    bucket.answered();
    expect(bucket.allowanceQps).toBeCloseTo(10 + 20 * RECOVERY_STEP, 9);
    for (let i = 0; i < 10_000; i += 1) bucket.answered();
    expect(bucket.allowanceQps).toBe(20);
  });

  it('slows requests that were already waiting when the throttle came', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ limitQps: 10, clock });
    const times: number[] = [];
    const all = schedule(
      bucket,
      clock,
      Array.from({ length: 40 }, () => 0),
      (i) => {
        times.push(clock.now());
        if (i === 5) bucket.throttled();
      },
    );
    await all;
    // After the throttle, at most 5 per window instead of 10.
    const late = times.filter((t) => t > (times[5] ?? 0));
    expect(maxInAnyWindow(late, 1000)).toBeLessThanOrEqual(5);
  });

  it('takes the strictest limit a sharing caller asks for, and only lowers', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ limitQps: 10, clock });
    bucket.lowerLimit(20);
    expect(bucket.limitQps).toBe(10);
    bucket.lowerLimit(4);
    expect(bucket.limitQps).toBe(4);
    expect(bucket.allowanceQps).toBe(4);
    expect(bucket.ratePerSecond).toBeCloseTo(4 * PACING_MARGIN, 9);
  });

  it('rejects nonsense limits and margins', () => {
    const clock = new ManualClock();
    expect(() => new TokenBucket({ limitQps: 0, clock })).toThrow(RangeError);
    expect(() => new TokenBucket({ limitQps: Number.NaN, clock })).toThrow(RangeError);
    expect(() => new TokenBucket({ limitQps: Number.POSITIVE_INFINITY, clock })).toThrow(RangeError);
    expect(() => new TokenBucket({ limitQps: 1, clock, margin: 1.5 })).toThrow(RangeError);
  });
});
