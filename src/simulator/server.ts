/**
 * The simulated clouds on one loopback port (design.md §7): a plain `node:http` server that reads
 * each request, draws its faults, routes it (router.ts), wraps the answer in the vendor's envelope
 * and records what happened. Everything time-dependent reads the injected clock.
 */
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonObject } from '../model/json.js';
import { IoError } from '../model/errors.js';
import type { HttpAnswer } from './envelopes.js';
import type { FaultName, FaultPlan } from './faults.js';
import { drawFaults, duplicateKey, injectNulls, truncateBody } from './faults.js';
import type { IncomingCall } from './incoming.js';
import { parsePairs } from './incoming.js';
import { NonceStore } from './nonce-store.js';
import { answerCredentialService, answerMetadata, credentialServiceCloud, isMetadataPath, metadataCloud } from './metadata.js';
import { SessionStore } from './sts.js';
import { Prng } from './prng.js';
import { RateLimiter } from './rate-limit.js';
import type { Outcome, RequestLogEntry, SimulatorStats } from './request-log.js';
import { RequestLog, formatLogLine } from './request-log.js';
import type { Identified, RouterContext } from './router.js';
import { claimedAccount, identify, route } from './router.js';
import type { VendorError } from './vendor-errors.js';
import type { World } from './world.js';
import { cloudSimulator, indexKeys } from './clouds.js';

export interface SimulatorOptions {
  readonly world: World;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port (read it from `url`). */
  readonly port?: number;
  /** The clock (default wall time); the world's `clock.skew_seconds` is added for signature checks. */
  readonly now?: () => Date;
  /** Append one line per request to this file (see docs/simulator.md for the format). */
  readonly logFile?: string;
  /** In-memory log entries kept (newest); default 100,000. */
  readonly logLimit?: number;
}

export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Counters per API and account, and in total. */
  stats(): SimulatorStats;
  /** The in-memory request log, oldest first. */
  requestLog(): readonly RequestLogEntry[];
  /** Stops listening, drops open (and hanging) connections, closes the log file. Idempotent. */
  close(): Promise<void>;
}

/** Larger bodies are not API calls for these read-only APIs (Tencent's own POST limit is 10 MB). */
const MAX_BODY_BYTES = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toIncoming(req: IncomingMessage, body: Buffer): IncomingCall {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const contentType = (headers['content-type'] ?? '').toLowerCase();
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    pathname: q < 0 ? url : url.slice(0, q),
    rawQuery,
    query: parsePairs(rawQuery),
    form: contentType.startsWith('application/x-www-form-urlencoded') ? parsePairs(body.toString('utf8')) : {},
    headers,
    body,
  };
}

/**
 * The base URL a client on this machine can use. A wildcard bind address (`0.0.0.0`, `::`) is
 * where the server listens, not an address to connect to — and `--endpoint` only takes plain
 * http:// for loopback — so the URL names the loopback address instead.
 */
function urlFor(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

function faultNames(plan: FaultPlan): FaultName[] {
  return plan.latencyMs > 0 ? ['latency'] : [];
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const { world } = options;
  const now = options.now ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const faultPrng = new Prng(world.faults.seed);
  // Request ids come from their own stream so that they never shift the fault sequence.
  const idPrng = new Prng(world.faults.seed ^ 0x5eed1d);
  const log = new RequestLog(options.logLimit);
  const sessions = new SessionStore();
  const ctx: RouterContext = {
    world,
    ...indexKeys(world.accounts),
    nonces: new NonceStore(),
    limiter: new RateLimiter(() => now().getTime()),
    sessions,
  };

  let logStream: WriteStream | undefined;
  if (options.logFile !== undefined) {
    const stream = createWriteStream(options.logFile, { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new IoError(
            `cannot open the request log ${options.logFile}${error.code ? ` (${error.code})` : ''}`,
            'Pass a writable path with --log.',
            { cause: error },
          ),
        ),
      );
    });
    logStream = stream;
  }

  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const releases = new Set<() => void>();

  const record = (entry: RequestLogEntry): void => {
    log.record(entry);
    logStream?.write(`${formatLogLine(entry)}\n`);
  };

  const wait = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        releases.delete(release);
        resolve(false);
      };
      const timer = setTimeout(() => {
        timers.delete(timer);
        releases.delete(release);
        resolve(true);
      }, ms);
      timers.add(timer);
      releases.add(release);
    });

  function failure(id: Identified, error: VendorError, requestId: string, hostHeader: string): HttpAnswer {
    return cloudSimulator(id.cloud).failure(error, requestId, hostHeader, id);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = now();
    const body = await readBody(req);
    const call = toIncoming(req, body ?? Buffer.alloc(0));
    const serviceCloud = isMetadataPath(call.pathname) ? undefined : credentialServiceCloud(call.pathname);
    if (isMetadataPath(call.pathname) || serviceCloud !== undefined) {
      // The instance metadata and credential services: no signatures, no envelopes, no injected faults.
      const serverNow = now().getTime() + world.clock.skewSeconds * 1000;
      const answer =
        serviceCloud !== undefined
          ? answerCredentialService(serviceCloud, call, world, sessions, serverNow)
          : answerMetadata(call, world, sessions, serverNow);
      record({
        time: arrived.toISOString(),
        cloud: serviceCloud ?? metadataCloud(call.pathname),
        api: `${serviceCloud !== undefined ? 'credentials' : 'metadata'} ${call.method} ${call.pathname}`,
        account: serviceCloud !== undefined ? '(credential service)' : '(instance)',
        outcome: answer.status === 200 ? 'ok' : 'error',
        status: answer.status,
        code: null,
        requestId: null,
        faults: [],
        latencyMs: 0,
      });
      res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body) });
      res.end(answer.body);
      return;
    }
    const id = identify(call);
    const plan = drawFaults(faultPrng, world.faults);
    const uuid = idPrng.uuid();
    const cloud = cloudSimulator(id.cloud);
    const requestId = cloud.requestId(uuid);
    const claimed = claimedAccount(id, ctx);
    const faults = faultNames(plan);
    const entry = (
      outcome: Outcome,
      status: number | null,
      code: string | null,
      rid: string | null,
      extra: FaultName[] = [],
    ): RequestLogEntry => ({
      time: arrived.toISOString(),
      cloud: id.cloud,
      api: id.action ?? '(none)',
      account: claimed?.name ?? '(unknown)',
      outcome,
      status,
      code,
      requestId: rid,
      faults: [...faults, ...extra],
      latencyMs: plan.latencyMs,
    });

    if (plan.latencyMs > 0 && !(await wait(plan.latencyMs))) return;
    if (closed) return;
    if (plan.reset) {
      record(entry('reset', null, null, null, ['reset']));
      req.socket.destroy();
      return;
    }
    if (plan.hang) {
      record(entry('hang', null, null, null, ['hang']));
      await new Promise<void>((resolve) => {
        const release = (): void => {
          releases.delete(release);
          resolve();
        };
        releases.add(release);
        res.once('close', release);
      });
      if (!res.writableEnded) res.destroy();
      return;
    }

    const hostHeader = call.headers.host ?? '';
    let answer: HttpAnswer;
    let outcome: Outcome;
    let code: string | null = null;
    const extra: FaultName[] = [];
    if (body === undefined) {
      const error = cloud.bodyTooLarge();
      answer = failure(id, error, requestId, hostHeader);
      outcome = 'error';
      code = error.code;
    } else if (plan.error) {
      const error = cloud.injectedFailure(plan.unavailable);
      answer = failure(id, error, requestId, hostHeader);
      outcome = 'error';
      code = error.code;
      extra.push('error');
    } else {
      const routed = route(call, id, ctx, now().getTime() + world.clock.skewSeconds * 1000);
      if (routed.kind === 'error') {
        answer = failure(id, routed.error, requestId, hostHeader);
        outcome = routed.throttled ? 'throttled' : 'error';
        code = routed.error.code;
      } else {
        let successBody: JsonObject = routed.body;
        if (plan.nulls && routed.nullable.length > 0) {
          const injected = injectNulls(successBody, routed.nullable, plan.nullSeed);
          if (injected.count > 0) {
            successBody = injected.body;
            extra.push('null');
          }
        }
        answer = cloudSimulator(routed.api.cloud).success(routed.api, successBody, requestId, id);
        outcome = 'ok';
        if (plan.duplicate) {
          answer = { ...answer, body: duplicateKey(answer.body) };
          extra.push('duplicate');
        }
        if (plan.malformed) {
          answer = { ...answer, body: truncateBody(answer.body) };
          outcome = 'malformed';
          extra.push('malformed');
        }
      }
    }
    record(entry(outcome, answer.status, code, requestId, extra));
    if (res.destroyed) return;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // A request that breaks the simulator itself: answer 500 rather than leave the client waiting.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('simulator internal error');
      }
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'EADDRINUSE' ? 'Choose another --port, or --port 0 for a free one.' : 'Check --host and --port.';
      reject(new IoError(`cannot listen on ${host}:${options.port ?? 0}${error.code ? ` (${error.code})` : ''}`, hint, { cause: error }));
    });
    server.listen(options.port ?? 0, host, () => resolve());
  }).catch((error: unknown) => {
    logStream?.end();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: urlFor(host, port),
    host,
    port,
    stats: () => log.stats(),
    requestLog: () => log.entries(),
    close(): Promise<void> {
      closing ??= (async () => {
        closed = true;
        for (const release of [...releases]) release();
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        if (logStream) {
          const stream = logStream;
          await new Promise<void>((resolve) => stream.end(() => resolve()));
        }
      })();
      return closing;
    },
  };
}
