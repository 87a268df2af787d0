import { createHmac } from 'node:crypto';
import { percentEncode } from '../../util/encoding.js';
import { compareStrings } from '../../model/order.js';

/**
 * Alibaba V2 RPC signature, HMAC-SHA1 "1.0" (cloud-apis.md §2.3). Pinned by the known-answer vectors
 * in `signing-vectors.json` and checked against @alicloud/openapi-util `getRPCSignature` in the tests.
 */

/** Sorted `pe(name)=pe(value)` pairs joined by `&`; `Signature` itself is never signed. */
export function canonicalizeRpc(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort(compareStrings)
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}

export function signRpc(input: { method: 'GET' | 'POST'; params: Record<string, string>; accessKeySecret: string }): {
  canonicalQuery: string;
  stringToSign: string;
  signature: string;
  /** The query to send: the canonical query plus the encoded `Signature`. */
  query: string;
} {
  const canonicalQuery = canonicalizeRpc(input.params);
  // The already-encoded query is encoded a second time on purpose (`:` ends up as `%253A`).
  const stringToSign = `${input.method}&${percentEncode('/')}&${percentEncode(canonicalQuery)}`;
  const signature = createHmac('sha1', `${input.accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
  const query = `${canonicalQuery}${canonicalQuery === '' ? '' : '&'}Signature=${percentEncode(signature)}`;
  return { canonicalQuery, stringToSign, signature, query };
}
