import { describe, expect, it } from 'vitest';
import { Semaphore, forEachConcurrent } from './concurrency.js';

describe('Semaphore', () => {
  it('serves waiters by priority, then in arrival order', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.acquire();
    const order: string[] = [];
    const waiters = [
      ['low-1', 1],
      ['high-1', 60],
      ['mid', 5],
      ['high-2', 60],
      ['low-2', 1],
    ].map(([name, priority]) =>
      semaphore.acquire(priority as number).then(() => {
        order.push(name as string);
        semaphore.release();
      }),
    );
    semaphore.release();
    await Promise.all(waiters);
    expect(order).toEqual(['high-1', 'high-2', 'mid', 'low-1', 'low-2']);
  });

  it('never lets more than `limit` holders in', async () => {
    const semaphore = new Semaphore(3);
    let holders = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        semaphore.use(async () => {
          holders += 1;
          peak = Math.max(peak, holders);
          await new Promise((r) => setImmediate(r));
          holders -= 1;
        }, i % 7),
      ),
    );
    expect(peak).toBe(3);
  });
});

describe('forEachConcurrent', () => {
  it('visits every item once with at most `concurrency` in flight', async () => {
    const seen: number[] = [];
    let inFlight = 0;
    let peak = 0;
    await forEachConcurrent(
      Array.from({ length: 25 }, (_, i) => i),
      4,
      async (i) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setImmediate(r));
        seen.push(i);
        inFlight -= 1;
      },
    );
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(peak).toBe(4);
  });
});
