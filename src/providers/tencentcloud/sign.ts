import { hmacSha256, sha256Hex } from '../../util/encoding.js';

/**
 * TC3-HMAC-SHA256 (cloud-apis.md §1.3). Pinned by the known-answer vectors in
 * `signing-vectors.json` and checked against tencentcloud-sdk-nodejs `sign3` in the tests.
 */
export interface Tc3Input {
  secretId: string;
  secretKey: string;
  /** The Host header value; a `:port` suffix is sent but not signed (see `signedHostName`). */
  host: string;
  /** Product code, the first DNS label of the host (`kms`, `tcss`). */
  service: string;
  action: string;
  version: string;
  region?: string | null;
  token?: string | null;
  /** Unix seconds; also gives the credential-scope date (UTC). */
  timestamp: number;
  /** Signed exactly as sent, e.g. `application/json`. */
  contentType: string;
  /** Exact bytes sent (a string is hashed as UTF-8; a verifier can pass the raw bytes it received). */
  body: string | Uint8Array;
  /** Default POST. */
  method?: 'POST' | 'GET';
  /** GET canonical query (already canonical); default ''. */
  query?: string;
  /** Further headers to sign, e.g. `{ 'x-tc-action': 'DescribeInstances' }`; name and value are lower-cased as the doc does. */
  extraSignedHeaders?: Record<string, string>;
}

export interface Tc3Signed {
  hashedPayload: string;
  canonicalRequest: string;
  stringToSign: string;
  credentialScope: string;
  /** Hex of each step of the key chain. */
  derivedKeys: { kDate: string; kService: string; kSigning: string };
  signature: string;
  authorization: string;
  /** Exactly the headers to send. */
  headers: Record<string, string>;
}

const ALGORITHM = 'TC3-HMAC-SHA256';
const HOST_PATTERN = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The host as signed. tencentcloud-sdk-nodejs signs the URL's hostname, i.e. without the port, while
 * sending `Host` with it; only loopback endpoints (the simulator) ever carry a port, and they must
 * accept the official SDK unchanged, so we sign the same way.
 */
function signedHostName(host: string): string {
  if (!HOST_PATTERN.test(host)) throw new TypeError(`TC3: invalid host ${JSON.stringify(host)}`);
  return new URL(`https://${host}/`).hostname;
}

/** `YYYY-MM-DD` of the timestamp in UTC — a local (UTC+8) date breaks calls made 00:00–08:00 Beijing time. */
function scopeDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

function present(value: string | null | undefined): value is string {
  return value !== undefined && value !== null && value !== '';
}

export function signTc3(input: Tc3Input): Tc3Signed {
  const method = input.method ?? 'POST';
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new TypeError(`TC3: timestamp must be whole unix seconds, got ${String(input.timestamp)}`);
  }
  if (!/^[a-z0-9-]+$/.test(input.service)) throw new TypeError(`TC3: invalid service ${JSON.stringify(input.service)}`);

  const headers: Record<string, string> = {
    'Content-Type': input.contentType,
    Host: input.host,
    'X-TC-Action': input.action,
    'X-TC-Timestamp': String(input.timestamp),
    'X-TC-Version': input.version,
  };
  if (present(input.region)) headers['X-TC-Region'] = input.region;
  if (present(input.token)) headers['X-TC-Token'] = input.token;

  const canonical = new Map<string, string>([
    ['content-type', input.contentType],
    ['host', signedHostName(input.host)],
  ]);
  for (const [name, value] of Object.entries(input.extraSignedHeaders ?? {})) {
    const lower = name.toLowerCase();
    if (canonical.has(lower)) throw new TypeError(`TC3: header ${name} is signed twice`);
    const sentName = Object.keys(headers).find((h) => h.toLowerCase() === lower);
    if (sentName === undefined) {
      headers[name] = value;
    } else if (headers[sentName]?.toLowerCase() !== value.toLowerCase()) {
      // A signed value that differs from the one sent can only fail at the server; fail here instead.
      throw new TypeError(`TC3: signed header ${name} differs from the ${sentName} header that is sent`);
    }
    canonical.set(lower, value.trim().toLowerCase());
  }
  const names = [...canonical.keys()].sort();
  const canonicalHeaders = names.map((n) => `${n}:${canonical.get(n) ?? ''}\n`).join('');
  const signedHeaders = names.join(';');

  const hashedPayload = sha256Hex(input.body);
  const canonicalRequest = [method, '/', input.query ?? '', canonicalHeaders, signedHeaders, hashedPayload].join('\n');
  const date = scopeDate(input.timestamp);
  const credentialScope = `${date}/${input.service}/tc3_request`;
  const stringToSign = [ALGORITHM, String(input.timestamp), credentialScope, sha256Hex(canonicalRequest)].join('\n');

  const kDate = hmacSha256(`TC3${input.secretKey}`, date);
  const kService = hmacSha256(kDate, input.service);
  const kSigning = hmacSha256(kService, 'tc3_request');
  const signature = hmacSha256(kSigning, stringToSign).toString('hex');
  const authorization = `${ALGORITHM} Credential=${input.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;

  return {
    hashedPayload,
    canonicalRequest,
    stringToSign,
    credentialScope,
    derivedKeys: { kDate: kDate.toString('hex'), kService: kService.toString('hex'), kSigning: kSigning.toString('hex') },
    signature,
    authorization,
    headers: { Authorization: authorization, ...headers },
  };
}

const AUTHORIZATION_PATTERN =
  /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9-]+)\/tc3_request, ?SignedHeaders=([a-z0-9-]+(?:;[a-z0-9-]+)*), ?Signature=([0-9a-f]{64})$/;

/** Splits a TC3 Authorization header (for the simulator's verifier); undefined when malformed. */
export function parseTc3Authorization(
  header: string,
): { secretId: string; date: string; service: string; signedHeaders: string[]; signature: string } | undefined {
  const m = AUTHORIZATION_PATTERN.exec(header.trim());
  if (!m) return undefined;
  const [, secretId, date, service, signed, signature] = m;
  if (secretId === undefined || date === undefined || service === undefined || signed === undefined || signature === undefined) {
    return undefined;
  }
  return { secretId, date, service, signedHeaders: signed.split(';'), signature };
}
