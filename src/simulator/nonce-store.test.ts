import { describe, expect, it } from 'vitest';
import { NONCE_RETENTION_MS, NonceStore } from './nonce-store.js';

describe('NonceStore', () => {
  it('rejects a nonce reused by the same key within the window', () => {
    const store = new NonceStore();
    expect(store.use('AK1', 'n1', 0)).toBe(true);
    expect(store.use('AK1', 'n1', 15 * 60 * 1000)).toBe(false);
    expect(store.use('AK2', 'n1', 1000)).toBe(true);
  });

  it('forgets nonces after the retention window (at least the 15-minute timestamp window)', () => {
    expect(NONCE_RETENTION_MS).toBeGreaterThanOrEqual(15 * 60 * 1000);
    const store = new NonceStore();
    store.use('AK1', 'n1', 0);
    store.use('AK1', 'n2', 1000);
    expect(store.use('AK1', 'n3', NONCE_RETENTION_MS + 500)).toBe(true);
    expect(store.size).toBe(2);
    expect(store.use('AK1', 'n1', NONCE_RETENTION_MS + 600)).toBe(true);
  });
});
