import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from './http-client.js';
import type { HttpClient } from './http-client.js';

interface Loopback {
  readonly url: URL;
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  readonly connections: () => number;
  close(): Promise<void>;
}

async function startServer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<Loopback> {
  const requests: Loopback['requests'] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup(
  handler: Parameters<typeof startServer>[0],
  options: Parameters<typeof createHttpClient>[0] = {},
): Promise<{ server: Loopback; client: HttpClient }> {
  const server = await startServer(handler);
  const client = createHttpClient(options);
  cleanups.push(
    () => server.close(),
    () => client.close(),
  );
  return { server, client };
}

describe('createHttpClient', () => {
  it('sends the exact headers and body and returns status, lower-cased headers and text', async () => {
    const { server, client } = await setup((_req, res) => {
      res.writeHead(201, { 'X-Acs-Retry-After': '250', 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
    const url = new URL('/?Action=X&A=%20b', server.url);
    const res = await client.send({
      url,
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-TC-Action': 'Get', host: url.host },
      body: '{}',
    });
    expect(res).toMatchObject({ status: 201, body: '{"ok":true}' });
    expect(res.headers['x-acs-retry-after']).toBe('250');
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/?Action=X&A=%20b', body: '{}' });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    expect(server.requests[0]?.headers['x-tc-action']).toBe('Get');
    expect(server.requests[0]?.headers.host).toBe(url.host);
  });

  it('consumes error bodies so one keep-alive socket serves every request', async () => {
    const big = 'e'.repeat(64 * 1024);
    const { server, client } = await setup(
      (_req, res) => {
        res.writeHead(503, { 'Content-Type': 'text/plain' });
        res.end(big);
      },
      { connections: 1 },
    );
    for (let i = 0; i < 5; i += 1) {
      const res = await client.send({ url: server.url, method: 'POST', headers: {}, body: '' });
      expect(res.status).toBe(503);
      expect(res.body.length).toBe(big.length);
    }
    expect(server.connections()).toBe(1);
  });

  it('rejects with the socket error when the server resets mid-body, and recovers on a new socket', async () => {
    let n = 0;
    const { server, client } = await setup(
      (req, res) => {
        n += 1;
        if (n === 1) {
          res.writeHead(200, { 'Content-Length': '1000' });
          res.write('{"partial":');
          setTimeout(() => req.socket.destroy(), 10);
          return;
        }
        res.end('{}');
      },
      { connections: 1 },
    );
    const failed = client.send({ url: server.url, method: 'POST', headers: {}, body: '' });
    const error: unknown = await failed.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((error as { code?: string } | undefined)?.code).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    const ok = await client.send({ url: server.url, method: 'POST', headers: {}, body: '' });
    expect(ok.body).toBe('{}');
  });

  it('times out a server that never answers', async () => {
    const { server, client } = await setup(() => undefined, { headersTimeoutMs: 100 });
    await expect(client.send({ url: server.url, method: 'POST', headers: {}, body: '' })).rejects.toMatchObject({
      code: 'UND_ERR_HEADERS_TIMEOUT',
    });
  });

  it('times out a body that stalls', async () => {
    const { server, client } = await setup(
      (_req, res) => {
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('{');
      },
      { bodyTimeoutMs: 100 },
    );
    await expect(client.send({ url: server.url, method: 'POST', headers: {}, body: '' })).rejects.toMatchObject({
      code: 'UND_ERR_BODY_TIMEOUT',
    });
  });

  it('aborts on the signal', async () => {
    const { server, client } = await setup(() => undefined);
    const controller = new AbortController();
    const pending = client.send({ url: server.url, method: 'POST', headers: {}, body: '', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('deadline')), 20);
    await expect(pending).rejects.toThrow();
  });

  it('refuses oversized answers', async () => {
    const { server, client } = await setup((_req, res) => res.end('x'.repeat(5000)), { maxResponseBytes: 1000 });
    await expect(client.send({ url: server.url, method: 'POST', headers: {}, body: '' })).rejects.toMatchObject({
      code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE',
    });
  });

  it('refuses connections after close()', async () => {
    const { server, client } = await setup((_req, res) => res.end('{}'));
    await client.send({ url: server.url, method: 'POST', headers: {}, body: '' });
    await client.close();
    await expect(client.send({ url: server.url, method: 'POST', headers: {}, body: '' })).rejects.toMatchObject({ code: 'UND_ERR_CLOSED' });
  });
});
