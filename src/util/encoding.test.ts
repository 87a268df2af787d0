import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256, percentEncode, sha256Hex } from './encoding.js';

const SEED = 20261129;

describe('percentEncode', () => {
  it('encodes the characters the vendors call out (cloud-apis.md §2.3)', () => {
    expect(percentEncode("a b*c~d/e+f!'()中文")).toBe('a%20b%2Ac~d%2Fe%2Bf%21%27%28%29%E4%B8%AD%E6%96%87');
    expect(percentEncode('2016-02-23T12:46:24Z')).toBe('2016-02-23T12%3A46%3A24Z');
    expect(percentEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
    expect(percentEncode('=&%')).toBe('%3D%26%25');
    expect(percentEncode('😀')).toBe('%F0%9F%98%80');
    expect(percentEncode('')).toBe('');
  });

  it('refuses a lone surrogate rather than signing a different string', () => {
    expect(() => percentEncode('a\uD800b')).toThrow(URIError);
  });

  it("is encodeURIComponent plus !'()*, round-trips, and uses only the unreserved alphabet and %XX", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (s) => {
        const out = percentEncode(s);
        const expected = encodeURIComponent(s)
          .replaceAll('!', '%21')
          .replaceAll("'", '%27')
          .replaceAll('(', '%28')
          .replaceAll(')', '%29')
          .replaceAll('*', '%2A');
        expect(out).toBe(expected);
        expect(decodeURIComponent(out)).toBe(s);
        expect(out).toMatch(/^(?:[A-Za-z0-9\-_.~]|%[0-9A-F]{2})*$/);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('encodes every byte of every printable ASCII character except the unreserved set', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...' !"#$%&\'()*+,/:;<=>?@[\\]^`{|}'.split('')), minLength: 1 }), (s) => {
        expect(percentEncode(s)).toHaveLength(s.length * 3);
      }),
      { seed: SEED },
    );
  });
});

describe('hashing helpers', () => {
  it('sha256Hex hashes UTF-8 strings and raw bytes alike', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('{}')).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(sha256Hex(new TextEncoder().encode('中文'))).toBe(sha256Hex('中文'));
  });

  it('hmacSha256 matches RFC 4231 test case 2 and returns raw bytes', () => {
    const mac = hmacSha256('Jefe', 'what do ya want for nothing?');
    expect(Buffer.isBuffer(mac)).toBe(true);
    expect(mac.toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(hmacSha256(Buffer.from('Jefe'), 'what do ya want for nothing?').equals(mac)).toBe(true);
  });
});
