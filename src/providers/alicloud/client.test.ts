import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../model/redactor.js';
import { createHttpClient } from '../http/http-client.js';
import type { ApiCall, ApiError, Credentials } from '../types.js';
import { alibabaTimestamp, callAlibaba } from './client.js';
import type { AlibabaAttemptInput } from './client.js';
import { signAcs3 } from './sign-acs3.js';
import { signRpc } from './sign-rpc.js';
import { apiFailureOf } from '../../../test/helpers/api-failure.js';
import { useLoopbackServer } from '../../../test/helpers/loopback.js';

const SECRETS: Record<string, string> = { LTAITEST: 'ali-secret-1', 'STS.TEST': 'ali-sts-secret' };

type Reply = (req: IncomingMessage, res: ServerResponse) => void;
let reply: Reply = (_req, res) => res.end('{}');
interface Seen {
  method: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
  signatureOk: boolean;
}
const seen: Seen[] = [];

/** Verifies either signature the way the gateway does: recompute from what arrived. */
function verify(method: string, query: Record<string, string>, headers: IncomingMessage['headers'], body: string): boolean {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const id = /Credential=([^,]+),/.exec(auth)?.[1] ?? '';
    const signedNames = /SignedHeaders=([^,]+),/.exec(auth)?.[1]?.split(';') ?? [];
    const signedHeaders: Record<string, string> = {};
    for (const name of signedNames) signedHeaders[name] = String(headers[name]);
    // Every x-acs-* header that arrived must have been signed.
    if (Object.keys(headers).some((h) => h.startsWith('x-acs-') && !signedNames.includes(h))) return false;
    const expected = signAcs3({
      method,
      pathname: '/',
      query,
      headers: signedHeaders,
      body,
      accessKeyId: id,
      accessKeySecret: SECRETS[id] ?? '?',
    });
    return expected.authorization === auth;
  }
  const { Signature, ...params } = query;
  const expected = signRpc({ method: method as 'POST', params, accessKeySecret: SECRETS[params.AccessKeyId ?? ''] ?? '?' });
  return expected.signature === Signature;
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    seen.push({
      method: req.method ?? '',
      query,
      headers: req.headers,
      body,
      signatureOk: verify(req.method ?? '', query, req.headers, body),
    });
    reply(req, res);
  });
});

const loopback = useLoopbackServer(server);

const http = createHttpClient();
afterAll(() => http.close());
const creds: Credentials = { id: 'LTAITEST', secret: 'ali-secret-1', source: 'test' };
const sts: Credentials = { id: 'STS.TEST', secret: 'ali-sts-secret', token: 'CAIS+token/with=chars', source: 'test' };
const kmsCall: ApiCall = {
  cloud: 'alicloud',
  product: 'kms',
  action: 'GetKmsInstance',
  version: '2016-01-20',
  region: 'cn-hangzhou',
  params: { KmsInstanceId: 'kst-hzz000001' },
};
const casCall: ApiCall = {
  cloud: 'alicloud',
  product: 'cas',
  action: 'GetCAInstanceStatus',
  version: '2020-06-30',
  params: { InstanceId: 'cas-member-1' },
};
const NOW = Date.UTC(2026, 10, 29, 1, 2, 3, 456);

function input(over: Partial<AlibabaAttemptInput> = {}): AlibabaAttemptInput {
  return {
    http,
    call: kmsCall,
    credentials: creds,
    endpoint: loopback.url,
    region: 'cn-hangzhou',
    now: () => NOW,
    redactor: new Redactor(),
    attempt: 1,
    ...over,
  };
}

const json =
  (status: number, value: unknown, headers: Record<string, string> = {}): Reply =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(typeof value === 'string' ? value : JSON.stringify(value));
  };

function failure(over: Partial<AlibabaAttemptInput> = {}): Promise<ApiError> {
  return apiFailureOf(callAlibaba(input(over)));
}

describe('alibabaTimestamp', () => {
  it('drops milliseconds', () => {
    expect(alibabaTimestamp(NOW)).toBe('2026-11-29T01:02:03Z');
  });
});

describe('callAlibaba, ACS3 (default)', () => {
  // Issue 11: exactly the parameters the official clients send — no RegionId (the region is in the host).
  it("sends a signed RPC-style POST with only the action's params in the query", async () => {
    seen.length = 0;
    reply = json(200, { RequestId: 'req-1', KmsInstance: { InstanceId: 'kst-hzz000001' } });
    const res = await callAlibaba(input());
    expect(res).toEqual({
      body: { RequestId: 'req-1', KmsInstance: { InstanceId: 'kst-hzz000001' } },
      requestId: 'req-1',
      attempts: 1,
      endpoint: loopback.url.href,
      receivedAt: new Date(NOW).toISOString(),
    });
    const req = seen[0];
    expect(req?.signatureOk).toBe(true);
    expect(req?.method).toBe('POST');
    expect(req?.body).toBe('');
    expect(req?.query).toEqual({ KmsInstanceId: 'kst-hzz000001' });
    expect(req?.headers['x-acs-action']).toBe('GetKmsInstance');
    expect(req?.headers['x-acs-version']).toBe('2016-01-20');
    expect(req?.headers['x-acs-date']).toBe('2026-11-29T01:02:03Z');
    expect(req?.headers['x-acs-signature-nonce']).toMatch(/^[0-9a-f-]{36}$/);
    expect(req?.headers['x-acs-content-sha256']).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(req?.headers['x-acs-security-token']).toBeUndefined();
  });

  it('uses a fresh nonce for every attempt', async () => {
    seen.length = 0;
    reply = json(200, { RequestId: 'r' });
    await callAlibaba(input());
    await callAlibaba(input({ attempt: 2 }));
    expect(seen[0]?.headers['x-acs-signature-nonce']).not.toBe(seen[1]?.headers['x-acs-signature-nonce']);
  });

  it('signs the STS token headers and sends no RegionId for CAS', async () => {
    seen.length = 0;
    reply = json(200, { RequestId: 'r', InstanceStatusList: [] });
    await callAlibaba(input({ call: casCall, region: 'cn-hangzhou', credentials: sts }));
    expect(seen[0]?.signatureOk).toBe(true);
    expect(seen[0]?.query).toEqual({ InstanceId: 'cas-member-1' });
    expect(seen[0]?.headers['x-acs-security-token']).toBe('CAIS+token/with=chars');
    expect(seen[0]?.headers['x-acs-accesskey-id']).toBe('STS.TEST');
  });

  it('encodes tricky parameter values so the signature still verifies', async () => {
    seen.length = 0;
    reply = json(200, { RequestId: 'r' });
    await callAlibaba(input({ call: { ...casCall, params: { InstanceId: 'cas-1', Identifier: "a b*c~d/e+f!'()中文" } } }));
    expect(seen[0]?.signatureOk).toBe(true);
    expect(seen[0]?.query.Identifier).toBe("a b*c~d/e+f!'()中文");
  });
});

describe('the test gateway', () => {
  it('does reject a wrong secret in both modes (so the checks above can fail)', async () => {
    seen.length = 0;
    reply = json(200, { RequestId: 'r' });
    await callAlibaba(input({ credentials: { ...creds, secret: 'wrong' } }));
    await callAlibaba(input({ signature: 'rpc', credentials: { ...creds, secret: 'wrong' } }));
    expect(seen.map((r) => r.signatureOk)).toEqual([false, false]);
  });
});

describe('callAlibaba, RPC HMAC-SHA1', () => {
  it('puts the common parameters and the signature in the query', async () => {
    seen.length = 0;
    reply = json(200, { RequestId: 'req-rpc' });
    const res = await callAlibaba(input({ signature: 'rpc', credentials: sts, nonce: () => 'nonce-fixed' }));
    expect(res.requestId).toBe('req-rpc');
    const q = seen[0]?.query ?? {};
    expect(seen[0]?.signatureOk).toBe(true);
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(q).toMatchObject({
      Action: 'GetKmsInstance',
      Version: '2016-01-20',
      Format: 'JSON',
      AccessKeyId: 'STS.TEST',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: 'nonce-fixed',
      Timestamp: '2026-11-29T01:02:03Z',
      SecurityToken: 'CAIS+token/with=chars',
      KmsInstanceId: 'kst-hzz000001',
    });
    expect(q.RegionId).toBeUndefined();
    expect(q.Signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });
});

describe('callAlibaba errors', () => {
  it('classifies by Code, not status, and keeps RequestId', async () => {
    reply = json(404, { RequestId: 'r-nf', Code: 'Forbidden.ResourceNotFound', Message: 'The resource is not found.' });
    expect(await failure()).toMatchObject({ notFound: true, code: 'Forbidden.ResourceNotFound', requestId: 'r-nf', httpStatus: 404 });
    reply = json(404, { RequestId: 'r-ak', Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.' });
    expect(await failure()).toMatchObject({ kind: 'auth', notFound: false, retryable: false });
    reply = json(400, { RequestId: 'r-sig', Code: 'SignatureDoesNotMatch', Message: 'server string to sign is: POST&%2F&…' });
    expect(await failure()).toMatchObject({ kind: 'signature', retryable: false });
    reply = json(400, { RequestId: 'r-ts', Code: 'InvalidTimeStamp.Expired', Message: 'expired' });
    expect(await failure()).toMatchObject({ kind: 'clock_skew', retryable: false });
  });

  it('counts only HTTP 200 as success, and a 200 body with a Code or Success: false as an error', async () => {
    reply = json(204, '');
    expect(await failure()).toMatchObject({ kind: 'invalid_response', code: 'HTTP_204' });
    reply = json(201, { RequestId: 'r-201', KmsInstance: { InstanceId: 'kst-hzz000001', Status: 'Connected' } });
    expect(await failure()).toMatchObject({ code: 'HTTP_201', requestId: 'r-201' });
    reply = json(200, {
      RequestId: 'r-code',
      Code: 'Forbidden.RAM',
      Message: 'denied',
      KmsInstance: { InstanceId: 'kst-hzz000001', Status: 'Connected' },
    });
    expect(await failure()).toMatchObject({ kind: 'permission', code: 'Forbidden.RAM', requestId: 'r-code', httpStatus: 200 });
    reply = json(200, { RequestId: 'r-sf', Success: false, Message: 'system busy' });
    expect(await failure()).toMatchObject({ code: 'DW_ALIBABA_ERROR_BODY', requestId: 'r-sf', retryable: false });
    reply = json(200, { RequestId: 'r-ok', Code: 'OK', Success: true, KmsInstance: { InstanceId: 'kst-hzz000001' } });
    await expect(callAlibaba(input())).resolves.toMatchObject({ requestId: 'r-ok' });
    reply = json(200, { RequestId: 'r-200', Code: 200 });
    await expect(callAlibaba(input())).resolves.toMatchObject({ requestId: 'r-200' });
  });

  it('sends and signs the Host it is given (the vendor host in front of a loopback endpoint)', async () => {
    seen.length = 0;
    reply = json(200, { RequestId: 'r' });
    await callAlibaba(input({ host: 'kms.cn-hangzhou.aliyuncs.com' }));
    expect(seen[0]?.headers.host).toBe('kms.cn-hangzhou.aliyuncs.com');
    expect(seen[0]?.signatureOk).toBe(true);
  });

  it('reads x-acs-retry-after on throttling', async () => {
    reply = json(
      429,
      { HttpStatus: 429, Code: 'Rejected.Throttling', Message: 'QPS Limit Exceeded', RequestId: 'r-429' },
      { 'x-acs-retry-after': '1500' },
    );
    expect(await failure()).toMatchObject({ kind: 'throttled', retryable: true, retryAfterMs: 1500, httpStatus: 429, requestId: 'r-429' });
    reply = json(429, 'slow down', { 'x-acs-retry-after': '20' });
    expect(await failure()).toMatchObject({ kind: 'throttled', code: 'HTTP_429', retryAfterMs: 20 });
  });

  it('treats a 5xx without a JSON body as transient', async () => {
    reply = json(503, '<html>unavailable</html>');
    expect(await failure()).toMatchObject({ kind: 'transient', code: 'HTTP_503', retryable: true });
  });

  it('rejects success bodies that are not JSON or lack a RequestId', async () => {
    reply = json(200, '<?xml version="1.0"?><x/>');
    expect(await failure()).toMatchObject({ kind: 'invalid_response', code: 'DW_INVALID_RESPONSE' });
    reply = json(200, { KmsInstance: {} });
    expect((await failure()).message).toMatch(/no RequestId/);
    reply = json(200, '[1,2]');
    expect(await failure()).toMatchObject({ kind: 'invalid_response' });
  });

  it('never puts the query (signature, token) into messages', async () => {
    const redactor = new Redactor();
    redactor.add(sts.token);
    reply = json(400, {
      RequestId: 'r',
      Code: 'SignatureDoesNotMatch',
      Message: `string to sign ... SecurityToken%3D${encodeURIComponent(sts.token ?? '')}`,
    });
    const err = await failure({ signature: 'rpc', credentials: sts, redactor });
    expect(err.message).not.toContain('CAIS');
    expect(err.message).not.toContain('Signature=');
  });
});
