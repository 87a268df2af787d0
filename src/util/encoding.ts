import { createHash, createHmac } from 'node:crypto';

/**
 * RFC 3986 percent-encoding as both clouds' signatures require (cloud-apis.md §2.3): UTF-8, upper-case
 * hex, only `A-Z a-z 0-9 - _ . ~` left as is. `encodeURIComponent` already does all of that except
 * for `!'()*`, which it leaves alone and the signatures do not. A string with a lone surrogate has no
 * UTF-8 form, so it throws (URIError) instead of being signed as something it is not.
 */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Lower-case hex SHA-256 of the UTF-8 bytes of a string, or of raw bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** HMAC-SHA256; raw bytes out, because the TC3 key chain feeds each result in as the next key. */
export function hmacSha256(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
