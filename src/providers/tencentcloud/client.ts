import { isJsonObject } from '../../model/json.js';
import type { JsonObject } from '../../model/json.js';
import type { ApiResponse, Credentials } from '../types.js';
import type { HttpResponse } from '../http/http-client.js';
import type { AttemptInput } from '../http/attempt.js';
import { callContext, endpointLabel, hostOf } from '../http/attempt.js';
import { httpStatusError, invalidResponse, transportError, vendorError } from '../http/classify.js';
import { signTc3 } from './sign.js';
import { parseVendorJson, vendorJsonProblem } from '../vendor-json.js';

/**
 * One TC3-signed Tencent Cloud API 3.0 request (cloud-apis.md §1). The body is serialised once and
 * those exact bytes are both hashed and sent; Content-Type is exactly what is signed.
 */
const CONTENT_TYPE = 'application/json';

export async function callTencent(input: AttemptInput): Promise<ApiResponse> {
  const { call, credentials, endpoint, redactor } = input;
  const ctx = callContext(input);
  const body = JSON.stringify(call.body ?? {});
  const headers = credentials === undefined ? anonymousHeaders(input, body) : signedHeaders(input, credentials, body);

  let response;
  try {
    response = await input.http.send({
      url: endpoint,
      method: 'POST',
      // Unsigned; asks for English error messages, which is what the hints are written in.
      headers: { ...headers, 'X-TC-Language': 'en-US' },
      body,
      signal: input.signal,
    });
  } catch (err) {
    throw transportError(err, ctx, redactor);
  }
  return parseTencentResponse(input, response);
}

function signedHeaders(input: AttemptInput, credentials: Credentials, body: string): Record<string, string> {
  const { call } = input;
  return signTc3({
    secretId: credentials.id,
    secretKey: credentials.secret,
    host: hostOf(input),
    service: call.product,
    action: call.action,
    version: call.version,
    region: call.region ?? null,
    token: credentials.token ?? null,
    timestamp: Math.floor(input.now() / 1000),
    contentType: CONTENT_TYPE,
    body,
  }).headers;
}

/**
 * AssumeRoleWithWebIdentity is not signed: the SDK sends the common headers with
 * `Authorization: SKIP` (http_connection.js `skipSign`), and the web identity token in the body.
 */
function anonymousHeaders(input: AttemptInput, _body: string): Record<string, string> {
  const { call } = input;
  return {
    Host: hostOf(input),
    'Content-Type': CONTENT_TYPE,
    'X-TC-Action': call.action,
    'X-TC-Version': call.version,
    'X-TC-Timestamp': String(Math.floor(input.now() / 1000)),
    ...(call.region !== undefined ? { 'X-TC-Region': call.region } : {}),
    Authorization: 'SKIP',
  };
}

function parseTencentResponse(input: AttemptInput, response: HttpResponse): ApiResponse {
  const ctx = callContext(input);
  const { redactor } = input;

  let parsed: unknown;
  let problem: string | undefined;
  try {
    parsed = parseVendorJson(response.body);
  } catch (error) {
    parsed = undefined;
    problem = vendorJsonProblem(error, response.body);
  }
  const envelope = isJsonObject(parsed) ? parsed.Response : undefined;
  if (response.status !== 200) {
    // API errors normally come in 200 bodies; a gateway that answers another status with the
    // API's error envelope still names the cause, so its code and message are kept.
    const error = isJsonObject(envelope) ? envelope.Error : undefined;
    if (isJsonObject(envelope) && isJsonObject(error) && typeof error.Code === 'string' && error.Code !== '') {
      const requestId = typeof envelope.RequestId === 'string' && envelope.RequestId !== '' ? envelope.RequestId : null;
      throw vendorError(
        { code: error.Code, message: typeof error.Message === 'string' ? error.Message : '', requestId, httpStatus: response.status },
        ctx,
        redactor,
      );
    }
    throw httpStatusError(response.status, ctx, redactor);
  }
  if (parsed === undefined)
    throw invalidResponse(problem ?? `the body is not JSON (${response.body.length} bytes)`, ctx, redactor, null, response.status);
  if (!isJsonObject(envelope)) throw invalidResponse('the body has no "Response" object', ctx, redactor, null, response.status);
  const requestId = typeof envelope.RequestId === 'string' && envelope.RequestId !== '' ? envelope.RequestId : null;

  if (envelope.Error !== undefined) {
    const error = envelope.Error;
    if (!isJsonObject(error) || typeof error.Code !== 'string' || error.Code === '') {
      throw invalidResponse('"Response.Error" has no Code', ctx, redactor, requestId, response.status);
    }
    throw vendorError(
      { code: error.Code, message: typeof error.Message === 'string' ? error.Message : '', requestId, httpStatus: response.status },
      ctx,
      redactor,
    );
  }
  if (requestId === null) throw invalidResponse('"Response" has no RequestId', ctx, redactor, null, response.status);

  return {
    body: envelope satisfies JsonObject,
    requestId,
    attempts: input.attempt,
    endpoint: endpointLabel(input.endpoint),
    receivedAt: new Date(input.now()).toISOString(),
  };
}
