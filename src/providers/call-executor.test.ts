import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../model/desired-state.js';
import { CredentialsError } from '../model/errors.js';
import { Redactor } from '../model/redactor.js';
import { createCallExecutor } from './call-executor.js';
import type { CallEvent, CallExecutor, CallExecutorOptions } from './call-executor.js';
import { ManualClock } from './http/manual-clock.js';
import { burstFor, pacedRate } from './http/rate-limiter.js';
import type { ApiCall, Credentials } from './types.js';
import { apiFailureOf } from '../../test/helpers/api-failure.js';
import { useLoopbackServer } from '../../test/helpers/loopback.js';

/**
 * A scripted loopback cloud: each request takes the next scripted answer (the last one repeats),
 * and every request is recorded, so retry counts are counted where they land — on the server.
 */
interface Recorded {
  readonly headers: IncomingMessage['headers'];
  readonly query: Record<string, string>;
  readonly redactorSize: number;
}
type Answer = { status: number; body: unknown; headers?: Record<string, string> } | 'hang' | 'reset';
let script: Answer[] = [];
let recorded: Recorded[] = [];
let redactorProbe: () => number = () => -1;

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  req.resume();
  req.on('end', () => {
    recorded.push({
      headers: req.headers,
      query: Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams),
      redactorSize: redactorProbe(),
    });
    const answer = script.length > 1 ? script.shift() : script[0];
    if (answer === undefined || answer === 'hang') return;
    if (answer === 'reset') {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
    res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
});

const loopback = useLoopbackServer(server);

const executors: CallExecutor[] = [];
beforeEach(() => {
  script = [];
  recorded = [];
  redactorProbe = () => -1;
});
afterEach(async () => {
  while (executors.length > 0) await executors.pop()?.close();
});

const loc = { file: 'test.yaml', line: 1, column: 1 };
const tencent = (over: Partial<ProviderConfig> = {}): ProviderConfig => ({
  cloud: 'tencentcloud',
  alias: 'prod',
  ref: 'tencentcloud.prod',
  region: 'ap-guangzhou',
  site: 'china',
  credentials: { kind: 'chain' },
  endpoint: loopback.url.href,
  rateLimits: {},
  location: loc,
  ...over,
});
const alibaba = (over: Partial<ProviderConfig> = {}): ProviderConfig => ({
  ...tencent(),
  cloud: 'alicloud',
  ref: 'alicloud.prod',
  region: 'cn-hangzhou',
  ...over,
});

const kmsCall: ApiCall = {
  cloud: 'tencentcloud',
  product: 'kms',
  action: 'GetServiceStatus',
  version: '2019-01-18',
  region: 'ap-guangzhou',
};
const aliKms: ApiCall = {
  cloud: 'alicloud',
  product: 'kms',
  action: 'GetKmsInstance',
  version: '2016-01-20',
  params: { KmsInstanceId: 'kst-1' },
};

const SECRET = 'canary-secret-Zq8v1x';
const TOKEN = 'canary-token+/=Kp3';
const creds: Credentials = { id: 'AKIDEXEC', secret: SECRET, source: 'test' };

const tcOk = (id = 'req-ok'): Answer => ({ status: 200, body: { Response: { ServiceEnabled: true, RequestId: id } } });
const tcErr = (code: string, message = 'm'): Answer => ({
  status: 200,
  body: { Response: { Error: { Code: code, Message: message }, RequestId: `req-${code}` } },
});

function make(over: Partial<CallExecutorOptions> = {}): {
  executor: CallExecutor;
  clock: ManualClock;
  redactor: Redactor;
  events: CallEvent[];
} {
  const clock = new ManualClock(Date.UTC(2026, 10, 29, 0, 0, 0));
  const redactor = new Redactor();
  const events: CallEvent[] = [];
  const executor = createCallExecutor({
    resolveCredentials: () => creds,
    defaultQps: () => 1000,
    redactor,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    onEvent: (e) => events.push(e),
    ...over,
  });
  executors.push(executor);
  return { executor, clock, redactor, events };
}

describe('createCallExecutor', () => {
  it('answers a call and reports start and success', async () => {
    script = [tcOk('req-1')];
    const { executor, clock, events } = make();
    const res = await clock.run(executor.execute(kmsCall, tencent()));
    expect(res).toMatchObject({ requestId: 'req-1', attempts: 1, body: { ServiceEnabled: true } });
    expect(recorded).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(['start', 'success']);
    expect(events[0]).toMatchObject({ provider: 'tencentcloud.prod', api: 'kms:GetServiceStatus' });
    expect(executor.stats()).toEqual({ logicalCalls: 1, requests: 1, throttled: 0, retries: 0, succeeded: 1, failed: 0 });
  });

  it('registers secret and token (and their encoded spellings) before the first request', async () => {
    script = [tcOk()];
    const { executor, clock, redactor } = make({ resolveCredentials: () => ({ ...creds, token: TOKEN }) });
    redactorProbe = () => redactor.size;
    await clock.run(executor.execute(kmsCall, tencent()));
    expect(recorded[0]?.redactorSize).toBeGreaterThanOrEqual(2);
    expect(redactor.redact(`${SECRET} ${TOKEN} ${encodeURIComponent(encodeURIComponent(TOKEN))}`)).not.toMatch(/canary/);
  });

  it('retries throttling with a fresh signature each time, counting requests on the server', async () => {
    script = [tcErr('RequestLimitExceeded'), tcErr('RequestLimitExceeded.UinLimitExceeded'), tcOk('req-3')];
    const { executor, clock, events } = make();
    const res = await clock.run(executor.execute(kmsCall, tencent()));
    expect(res).toMatchObject({ requestId: 'req-3', attempts: 3 });
    expect(recorded).toHaveLength(3);
    // Each attempt is signed at its own time (TC3 has no nonce: attempts within one second sign alike).
    const t0 = Date.UTC(2026, 10, 29, 0, 0, 0) / 1000;
    expect(recorded.map((r) => Number(r.headers['x-tc-timestamp']))).toEqual([t0, t0, t0 + 1]);
    expect(recorded[2]?.headers.authorization).not.toBe(recorded[0]?.headers.authorization);
    expect(events.filter((e) => e.type === 'throttled')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);
    expect(executor.stats()).toMatchObject({ logicalCalls: 1, requests: 3, throttled: 2, retries: 2, succeeded: 1 });
    // Full jitter with random 0.5: 500 ms, then 1000 ms.
    expect(clock.sleeps.filter((ms) => ms >= 100)).toEqual([500, 1000]);
  });

  it('retries Alibaba with a new nonce each attempt and honours x-acs-retry-after', async () => {
    script = [
      {
        status: 429,
        body: { Code: 'Rejected.Throttling', Message: 'QPS Limit Exceeded', RequestId: 'r1' },
        headers: { 'x-acs-retry-after': '777' },
      },
      { status: 503, body: { Code: 'ServiceUnavailable', Message: 'try later', RequestId: 'r2' } },
      { status: 200, body: { RequestId: 'r3', KmsInstance: {} } },
    ];
    const { executor, clock } = make();
    const res = await clock.run(executor.execute(aliKms, alibaba()));
    expect(res).toMatchObject({ requestId: 'r3', attempts: 3 });
    expect(recorded).toHaveLength(3);
    expect(new Set(recorded.map((r) => r.headers['x-acs-signature-nonce'])).size).toBe(3);
    // Issue 11: no RegionId; in front of a loopback endpoint the Host is the vendor's regional host.
    expect(recorded[0]?.query).toEqual({ KmsInstanceId: 'kst-1' });
    expect(recorded[0]?.headers.host).toBe('kms.cn-hangzhou.aliyuncs.com');
    expect(clock.sleeps.filter((ms) => ms >= 100)).toEqual([777, 1000]);
  });

  it('can sign Alibaba calls with the RPC HMAC-SHA1 signature instead', async () => {
    script = [{ status: 200, body: { RequestId: 'r' } }];
    const { executor, clock } = make({ alibabaSignature: 'rpc' });
    await clock.run(executor.execute(aliKms, alibaba()));
    expect(recorded[0]?.query).toMatchObject({ SignatureMethod: 'HMAC-SHA1', Action: 'GetKmsInstance' });
    expect(recorded[0]?.query.RegionId).toBeUndefined();
    expect(recorded[0]?.headers.authorization).toBeUndefined();
  });

  it.each([
    ['AuthFailure.SecretIdNotFound', 'auth'],
    ['AuthFailure.SignatureFailure', 'signature'],
    ['AuthFailure.SignatureExpire', 'clock_skew'],
    ['AuthFailure.UnauthorizedOperation', 'permission'],
    ['InvalidParameterValue', 'invalid_request'],
  ])('does not retry %s (%s)', async (code, kind) => {
    script = [tcErr(code)];
    const { executor, clock, events } = make();
    const err = await apiFailureOf(clock.run(executor.execute(kmsCall, tencent())));
    expect(err).toMatchObject({ kind, code, retryable: false, requestId: `req-${code}` });
    expect(recorded).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'failure', attempts: 1, error: { kind, code } });
    expect(executor.stats()).toMatchObject({ requests: 1, retries: 0, failed: 1 });
  });

  it('gives up after maxAttempts on persistent 5xx', async () => {
    script = [{ status: 502, body: 'bad gateway' }];
    const { executor, clock } = make({ maxAttempts: 3 });
    const err = await apiFailureOf(clock.run(executor.execute(kmsCall, tencent())));
    expect(err).toMatchObject({ kind: 'transient', code: 'HTTP_502' });
    expect(recorded).toHaveLength(3);
  });

  it('retries a connection reset', async () => {
    script = ['reset', tcOk('after-reset')];
    const { executor, clock } = make();
    const res = await clock.run(executor.execute(kmsCall, tencent()));
    expect(res).toMatchObject({ requestId: 'after-reset', attempts: 2 });
    expect(recorded).toHaveLength(2);
  });

  it('counts a throttled last answer once', async () => {
    script = [tcErr('RequestLimitExceeded')];
    const { executor, clock } = make({ maxAttempts: 2 });
    const err = await apiFailureOf(clock.run(executor.execute(kmsCall, tencent())));
    expect(err.kind).toBe('throttled');
    expect(executor.stats()).toMatchObject({ requests: 2, throttled: 2, retries: 1, failed: 1 });
  });

  it('marks not-found answers so the engine can call the resource absent', async () => {
    script = [{ status: 404, body: { Code: 'Forbidden.ResourceNotFound', Message: 'gone', RequestId: 'r-nf' } }];
    const { executor, clock } = make();
    const err = await apiFailureOf(clock.run(executor.execute(aliKms, alibaba())));
    expect(err).toMatchObject({ notFound: true, requestId: 'r-nf' });
    expect(recorded).toHaveLength(1);
  });

  it('turns a CredentialsError into a credentials ApiError without sending anything', async () => {
    const { executor, clock } = make({
      resolveCredentials: () => {
        throw new CredentialsError('TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is not', 'Set both variables.');
      },
    });
    const err = await apiFailureOf(clock.run(executor.execute(kmsCall, tencent())));
    expect(err).toMatchObject({ kind: 'credentials', code: 'DW_CREDENTIALS', retryable: false, hint: 'Set both variables.' });
    expect(err.message).toContain('tencentcloud.prod');
    expect(recorded).toHaveLength(0);
  });

  it('resolves credentials once per provider', async () => {
    script = [tcOk()];
    let resolutions = 0;
    const { executor, clock } = make({
      resolveCredentials: () => {
        resolutions += 1;
        return creds;
      },
    });
    await clock.run(
      Promise.all([executor.execute(kmsCall, tencent()), executor.execute(kmsCall, tencent()), executor.execute(kmsCall, tencent())]),
    );
    expect(resolutions).toBe(1);
  });

  it('refuses a plain-http endpoint that is not loopback, before sending', async () => {
    const { executor, clock } = make();
    const err = await apiFailureOf(clock.run(executor.execute(kmsCall, tencent({ endpoint: 'http://kms.example.com' }))));
    expect(err).toMatchObject({ kind: 'invalid_request', code: 'DW_ENDPOINT', retryable: false });
    expect(err.message).toMatch(/only allowed for loopback/);
  });

  it('refuses a non-positive rate limit with a configuration hint', async () => {
    const { executor, clock } = make();
    const err = await apiFailureOf(clock.run(executor.execute(kmsCall, tencent({ rateLimits: { GetServiceStatus: 0 } }))));
    expect(err).toMatchObject({ kind: 'invalid_request', code: 'DW_RATE_LIMIT', retryable: false });
    expect(err.hint).toMatch(/rateLimits\.GetServiceStatus/);
    expect(recorded).toHaveLength(0);
  });

  it('lets --endpoint win over the provider endpoint', async () => {
    script = [tcOk()];
    const { executor, clock } = make({ endpointOverride: loopback.url.href });
    await clock.run(executor.execute(kmsCall, tencent({ endpoint: 'https://unused.invalid' })));
    expect(recorded).toHaveLength(1);
  });

  it('redacts secrets that a server echoes into an error', async () => {
    script = [tcErr('AuthFailure.SignatureFailure', `bad signature for key ${SECRET}`)];
    const { executor, clock } = make();
    const err = await apiFailureOf(clock.run(executor.execute(kmsCall, tencent())));
    expect(err.message).toContain('[REDACTED]');
    expect(JSON.stringify(err.toObservationError())).not.toContain(SECRET);
  });

  it('never sleeps past the deadline', async () => {
    script = [tcErr('RequestLimitExceeded')];
    const { executor, clock } = make({ deadlineMs: 2_000, random: () => 0.99 });
    const start = clock.now();
    const err = await apiFailureOf(clock.run(executor.execute(kmsCall, tencent())));
    expect(err.kind).toBe('throttled');
    expect(clock.now() - start).toBeLessThan(2_000);
    // Backoffs of 990 and 1980 ms: the second would cross the deadline, so only two requests.
    expect(recorded).toHaveLength(2);
  });

  it('cuts a hanging request at the deadline (real time)', async () => {
    script = ['hang'];
    const executor = createCallExecutor({
      resolveCredentials: () => creds,
      defaultQps: () => 100,
      redactor: new Redactor(),
      deadlineMs: 150,
    });
    executors.push(executor);
    const started = Date.now();
    const err = await apiFailureOf(executor.execute(kmsCall, tencent()));
    expect(err).toMatchObject({ kind: 'timeout', code: 'DW_DEADLINE' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops when the caller aborts', async () => {
    script = ['hang'];
    const executor = createCallExecutor({ resolveCredentials: () => creds, defaultQps: () => 100, redactor: new Redactor() });
    executors.push(executor);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('ctrl-c')), 50);
    const err = await apiFailureOf(executor.execute(kmsCall, tencent(), controller.signal));
    expect(err).toMatchObject({ kind: 'timeout', code: 'DW_ABORTED' });
  });

  it('paces calls through the token bucket: N calls take at least (N − burst)/R', async () => {
    script = [tcOk()];
    const limit = 5;
    const n = 12;
    const { executor, clock } = make({ defaultQps: () => 100 });
    const provider = tencent({ rateLimits: { GetServiceStatus: limit } });
    const start = clock.now();
    await clock.run(Promise.all(Array.from({ length: n }, () => executor.execute(kmsCall, provider))));
    const elapsed = (clock.now() - start) / 1000;
    expect(recorded).toHaveLength(n);
    expect(elapsed).toBeGreaterThanOrEqual((n - burstFor(limit)) / pacedRate(limit) - 1e-6);
    expect(elapsed).toBeLessThan(n / limit);
  });

  it('uses the documented default QPS when the provider has no override', async () => {
    script = [tcOk()];
    const asked: string[] = [];
    const { executor, clock } = make({
      defaultQps: (product, action) => {
        asked.push(`${product}:${action}`);
        return 2;
      },
    });
    const start = clock.now();
    await clock.run(Promise.all(Array.from({ length: 5 }, () => executor.execute(kmsCall, tencent()))));
    expect(asked[0]).toBe('kms:GetServiceStatus');
    expect((clock.now() - start) / 1000).toBeGreaterThanOrEqual((5 - burstFor(2)) / pacedRate(2) - 1e-6);
  });

  it('shares one bucket between two aliases of the same account', async () => {
    script = [tcOk()];
    const { executor, clock } = make({ defaultQps: () => 2 });
    const start = clock.now();
    await clock.run(
      Promise.all([
        ...Array.from({ length: 3 }, () => executor.execute(kmsCall, tencent())),
        ...Array.from({ length: 3 }, () => executor.execute(kmsCall, tencent({ alias: 'other', ref: 'tencentcloud.other' }))),
      ]),
    );
    expect((clock.now() - start) / 1000).toBeGreaterThanOrEqual((6 - burstFor(2)) / pacedRate(2) - 1e-6);
  });

  it('shares one bucket across regions by default, and splits it per region on request', async () => {
    script = [tcOk()];
    const regions = ['ap-guangzhou', 'ap-shanghai', 'ap-beijing', 'ap-chengdu'];
    const calls = regions.flatMap((region) => [
      { ...kmsCall, region },
      { ...kmsCall, region },
    ]);
    const shared = make({ defaultQps: () => 2 });
    const start = shared.clock.now();
    await shared.clock.run(Promise.all(calls.map((c) => shared.executor.execute(c, tencent()))));
    expect((shared.clock.now() - start) / 1000).toBeGreaterThanOrEqual((8 - burstFor(2)) / pacedRate(2) - 1e-6);

    const split = make({ defaultQps: () => 2, rateLimitScope: 'region' });
    const start2 = split.clock.now();
    await split.clock.run(Promise.all(calls.map((c) => split.executor.execute(c, tencent()))));
    // Two calls per region fit in each region's burst of 2.
    expect(split.clock.now() - start2).toBe(0);
  });

  it('sends nothing after close()', async () => {
    script = [tcOk()];
    const { executor, clock } = make();
    await executor.close();
    const err = await apiFailureOf(clock.run(executor.execute(kmsCall, tencent())));
    expect(err.kind).toBe('network');
    expect(recorded).toHaveLength(0);
  });
});
