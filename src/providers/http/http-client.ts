import { Pool } from 'undici';

/**
 * The only place a socket is opened: one undici Pool per origin, bounded, with keep-alive shorter
 * than the servers' (so we never write into a socket the server is closing) and explicit connect,
 * headers and body timeouts. TLS verification is undici's default and is never switched off.
 */

export interface HttpRequest {
  readonly url: URL;
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Sent exactly as given (the signature covers some of them, so nothing is added or rewritten). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface HttpClient {
  /** Resolves with any HTTP answer (4xx/5xx included); rejects only when no complete answer arrived. */
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Destroys every pool (open sockets included); later sends reject. */
  close(): Promise<void>;
}

export interface HttpClientOptions {
  /** Sockets per origin. The vendors' QPS limits, not sockets, bound throughput; 16 covers 100/s at 160 ms latency. */
  readonly connections?: number;
  /** Idle socket lifetime; below the common 5 s server keep-alive so the server never closes first. */
  readonly keepAliveTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly bodyTimeoutMs?: number;
  /** Status bodies are a few KB; anything far larger is not the API answering. */
  readonly maxResponseBytes?: number;
}

const DEFAULT_HTTP_OPTIONS: Required<HttpClientOptions> = {
  connections: 16,
  keepAliveTimeoutMs: 4_000,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  maxResponseBytes: 4 * 1024 * 1024,
};

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const opts = { ...DEFAULT_HTTP_OPTIONS, ...options };
  const pools = new Map<string, Pool>();
  let closed = false;

  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: opts.connections,
        keepAliveTimeout: opts.keepAliveTimeoutMs,
        connectTimeout: opts.connectTimeoutMs,
        headersTimeout: opts.headersTimeoutMs,
        bodyTimeout: opts.bodyTimeoutMs,
        maxResponseSize: opts.maxResponseBytes,
      });
      pools.set(origin, pool);
    }
    return pool;
  };

  return {
    async send(request: HttpRequest): Promise<HttpResponse> {
      if (closed) throw Object.assign(new Error('HTTP client is closed'), { code: 'UND_ERR_CLOSED' });
      const pool = poolFor(request.url.origin);
      const response = await pool.request({
        path: `${request.url.pathname}${request.url.search}`,
        method: request.method,
        headers: { ...request.headers },
        body: request.body ?? null,
        signal: request.signal ?? null,
      });
      try {
        // Always read to the end: an unread body pins the socket and, in undici, leaks it.
        const body = await response.body.text();
        return { status: response.statusCode, headers: flattenHeaders(response.headers), body };
      } catch (err) {
        // Whatever broke mid-body (reset, timeout, abort, size limit), release the socket.
        response.body.destroy();
        throw err;
      }
    },
    async close(): Promise<void> {
      closed = true;
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((pool) => pool.destroy()));
    },
  };
}
