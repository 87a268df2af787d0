/**
 * The vendors' response envelopes (cloud-apis.md §1.4, §2.5). Tencent: always HTTP 200 with
 * `{"Response": {...}}`, errors under `Response.Error`. Alibaba: the body itself with `RequestId`,
 * errors as 4xx/5xx `{RequestId, HostId, Code, Message, Recommend}`; V2 RPC requests get XML unless
 * they ask for `Format=JSON`, as the gateway does.
 */
import type { JsonObject, JsonValue } from '../model/json.js';
import { isJsonObject } from '../model/json.js';
import type { VendorError } from './vendor-errors.js';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type AlibabaFormat = 'JSON' | 'XML';

const TENCENT_HEADERS = { 'content-type': 'application/json' };

export function tencentSuccess(body: JsonObject, requestId: string): HttpAnswer {
  return { status: 200, headers: TENCENT_HEADERS, body: JSON.stringify({ Response: { ...body, RequestId: requestId } }) };
}

export function tencentFailure(error: VendorError, requestId: string): HttpAnswer {
  return {
    status: error.httpStatus,
    headers: TENCENT_HEADERS,
    body: JSON.stringify({ Response: { Error: { Code: error.code, Message: error.message }, RequestId: requestId } }),
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Alibaba's XML shape: objects nest, an array repeats its element name, null is an empty element. */
function xmlElement(name: string, value: JsonValue): string {
  if (Array.isArray(value)) return value.map((item) => xmlElement(name, item)).join('');
  if (isJsonObject(value)) {
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => xmlElement(k, v))
      .join('')}</${name}>`;
  }
  if (value === null) return `<${name}/>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function alibabaBody(root: string, body: JsonObject, format: AlibabaFormat): { type: string; text: string } {
  if (format === 'XML') {
    return { type: 'text/xml;charset=utf-8', text: `<?xml version='1.0' encoding='UTF-8'?>${xmlElement(root, body)}` };
  }
  return { type: 'application/json;charset=utf-8', text: JSON.stringify(body) };
}

export function alibabaSuccess(action: string, body: JsonObject, requestId: string, format: AlibabaFormat): HttpAnswer {
  const { type, text } = alibabaBody(`${action}Response`, { RequestId: requestId, ...body }, format);
  return { status: 200, headers: { 'content-type': type, 'x-acs-request-id': requestId }, body: text };
}

export function alibabaFailure(error: VendorError, requestId: string, hostId: string, product: string, format: AlibabaFormat): HttpAnswer {
  const envelope: JsonObject = {
    RequestId: requestId,
    HostId: hostId,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=${encodeURIComponent(product)}&requestId=${requestId}`,
    // The HTTP-200 error some Alibaba products answer: the same envelope, flagged as not a success.
    ...(error.httpStatus === 200 ? { Success: false } : {}),
  };
  const { type, text } = alibabaBody('Error', envelope, format);
  return {
    status: error.httpStatus,
    headers: { 'content-type': type, 'x-acs-request-id': requestId, ...(error.headers ?? {}) },
    body: text,
  };
}
