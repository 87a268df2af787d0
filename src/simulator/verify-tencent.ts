/**
 * Verifies a TC3-HMAC-SHA256 request the way Tencent Cloud does (cloud-apis.md §1.3–1.6): the
 * signature is recomputed from what was received — the headers named in SignedHeaders, the exact
 * body bytes, the credential-scope service — with the providers' own signing function, and the
 * timestamp must be within 5 minutes of the server clock.
 */
import { parseTc3Authorization, signTc3 } from '../providers/tencentcloud/sign.js';
import { sameSignature } from './constant-time.js';
import type { IncomingCall } from './incoming.js';
import { header } from './incoming.js';
import type { VendorError } from './vendor-errors.js';
import { tencentError } from './vendor-errors.js';
import type { TencentAccount } from './world.js';

const TENCENT_MAX_SKEW_SECONDS = 300;

export type TencentVerification =
  { readonly ok: true; readonly account: TencentAccount; readonly service: string } | { readonly ok: false; readonly error: VendorError };

const fail = (code: string, message?: string): TencentVerification => ({ ok: false, error: tencentError(code, message) });

export function verifyTencent(
  call: IncomingCall,
  findAccount: (secretId: string) => TencentAccount | undefined,
  serverNowMs: number,
): TencentVerification {
  if (call.method !== 'POST' && call.method !== 'GET') return fail('UnsupportedProtocol');
  const authorization = header(call, 'authorization');
  const parsed = authorization === undefined ? undefined : parseTc3Authorization(authorization);
  if (!parsed) return fail('AuthFailure.InvalidAuthorization');

  const stamp = header(call, 'x-tc-timestamp');
  if (stamp === undefined) return fail('MissingParameter', 'The request is missing a required parameter `Timestamp`.');
  if (!/^\d{1,12}$/.test(stamp)) return fail('InvalidParameterValue', 'The value of `Timestamp` is not a Unix time in seconds.');
  const timestamp = Number(stamp);
  const serverSeconds = Math.floor(serverNowMs / 1000);
  if (Math.abs(serverSeconds - timestamp) > TENCENT_MAX_SKEW_SECONDS) {
    return fail(
      'AuthFailure.SignatureExpire',
      `Signature expired. Timestamp ${timestamp} differs from the server time ${serverSeconds} by more than ${TENCENT_MAX_SKEW_SECONDS} seconds.`,
    );
  }

  const account = findAccount(parsed.secretId);
  if (!account) return fail('AuthFailure.SecretIdNotFound');

  const token = header(call, 'x-tc-token');
  if ((token ?? '') !== (account.securityToken ?? '')) return fail('AuthFailure.TokenFailure');

  if (!parsed.signedHeaders.includes('content-type') || !parsed.signedHeaders.includes('host')) {
    return fail('AuthFailure.InvalidAuthorization', 'SignedHeaders must include content-type and host.');
  }
  const extraSignedHeaders: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    if (name === 'content-type' || name === 'host') continue;
    const value = header(call, name);
    if (value === undefined) return fail('AuthFailure.SignatureFailure');
    extraSignedHeaders[name] = value;
  }
  const region = header(call, 'x-tc-region');
  let expected: string;
  try {
    expected = signTc3({
      secretId: parsed.secretId,
      secretKey: account.secretKey,
      // The Node SDK sends Host with the port and signs the hostname without it; signTc3 does the same.
      host: header(call, 'host') ?? '',
      service: parsed.service,
      action: header(call, 'x-tc-action') ?? '',
      version: header(call, 'x-tc-version') ?? '',
      ...(region !== undefined ? { region } : {}),
      ...(token !== undefined ? { token } : {}),
      timestamp,
      contentType: header(call, 'content-type') ?? '',
      body: call.body.toString('utf8'),
      method: call.method,
      query: call.method === 'GET' ? call.rawQuery : '',
      extraSignedHeaders,
    }).signature;
  } catch {
    // Anything the signer refuses (a bad Host, a signed header that differs from the one sent) cannot verify.
    return fail('AuthFailure.SignatureFailure');
  }
  if (!sameSignature(parsed.signature, expected)) return fail('AuthFailure.SignatureFailure');
  return { ok: true, account, service: parsed.service };
}
