import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * A loopback stand-in for the chat robots driftwatch notifies, checking each request the way the
 * vendor's server does: DingTalk's `timestamp`/`sign` query (HMAC-SHA256 with the secret over
 * `timestamp\nsecret`, base64, URL-encoded, within an hour), Feishu's `timestamp`/`sign` body
 * fields (HMAC-SHA256 keyed by `timestamp\nsecret` over an empty message), and every vendor's
 * payload shape. It answers as the vendors do — an error code in a 200 body for a bad signature —
 * and records what it accepted. Paths: /slack, /dingtalk, /wecom, /feishu, /webhook; /flaky/N
 * answers 500 N times, then as /webhook; /down always 500.
 */

export interface Received {
  readonly vendor: string;
  readonly body: Record<string, unknown>;
  readonly query: URLSearchParams;
}

export interface RobotReceiver {
  readonly server: Server;
  /** Accepted messages, in arrival order. */
  readonly received: Received[];
  /** Refused requests (bad signature or shape), with the reason. */
  readonly refused: { vendor: string; reason: string }[];
  /** Requests per path (all attempts, accepted or not). */
  readonly hits: Map<string, number>;
  reset(): void;
}

const HOUR_MS = 3_600_000;

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function str(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why the vendor would refuse this request, or undefined when it would take it. */
function check(
  vendor: string,
  body: Record<string, unknown>,
  query: URLSearchParams,
  secrets: Readonly<Record<string, string>>,
  now: number,
): string | undefined {
  switch (vendor) {
    case 'slack':
      return str(body.text) &&
        Array.isArray(body.blocks) &&
        body.blocks.every((b) => isObject(b) && b.type === 'section' && isObject(b.text) && b.text.type === 'mrkdwn' && str(b.text.text))
        ? undefined
        : 'invalid_payload';
    case 'dingtalk': {
      const secret = secrets.dingtalk;
      if (secret !== undefined) {
        const ts = query.get('timestamp') ?? '';
        const sign = query.get('sign') ?? '';
        if (!/^\d{13}$/.test(ts) || Math.abs(now - Number(ts)) > HOUR_MS) return 'timestamp missing or not within one hour';
        const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
        if (!equal(sign, expected)) return 'sign not match';
      }
      return body.msgtype === 'markdown' && isObject(body.markdown) && str(body.markdown.title) && str(body.markdown.text)
        ? undefined
        : 'param error: markdown';
    }
    case 'wecom':
      return body.msgtype === 'markdown' &&
        isObject(body.markdown) &&
        str(body.markdown.content) &&
        Buffer.byteLength(body.markdown.content) <= 4096
        ? undefined
        : 'invalid markdown';
    case 'feishu': {
      const secret = secrets.feishu;
      if (secret !== undefined) {
        const ts = body.timestamp;
        if (!str(ts) || !/^\d{10}$/.test(ts) || Math.abs(now - Number(ts) * 1000) > HOUR_MS)
          return 'timestamp is not within one hour from current time';
        const expected = createHmac('sha256', `${ts}\n${secret}`).update('').digest('base64');
        if (!str(body.sign) || !equal(body.sign, expected)) return 'sign match fail';
      }
      return body.msg_type === 'text' && isObject(body.content) && str(body.content.text) ? undefined : 'params error';
    }
    default:
      return body.kind === 'driftwatch-notification' && str(body.as_of) && isObject(body.counts) && Array.isArray(body.new_drift)
        ? undefined
        : 'not a driftwatch notification';
  }
}

function answer(res: ServerResponse, vendor: string, reason: string | undefined): void {
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  if (vendor === 'slack') {
    res.writeHead(reason === undefined ? 200 : 400, { 'content-type': 'text/plain' }).end(reason === undefined ? 'ok' : reason);
  } else if (vendor === 'dingtalk') json(200, reason === undefined ? { errcode: 0, errmsg: 'ok' } : { errcode: 310000, errmsg: reason });
  else if (vendor === 'wecom') json(200, reason === undefined ? { errcode: 0, errmsg: 'ok' } : { errcode: 40008, errmsg: reason });
  else if (vendor === 'feishu')
    json(200, reason === undefined ? { code: 0, msg: 'success', data: {} } : { code: 19021, msg: reason, data: {} });
  else json(reason === undefined ? 200 : 400, reason === undefined ? { ok: true } : { error: reason });
}

/** `secrets`: the robots' signing secrets by vendor (a vendor without one accepts unsigned requests). */
export function createRobotReceiver(secrets: Readonly<Record<string, string>>, now: () => number = () => Date.now()): RobotReceiver {
  const received: Received[] = [];
  const refused: { vendor: string; reason: string }[] = [];
  const hits = new Map<string, number>();
  const handle = (req: IncomingMessage, res: ServerResponse, text: string): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    if (path === '/down') return void res.writeHead(500).end('down');
    const flaky = /^\/flaky\/(\d+)$/.exec(path);
    if (flaky && n <= Number(flaky[1])) return void res.writeHead(503).end('try later');
    const vendor = flaky ? 'webhook' : path.slice(1);
    if (req.method !== 'POST' || !(req.headers['content-type'] ?? '').startsWith('application/json')) return void res.writeHead(415).end();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return answer(res, vendor, 'body is not JSON');
    }
    const reason = isObject(body) ? check(vendor, body, url.searchParams, secrets, now()) : 'body is not an object';
    if (reason === undefined && isObject(body)) received.push({ vendor, body, query: url.searchParams });
    else refused.push({ vendor, reason: reason ?? 'not an object' });
    answer(res, vendor, reason);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  return {
    server,
    received,
    refused,
    hits,
    reset() {
      received.length = 0;
      refused.length = 0;
      hits.clear();
    },
  };
}
