import { createRequire } from 'node:module';
import fc from 'fast-check';
import type SdkModule from 'tencentcloud-sdk-nodejs/tencentcloud/common/sign.js';
import { describe, expect, it } from 'vitest';
import { readSigningVectors } from '../../../test/helpers/signing-vectors.js';
import { percentEncode } from '../../util/encoding.js';
import { parseTc3Authorization, signTc3, type Tc3Input } from './sign.js';

interface Tc3Expected {
  name: string;
  hashedPayload: string;
  canonicalRequest: string;
  stringToSign: string;
  derivedKeys: { kDate: string; kService: string; kSigning: string };
  signature: string;
  authorization: string;
}
interface Tc3Vector extends Tc3Expected {
  inputs: Tc3Input & { timestampUTC: string };
  headers: Record<string, string>;
}
interface Tc3DocVector extends Tc3Expected {
  published: string;
}
const vectors = readSigningVectors() as { tc3: Tc3Vector[]; tc3Doc: Tc3DocVector[] };

// The vendor's own test tooling: used only here, never by the product.
const require = createRequire(import.meta.url);
const { default: Sdk } = require('tencentcloud-sdk-nodejs/tencentcloud/common/sign.js') as typeof SdkModule;

function expectIntermediates(actual: ReturnType<typeof signTc3>, expected: Tc3Expected): void {
  expect(actual.hashedPayload).toBe(expected.hashedPayload);
  expect(actual.canonicalRequest).toBe(expected.canonicalRequest);
  expect(actual.stringToSign).toBe(expected.stringToSign);
  expect(actual.credentialScope).toBe(expected.stringToSign.split('\n')[2]);
  expect(actual.derivedKeys).toEqual(expected.derivedKeys);
  expect(actual.signature).toBe(expected.signature);
  expect(actual.authorization).toBe(expected.authorization);
}

describe('signTc3 known answers (signing-vectors.json tc3)', () => {
  it('has the vectors the docs describe', () => {
    expect(vectors.tc3.length).toBeGreaterThanOrEqual(3);
  });

  for (const vector of vectors.tc3) {
    it(vector.name, () => {
      expect(new Date(vector.inputs.timestamp * 1000).toISOString()).toBe(vector.inputs.timestampUTC);
      const signed = signTc3(vector.inputs);
      expectIntermediates(signed, vector);
      expect(signed.headers).toEqual(vector.headers);
    });
  }

  it('does not sign the STS token (T3 signs the same without it) but sends it', () => {
    const t3 = vectors.tc3.find((v) => v.inputs.token);
    expect(t3).toBeDefined();
    if (!t3) return;
    const withToken = signTc3(t3.inputs);
    const without = signTc3({ ...t3.inputs, token: null });
    expect(without.authorization).toBe(withToken.authorization);
    expect(withToken.headers['X-TC-Token']).toBe(t3.inputs.token);
    expect(without.headers).not.toHaveProperty('X-TC-Token');
  });

  it('uses the UTC date for the scope even when it is already tomorrow in Beijing (T2)', () => {
    const t2 = vectors.tc3.find((v) => v.inputs.timestamp === 1735660800);
    expect(t2).toBeDefined();
    if (!t2) return;
    expect(signTc3(t2.inputs).credentialScope).toBe('2024-12-31/tcss/tc3_request');
    expect(signTc3(t2.inputs).headers).not.toHaveProperty('X-TC-Region');
  });
});

describe("signTc3 reproduces Tencent's published examples (signing-vectors.json tc3Doc)", () => {
  // cloud-apis.md §6.1: the published request; the JSON keeps only the answers.
  const body = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
  const secretKeys = ['Gu5t9xGARNpq86cd98joQYCN3*******', 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', '*'.repeat(32)];

  it('has the three doc revisions', () => {
    expect(vectors.tc3Doc).toHaveLength(3);
  });

  vectors.tc3Doc.forEach((vector, index) => {
    it(vector.name, () => {
      const parsed = parseTc3Authorization(vector.authorization);
      expect(parsed).toBeDefined();
      if (!parsed) return;
      const signsAction = parsed.signedHeaders.includes('x-tc-action');
      const signed = signTc3({
        secretId: parsed.secretId,
        secretKey: secretKeys[index] ?? '',
        host: 'cvm.tencentcloudapi.com',
        service: 'cvm',
        action: 'DescribeInstances',
        version: '2017-03-12',
        region: 'ap-guangzhou',
        timestamp: 1551113065,
        contentType: 'application/json; charset=utf-8',
        body,
        ...(signsAction ? { extraSignedHeaders: { 'X-TC-Action': 'DescribeInstances' } } : {}),
      });
      expectIntermediates(signed, vector);
      expect(signed.signature).toBe(vector.published);
    });
  });
});

describe('signTc3 details', () => {
  const base: Tc3Input = {
    secretId: 'AKIDEXAMPLE',
    secretKey: 'secretEXAMPLE',
    host: 'kms.tencentcloudapi.com',
    service: 'kms',
    action: 'GetServiceStatus',
    version: '2019-01-18',
    region: 'ap-guangzhou',
    timestamp: 1700000000,
    contentType: 'application/json',
    body: '{}',
  };

  it('signs the host without the port (as the SDK does) but sends the port', () => {
    const signed = signTc3({ ...base, host: '127.0.0.1:8443' });
    expect(signed.canonicalRequest).toContain('\nhost:127.0.0.1\n');
    expect(signed.headers.Host).toBe('127.0.0.1:8443');
    expect(signTc3({ ...base, host: '[::1]:9000' }).canonicalRequest).toContain('\nhost:[::1]\n');
  });

  it('sends an extra signed header that is not a standard one and signs it lower-cased', () => {
    const signed = signTc3({ ...base, extraSignedHeaders: { 'X-TC-Language': 'en-US' } });
    expect(signed.headers['X-TC-Language']).toBe('en-US');
    expect(signed.canonicalRequest).toContain('\nx-tc-language:en-us\n\ncontent-type;host;x-tc-language\n');
  });

  it('refuses a signed header that contradicts what is sent, or one signed twice', () => {
    expect(() => signTc3({ ...base, extraSignedHeaders: { 'x-tc-action': 'Other' } })).toThrow(/differs/);
    expect(() => signTc3({ ...base, extraSignedHeaders: { Host: 'evil.example' } })).toThrow(/twice/);
  });

  it('refuses timestamps that are not whole seconds (milliseconds would sign a date in 55000 AD)', () => {
    expect(() => signTc3({ ...base, timestamp: 1700000000.5 })).toThrow(/whole unix seconds/);
    expect(() => signTc3({ ...base, timestamp: Number.NaN })).toThrow(/whole unix seconds/);
  });

  it('refuses hosts that are not a host', () => {
    expect(() => signTc3({ ...base, host: 'kms.tencentcloudapi.com/evil' })).toThrow(/invalid host/);
    expect(() => signTc3({ ...base, host: 'user@kms.tencentcloudapi.com' })).toThrow(/invalid host/);
  });

  it('hashes byte bodies exactly as strings', () => {
    const t3 = vectors.tc3.find((v) => v.inputs.token);
    expect(t3).toBeDefined();
    if (!t3) return;
    const bytes = new TextEncoder().encode(t3.inputs.body as string);
    expect(signTc3({ ...t3.inputs, body: bytes }).authorization).toBe(t3.authorization);
  });

  it('omits empty region and token headers', () => {
    const headers = signTc3({ ...base, region: '', token: '' }).headers;
    expect(headers).not.toHaveProperty('X-TC-Region');
    expect(headers).not.toHaveProperty('X-TC-Token');
  });

  it('changes the signature when any signed input changes', () => {
    const reference = signTc3(base).signature;
    const variants: Partial<Tc3Input>[] = [
      { secretKey: 'secretEXAMPLF' },
      { host: 'kms.intl.tencentcloudapi.com' },
      { service: 'tcss' },
      { timestamp: 1700000001 },
      { contentType: 'application/json; charset=utf-8' },
      { body: '{ }' },
      { method: 'GET' },
    ];
    for (const variant of variants) expect(signTc3({ ...base, ...variant }).signature).not.toBe(reference);
  });
});

describe('parseTc3Authorization', () => {
  it('splits a header produced by signTc3', () => {
    const t1 = vectors.tc3[0];
    expect(t1).toBeDefined();
    if (!t1) return;
    expect(parseTc3Authorization(t1.authorization)).toEqual({
      secretId: 'AKIDEXAMPLE',
      date: '2023-11-14',
      service: 'kms',
      signedHeaders: ['content-type', 'host'],
      signature: 'a825a129ca1ba526bf0b8f270781e8b54edc65c653a9ff7b4957f6cf8b30f5a3',
    });
  });

  it('rejects malformed headers', () => {
    const good = 'TC3-HMAC-SHA256 Credential=AKID/2023-11-14/kms/tc3_request, SignedHeaders=content-type;host, Signature=' + 'a'.repeat(64);
    expect(parseTc3Authorization(good)).toBeDefined();
    for (const bad of [
      '',
      good.replace('TC3-HMAC-SHA256', 'TC3-HMAC-SHA1'),
      good.replace('tc3_request', 'tc4_request'),
      good.replace('2023-11-14', '20231114'),
      good.replace('a'.repeat(64), 'A'.repeat(64)),
      good.replace('a'.repeat(64), 'a'.repeat(63)),
      good.replace('SignedHeaders=content-type;host', 'SignedHeaders='),
      good + ', Extra=1',
    ]) {
      expect(parseTc3Authorization(bad)).toBeUndefined();
    }
  });
});

describe('signTc3 equals tencentcloud-sdk-nodejs sign3 on random requests', () => {
  const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
  const request = fc.record({
    secretId: fc.stringMatching(/^AKID[A-Za-z0-9]{4,32}$/),
    secretKey: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    service: fc.stringMatching(/^[a-z]{2,8}$/),
    region: fc.option(label, { nil: null }),
    token: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: null }),
    action: fc.stringMatching(/^[A-Z][A-Za-z]{2,30}$/),
    version: fc.constantFrom('2019-01-18', '2020-11-01', '2017-03-12'),
    hostSuffix: fc.constantFrom(
      'tencentcloudapi.com',
      'intl.tencentcloudapi.com',
      'ap-shanghai.tencentcloudapi.com',
      'ap-guangzhou.tencentcloudapi.com',
    ),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    timestamp: fc.integer({ min: 0, max: 4_102_444_800 }),
    contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
    json: fc.json({ maxDepth: 3 }),
    method: fc.constantFrom<'POST' | 'GET'>('POST', 'GET'),
    params: fc.dictionary(fc.stringMatching(/^[A-Z][A-Za-z0-9.]{0,12}$/), fc.string({ unit: 'grapheme', maxLength: 20 }), { maxKeys: 5 }),
  });

  it('produces byte-identical Authorization headers', () => {
    fc.assert(
      fc.property(request, (r) => {
        const host = `${r.service}.${r.hostSuffix}${r.port === undefined ? '' : `:${r.port}`}`;
        const query = Object.entries(r.params)
          .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
          .join('&');
        const isGet = r.method === 'GET';
        const contentType = isGet ? 'application/x-www-form-urlencoded' : r.contentType;
        const body = isGet ? '' : r.json;
        const ours = signTc3({
          secretId: r.secretId,
          secretKey: r.secretKey,
          host,
          service: r.service,
          action: r.action,
          version: r.version,
          region: r.region,
          token: r.token,
          timestamp: r.timestamp,
          contentType,
          body,
          method: r.method,
          query: isGet ? query : '',
        });
        const theirs = Sdk.sign3({
          method: r.method,
          url: `https://${host}/${isGet && query !== '' ? `?${query}` : ''}`,
          payload: isGet ? '' : Buffer.from(body, 'utf8'),
          timestamp: r.timestamp,
          service: r.service,
          secretId: r.secretId,
          secretKey: r.secretKey,
          multipart: false,
          boundary: '',
          headers: { 'Content-Type': contentType },
        });
        expect(ours.authorization).toBe(theirs);
      }),
      { seed: 20261129, numRuns: 500 },
    );
  });
});
