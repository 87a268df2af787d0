import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IncomingCall } from './incoming.js';
import { parsePairs } from './incoming.js';
import { SessionStore } from './sts.js';
import { NonceStore } from './nonce-store.js';
import { RateLimiter } from './rate-limit.js';
import { identify, route } from './router.js';
import type { RouterContext } from './router.js';
import type { AlibabaAccount, TencentAccount } from './world.js';
import { worldFromObject } from './world.js';

const world = worldFromObject({
  accounts: [
    { cloud: 'tencentcloud', secret_id: 'AKID1', secret_key: 's1', kms: { 'ap-guangzhou': { UserLevel: 1 } } },
    { cloud: 'alicloud', access_key_id: 'LTAI1', access_key_secret: 's2', kms_instances: [{ region: 'cn-hangzhou', InstanceId: 'kst-1' }] },
  ],
});

function context(): RouterContext {
  const tencent = new Map<string, TencentAccount>();
  const alibaba = new Map<string, AlibabaAccount>();
  for (const a of world.accounts) {
    if (a.cloud === 'tencentcloud') tencent.set(a.secretId, a);
    else alibaba.set(a.accessKeyId, a);
  }
  return { world, tencent, alibaba, nonces: new NonceStore(), sessions: new SessionStore(), limiter: new RateLimiter(() => 0) };
}

const headerNames = fc.constantFrom(
  'authorization',
  'host',
  'content-type',
  'x-tc-action',
  'x-tc-version',
  'x-tc-timestamp',
  'x-tc-region',
  'x-tc-token',
  'x-acs-action',
  'x-acs-version',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-content-sha256',
);
const headerValues = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'TC3-HMAC-SHA256 Credential=AKID1/2026-11-29/kms/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=' + 'a'.repeat(64),
    'ACS3-HMAC-SHA256 Credential=LTAI1,SignedHeaders=host;x-acs-date,Signature=' + 'b'.repeat(64),
    'GetServiceStatus',
    'GetKmsInstance',
    '1700000000',
    '2026-11-29T00:00:00Z',
    '127.0.0.1:1',
    'kms.cn-hangzhou.aliyuncs.com',
  ),
);

const calls: fc.Arbitrary<IncomingCall> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    headers: fc.dictionary(headerNames, headerValues),
    rawQuery: fc.oneof(
      fc.string(),
      fc.constantFrom(
        'Action=GetKmsInstance&Version=2016-01-20&AccessKeyId=LTAI1&Signature=x&SignatureMethod=HMAC-SHA1&SignatureNonce=1&Timestamp=2026-11-29T00:00:00Z',
        'SecretId=AKID1&Action=GetServiceStatus',
      ),
    ),
    body: fc.oneof(fc.string(), fc.constantFrom('{}', '{"a":1}', '[]', 'null')),
  })
  .map(({ method, headers, rawQuery, body }) => ({
    method,
    pathname: '/',
    rawQuery,
    query: parsePairs(rawQuery),
    form: {},
    headers,
    body: Buffer.from(body),
  }));

describe('route', () => {
  it('answers any request with a vendor error or a success, never a throw (fuzz)', () => {
    const ctx = context();
    fc.assert(
      fc.property(calls, (call) => {
        const routed = route(call, identify(call), ctx, Date.parse('2026-11-29T00:00:00Z'));
        if (routed.kind === 'error') {
          expect(routed.error.code).toMatch(/^[A-Za-z.]+$/);
          expect(routed.error.httpStatus).toBeGreaterThanOrEqual(200);
        }
        // Nothing unsigned can succeed.
        expect(routed.kind).toBe('error');
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('identifies the cloud by the request, not by the path', () => {
    const base = { method: 'POST', pathname: '/', rawQuery: '', query: {}, form: {}, body: Buffer.alloc(0) };
    expect(identify({ ...base, headers: { 'x-tc-action': 'GetServiceStatus' } })).toMatchObject({
      cloud: 'tencentcloud',
      action: 'GetServiceStatus',
    });
    expect(
      identify({
        ...base,
        headers: { authorization: 'ACS3-HMAC-SHA256 Credential=LTAI1,SignedHeaders=host,Signature=x', 'x-acs-action': 'GetKmsInstance' },
      }),
    ).toMatchObject({
      cloud: 'alicloud',
      style: 'acs3',
      keyId: 'LTAI1',
      format: 'JSON',
    });
    expect(identify({ ...base, headers: {}, query: { Action: 'GetKmsInstance', AccessKeyId: 'LTAI1', Format: 'json' } })).toMatchObject({
      cloud: 'alicloud',
      style: 'rpc',
      format: 'JSON',
    });
    expect(identify({ ...base, headers: {}, query: { Action: 'GetKmsInstance' } })).toMatchObject({ style: 'rpc', format: 'XML' });
  });
});
