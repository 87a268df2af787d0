import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from './redactor.js';

const SECRET = 'CnrySecret/0a1+Zq=7731-long-enough';

function redactor(...secrets: string[]): Redactor {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return r;
}

describe('Redactor', () => {
  it('scrubs the secret as is and percent-encoded once and twice', () => {
    const r = redactor(SECRET);
    const once = encodeURIComponent(SECRET);
    for (const text of [SECRET, once, encodeURIComponent(once)]) expect(r.redact(`a ${text} b`)).toBe(`a ${REDACTED} b`);
  });

  it('scrubs base64 at every alignment, base64url and hex, in either case', () => {
    const r = redactor(SECRET);
    const spellings = [
      Buffer.from(SECRET).toString('base64'),
      Buffer.from(`x${SECRET}`).toString('base64'),
      Buffer.from(`xy${SECRET}`).toString('base64'),
      Buffer.from(`Authorization: ${SECRET}`).toString('base64url'),
      Buffer.from(SECRET).toString('hex'),
      Buffer.from(SECRET).toString('hex').toUpperCase(),
      SECRET.toUpperCase(),
      SECRET.toLowerCase(),
    ];
    for (const text of spellings) {
      const out = r.redact(`<${text}>`);
      expect(out, text).toContain(REDACTED);
      // What is left is at most the few characters that depend on the neighbouring bytes.
      expect(out.replace(REDACTED, '').length, text).toBeLessThan(text.length / 2);
    }
  });

  it('scrubs any run of 16 or more characters of the secret, and keeps shorter ones', () => {
    const r = redactor(SECRET);
    expect(r.redact(`cut: ${SECRET.slice(3, 19)}…`)).toBe(`cut: ${REDACTED}…`);
    expect(r.redact(`cut: ${SECRET.slice(5, 30)}`)).toBe(`cut: ${REDACTED}`);
    expect(r.redact(`short: ${SECRET.slice(0, 15)}`)).toBe(`short: ${SECRET.slice(0, 15)}`);
  });

  it('merges overlapping matches of several secrets and leaves other text alone', () => {
    const r = redactor(SECRET, 'other-secret-value-0042');
    expect(r.redact(`${SECRET}other-secret-value-0042 and ${SECRET}.`)).toBe(`${REDACTED} and ${REDACTED}.`);
    expect(r.redact('nothing to see here, nothing at all, really')).toBe('nothing to see here, nothing at all, really');
  });

  it('matches short secrets whole, case-insensitively, and ignores very short ones', () => {
    const r = redactor('tok9', 'ab');
    expect(r.redact('x TOK9 y ab')).toBe(`x ${REDACTED} y ab`);
  });
});
