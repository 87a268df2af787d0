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
