import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('allows a burst of `limit` requests, then refuses with the time to the next token', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    const results = Array.from({ length: 11 }, () => limiter.take('a', 10));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results[10]).toEqual({ allowed: false, retryAfterMs: 100 });
    now += 100;
    expect(limiter.take('a', 10).allowed).toBe(true);
    expect(limiter.take('a', 10).allowed).toBe(false);
  });

  it('keeps a bucket per key and refills at most to capacity', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 3; i++) expect(limiter.take('x', 3).allowed).toBe(true);
    expect(limiter.take('x', 3).allowed).toBe(false);
    expect(limiter.take('y', 3).allowed).toBe(true);
    now += 60_000;
    const after = Array.from({ length: 4 }, () => limiter.take('x', 3).allowed);
    expect(after).toEqual([true, true, true, false]);
  });

  it('mints no tokens when the clock steps back, and refills from the new time', () => {
    let now = 10_000;
    const limiter = new RateLimiter(() => now);
    expect(limiter.take('k', 1).allowed).toBe(true);
    now = 0;
    expect(limiter.take('k', 1).allowed).toBe(false);
    now = 1000;
    expect(limiter.take('k', 1).allowed).toBe(true);
  });
});

describe('RateLimiter in fixed-window mode', () => {
  it('allows `limit` requests per calendar second and names the time to the next window', () => {
    let now = 5_250;
    const limiter = new RateLimiter(() => now);
    const results = Array.from({ length: 4 }, () => limiter.take('a', 3, 'fixed'));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]).toEqual({ allowed: false, retryAfterMs: 750 });
    now = 5_999;
    expect(limiter.take('a', 3, 'fixed').allowed).toBe(false);
    now = 6_000;
    expect(limiter.take('a', 3, 'fixed').allowed).toBe(true);
  });

  it('refuses the burst at a window boundary that a token bucket accepts', () => {
    let now = 0;
    const fixed = new RateLimiter(() => now);
    const bucket = new RateLimiter(() => now);
    // 10 at once, then an 11th at the end of the same second: the bucket has refilled, the window has not.
    const times = [...Array.from({ length: 10 }, () => 0), 999];
    let fixedRefused = 0;
    let bucketRefused = 0;
    for (const t of times) {
      now = t;
      if (!fixed.take('k', 10, 'fixed').allowed) fixedRefused += 1;
      if (!bucket.take('k', 10).allowed) bucketRefused += 1;
    }
    expect(fixedRefused).toBe(1);
    expect(bucketRefused).toBe(0);
    // …and the converse: 10 at the end of a second and 10 at the start of the next pass a fixed window only.
    const f2 = new RateLimiter(() => now);
    const b2 = new RateLimiter(() => now);
    let f2Refused = 0;
    let b2Refused = 0;
    for (const t of [...Array.from({ length: 10 }, () => 10_990), ...Array.from({ length: 10 }, () => 11_000)]) {
      now = t;
      if (!f2.take('k', 10, 'fixed').allowed) f2Refused += 1;
      if (!b2.take('k', 10).allowed) b2Refused += 1;
    }
    expect(f2Refused).toBe(0);
    expect(b2Refused).toBeGreaterThan(0);
  });

  it('stretches the window below one request per second and keeps meters apart', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    expect(limiter.take('x', 0.5, 'fixed').allowed).toBe(true);
    now = 1_500;
    expect(limiter.take('x', 0.5, 'fixed')).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(limiter.take('y', 0.5, 'fixed').allowed).toBe(true);
    now = 2_000;
    expect(limiter.take('x', 0.5, 'fixed').allowed).toBe(true);
  });
});
