/**
 * Verifies Alibaba Cloud requests as the POP gateway does (cloud-apis.md §2.2–2.6): ACS3-HMAC-SHA256
 * (Authorization header, x-acs-date within 15 minutes, every x-acs-* header signed) and the V2 RPC
 * HMAC-SHA1 signature (all query and form parameters but Signature, with the method, Timestamp within
 * 15 minutes). Both reject a nonce the access key already used. A signature mismatch echoes the
 * server's string to sign, like the gateway, with any security token blanked out.
 */
import { signAcs3, parseAcs3Authorization } from '../providers/alicloud/sign-acs3.js';
import { signRpc } from '../providers/alicloud/sign-rpc.js';
import { percentEncode } from '../util/encoding.js';
import { sameSignature } from './constant-time.js';
import type { IncomingCall } from './incoming.js';
import { header, rpcParams } from './incoming.js';
import type { NonceStore } from './nonce-store.js';
import type { VendorError } from './vendor-errors.js';
import { alibabaError } from './vendor-errors.js';
import type { AlibabaAccount } from './world.js';

const ALIBABA_MAX_SKEW_SECONDS = 15 * 60;

export type AlibabaVerification =
  { readonly ok: true; readonly account: AlibabaAccount } | { readonly ok: false; readonly error: VendorError };

export interface AlibabaVerifier {
  readonly findAccount: (accessKeyId: string) => AlibabaAccount | undefined;
  readonly nonces: NonceStore;
  readonly serverNowMs: number;
}

const fail = (code: string, message?: string): AlibabaVerification => ({ ok: false, error: alibabaError(code, message) });

const ISO_SECONDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?Z$/;

/** `yyyy-MM-ddTHH:mm:ssZ` → epoch ms; undefined for anything else (including impossible dates). */
function parseAlibabaTimestamp(value: string): number | undefined {
  const m = ISO_SECONDS.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  return ms;
}

function checkTimestamp(name: string, value: string | undefined, serverNowMs: number): AlibabaVerification | undefined {
  if (value === undefined || value === '')
    return fail(
      `Missing${name.replace(/^x-acs-/, '').replace(/(^|-)([a-z])/g, (_, __: string, c: string) => c.toUpperCase())}`,
      `${name} is mandatory for this action.`,
    );
  const ms = parseAlibabaTimestamp(value);
  if (ms === undefined) return fail('InvalidTimeStamp.Format', `Specified ${name} "${value}" is not in the format yyyy-MM-ddTHH:mm:ssZ.`);
  if (Math.abs(serverNowMs - ms) > ALIBABA_MAX_SKEW_SECONDS * 1000) {
    return fail(
      'InvalidTimeStamp.Expired',
      `Specified time stamp or date value is expired. ${name} ${value} differs from the server time ${new Date(serverNowMs).toISOString().replace(/\.\d{3}Z$/, 'Z')} by more than 15 minutes.`,
    );
  }
  return undefined;
}

function checkToken(account: AlibabaAccount, token: string | undefined): AlibabaVerification | undefined {
  return (token ?? '') === (account.securityToken ?? '') ? undefined : fail('InvalidSecurityToken.MismatchWithAccessKey');
}

function checkNonce(v: AlibabaVerifier, account: AlibabaAccount, nonce: string | undefined): AlibabaVerification {
  if (nonce !== undefined && !v.nonces.use(account.accessKeyId, nonce, v.serverNowMs)) {
    return fail('SignatureNonceUsed', `Specified signature nonce was used already. (${nonce})`);
  }
  return { ok: true, account };
}

/** ACS3-HMAC-SHA256 (V3). */
export function verifyAcs3(call: IncomingCall, v: AlibabaVerifier): AlibabaVerification {
  const parsed = parseAcs3Authorization(header(call, 'authorization') ?? '');
  if (!parsed) return fail('IncompleteSignature', 'The Authorization header does not conform to ACS3-HMAC-SHA256.');
  const stale = checkTimestamp('x-acs-date', header(call, 'x-acs-date'), v.serverNowMs);
  if (stale) return stale;
  const account = v.findAccount(parsed.accessKeyId);
  if (!account) return fail('InvalidAccessKeyId.NotFound');
  const badToken = checkToken(account, header(call, 'x-acs-security-token'));
  if (badToken) return badToken;

  const signable: Record<string, string> = {};
  for (const [name, value] of Object.entries(call.headers)) {
    if (name === 'host' || name === 'content-type' || name.startsWith('x-acs-')) signable[name] = value;
  }
  let expected;
  try {
    expected = signAcs3({
      method: call.method,
      pathname: call.pathname,
      query: call.query,
      headers: signable,
      body: call.body,
      accessKeyId: parsed.accessKeyId,
      accessKeySecret: account.accessKeySecret,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'the request cannot be signed';
    return fail('SignatureDoesNotMatch', `Specified signature is not matched with our calculation. ${reason}`);
  }
  if (!sameSignature(parsed.signature, expected.signature)) {
    const unsigned = expected.signedHeaders.filter((h) => !parsed.signedHeaders.includes(h));
    if (unsigned.length > 0) {
      return fail(
        'IncompleteSignature',
        `The request signature does not conform to Aliyun standards. Header(s) not signed: ${unsigned.join(', ')}.`,
      );
    }
    return fail(
      'SignatureDoesNotMatch',
      `Specified signature is not matched with our calculation. server string to sign is:${expected.stringToSign}`,
    );
  }
  return checkNonce(v, account, header(call, 'x-acs-signature-nonce'));
}

/** V2 RPC signature, HMAC-SHA1 "1.0". */
export function verifyRpc(call: IncomingCall, v: AlibabaVerifier): AlibabaVerification {
  if (call.method !== 'GET' && call.method !== 'POST') return fail('UnsupportedHTTPMethod');
  const params = rpcParams(call);
  for (const name of ['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureNonce'] as const) {
    if (params[name] === undefined || params[name] === '') return fail(`Missing${name}`, `${name} is mandatory for this action.`);
  }
  if (params.SignatureMethod !== 'HMAC-SHA1') {
    return fail(
      'InvalidParameter',
      `SignatureMethod ${params.SignatureMethod} is not supported; use HMAC-SHA1 (or ACS3-HMAC-SHA256 in the Authorization header).`,
    );
  }
  if (params.SignatureVersion !== undefined && params.SignatureVersion !== '1.0') {
    return fail('InvalidParameter', `SignatureVersion ${params.SignatureVersion} is not supported; use 1.0.`);
  }
  const stale = checkTimestamp('Timestamp', params.Timestamp, v.serverNowMs);
  if (stale) return stale;
  const accessKeyId = params.AccessKeyId ?? '';
  const account = v.findAccount(accessKeyId);
  if (!account) return fail('InvalidAccessKeyId.NotFound');
  const badToken = checkToken(account, params.SecurityToken);
  if (badToken) return badToken;

  const expected = signRpc({ method: call.method, params, accessKeySecret: account.accessKeySecret });
  if (!sameSignature(params.Signature ?? '', expected.signature)) {
    let stringToSign = expected.stringToSign;
    if (params.SecurityToken) stringToSign = stringToSign.split(percentEncode(percentEncode(params.SecurityToken))).join('***');
    return fail(
      'SignatureDoesNotMatch',
      `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
    );
  }
  return checkNonce(v, account, params.SignatureNonce);
}
