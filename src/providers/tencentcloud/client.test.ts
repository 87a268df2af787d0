import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../model/redactor.js';
import type { AttemptInput } from '../http/attempt.js';
import { createHttpClient } from '../http/http-client.js';
import type { ApiCall, ApiError, Credentials } from '../types.js';
import { callTencent } from './client.js';
import { signTc3 } from './sign.js';
import { apiFailureOf } from '../../../test/helpers/api-failure.js';
import { useLoopbackServer } from '../../../test/helpers/loopback.js';

type Reply = (req: IncomingMessage, res: ServerResponse) => void;
let reply: Reply = (_req, res) => res.end('{}');
const seen: { headers: IncomingMessage['headers']; body: string; signatureOk: boolean }[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const h = req.headers;
    const auth = String(h.authorization ?? '');
    const secretId = /Credential=([^/]+)\//.exec(auth)?.[1] ?? '';
    const expected = signTc3({
      secretId,
      secretKey: secretId === 'AKIDTEST' ? 'tencent-secret-key-1' : 'unknown',
      host: String(h.host),
      service: /\/\d{4}-\d{2}-\d{2}\/([a-z0-9-]+)\/tc3_request/.exec(auth)?.[1] ?? '',
      action: String(h['x-tc-action']),
      version: String(h['x-tc-version']),
      region: typeof h['x-tc-region'] === 'string' ? h['x-tc-region'] : null,
      token: typeof h['x-tc-token'] === 'string' ? h['x-tc-token'] : null,
      timestamp: Number(h['x-tc-timestamp']),
      contentType: String(h['content-type']),
      body,
    });
    seen.push({ headers: h, body, signatureOk: expected.authorization === auth });
    reply(req, res);
  });
});

const loopback = useLoopbackServer(server);

const http = createHttpClient();
afterAll(() => http.close());

const creds: Credentials = { id: 'AKIDTEST', secret: 'tencent-secret-key-1', source: 'test' };
const kmsCall: ApiCall = {
  cloud: 'tencentcloud',
  product: 'kms',
  action: 'GetServiceStatus',
  version: '2019-01-18',
  region: 'ap-guangzhou',
};
const NOW = Date.UTC(2026, 10, 29, 1, 2, 3);

function input(over: Partial<AttemptInput> = {}): AttemptInput {
  return {
    http,
    call: kmsCall,
    credentials: creds,
    endpoint: loopback.url,
    region: 'ap-guangzhou',
    now: () => NOW,
    redactor: new Redactor(),
    attempt: 1,
    ...over,
  };
}

const json =
  (status: number, value: unknown): Reply =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(typeof value === 'string' ? value : JSON.stringify(value));
  };

function failure(over: Partial<AttemptInput> = {}): Promise<ApiError> {
  return apiFailureOf(callTencent(input(over)));
}

describe('callTencent', () => {
  it('sends a TC3-signed POST with the region header and returns the Response object', async () => {
    seen.length = 0;
    reply = json(200, { Response: { ServiceEnabled: true, UserLevel: 1, RequestId: 'req-kms-1' } });
    const res = await callTencent(input());
    expect(res).toEqual({
      body: { ServiceEnabled: true, UserLevel: 1, RequestId: 'req-kms-1' },
      requestId: 'req-kms-1',
      attempts: 1,
      endpoint: loopback.url.href,
      receivedAt: new Date(NOW).toISOString(),
    });
    const req = seen[0];
    expect(req?.signatureOk).toBe(true);
    expect(req?.body).toBe('{}');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['x-tc-action']).toBe('GetServiceStatus');
    expect(req?.headers['x-tc-version']).toBe('2019-01-18');
    expect(req?.headers['x-tc-region']).toBe('ap-guangzhou');
    expect(req?.headers['x-tc-timestamp']).toBe(String(Math.floor(NOW / 1000)));
    expect(req?.headers['x-tc-token']).toBeUndefined();
    expect(req?.headers.authorization).toMatch(
      /^TC3-HMAC-SHA256 Credential=AKIDTEST\/2026-11-29\/kms\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/,
    );
  });

  it('omits the region header when the call has none, sends the token, and sends call.body', async () => {
    seen.length = 0;
    reply = json(200, { Response: { State: 3, RequestId: 'req-tcss' } });
    const call: ApiCall = {
      cloud: 'tencentcloud',
      product: 'tcss',
      action: 'DescribePurchaseStateInfo',
      version: '2020-11-01',
      body: { Foo: 'bar' },
    };
    const res = await callTencent(input({ call, credentials: { ...creds, token: 'sts-token-abc' } }));
    expect(res.requestId).toBe('req-tcss');
    expect(seen[0]?.signatureOk).toBe(true);
    expect(seen[0]?.headers['x-tc-region']).toBeUndefined();
    expect(seen[0]?.headers['x-tc-token']).toBe('sts-token-abc');
    expect(seen[0]?.body).toBe('{"Foo":"bar"}');
    expect(seen[0]?.headers.authorization).toContain('/tcss/tc3_request');
  });

  it('is checked by a server that does reject a wrong secret', async () => {
    seen.length = 0;
    reply = json(200, { Response: { RequestId: 'r' } });
    await callTencent(input({ credentials: { ...creds, secret: 'wrong' } }));
    expect(seen[0]?.signatureOk).toBe(false);
  });

  it('classifies Response.Error from a 200 body and keeps the RequestId', async () => {
    reply = json(200, { Response: { Error: { Code: 'AuthFailure.SignatureExpire', Message: 'expired' }, RequestId: 'req-err' } });
    const err = await failure();
    expect(err).toMatchObject({ kind: 'clock_skew', code: 'AuthFailure.SignatureExpire', requestId: 'req-err', retryable: false });
    expect(err.hint).toMatch(/check your clock/i);

    reply = json(200, { Response: { Error: { Code: 'RequestLimitExceeded', Message: 'too fast' }, RequestId: 'req-t' } });
    expect(await failure()).toMatchObject({ kind: 'throttled', retryable: true });
  });

  it('treats a non-200 as a transport failure (5xx retryable)', async () => {
    reply = json(502, '<html>bad gateway</html>');
    expect(await failure()).toMatchObject({ kind: 'transient', code: 'HTTP_502', retryable: true });
    reply = json(403, 'Forbidden');
    expect(await failure()).toMatchObject({ kind: 'invalid_response', code: 'HTTP_403', retryable: false });
  });

  // Issue 11: a non-200 whose body is the API's error envelope keeps the vendor's code and message.
  it('keeps the code and message of a non-200 answer that carries Response.Error', async () => {
    reply = json(403, {
      Response: { Error: { Code: 'AuthFailure.SecretIdNotFound', Message: 'The SecretId is not found.' }, RequestId: 'r-403' },
    });
    expect(await failure()).toMatchObject({
      kind: 'auth',
      code: 'AuthFailure.SecretIdNotFound',
      requestId: 'r-403',
      httpStatus: 403,
      retryable: false,
    });
    expect((await failure()).message).toMatch(/AuthFailure\.SecretIdNotFound: The SecretId is not found\./);
    reply = json(503, { Response: { Error: { Code: 'ServiceUnavailable', Message: 'busy' }, RequestId: 'r-503' } });
    expect(await failure()).toMatchObject({ kind: 'transient', code: 'ServiceUnavailable', retryable: true, httpStatus: 503 });
  });

  it('rejects bodies that are not the documented envelope', async () => {
    reply = json(200, 'not json');
    expect(await failure()).toMatchObject({ kind: 'invalid_response', code: 'DW_INVALID_RESPONSE' });
    reply = json(200, { ServiceEnabled: true });
    expect((await failure()).message).toMatch(/no "Response" object/);
    reply = json(200, { Response: { ServiceEnabled: true } });
    expect((await failure()).message).toMatch(/no RequestId/);
    reply = json(200, { Response: { Error: { Message: 'no code' }, RequestId: 'r' } });
    expect(await failure()).toMatchObject({ kind: 'invalid_response', requestId: 'r' });
  });

  it('turns a refused connection into a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await failure({ endpoint: new URL(`http://127.0.0.1:${port}/`) });
    expect(err).toMatchObject({ kind: 'network', retryable: false });
    expect(err.message).toContain('ECONNREFUSED');
  });
});
