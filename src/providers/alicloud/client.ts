import { randomUUID } from 'node:crypto';
import { isJsonObject } from '../../model/json.js';
import type { JsonObject } from '../../model/json.js';
import type { ApiResponse, Credentials } from '../types.js';
import type { AttemptInput } from '../http/attempt.js';
import { callContext, endpointLabel, hostOf } from '../http/attempt.js';
import { httpStatusError, invalidResponse, parseRetryAfterMs, transportError, vendorError } from '../http/classify.js';
import type { HttpResponse } from '../http/http-client.js';
import { percentEncode } from '../../util/encoding.js';
import { signAcs3 } from './sign-acs3.js';
import { signRpc } from './sign-rpc.js';
import { parseVendorJson, vendorJsonProblem } from '../vendor-json.js';

/**
 * One signed Alibaba Cloud RPC-style request (cloud-apis.md §2): POST to `/` with the action's
 * parameters in the query and an empty body. ACS3-HMAC-SHA256 (headers) is the default, as in the
 * current official SDKs; the V2 HMAC-SHA1 query signature is kept for gateways and proxies that
 * only speak it. Every attempt gets a fresh nonce and date, so a retry is never a replay.
 */
export type AlibabaSignatureMode = 'acs3' | 'rpc';

export interface AlibabaAttemptInput extends AttemptInput {
  readonly signature?: AlibabaSignatureMode;
  /** Nonce source (tests pin it); default crypto.randomUUID. */
  readonly nonce?: () => string;
}

/** `yyyy-MM-ddTHH:mm:ssZ` — the gateway wants whole seconds. */
export function alibabaTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * Exactly the action's own parameters, as the official clients send them: no `RegionId` for
 * GetKmsInstance, ListKmsInstances or GetCAInstanceStatus — the region is in the host.
 */
function alibabaParams(input: Pick<AttemptInput, 'call'>): Record<string, string> {
  return { ...(input.call.params ?? {}) };
}

function withQuery(endpoint: URL, query: string): URL {
  const url = new URL(endpoint.href);
  url.search = query === '' ? '' : `?${query}`;
  return url;
}

interface Prepared {
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/**
 * AssumeRoleWithOIDC is anonymous: @alicloud/credentials sends Action, Version, Format and Timestamp
 * in the query and the role, provider and OIDC token as a form body, with no signature — the token
 * proves the caller. Keeping the token out of the URL keeps it out of proxy and access logs.
 */
function prepareAnonymous(input: AlibabaAttemptInput, params: Record<string, string>, date: string): Prepared {
  const { call, endpoint } = input;
  const query = { Action: call.action, Version: call.version, Format: 'JSON', Timestamp: date };
  const encode = (pairs: Record<string, string>): string =>
    Object.keys(pairs)
      .sort()
      .map((name) => `${percentEncode(name)}=${percentEncode(pairs[name] ?? '')}`)
      .join('&');
  return {
    url: withQuery(endpoint, encode(query)),
    headers: { host: hostOf(input), accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: encode(params),
  };
}

function prepareAcs3(
  input: AlibabaAttemptInput,
  credentials: Credentials,
  params: Record<string, string>,
  nonce: string,
  date: string,
): Prepared {
  const { call, endpoint } = input;
  const headers: Record<string, string> = {
    host: hostOf(input),
    'x-acs-action': call.action,
    'x-acs-version': call.version,
    'x-acs-date': date,
    'x-acs-signature-nonce': nonce,
    accept: 'application/json',
  };
  if (credentials.token !== undefined && credentials.token !== '') {
    // Every x-acs-* header is signed (pitfall 6), these two included.
    headers['x-acs-security-token'] = credentials.token;
    headers['x-acs-accesskey-id'] = credentials.id;
  }
  const signed = signAcs3({
    method: 'POST',
    pathname: '/',
    query: params,
    headers,
    body: '',
    accessKeyId: credentials.id,
    accessKeySecret: credentials.secret,
  });
  const query = Object.keys(params)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
  return { url: withQuery(endpoint, query), headers: signed.headers };
}

function prepareRpc(
  input: AlibabaAttemptInput,
  credentials: Credentials,
  params: Record<string, string>,
  nonce: string,
  date: string,
): Prepared {
  const { call, endpoint } = input;
  const all: Record<string, string> = {
    ...params,
    Action: call.action,
    Version: call.version,
    // The V2 default is XML (pitfall 13).
    Format: 'JSON',
    AccessKeyId: credentials.id,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: nonce,
    Timestamp: date,
  };
  if (credentials.token !== undefined && credentials.token !== '') all.SecurityToken = credentials.token;
  const signed = signRpc({ method: 'POST', params: all, accessKeySecret: credentials.secret });
  return { url: withQuery(endpoint, signed.query), headers: { host: hostOf(input), accept: 'application/json' } };
}

function parseJson(response: HttpResponse): { readonly value: unknown; readonly problem?: string } {
  try {
    return { value: parseVendorJson(response.body) };
  } catch (error) {
    return { value: undefined, problem: vendorJsonProblem(error, response.body) };
  }
}

/** `Code` values that some Alibaba APIs put in a *successful* 200 body. */
const SUCCESS_CODES = new Set(['200', 'ok', 'success']);

/**
 * The error a 200 body carries, if any: a `Code` that is not a success value, or `Success: false`
 * (boolean or the string "false"). Undefined for an ordinary success body.
 */
function embeddedFailure(body: JsonObject): { code: string; message: string } | undefined {
  const code = body.Code;
  const success = body.Success;
  const message = typeof body.Message === 'string' ? body.Message : '';
  const codeFails =
    code !== undefined &&
    code !== null &&
    !(typeof code === 'string' || typeof code === 'number' ? SUCCESS_CODES.has(String(code).toLowerCase()) : false);
  const successFails = success === false || (typeof success === 'string' && success.toLowerCase() === 'false');
  if (!codeFails && !successFails) return undefined;
  if (codeFails && (typeof code === 'string' || typeof code === 'number') && String(code) !== '') return { code: String(code), message };
  // A failure without a usable code (`Success: false`, an empty `Code`) still is a failure; it gets a code of its own.
  return { code: 'DW_ALIBABA_ERROR_BODY', message: message || 'the HTTP 200 answer carries an error envelope without a code' };
}

export async function callAlibaba(input: AlibabaAttemptInput): Promise<ApiResponse> {
  const { endpoint, redactor } = input;
  const ctx = callContext(input);
  const params = alibabaParams(input);
  const nonce = (input.nonce ?? randomUUID)();
  const date = alibabaTimestamp(input.now());
  const { credentials } = input;
  const prepared =
    credentials === undefined
      ? prepareAnonymous(input, params, date)
      : input.signature === 'rpc'
        ? prepareRpc(input, credentials, params, nonce, date)
        : prepareAcs3(input, credentials, params, nonce, date);

  let response: HttpResponse;
  try {
    response = await input.http.send({
      url: prepared.url,
      method: 'POST',
      headers: prepared.headers,
      body: prepared.body ?? '',
      signal: input.signal,
    });
  } catch (err) {
    throw transportError(err, ctx, redactor);
  }

  const { value: parsed, problem } = parseJson(response);
  const requestId = isJsonObject(parsed) && typeof parsed.RequestId === 'string' && parsed.RequestId !== '' ? parsed.RequestId : null;
  // Only 200 is success: a 201/204 from something in between is not the API's answer.
  if (response.status !== 200) {
    const retryAfterMs = parseRetryAfterMs(response.headers['x-acs-retry-after']);
    // Alibaba's codes decide, not the status: the same code comes with 400, 403 or 404 depending on the product.
    if (isJsonObject(parsed) && typeof parsed.Code === 'string' && parsed.Code !== '') {
      throw vendorError(
        {
          code: parsed.Code,
          message: typeof parsed.Message === 'string' ? parsed.Message : '',
          requestId,
          httpStatus: response.status,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        },
        ctx,
        redactor,
      );
    }
    throw httpStatusError(response.status, ctx, redactor, requestId, retryAfterMs);
  }
  if (!isJsonObject(parsed)) {
    throw invalidResponse(problem ?? `the body is not a JSON object (${response.body.length} bytes)`, ctx, redactor, null, response.status);
  }
  const failed = embeddedFailure(parsed);
  if (failed !== undefined) {
    // Some Alibaba gateways and products answer a business error with HTTP 200 and the error
    // envelope (`Code`, `Message`, `Success: false`); read as a success it would look like a healthy instance.
    throw vendorError({ code: failed.code, message: failed.message, requestId, httpStatus: response.status }, ctx, redactor);
  }
  if (requestId === null) throw invalidResponse('the body has no RequestId', ctx, redactor, null, response.status);

  return {
    body: parsed,
    requestId,
    attempts: input.attempt,
    endpoint: endpointLabel(endpoint),
    receivedAt: new Date(input.now()).toISOString(),
  };
}
