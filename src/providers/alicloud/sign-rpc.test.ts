import { createRequire } from 'node:module';
import fc from 'fast-check';
import type OpenApiUtilModule from '@alicloud/openapi-util';
import { describe, expect, it } from 'vitest';
import { readSigningVectors } from '../../../test/helpers/signing-vectors.js';
import { canonicalizeRpc, signRpc } from './sign-rpc.js';

interface RpcVector {
  name: string;
  inputs: { method: 'GET' | 'POST'; accessKeySecret: string; params: Record<string, string> };
  canonicalizedQuery: string;
  stringToSign: string;
  signature: string;
  signedQueryString: string;
  published: string | null;
}
const vectors = readSigningVectors() as { rpc: RpcVector[] };

// The vendor's own implementation: used only here, never by the product.
const require = createRequire(import.meta.url);
const { default: OpenApiUtil } = require('@alicloud/openapi-util') as typeof OpenApiUtilModule;

describe('signRpc known answers (signing-vectors.json rpc)', () => {
  it('has the vectors the docs describe, including the published one', () => {
    expect(vectors.rpc.length).toBeGreaterThanOrEqual(4);
    expect(vectors.rpc.some((v) => v.published !== null)).toBe(true);
  });

  for (const vector of vectors.rpc) {
    it(vector.name, () => {
      expect(canonicalizeRpc(vector.inputs.params)).toBe(vector.canonicalizedQuery);
      const signed = signRpc(vector.inputs);
      expect(signed.canonicalQuery).toBe(vector.canonicalizedQuery);
      expect(signed.stringToSign).toBe(vector.stringToSign);
      expect(signed.signature).toBe(vector.signature);
      expect(signed.query).toBe(vector.signedQueryString);
      if (vector.published !== null) expect(signed.signature).toBe(vector.published);
    });
  }
});

describe('signRpc details', () => {
  const params = { Action: 'GetKmsInstance', Version: '2016-01-20', Timestamp: '2024-06-01T00:00:00Z' };

  it('never signs a Signature parameter, and sends exactly one', () => {
    const clean = signRpc({ method: 'POST', params, accessKeySecret: 's' });
    const stale = signRpc({ method: 'POST', params: { ...params, Signature: 'old' }, accessKeySecret: 's' });
    expect(stale.signature).toBe(clean.signature);
    expect(stale.query).toBe(clean.query);
    expect(stale.query.match(/Signature=/g)).toHaveLength(1);
  });

  it('signs the method: GET and POST differ', () => {
    expect(signRpc({ method: 'GET', params, accessKeySecret: 's' }).signature).not.toBe(
      signRpc({ method: 'POST', params, accessKeySecret: 's' }).signature,
    );
  });

  it('sorts by byte order, not locale (upper case before lower case, "_" after letters)', () => {
    expect(canonicalizeRpc({ b: '1', a_: '2', B: '3', a: '4' })).toBe('B=3&a=4&a_=2&b=1');
  });

  it('does not mutate its input', () => {
    const input = { ...params };
    signRpc({ method: 'POST', params: input, accessKeySecret: 's' });
    expect(input).toEqual(params);
  });

  it('wire query decodes back to the signed parameters plus the Signature', () => {
    const signed = signRpc({ method: 'POST', params: { ...params, Identifier: "a b*c~d/e+f!'()中文" }, accessKeySecret: 's' });
    const decoded = Object.fromEntries(new URLSearchParams(signed.query));
    expect(decoded).toEqual({ ...params, Identifier: "a b*c~d/e+f!'()中文", Signature: signed.signature });
  });
});

describe('signRpc equals @alicloud/openapi-util getRPCSignature on random requests', () => {
  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,15}$/).filter((n) => n !== 'Signature' && n !== '__proto__');
  const request = fc.record({
    method: fc.constantFrom<'GET' | 'POST'>('GET', 'POST'),
    secret: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    params: fc.dictionary(name, fc.string({ unit: 'grapheme', maxLength: 30 }), { minKeys: 1, maxKeys: 12 }),
  });

  it('produces identical signatures', () => {
    fc.assert(
      fc.property(request, (r) => {
        const ours = signRpc({ method: r.method, params: r.params, accessKeySecret: r.secret });
        expect(ours.signature).toBe(OpenApiUtil.getRPCSignature({ ...r.params }, r.method, r.secret));
      }),
      { seed: 20261129, numRuns: 500 },
    );
  });
});
