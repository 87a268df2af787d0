import { createRequire } from 'node:module';
import fc from 'fast-check';
import type OpenApiUtilModule from '@alicloud/openapi-util';
import { describe, expect, it } from 'vitest';
import { readSigningVectors } from '../../../test/helpers/signing-vectors.js';
import { sha256Hex } from '../../util/encoding.js';
import { parseAcs3Authorization, signAcs3, type Acs3Input } from './sign-acs3.js';

interface Acs3Vector {
  name: string;
  inputs: Acs3Input;
  hashedPayload: string;
  canonicalQueryString: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  authorization: string;
  published: string | null;
}
const vectors = readSigningVectors() as { acs3: Acs3Vector[] };

// The vendor's own implementation: used only here, never by the product.
const require = createRequire(import.meta.url);
const { default: OpenApiUtil } = require('@alicloud/openapi-util') as typeof OpenApiUtilModule;
type TeaRequest = Parameters<typeof OpenApiUtil.getAuthorization>[0];

describe('signAcs3 known answers (signing-vectors.json acs3)', () => {
  it('has the vectors the docs describe, including the published ones', () => {
    expect(vectors.acs3.length).toBeGreaterThanOrEqual(5);
    expect(vectors.acs3.filter((v) => v.published !== null).length).toBeGreaterThanOrEqual(2);
  });

  for (const vector of vectors.acs3) {
    it(vector.name, () => {
      const frozen = structuredClone(vector.inputs);
      const signed = signAcs3(vector.inputs);
      expect(signed.hashedPayload).toBe(vector.hashedPayload);
      expect(signed.canonicalQuery).toBe(vector.canonicalQueryString);
      expect(signed.canonicalRequest).toBe(vector.canonicalRequest);
      expect(signed.stringToSign).toBe(vector.stringToSign);
      expect(signed.signedHeaders.join(';')).toBe(/SignedHeaders=([^,]+)/.exec(vector.authorization)?.[1]);
      expect(signed.signature).toBe(vector.signature);
      expect(signed.authorization).toBe(vector.authorization);
      expect(signed.headers).toEqual({ ...vector.inputs.headers, Authorization: vector.authorization });
      if (vector.published !== null) expect(signed.signature).toBe(vector.published);
      expect(vector.inputs).toEqual(frozen);
    });
  }
});

describe('signAcs3 details', () => {
  const a1 = vectors.acs3.find((v) => v.name.startsWith('A1'));
  if (!a1) throw new Error('vector A1 missing from signing-vectors.json');

  it('computes x-acs-content-sha256 when missing, without touching the input', () => {
    const headers = Object.fromEntries(Object.entries(a1.inputs.headers).filter(([k]) => k !== 'x-acs-content-sha256'));
    const input = { ...a1.inputs, headers };
    const before = structuredClone(input);
    const signed = signAcs3(input);
    expect(signed.authorization).toBe(a1.authorization);
    expect(signed.headers['x-acs-content-sha256']).toBe(a1.hashedPayload);
    expect(input).toEqual(before);
  });

  it('refuses an x-acs-content-sha256 that does not match the body', () => {
    const headers = { ...a1.inputs.headers, 'x-acs-content-sha256': sha256Hex('other') };
    expect(() => signAcs3({ ...a1.inputs, headers })).toThrow(/does not match/);
  });

  it('signs every x-acs-* header, whatever its case, and none of accept/user-agent/authorization', () => {
    const headers = { ...a1.inputs.headers, 'X-Acs-Trace': 't1', Authorization: 'stale', 'User-Agent': 'x' };
    const signed = signAcs3({ ...a1.inputs, headers });
    expect(signed.signedHeaders).toContain('x-acs-trace');
    expect(signed.signedHeaders).not.toContain('accept');
    expect(signed.signedHeaders).not.toContain('user-agent');
    expect(signed.signedHeaders).not.toContain('authorization');
    expect(signed.signature).not.toBe(a1.signature);
  });

  it('joins repeated headers with sorted values', () => {
    const headers = { ...a1.inputs.headers, 'x-acs-multi': ' b ', 'X-ACS-MULTI': 'a' };
    expect(signAcs3({ ...a1.inputs, headers }).canonicalRequest).toContain('\nx-acs-multi:a,b\n');
  });

  it('requires a host header and a rooted path', () => {
    const headers = Object.fromEntries(Object.entries(a1.inputs.headers).filter(([k]) => k !== 'host'));
    expect(() => signAcs3({ ...a1.inputs, headers })).toThrow(/host/);
    expect(() => signAcs3({ ...a1.inputs, pathname: 'x' })).toThrow(/pathname/);
  });

  it('hashes byte bodies exactly as strings', () => {
    const a3 = vectors.acs3.find((v) => v.name.startsWith('A3'));
    expect(a3).toBeDefined();
    if (!a3) return;
    const bytes = new TextEncoder().encode(a3.inputs.body as string);
    expect(signAcs3({ ...a3.inputs, body: bytes }).authorization).toBe(a3.authorization);
  });
});

describe('parseAcs3Authorization', () => {
  it('splits every vector header', () => {
    for (const vector of vectors.acs3) {
      const parsed = parseAcs3Authorization(vector.authorization);
      expect(parsed?.accessKeyId).toBe(vector.inputs.accessKeyId);
      expect(parsed?.signature).toBe(vector.signature);
      expect(parsed?.signedHeaders.join(';')).toBe(signAcs3(vector.inputs).signedHeaders.join(';'));
    }
  });

  it('rejects malformed headers', () => {
    const good = `ACS3-HMAC-SHA256 Credential=LTAI,SignedHeaders=host;x-acs-date,Signature=${'0'.repeat(64)}`;
    expect(parseAcs3Authorization(good)).toBeDefined();
    for (const bad of [
      '',
      good.replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3'),
      good.replaceAll(',', ', '),
      good.replace('Credential=LTAI', 'Credential='),
      good.replace('0'.repeat(64), '0'.repeat(40)),
      `${good},Extra=1`,
    ]) {
      expect(parseAcs3Authorization(bad)).toBeUndefined();
    }
  });
});

describe('signAcs3 equals @alicloud/openapi-util getAuthorization on random requests', () => {
  const headerValue = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST'),
    accessKeyId: fc.stringMatching(/^(?:LTAI|STS\.)[A-Za-z0-9]{4,20}$/),
    accessKeySecret: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    host: fc.constantFrom('kms.cn-hangzhou.aliyuncs.com', 'cas.aliyuncs.com', '127.0.0.1:8080'),
    query: fc.dictionary(
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,15}$/).filter((n) => n !== '__proto__'),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      { maxKeys: 8 },
    ),
    acsHeaders: fc.dictionary(
      fc
        .stringMatching(/^[a-z][a-z0-9-]{0,15}$/)
        .map((n) => `x-acs-${n}`)
        .filter((n) => n !== 'x-acs-content-sha256'),
      headerValue,
      { maxKeys: 6 },
    ),
    contentType: fc.option(fc.constantFrom('application/x-www-form-urlencoded', 'application/json'), { nil: undefined }),
    unsigned: fc.dictionary(fc.constantFrom('accept', 'user-agent', 'x-sdk-client'), headerValue, { maxKeys: 3 }),
    body: fc.string({ unit: 'grapheme', maxLength: 60 }),
  });

  it('produces identical Authorization headers', () => {
    fc.assert(
      fc.property(request, (r) => {
        const hashed = sha256Hex(r.body);
        const headers: Record<string, string> = {
          ...r.unsigned,
          ...r.acsHeaders,
          host: r.host,
          'x-acs-content-sha256': hashed,
          ...(r.contentType === undefined ? {} : { 'content-type': r.contentType }),
        };
        const ours = signAcs3({
          method: r.method,
          query: r.query,
          headers,
          body: r.body,
          accessKeyId: r.accessKeyId,
          accessKeySecret: r.accessKeySecret,
        });
        const request = { method: r.method, pathname: '/', query: { ...r.query }, headers: { ...headers } } as unknown as TeaRequest;
        const theirs = OpenApiUtil.getAuthorization(request, 'ACS3-HMAC-SHA256', hashed, r.accessKeyId, r.accessKeySecret);
        expect(ours.authorization).toBe(theirs);
      }),
      { seed: 20261129, numRuns: 500 },
    );
  });
});
