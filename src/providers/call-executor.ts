import type { ProviderConfig } from '../model/desired-state.js';
import { CredentialsError } from '../model/errors.js';
import type { ObservationError } from '../model/observation.js';
import type { Redactor } from '../model/redactor.js';
import type { Cloud } from '../model/clouds.js';
import type { AlibabaSignatureMode } from './alicloud/client.js';
import type { SendOptions } from './cloud-adapter.js';
import { cloudAdapter } from './clouds.js';
import { percentEncode } from '../util/encoding.js';
import { EndpointError, parseEndpointOverride, resolveTarget } from './endpoints.js';
import { isLoopbackHost } from '../util/loopback.js';
import type { EndpointTarget } from './endpoints.js';
import type { AttemptInput } from './http/attempt.js';
import type { CallContext } from './http/classify.js';
import { hintFor, httpStatusError, transportError } from './http/classify.js';
import { systemClock } from './http/clock.js';
import type { Clock } from './http/clock.js';
import { createHttpClient } from './http/http-client.js';
import type { HttpClient, HttpClientOptions } from './http/http-client.js';
import { RateLimiter } from './http/rate-limiter.js';
import { DEFAULT_RETRY_POLICY, withRetries } from './http/retry.js';
import type { RetryPolicy } from './http/retry.js';
import { ApiError } from './types.js';
import type { ApiCall, ApiResponse, Credentials, ExecuteCall, Product } from './types.js';
import type { CredentialHttpRequest, CredentialIo } from './role-credentials.js';
import { RoleCredentialsError } from './credential-plan.js';

/**
 * The HTTP layer's front door (design.md §7): for each logical call it resolves credentials (and
 * registers the secrets with the redactor before anything is sent), resolves the endpoint, waits
 * for a rate-limit token, signs and sends, classifies, and retries with backoff under a deadline.
 */

export type CallEvent =
  | { readonly type: 'start'; readonly provider: string; readonly api: string }
  | {
      readonly type: 'success';
      readonly provider: string;
      readonly api: string;
      readonly attempts: number;
      readonly requestId: string | null;
    }
  | {
      readonly type: 'retry';
      readonly provider: string;
      readonly api: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: ObservationError;
    }
  | {
      readonly type: 'throttled';
      readonly provider: string;
      readonly api: string;
      readonly attempt: number;
      readonly error: ObservationError;
    }
  | {
      readonly type: 'failure';
      readonly provider: string;
      readonly api: string;
      readonly attempts: number;
      readonly error: ObservationError;
    };

export interface CallStats {
  /** execute() calls. */
  readonly logicalCalls: number;
  /** HTTP requests actually sent (first attempts and retries). */
  readonly requests: number;
  /** Answers that said "throttled" (each one, retried or not). */
  readonly throttled: number;
  readonly retries: number;
  readonly succeeded: number;
  readonly failed: number;
}

export interface CallExecutorOptions {
  /**
   * Asked for a provider's credentials: once per provider for long-lived keys, and on every call for
   * temporary ones (the resolver caches and refreshes them). `io` carries the STS and metadata calls
   * that role sources need, paced and retried by this executor. May throw CredentialsError; that
   * becomes an ApiError of kind `credentials` (the resource is unknown).
   */
  readonly resolveCredentials: (provider: ProviderConfig, io: CredentialIo) => Credentials | Promise<Credentials>;
  /** `--endpoint`: wins over every provider's `endpoint`. */
  readonly endpointOverride?: string;
  /**
   * The documented QPS for an API (from the resource type definitions and the cloud adapter);
   * provider `rateLimits[action]` overrides it. Undefined (no documented rate) fails the call: it is
   * never paced at a guessed rate.
   */
  readonly defaultQps: (product: Product, action: string, cloud: Cloud) => number | undefined;
  readonly redactor: Redactor;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** [0, 1); seeds the backoff jitter. */
  readonly random?: () => number;
  /** Budget per logical call from the moment its first request may go (queueing behind the rate limit excluded). Default 120 s. */
  readonly deadlineMs?: number;
  /**
   * Per-attempt timeout for a provider's requests (`--timeout`, `timeout:`); undefined leaves only
   * the HTTP client's own timeouts. Without `deadlineMs`, a call's budget is 4 attempt timeouts.
   */
  readonly attemptTimeoutMs?: (provider: ProviderConfig) => number | undefined;
  /** Absolute end (clock ms) for every call, queueing included — e.g. a whole-run budget. */
  readonly deadlineAt?: number;
  readonly maxAttempts?: number;
  readonly retryPolicy?: Partial<RetryPolicy>;
  /**
   * What one rate-limit bucket covers. `account` (default): one bucket per account and API across
   * regions — what the simulator meters, and never faster than a per-region limit would allow.
   * `region`: one per account, API and region (design.md §7), for clouds that meter per region.
   */
  readonly rateLimitScope?: 'account' | 'region';
  /** Alibaba signature: ACS3-HMAC-SHA256 (default) or the V2 RPC HMAC-SHA1 query signature. */
  readonly alibabaSignature?: AlibabaSignatureMode;
  readonly http?: HttpClientOptions;
  /** Progress reporting; must not throw. */
  readonly onEvent?: (event: CallEvent) => void;
}

export interface CallExecutor {
  readonly execute: ExecuteCall;
  /** The provider's credentials as `execute` will use them (resolved once, secrets registered); rejects like the resolver. */
  credentials(provider: ProviderConfig): Promise<Credentials>;
  close(): Promise<void>;
  stats(): CallStats;
}

const DEFAULT_CALL_DEADLINE_MS = 120_000;

/**
 * Secrets travel in other spellings too: percent-encoded once in RPC queries, twice inside the
 * string to sign that Alibaba echoes back in SignatureDoesNotMatch messages.
 */
function registerSecret(redactor: Redactor, secret: string | undefined): void {
  if (secret === undefined || secret === '') return;
  redactor.add(secret);
  try {
    const once = percentEncode(secret);
    redactor.add(once);
    redactor.add(percentEncode(once));
  } catch {
    // A secret without a UTF-8 form cannot be sent either; the raw spelling is registered.
  }
}

function credentialsError(provider: ProviderConfig, call: ApiCall, err: unknown, redactor: Redactor): ApiError {
  const ctx: CallContext = { cloud: call.cloud, product: call.product, action: call.action, host: provider.ref };
  const message = err instanceof Error ? err.message : String(err);
  const hint = err instanceof CredentialsError && err.hint !== undefined ? err.hint : hintFor('credentials', ctx);
  // A role whose STS or metadata step failed: that provider's resources are unknown (issue 13).
  const role = err instanceof RoleCredentialsError;
  return new ApiError({
    kind: role ? err.kind : 'credentials',
    code: role ? 'DW_ROLE_CREDENTIALS' : 'DW_CREDENTIALS',
    message: redactor.redact(`no usable credentials for provider ${provider.ref}: ${message}`),
    retryable: false,
    hint: redactor.redact(hint),
  });
}

export function createCallExecutor(options: CallExecutorOptions): CallExecutor {
  const { redactor } = options;
  const clock: Clock = {
    now: options.now ?? systemClock.now,
    sleep: options.sleep ?? systemClock.sleep,
  };
  const random = options.random ?? Math.random;
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...options.retryPolicy,
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  };
  const budgetMs = options.deadlineMs ?? DEFAULT_CALL_DEADLINE_MS;
  const sendOptions: SendOptions = options.alibabaSignature !== undefined ? { alibabaSignature: options.alibabaSignature } : {};
  const limiter = new RateLimiter({ clock });
  const http: HttpClient = createHttpClient(options.http);
  // One resolution per provider per run: profile files are read once, not once per call.
  const credentialCache = new Map<string, Promise<Credentials>>();
  const counters = { logicalCalls: 0, requests: 0, throttled: 0, retries: 0, succeeded: 0, failed: 0 };

  const emit = (event: CallEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // Progress output failing must not change what a call returns.
    }
  };

  const credentialsFor = (provider: ProviderConfig): Promise<Credentials> => {
    let pending = credentialCache.get(provider.ref);
    if (pending === undefined) {
      const key = provider.ref;
      pending = (async () => {
        const creds = await options.resolveCredentials(provider, io);
        registerSecret(redactor, creds.secret);
        registerSecret(redactor, creds.token);
        // Temporary credentials are asked for again on the next call: the resolver refreshes them.
        if (creds.expiresAt !== undefined) credentialCache.delete(key);
        return creds;
      })();
      credentialCache.set(key, pending);
    }
    return pending;
  };

  /**
   * The STS host of a cloud, unless an override sends every request elsewhere (design.md §12); a
   * loopback override still carries the vendor's STS host, like every other request (resolveTarget).
   */
  const stsTarget = (provider: ProviderConfig, regional: string | undefined): EndpointTarget => {
    const host = regional ?? cloudAdapter(provider.cloud).endpoints.stsHost;
    const override = options.endpointOverride ?? provider.endpoint;
    if (override === undefined || override === '') return { url: new URL(`https://${host}/`), host };
    const url = parseEndpointOverride(override);
    return { url, host: isLoopbackHost(url.hostname) ? host : url.host };
  };

  const credentialHttp = async (request: CredentialHttpRequest): Promise<{ status: number; body: string }> => {
    const ctx: CallContext = { cloud: request.cloud, product: request.service, action: request.what, host: request.url.host };
    for (const secret of request.secrets ?? []) registerSecret(redactor, secret);
    const { value } = await withRetries(
      async (_attempt, attemptSignal) => {
        counters.requests += 1;
        let response;
        try {
          response = await http.send({
            url: request.url,
            method: request.method,
            headers: request.headers,
            ...(request.body !== undefined ? { body: request.body } : {}),
            ...(attemptSignal ? { signal: attemptSignal } : {}),
          });
        } catch (err) {
          throw transportError(err, ctx, redactor);
        }
        // A metadata service or credential endpoint answers 5xx while it is restarting; anything else is its answer.
        if (response.status >= 500) throw httpStatusError(response.status, ctx, redactor);
        if (response.status === 200) registerSecret(redactor, request.method === 'PUT' ? response.body.trim() : undefined);
        return { status: response.status, body: response.body };
      },
      { policy, clock, random, ctx, redactor, budgetMs, ...(options.deadlineAt !== undefined ? { deadlineAt: options.deadlineAt } : {}) },
    );
    return value;
  };

  const io: CredentialIo = {
    sts: async (call, provider, credentials, regionalHost) => {
      if (credentials !== undefined) {
        registerSecret(redactor, credentials.secret);
        registerSecret(redactor, credentials.token);
      }
      // A web identity token is as good as a password while it lives.
      if (call.params?.OIDCToken !== undefined) registerSecret(redactor, call.params.OIDCToken);
      const token = call.body?.WebIdentityToken;
      if (typeof token === 'string') registerSecret(redactor, token);
      let target: EndpointTarget;
      try {
        target = stsTarget(provider, regionalHost);
      } catch (err) {
        throw endpointFailure(provider, err, redactor);
      }
      return send(call, provider, credentials, target, call.region, undefined);
    },
    http: credentialHttp,
  };

  const run = async (
    call: ApiCall,
    provider: ProviderConfig,
    signal: AbortSignal | undefined,
    sent: { attempts: number },
  ): Promise<ApiResponse> => {
    let credentials: Credentials;
    try {
      credentials = await credentialsFor(provider);
    } catch (err) {
      throw credentialsError(provider, call, err, redactor);
    }

    const region = call.region ?? provider.region;
    let endpoint: URL;
    let host: string;
    try {
      ({ url: endpoint, host } = resolveTarget({
        cloud: call.cloud,
        product: call.product,
        region,
        site: provider.site,
        override: options.endpointOverride ?? provider.endpoint,
      }));
    } catch (err) {
      throw endpointFailure(provider, err, redactor);
    }

    return send(call, provider, credentials, { url: endpoint, host }, region, signal, sent);
  };

  const send = async (
    call: ApiCall,
    provider: ProviderConfig,
    credentials: Credentials | undefined,
    target: EndpointTarget,
    region: string | undefined,
    signal: AbortSignal | undefined,
    sent: { attempts: number } = { attempts: 0 },
  ): Promise<ApiResponse> => {
    const { url: endpoint, host } = target;
    const api = `${call.product}:${call.action}`;
    const ctx: CallContext = { cloud: call.cloud, product: call.product, action: call.action, host: endpoint.host };
    const limit = provider.rateLimits[call.action] ?? options.defaultQps(call.product, call.action, call.cloud);
    const bucketRegion = options.rateLimitScope === 'region' ? (region ?? '') : '';
    // The account, not the key, owns the quota: two aliases of one account (or a role's successive
    // temporary keys) share one bucket. Anonymous web-identity calls are metered per role.
    const roleArn = call.params?.RoleArn ?? call.body?.RoleArn;
    const account = credentials?.account ?? credentials?.id ?? `anonymous:${typeof roleArn === 'string' ? roleArn : ''}`;
    const key = { cloud: call.cloud, account, product: call.product, action: call.action, region: bucketRegion };
    if (limit === undefined || !(limit > 0) || !Number.isFinite(limit)) {
      const problem =
        limit === undefined
          ? `${call.action} has no documented rate limit`
          : `the rate limit for ${call.action} must be a positive number, got ${String(limit)}`;
      throw new ApiError({
        kind: 'invalid_request',
        code: 'DW_RATE_LIMIT',
        message: redactor.redact(`provider ${provider.ref}: ${problem}`),
        retryable: false,
        hint: `Set rateLimits.${call.action} on the provider to the requests per second the API allows (e.g. 10).`,
      });
    }
    const bucket = limiter.bucket(key, limit);
    const attemptTimeoutMs = options.attemptTimeoutMs?.(provider);
    const callBudgetMs = options.deadlineMs ?? (attemptTimeoutMs !== undefined ? attemptTimeoutMs * 4 : budgetMs);

    const { value } = await withRetries(
      async (attempt, attemptSignal) => {
        counters.requests += 1;
        sent.attempts = attempt;
        const timeout = attemptTimeoutMs === undefined ? undefined : AbortSignal.timeout(attemptTimeoutMs);
        const signal = timeout && attemptSignal ? AbortSignal.any([attemptSignal, timeout]) : (timeout ?? attemptSignal);
        const input: AttemptInput = { http, call, credentials, endpoint, host, region, now: clock.now, redactor, attempt, signal };
        try {
          const response = await cloudAdapter(call.cloud).send(input, sendOptions);
          bucket.answered();
          return response;
        } catch (err) {
          // The account's real quota is below the one we paced for: slow the whole bucket down (issue 17).
          if (err instanceof ApiError && err.kind === 'throttled') bucket.throttled(err.retryAfterMs);
          if (!timeout?.aborted || attemptSignal?.aborted) throw err;
          // This attempt hung past its timeout: retryable, like any other timeout.
          throw new ApiError({
            kind: 'timeout',
            code: 'DW_TIMEOUT',
            message: redactor.redact(
              `${call.product} ${call.action}: no answer from ${endpoint.host} within ${attemptTimeoutMs} ms (attempt ${attempt})`,
            ),
            retryable: true,
            hint: `The endpoint did not answer within the per-attempt timeout; raise it with --timeout or the provider's timeout: if it is just slow.`,
          });
        }
      },
      {
        policy,
        clock,
        random,
        ctx,
        redactor,
        ...(signal !== undefined ? { signal } : {}),
        ...(options.deadlineAt !== undefined ? { deadlineAt: options.deadlineAt } : {}),
        budgetMs: callBudgetMs,
        beforeAttempt: async (_attempt, notAfter, attemptSignal) => {
          await bucket.acquire({ ...(attemptSignal ? { signal: attemptSignal } : {}), ...(notAfter !== undefined ? { notAfter } : {}) });
        },
        onRetry: ({ attempt, delayMs, error }) => {
          counters.retries += 1;
          if (error.kind === 'throttled') {
            counters.throttled += 1;
            emit({ type: 'throttled', provider: provider.ref, api, attempt, error: error.toObservationError() });
          }
          emit({ type: 'retry', provider: provider.ref, api, attempt, delayMs, error: error.toObservationError() });
        },
      },
    );
    return value;
  };

  const execute: ExecuteCall = async (call, provider, signal) => {
    counters.logicalCalls += 1;
    const api = `${call.product}:${call.action}`;
    emit({ type: 'start', provider: provider.ref, api });
    const sent = { attempts: 0 };
    try {
      const response = await run(call, provider, signal, sent);
      counters.succeeded += 1;
      emit({ type: 'success', provider: provider.ref, api, attempts: response.attempts, requestId: response.requestId });
      return response;
    } catch (err) {
      const error =
        err instanceof ApiError
          ? err
          : new ApiError({
              kind: 'invalid_response',
              code: 'DW_INTERNAL',
              message: redactor.redact(
                `${api} for ${provider.ref} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`,
              ),
              retryable: false,
              hint: 'This is a driftwatch bug; re-run with --debug and report it.',
            });
      counters.failed += 1;
      // A throttled answer on the last attempt was not retried, so onRetry did not count it.
      if (error.kind === 'throttled') counters.throttled += 1;
      emit({ type: 'failure', provider: provider.ref, api, attempts: sent.attempts, error: error.toObservationError() });
      throw error;
    }
  };

  return {
    execute,
    credentials: credentialsFor,
    close: () => http.close(),
    stats: () => ({ ...counters }),
  };
}

/** An endpoint that cannot be resolved (a bad region or override) fails the call as an invalid request; anything else is rethrown. */
function endpointFailure(provider: ProviderConfig, err: unknown, redactor: Redactor): unknown {
  if (!(err instanceof EndpointError)) return err;
  return new ApiError({
    kind: 'invalid_request',
    code: 'DW_ENDPOINT',
    message: redactor.redact(`provider ${provider.ref}: ${err.message}`),
    retryable: false,
    hint: err.hint,
  });
}
