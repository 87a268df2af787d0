/**
 * Alibaba rejects a reused `SignatureNonce` / `x-acs-signature-nonce` (`SignatureNonceUsed`). The
 * retention window is undocumented (cloud-apis.md §2.6); a nonce is kept for 30 minutes, which covers
 * every replay a ±15-minute timestamp window allows. Entries expire in insertion order, so pruning
 * is a walk from the front of the map.
 */
export const NONCE_RETENTION_MS = 30 * 60 * 1000;

export class NonceStore {
  /** key = `${accessKeyId}\n${nonce}`, value = expiry (ms). Insertion order = expiry order. */
  readonly #seen = new Map<string, number>();

  /** Records the nonce; false when it was already used by the same access key within the window. */
  use(accessKeyId: string, nonce: string, nowMs: number): boolean {
    for (const [key, expires] of this.#seen) {
      if (expires > nowMs) break;
      this.#seen.delete(key);
    }
    const key = `${accessKeyId}\n${nonce}`;
    const expires = this.#seen.get(key);
    if (expires !== undefined && expires > nowMs) return false;
    this.#seen.delete(key);
    this.#seen.set(key, nowMs + NONCE_RETENTION_MS);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }
}
