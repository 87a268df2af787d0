interface Waiter {
  readonly priority: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/** Higher priority first; among equals, first come first served. */
function before(a: Waiter, b: Waiter): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
}

/**
 * A counting semaphore: at most `limit` holders at once. Waiters are served by priority (a binary
 * heap), then in arrival order, so work that bounds the run's duration is not queued behind work
 * that does not.
 */
export class Semaphore {
  readonly #heap: Waiter[] = [];
  #free: number;
  #seq = 0;

  constructor(limit: number) {
    this.#free = Math.max(1, limit);
  }

  async acquire(priority = 0): Promise<void> {
    if (this.#free > 0 && this.#heap.length === 0) {
      this.#free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.#push({ priority, seq: this.#seq++, resolve }));
  }

  release(): void {
    const next = this.#pop();
    if (next) next.resolve();
    else this.#free += 1;
  }

  async use<T>(fn: () => Promise<T>, priority = 0): Promise<T> {
    await this.acquire(priority);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  #push(waiter: Waiter): void {
    const heap = this.#heap;
    heap.push(waiter);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Waiter, heap[parent] as Waiter)) break;
      [heap[i], heap[parent]] = [heap[parent] as Waiter, heap[i] as Waiter];
      i = parent;
    }
  }

  #pop(): Waiter | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < heap.length && before(heap[l] as Waiter, heap[best] as Waiter)) best = l;
      if (r < heap.length && before(heap[r] as Waiter, heap[best] as Waiter)) best = r;
      if (best === i) break;
      [heap[i], heap[best]] = [heap[best] as Waiter, heap[i] as Waiter];
      i = best;
    }
    return top;
  }
}

/** Runs `worker` over `items` with at most `concurrency` in flight, preserving nothing but completion. */
export async function forEachConcurrent<T>(items: readonly T[], concurrency: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await worker(item);
    }
  });
  await Promise.all(lanes);
}
