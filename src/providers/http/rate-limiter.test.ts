import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';
import { PACING_MARGIN, RateLimiter, burstFor, pacedRate } from './rate-limiter.js';
import type { BucketKey } from './rate-limiter.js';

const key = (over: Partial<BucketKey> = {}): BucketKey => ({
  cloud: 'tencentcloud',
  account: 'AKID1',
  product: 'kms',
  action: 'GetServiceStatus',
  region: 'ap-guangzhou',
  ...over,
});

/** Replays send times against a server-side bucket like the simulator's (capacity = rate = limit). */
function serverRejections(sendTimesMs: readonly number[], limit: number): number {
  let tokens = limit;
  let last = sendTimesMs[0] ?? 0;
  let rejected = 0;
  for (const t of sendTimesMs) {
    tokens = Math.min(limit, tokens + ((t - last) * limit) / 1000);
    last = t;
    if (tokens >= 1) tokens -= 1;
    else rejected += 1;
  }
  return rejected;
}

/** Replays send times against a fixed-window server (at most `limit` per calendar second) at a given phase. */
function fixedWindowRejections(sendTimesMs: readonly number[], limit: number, phaseMs: number): number {
  const perWindow = new Map<number, number>();
  let rejected = 0;
  for (const t of sendTimesMs) {
    const w = Math.floor((t + phaseMs) / 1000);
    const n = perWindow.get(w) ?? 0;
    if (n >= limit) rejected += 1;
    else perWindow.set(w, n + 1);
  }
  return rejected;
}

async function pace(limit: number, n: number): Promise<number[]> {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ clock });
  const times: number[] = [];
  const all = Promise.all(Array.from({ length: n }, () => limiter.acquire(key(), limit).then(() => times.push(clock.now()))));
  await clock.run(all);
  return times;
}

describe('burst and margin', () => {
  it('keeps the burst a small fraction of the limit and the rate just below it', () => {
    expect(burstFor(0.5)).toBe(1);
    expect(burstFor(1)).toBe(1);
    expect(burstFor(2)).toBe(2);
    expect(burstFor(10)).toBe(2);
    expect(burstFor(20)).toBe(2);
    expect(burstFor(100)).toBe(10);
    for (const limit of [1, 3, 10, 20, 100, 1000]) {
      expect(burstFor(limit)).toBeLessThanOrEqual(limit);
      expect(pacedRate(limit)).toBeLessThan(limit);
    }
    expect(PACING_MARGIN).toBeGreaterThanOrEqual(0.95);
  });
});

describe('RateLimiter pacing', () => {
  it.each([
    [10, 200],
    [20, 300],
    [100, 1000],
  ])('%i/s × %i calls take ≥ (N − burst)/R, reach ≥ 95 percent of the floor, and are never throttled', async (limit, n) => {
    const times = await pace(limit, n);
    const elapsedS = (times.at(-1) ?? 0) / 1000;
    expect(elapsedS).toBeGreaterThanOrEqual((n - burstFor(limit)) / pacedRate(limit) - 1e-9);
    // Efficiency against the floor N/limit (design.md §9).
    expect(n / limit / elapsedS).toBeGreaterThanOrEqual(0.95);
    expect(serverRejections(times, limit)).toBe(0);
  });

  it.each([10, 20, 100])('%i/s is never refused by a fixed-window server, whatever its phase', async (limit) => {
    const times = await pace(limit, limit * 12);
    for (let phase = 0; phase < 1000; phase += 7) expect(fixedWindowRejections(times, limit, phase)).toBe(0);
  });

  it('would be throttled without the limiter (the check above can fail)', () => {
    // The old pacing (a 10% burst, then 98% of the rate) put 108 requests into one fixed second at 100/s.
    const old = [...Array.from({ length: 10 }, () => 0), ...Array.from({ length: 98 }, (_, i) => ((i + 1) * 1000) / 98 - 1)];
    expect(fixedWindowRejections(old, 100, 0)).toBe(8);
    expect(
      serverRejections(
        Array.from({ length: 50 }, () => 0),
        10,
      ),
    ).toBe(40);
  });

  it('keeps separate buckets per account, action and region', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock });
    await limiter.acquire(key(), 1);
    await limiter.acquire(key({ region: 'ap-shanghai' }), 1);
    await limiter.acquire(key({ account: 'AKID2' }), 1);
    await limiter.acquire(key({ action: 'GetRegions' }), 1);
    expect(clock.now()).toBe(0);
    expect(limiter.size).toBe(4);
    // Same key again: must wait for the next slot (≈ 1/0.98 s).
    const second = limiter.acquire(key(), 1);
    await clock.run(second);
    expect(clock.now()).toBeCloseTo(1000 / 0.98, 0);
  });

  it('applies the strictest limit asked for a shared bucket', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock });
    limiter.bucket(key(), 100);
    expect(limiter.bucket(key(), 10).ratePerSecond).toBeCloseTo(9.8);
    expect(limiter.bucket(key(), 50).ratePerSecond).toBeCloseTo(9.8);
  });

  it('rejects a non-positive limit', () => {
    const limiter = new RateLimiter({ clock: new ManualClock() });
    expect(() => limiter.bucket(key(), 0)).toThrow(/positive/);
  });
});
