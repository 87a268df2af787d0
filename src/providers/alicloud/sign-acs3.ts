import { hmacSha256, percentEncode, sha256Hex } from '../../util/encoding.js';
import { compareStrings } from '../../model/order.js';

/**
 * Alibaba V3 ACS3-HMAC-SHA256 (cloud-apis.md §2.4). Pinned by the known-answer vectors in
 * `signing-vectors.json` and checked against @alicloud/openapi-util `getAuthorization` in the tests.
 */
export interface Acs3Input {
  method: string;
  /** Canonical (already encoded) URI; default `/` (every RPC-style API). */
  pathname?: string;
  query: Record<string, string>;
  /** All headers to send, including host, x-acs-* and content-type. */
  headers: Record<string, string>;
  body: string | Uint8Array;
  accessKeyId: string;
  accessKeySecret: string;
}

export interface Acs3Signed {
  hashedPayload: string;
  canonicalQuery: string;
  canonicalRequest: string;
  stringToSign: string;
  signedHeaders: string[];
  signature: string;
  authorization: string;
  /** The input headers plus `x-acs-content-sha256` (when it was missing) and `Authorization`: exactly what to send. */
  headers: Record<string, string>;
}

const ALGORITHM = 'ACS3-HMAC-SHA256';
const CONTENT_SHA256 = 'x-acs-content-sha256';

/** The gateway rejects any unsigned x-acs-* header, so every one present is signed, with host and content-type. */
function isSigned(lowerName: string): boolean {
  return lowerName === 'host' || lowerName === 'content-type' || lowerName.startsWith('x-acs-');
}

export function signAcs3(input: Acs3Input): Acs3Signed {
  const pathname = input.pathname ?? '/';
  if (!pathname.startsWith('/')) throw new TypeError(`ACS3: pathname must start with "/", got ${JSON.stringify(pathname)}`);
  const hashedPayload = sha256Hex(input.body);

  const headers: Record<string, string> = { ...input.headers };
  const declared = Object.keys(headers).filter((name) => name.toLowerCase() === CONTENT_SHA256);
  if (declared.length === 0) {
    headers[CONTENT_SHA256] = hashedPayload;
  } else {
    for (const name of declared) {
      // A header that lies about the body can never verify; say so here rather than as a remote signature error.
      if ((headers[name] ?? '').trim() !== hashedPayload) {
        throw new TypeError(`ACS3: ${name} does not match the SHA-256 of the body`);
      }
    }
  }

  const grouped = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!isSigned(lower)) continue;
    const values = grouped.get(lower) ?? [];
    values.push(value.trim());
    grouped.set(lower, values);
  }
  if (!grouped.has('host')) throw new TypeError('ACS3: a host header is required');
  const signedHeaders = [...grouped.keys()].sort(compareStrings);
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${[...(grouped.get(name) ?? [])].sort(compareStrings).join(',')}\n`)
    .join('');

  const canonicalQuery = Object.keys(input.query)
    .sort(compareStrings)
    .map((name) => `${percentEncode(name)}=${percentEncode(input.query[name] ?? '')}`)
    .join('&');

  const canonicalRequest = [input.method, pathname, canonicalQuery, canonicalHeaders, signedHeaders.join(';'), hashedPayload].join('\n');
  const stringToSign = `${ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  // The bare secret is the key: no "&" suffix (V2) and no derived date/service chain (TC3).
  const signature = hmacSha256(input.accessKeySecret, stringToSign).toString('hex');
  const authorization = `${ALGORITHM} Credential=${input.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
  headers.Authorization = authorization;

  return { hashedPayload, canonicalQuery, canonicalRequest, stringToSign, signedHeaders, signature, authorization, headers };
}

const AUTHORIZATION_PATTERN = /^ACS3-HMAC-SHA256 Credential=([^,\s]+),SignedHeaders=([a-z0-9-]+(?:;[a-z0-9-]+)*),Signature=([0-9a-f]{64})$/;

/** Splits an ACS3 Authorization header (for the simulator's verifier); undefined when malformed. */
export function parseAcs3Authorization(header: string): { accessKeyId: string; signedHeaders: string[]; signature: string } | undefined {
  const m = AUTHORIZATION_PATTERN.exec(header.trim());
  if (!m) return undefined;
  const [, accessKeyId, signed, signature] = m;
  if (accessKeyId === undefined || signed === undefined || signature === undefined) return undefined;
  return { accessKeyId, signedHeaders: signed.split(';'), signature };
}
