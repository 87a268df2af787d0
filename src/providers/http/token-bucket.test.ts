import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';
import { SlotBeyondDeadlineError, TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('lets a burst through, then spaces calls at the rate', async () => {
    const clock = new ManualClock(1_000);
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 2, clock });
    const times: number[] = [];
    const all = Promise.all(Array.from({ length: 6 }, () => bucket.acquire().then(() => times.push(clock.now()))));
    await clock.run(all);
    expect(times).toEqual([1_000, 1_000, 1_100, 1_200, 1_300, 1_400]);
  });

  it('serves waiters first come, first served', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 5, burst: 1, clock });
    const order: number[] = [];
    const all = Promise.all(Array.from({ length: 8 }, (_, i) => bucket.acquire().then(() => order.push(i))));
    await clock.run(all);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('refills while idle, but never above the burst', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, clock });
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBeCloseTo(100);
    clock.advance(60_000);
    expect(bucket.tokens).toBe(3);
  });

  it('does not lose slots when a sleeper wakes late', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 100, burst: 1, clock });
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBeCloseTo(10);
    // The second caller wakes 7 ms late; the third slot is still 20 ms after the start, not 27.
    clock.advance(17);
    expect(bucket.reserve()).toBeCloseTo(3);
  });

  it('refuses a slot beyond the deadline without reserving it', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, clock });
    expect(bucket.reserve(0)).toBe(0);
    expect(() => bucket.reserve(500)).toThrow(SlotBeyondDeadlineError);
    // Nothing was taken by the refused reservation: the next slot is still 1 s away.
    expect(bucket.reserve()).toBeCloseTo(1_000);
  });

  it('stops waiting when the signal aborts', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, clock });
    await bucket.acquire();
    const controller = new AbortController();
    const waiting = bucket.acquire({ signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
  });

  it('only ever lowers its rate', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1, clock });
    bucket.lowerRate(20);
    expect(bucket.ratePerSecond).toBe(10);
    bucket.lowerRate(4);
    expect(bucket.ratePerSecond).toBe(4);
  });

  it('rejects nonsense rates and bursts', () => {
    const clock = new ManualClock();
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1, clock })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: Number.NaN, burst: 1, clock })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0.5, clock })).toThrow(RangeError);
  });
});
