import type { Cloud } from '../../model/resource-types.js';
import type { ErrorKind } from '../../model/observation.js';
import type { Redactor } from '../../model/redactor.js';
import { ApiError } from '../types.js';
import { errorProvesAbsence } from '../absence.js';
import { cloudAdapter } from '../clouds.js';

/**
 * The one place vendor codes, HTTP statuses and socket failures become an ErrorKind (design.md §7,
 * cloud-apis.md §1.5, §2.5). Adapters never look at codes themselves, so "not found" (absent, drift)
 * and "the host failed" (unknown) are decided here once, the Renovate way — "not found" only from
 * the per-API answers of the absence table (absence.ts), never from what a code looks like.
 */

export interface CodeClass {
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  /** The code, answered by this API, proves that the requested instance does not exist (absent). */
  readonly notFound: boolean;
}

/** Where a failed request was going, for messages and hints. */
export interface CallContext {
  readonly cloud: Cloud;
  readonly product: string;
  readonly action: string;
  /** Host only (never a query string: Alibaba RPC queries carry the signature and token). */
  readonly host: string;
}

/**
 * Codes whose right hint is not their kind's. `IllegalTimestamp` and `InvalidTimeStamp.Format` say
 * the timestamp is missing or malformed — no clock adjustment fixes that, so the clock-skew hint
 * would send the user the wrong way.
 */
const CODE_HINTS: Readonly<Record<string, string>> = {
  IllegalTimestamp:
    "The API says the request's timestamp is missing or malformed (IllegalTimestamp) — this is not clock skew. Something between driftwatch and the API (a proxy, a gateway rewriting headers or the query) may have dropped or changed x-acs-date / Timestamp; send the requests directly, or re-run with --debug and report a bug.",
  'InvalidTimeStamp.Format':
    "The API could not parse the request's timestamp (InvalidTimeStamp.Format) — this is not clock skew. Something between driftwatch and the API may have rewritten x-acs-date / Timestamp; send the requests directly, or re-run with --debug and report a bug.",
};

const AUTH_CODES = new Set([
  'AuthFailure.SecretIdNotFound',
  'AuthFailure.InvalidSecretId',
  'AuthFailure.TokenFailure',
  'AuthFailure.MFAFailure',
  'Forbidden.AccessKeyDisabled',
]);
const SIGNATURE_CODES = new Set([
  'AuthFailure.SignatureFailure',
  'AuthFailure.InvalidAuthorization',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidSignatureMethod',
  'InvalidSignatureVersion',
]);
const CLOCK_CODES = new Set(['AuthFailure.SignatureExpire', 'InvalidTimeStamp.Expired']);
const PERMISSION_CODES = new Set([
  'AuthFailure.UnauthorizedOperation',
  'InternalError.ErrRoleNotExist',
  'IpInBlacklist',
  'IpNotInWhitelist',
]);

/** Looks like "not found" — but only the absence table can make it proof; otherwise the hint says why not. */
const NOT_FOUND_LOOK = /NotFound|NotExist/;

/**
 * Kind and retryability of a vendor error code; the HTTP status only breaks ties for unknown codes.
 * `action` (the API that answered) is needed for `notFound`: without it nothing is ever absent.
 */
export function classifyCode(cloud: Cloud, code: string, httpStatus?: number, action?: string): CodeClass {
  const absent = action !== undefined && errorProvesAbsence(cloud, action, code);
  const c = (kind: ErrorKind, retryable: boolean): CodeClass => ({ kind, retryable, notFound: absent });
  if (CLOCK_CODES.has(code)) return c('clock_skew', false);
  if (SIGNATURE_CODES.has(code)) return c('signature', false);
  // A reused nonce can only be ours; a fresh attempt carries a fresh nonce, so retrying is safe.
  if (code === 'SignatureNonceUsed') return c('signature', true);
  if (AUTH_CODES.has(code) || code.startsWith('InvalidAccessKeyId') || code.startsWith('InvalidSecurityToken')) return c('auth', false);
  if (PERMISSION_CODES.has(code)) return c('permission', false);
  if (code.startsWith('RequestLimitExceeded') || code.includes('Throttling')) return c('throttled', true);
  // A not-found code the table does not list for this API is not proof, but still not a permission problem.
  if (absent || NOT_FOUND_LOOK.test(code)) return c('invalid_request', false);
  if (code.startsWith('UnauthorizedOperation') || code.startsWith('AccessDenied') || code === 'NoPermission') return c('permission', false);
  if (code === 'Forbidden' || code.startsWith('Forbidden.')) return c('permission', false);
  // A code whose meaning is the cloud's own (Alibaba's InvalidAction at 403: the key may not call it).
  const own = cloudAdapter(cloud).errors.classify(code, httpStatus);
  if (own !== undefined) return c(own.kind, own.retryable);
  if (
    code.startsWith('InternalError') ||
    code.startsWith('ServiceUnavailable') ||
    code === 'InternalServerError' ||
    code === 'ServiceTimeout'
  ) {
    return c('transient', true);
  }
  if (
    /^(Invalid|Missing|Unknown|Unsupported|NoSuch|Illegal)/.test(code) ||
    code.startsWith('LimitExceeded') ||
    code.startsWith('FailedOperation') ||
    code.startsWith('Resource') ||
    code === 'ActionOffline' ||
    code.endsWith('SizeLimitExceeded') ||
    code === 'DryRunOperation'
  ) {
    return c('invalid_request', false);
  }
  if (httpStatus === 429) return c('throttled', true);
  if (httpStatus !== undefined && httpStatus >= 500) return c('transient', true);
  // An unrecognised code is not evidence of anything: fail closed (unknown), and do not hammer the API.
  return c('invalid_request', false);
}

/** What the user can do about each kind of failure. */
export function hintFor(kind: ErrorKind, ctx: CallContext): string {
  const adapter = cloudAdapter(ctx.cloud);
  const docs = { keys: adapter.errors.keyDocs, policy: adapter.errors.policyDocs };
  const name = adapter.identity.displayName;
  switch (kind) {
    case 'auth':
      return `The ${name} key was rejected: check ${docs.keys}; the key may be mistyped, disabled or deleted, and temporary (STS) credentials may have expired.`;
    case 'permission':
      return `The key is valid but may not call ${ctx.product}:${ctx.action}: attach ${docs.policy} that allows it to this user or role.`;
    case 'signature':
      return 'The server computed a different signature: the secret does not belong to this key ID, or something between you and the API changed the request. Check the credentials; if they are right, re-run with --debug and report a bug.';
    case 'clock_skew':
      return `Check your clock: the request timestamp differs from the server's by more than ${adapter.errors.clockSkewMinutes} (${adapter.identity.shortName}) minutes. Sync the system clock (NTP) and re-run.`;
    case 'throttled':
      return `${ctx.product}:${ctx.action} stayed rate-limited after retries: lower rateLimits.${ctx.action} on this provider, or run fewer accounts against it at once.`;
    case 'transient':
      return 'The service failed temporarily; re-run later. If it keeps failing, check the cloud status page.';
    case 'invalid_request':
      return 'The API rejected the request: check the region, instance ID and API version for this resource.';
    case 'invalid_response':
      return `${ctx.host} did not answer like the ${name} API: check the endpoint and any proxy in between, and re-run.`;
    case 'network':
      return `Could not talk to ${ctx.host}: check the network, DNS, proxy settings and the endpoint (--endpoint / provider endpoint).`;
    case 'timeout':
      return `${ctx.host} did not answer in time: re-run, check the network, or allow a longer deadline.`;
    case 'credentials':
      return `Provide credentials: ${docs.keys}, or name a source with \`credentials\` on the provider.`;
  }
}

/** Vendor messages can be long (Alibaba echoes the server's string to sign); keep the useful start. */
const MAX_VENDOR_MESSAGE = 400;

/**
 * Alibaba echoes its string to sign. For ACS3 that is a digest (harmless, and useful when debugging);
 * for the V2 RPC signature it is the double-encoded query, which carries the STS token. That part is
 * dropped here, before any clipping, so no cut can leave a fragment the redactor would not recognise.
 */
function withoutEchoedQuery(text: string): string {
  const marker = text.search(/server string to sign is:\s*(?!ACS3-HMAC-SHA256)/);
  return marker === -1 ? text : `${text.slice(0, marker)}server string to sign omitted (it contains the request's parameters)`;
}

function clip(text: string): string {
  const oneLine = withoutEchoedQuery(text).replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_VENDOR_MESSAGE ? `${oneLine.slice(0, MAX_VENDOR_MESSAGE)}…` : oneLine;
}

function label(ctx: CallContext): string {
  return `${cloudAdapter(ctx.cloud).identity.displayName} ${ctx.product} ${ctx.action}`;
}

/** The hint for one vendor code: the code's own, else why a not-found-looking code is not proof, else the kind's. */
function codeHint(code: string, cls: CodeClass, ctx: CallContext): string {
  const own = CODE_HINTS[code];
  if (own !== undefined) return own;
  if (!cls.notFound && NOT_FOUND_LOOK.test(code) && cls.kind === 'invalid_request') {
    return `${ctx.product}:${ctx.action} answered ${code}, which driftwatch does not take as proof that the resource does not exist (see "How driftwatch decides a resource does not exist" in the README), so the resource is unknown: check the region, the instance ID and the provider's account.`;
  }
  return hintFor(cls.kind, ctx);
}

/** An error the API answered with (Tencent `Response.Error`, Alibaba `Code`/`Message`). */
export function vendorError(
  init: {
    code: string;
    message: string;
    requestId: string | null;
    httpStatus?: number;
    retryAfterMs?: number;
  },
  ctx: CallContext,
  redactor: Redactor,
): ApiError {
  const cls = classifyCode(ctx.cloud, init.code, init.httpStatus, ctx.action);
  // Redacted before clipping: a cut through a secret would leave a fragment the redactor cannot match.
  const vendorMessage = clip(redactor.redact(init.message));
  const text = cls.notFound
    ? `${label(ctx)}: the instance does not exist (${init.code}${vendorMessage ? `: ${vendorMessage}` : ''})`
    : `${label(ctx)} failed: ${init.code}${vendorMessage ? `: ${vendorMessage}` : ''}`;
  return new ApiError({
    kind: cls.kind,
    code: init.code,
    message: redactor.redact(text),
    requestId: init.requestId,
    retryable: cls.retryable,
    hint: redactor.redact(codeHint(init.code, cls, ctx)),
    ...(init.httpStatus !== undefined ? { httpStatus: init.httpStatus } : {}),
    ...(init.retryAfterMs !== undefined ? { retryAfterMs: init.retryAfterMs } : {}),
    notFound: cls.notFound,
  });
}

/** A non-success HTTP status without a usable vendor error body. */
export function httpStatusError(
  status: number,
  ctx: CallContext,
  redactor: Redactor,
  requestId: string | null = null,
  retryAfterMs?: number,
): ApiError {
  const kind: ErrorKind = status === 429 ? 'throttled' : status >= 500 ? 'transient' : 'invalid_response';
  return new ApiError({
    kind,
    code: `HTTP_${status}`,
    message: redactor.redact(`${label(ctx)} failed: ${ctx.host} answered HTTP ${status}`),
    requestId,
    retryable: kind !== 'invalid_response',
    hint: redactor.redact(hintFor(kind, ctx)),
    httpStatus: status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** The body is not the envelope the API documents (unparsable, non-JSON, missing RequestId …). */
export function invalidResponse(
  detail: string,
  ctx: CallContext,
  redactor: Redactor,
  requestId: string | null = null,
  httpStatus?: number,
): ApiError {
  return new ApiError({
    kind: 'invalid_response',
    code: 'DW_INVALID_RESPONSE',
    message: redactor.redact(`${label(ctx)}: unusable response from ${ctx.host}: ${clip(detail)}`),
    requestId,
    retryable: false,
    hint: redactor.redact(hintFor('invalid_response', ctx)),
    ...(httpStatus !== undefined ? { httpStatus } : {}),
  });
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);
/** Worth another attempt: the connection broke or the peer went away mid-request. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_ABORTED',
  'UND_ERR_ABORT',
]);

function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A request that got no HTTP answer. `ENOTFOUND` and `ECONNREFUSED` are not retried: a host that
 * does not resolve or a port nobody listens on (a simulator that is not running) will not heal
 * within a backoff, and the user needs the message now.
 */
export function transportError(err: unknown, ctx: CallContext, redactor: Redactor): ApiError {
  if (err instanceof ApiError) return err;
  const code = errorCode(err) ?? 'UNKNOWN';
  const detail = err instanceof Error ? err.message : String(err);
  if (TIMEOUT_CODES.has(code) || (err instanceof Error && err.name === 'TimeoutError')) {
    return new ApiError({
      kind: 'timeout',
      code: 'DW_TIMEOUT',
      message: redactor.redact(`${label(ctx)}: no answer from ${ctx.host} in time (${code})`),
      retryable: true,
      hint: redactor.redact(hintFor('timeout', ctx)),
    });
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return invalidResponse('the response body is larger than allowed', ctx, redactor);
  const retryable = RETRYABLE_NETWORK_CODES.has(code);
  return new ApiError({
    kind: 'network',
    code: 'DW_NETWORK',
    message: redactor.redact(
      `${label(ctx)}: request to ${ctx.host} failed: ${code}${detail && !detail.includes(code) ? ` (${clip(detail)})` : ''}`,
    ),
    retryable,
    hint: redactor.redact(
      code === 'ECONNREFUSED'
        ? `Nothing accepted the connection at ${ctx.host}: check the endpoint, and that the simulator or proxy is running.`
        : hintFor('network', ctx),
    ),
  });
}

/** The call's overall deadline passed, or the caller aborted the run. Never a pass, never retried. */
export function deadlineError(ctx: CallContext, redactor: Redactor, reason: 'deadline' | 'aborted', last?: ApiError): ApiError {
  const after = last ? ` (last error: ${last.code})` : '';
  return new ApiError({
    kind: 'timeout',
    code: reason === 'deadline' ? 'DW_DEADLINE' : 'DW_ABORTED',
    message: redactor.redact(
      reason === 'deadline' ? `${label(ctx)}: gave up, the deadline for this call passed${after}` : `${label(ctx)}: cancelled${after}`,
    ),
    requestId: last?.requestId ?? null,
    retryable: reason === 'deadline',
    hint: redactor.redact(reason === 'deadline' ? hintFor('timeout', ctx) : 'The run was cancelled before this call finished; re-run it.'),
  });
}

/** Alibaba `x-acs-retry-after`: milliseconds (openapi-core reads it that way); garbage is ignored. */
export function parseRetryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!/^\d{1,9}$/.test(trimmed)) return undefined;
  return Number(trimmed);
}
