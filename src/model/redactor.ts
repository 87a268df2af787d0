/**
 * Holds every secret of a run and scrubs them from any text before it leaves the process.
 * Credentials register here before the first request; the CLI passes all output through it as a
 * last line of defence, so a secret that reached a message by mistake is still never printed.
 *
 * A secret is scrubbed in every spelling it is known to travel in — as is, percent-encoded once
 * and twice (query strings, Alibaba's echoed string to sign), base64 (at any byte alignment, so a
 * secret inside a larger encoded blob is found too), base64url and hex — compared without regard
 * to letter case, and any run of `MIN_FRAGMENT` or more characters of any of those spellings
 * counts as the secret: a message clipped through the middle of a key still leaks most of it.
 */
export const REDACTED = '[REDACTED]';

/** Shortest registered value; shorter ones would blank out ordinary words. */
const MIN_SECRET = 4;
/** Any substring this long of a secret (or of one of its spellings) is redacted. */
const MIN_FRAGMENT = 16;

/** RFC 3986 unreserved characters stay; everything else is %XX (Alibaba's percentEncode). */
function percentEncodeStrict(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Base64 characters of `secret` that do not depend on the bytes around it, for each of the three alignments. */
function base64Spellings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const start = 4 * Math.ceil(k / 3);
    const end = 4 * Math.floor((k + bytes.length) / 3);
    if (end > start) out.push(encoded.slice(start, end));
    if (k === 0) out.push(encoded.replace(/=+$/, ''));
  }
  return out;
}

/** Every spelling of a secret the redactor looks for, lower-cased. */
function secretSpellings(secret: string): string[] {
  const once = percentEncodeStrict(secret);
  const all = [secret, encodeURIComponent(secret), once, percentEncodeStrict(once), Buffer.from(secret, 'utf8').toString('hex')];
  for (const b64 of base64Spellings(secret)) all.push(b64, b64.replace(/\+/g, '-').replace(/\//g, '_'));
  return [...new Set(all.map(lowerAscii).filter((s) => s.length >= MIN_SECRET))];
}

/** ASCII-only lower case: keeps every index where it was (String#toLowerCase can change lengths). */
function lowerAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

function lowerCode(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

// Rolling polynomial hash over MIN_FRAGMENT characters in 32-bit integer arithmetic (wrapping),
// with a bitmap in front of the map so that almost every position costs a few integer operations.
const BASE = 0x01000193;
const POW = ((): number => {
  let p = 1;
  for (let i = 1; i < MIN_FRAGMENT; i++) p = Math.imul(p, BASE);
  return p;
})();
const BITMAP_BITS = 20;
const BITMAP_MASK = (1 << BITMAP_BITS) - 1;

function windowHash(text: string, start: number): number {
  let h = 0;
  for (let i = start; i < start + MIN_FRAGMENT; i++) h = (Math.imul(h, BASE) + lowerCode(text.charCodeAt(i))) | 0;
  return h;
}

export class Redactor {
  readonly #secrets = new Set<string>();
  /** Spellings shorter than MIN_FRAGMENT, matched whole (case-insensitively). */
  readonly #short = new Set<string>();
  /** Hash of every MIN_FRAGMENT-long window of every spelling → the windows with that hash. */
  readonly #windows = new Map<number, string[]>();
  /** One bit per (hash & BITMAP_MASK) of the windows: a quick "certainly not" for most positions. */
  readonly #bitmap = new Uint8Array((BITMAP_MASK + 1) >>> 3);

  /** Registers a secret. Very short values are ignored: they would blank out ordinary words. */
  add(secret: string | undefined | null): void {
    if (!secret || secret.length < MIN_SECRET || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    for (const spelling of secretSpellings(secret)) {
      if (spelling.length < MIN_FRAGMENT) {
        this.#short.add(spelling);
        // The text side may be lower-cased natively (see #ranges): match that spelling too.
        const native = spelling.toLowerCase();
        if (native.length === spelling.length) this.#short.add(native);
        continue;
      }
      for (let i = 0; i + MIN_FRAGMENT <= spelling.length; i++) {
        const window = spelling.slice(i, i + MIN_FRAGMENT);
        const h = windowHash(window, 0);
        this.#bitmap[(h & BITMAP_MASK) >>> 3]! |= 1 << (h & 7);
        const list = this.#windows.get(h);
        if (list === undefined) this.#windows.set(h, [window]);
        else if (!list.includes(window)) list.push(window);
      }
    }
  }

  get size(): number {
    return this.#secrets.size;
  }

  /** Ranges [start, end) of `text` that hold a secret, unsorted and possibly overlapping. */
  #ranges(text: string): [number, number][] {
    const ranges: [number, number][] = [];
    if (this.#short.size > 0) {
      // Native toLowerCase when it keeps every index (it does for almost all text); else ASCII only.
      const native = text.toLowerCase();
      const lower = native.length === text.length ? native : lowerAscii(text);
      for (const spelling of this.#short) {
        for (let at = lower.indexOf(spelling); at >= 0; at = lower.indexOf(spelling, at + 1)) ranges.push([at, at + spelling.length]);
      }
    }
    if (this.#windows.size > 0 && text.length >= MIN_FRAGMENT) {
      const bitmap = this.#bitmap;
      const last = text.length - MIN_FRAGMENT;
      let h = windowHash(text, 0);
      for (let i = 0; ; i++) {
        if ((bitmap[(h & BITMAP_MASK) >>> 3]! & (1 << (h & 7))) !== 0) {
          const candidates = this.#windows.get(h);
          if (candidates !== undefined && candidates.includes(lowerAscii(text.slice(i, i + MIN_FRAGMENT))))
            ranges.push([i, i + MIN_FRAGMENT]);
        }
        if (i >= last) break;
        const out = lowerCode(text.charCodeAt(i));
        const next = lowerCode(text.charCodeAt(i + MIN_FRAGMENT));
        h = (Math.imul(h - Math.imul(out, POW), BASE) + next) | 0;
      }
    }
    return ranges;
  }

  redact(text: string): string {
    if (this.#secrets.size === 0) return text;
    const ranges = this.#ranges(text);
    if (ranges.length === 0) return text;
    ranges.sort((a, b) => a[0] - b[0]);
    let out = '';
    let cursor = 0;
    let current = ranges[0] as [number, number];
    const flush = (range: [number, number]): void => {
      out += `${text.slice(cursor, range[0])}${REDACTED}`;
      cursor = range[1];
    };
    for (const range of ranges.slice(1)) {
      if (range[0] <= current[1]) current = [current[0], Math.max(current[1], range[1])];
      else {
        flush(current);
        current = range;
      }
    }
    flush(current);
    return out + text.slice(cursor);
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
