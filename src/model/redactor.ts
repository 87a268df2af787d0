/**
 * Holds every secret of a run and scrubs them from any text before it leaves the process.
 * Credentials register here before the first request; the CLI passes all output through it as a
 * last line of defence, so a secret that reached a message by mistake is still never printed.
 */
export const REDACTED = '[REDACTED]';

export class Redactor {
  readonly #secrets = new Set<string>();

  /** Registers a secret. Very short values are ignored: they would blank out ordinary words. */
  add(secret: string | undefined | null): void {
    if (secret && secret.length >= 4) this.#secrets.add(secret);
  }

  get size(): number {
    return this.#secrets.size;
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
      // Secrets also travel percent-encoded (query strings) — scrub that spelling too.
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(REDACTED);
    }
    return out;
  }

  /** Deep-redacts strings inside a JSON-like value. */
  redactValue<T>(value: T): T {
    if (this.#secrets.size === 0) return value;
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.redactValue(v)) as T;
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.redactValue(v);
      return out as T;
    }
    return value;
  }

  toJSON(): string {
    return `Redactor(${this.#secrets.size} secrets)`;
  }
}
