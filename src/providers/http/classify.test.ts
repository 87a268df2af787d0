import { describe, expect, it } from 'vitest';
import { Redactor } from '../../model/redactor.js';
import type { CallContext } from './classify.js';
import {
  classifyCode,
  deadlineError,
  httpStatusError,
  invalidResponse,
  parseRetryAfterMs,
  transportError,
  vendorError,
} from './classify.js';

const tc: CallContext = { cloud: 'tencentcloud', product: 'kms', action: 'GetServiceStatus', host: 'kms.tencentcloudapi.com' };
const ali: CallContext = { cloud: 'alicloud', product: 'kms', action: 'GetKmsInstance', host: 'kms.cn-hangzhou.aliyuncs.com' };

describe('classifyCode', () => {
  const cases: [string, 'tencentcloud' | 'alicloud', string, boolean, boolean, number?][] = [
    // code, cloud, kind, retryable, notFound, status
    ['AuthFailure.SecretIdNotFound', 'tencentcloud', 'auth', false, false],
    ['AuthFailure.InvalidSecretId', 'tencentcloud', 'auth', false, false],
    ['AuthFailure.TokenFailure', 'tencentcloud', 'auth', false, false],
    ['AuthFailure.MFAFailure', 'tencentcloud', 'auth', false, false],
    ['InvalidAccessKeyId.NotFound', 'alicloud', 'auth', false, false, 404],
    ['InvalidAccessKeyId.Inactive', 'alicloud', 'auth', false, false, 400],
    ['InvalidSecurityToken.Expired', 'alicloud', 'auth', false, false, 400],
    ['AuthFailure.UnauthorizedOperation', 'tencentcloud', 'permission', false, false],
    ['UnauthorizedOperation', 'tencentcloud', 'permission', false, false],
    ['Forbidden.RAM', 'alicloud', 'permission', false, false, 403],
    ['Forbidden.RiskControl', 'alicloud', 'permission', false, false, 403],
    ['Forbidden', 'alicloud', 'permission', false, false, 403],
    ['InternalError.ErrRoleNotExist', 'tencentcloud', 'permission', false, false],
    ['InvalidAction', 'alicloud', 'permission', false, false, 403],
    ['AuthFailure.SignatureFailure', 'tencentcloud', 'signature', false, false],
    ['AuthFailure.InvalidAuthorization', 'tencentcloud', 'signature', false, false],
    ['SignatureDoesNotMatch', 'alicloud', 'signature', false, false, 400],
    ['IncompleteSignature', 'alicloud', 'signature', false, false, 400],
    ['SignatureNonceUsed', 'alicloud', 'signature', true, false, 400],
    ['AuthFailure.SignatureExpire', 'tencentcloud', 'clock_skew', false, false],
    ['InvalidTimeStamp.Expired', 'alicloud', 'clock_skew', false, false, 400],
    // Issue 11: a missing or malformed timestamp is not clock skew.
    ['IllegalTimestamp', 'alicloud', 'invalid_request', false, false, 400],
    ['InvalidTimeStamp.Format', 'alicloud', 'invalid_request', false, false, 400],
    ['RequestLimitExceeded', 'tencentcloud', 'throttled', true, false],
    ['RequestLimitExceeded.UinLimitExceeded', 'tencentcloud', 'throttled', true, false],
    ['RequestLimitExceeded.IPLimitExceeded', 'tencentcloud', 'throttled', true, false],
    ['Throttling', 'alicloud', 'throttled', true, false, 400],
    ['Throttling.User', 'alicloud', 'throttled', true, false, 400],
    ['Throttling.Api', 'alicloud', 'throttled', true, false, 400],
    ['Rejected.Throttling', 'alicloud', 'throttled', true, false, 429],
    ['InternalError', 'tencentcloud', 'transient', true, false],
    ['InternalError.MainDBFail', 'tencentcloud', 'transient', true, false],
    ['ServiceUnavailable', 'alicloud', 'transient', true, false, 503],
    ['InvalidParameter', 'tencentcloud', 'invalid_request', false, false],
    ['InvalidParameterValue', 'tencentcloud', 'invalid_request', false, false],
    ['MissingParameter', 'tencentcloud', 'invalid_request', false, false],
    ['InvalidAction', 'tencentcloud', 'invalid_request', false, false],
    ['NoSuchVersion', 'tencentcloud', 'invalid_request', false, false],
    ['UnsupportedRegion', 'tencentcloud', 'invalid_request', false, false],
    ['UnsupportedOperation', 'tencentcloud', 'invalid_request', false, false],
    ['InvalidAction.NotFound', 'alicloud', 'invalid_request', false, false, 404],
    ['InvalidApi.NotFound', 'alicloud', 'invalid_request', false, false, 404],
    ['InvalidRegionId.NotFound', 'alicloud', 'invalid_request', false, false, 404],
    // Issue 11: without the API that answered, no code proves absence (see the absence table below).
    ['Forbidden.ResourceNotFound', 'alicloud', 'invalid_request', false, false, 404],
    ['InvalidInstanceId.NotFound', 'alicloud', 'invalid_request', false, false, 404],
    ['Forbidden.KeyNotFound', 'alicloud', 'invalid_request', false, false, 404],
    ['EntityNotExist.Instance', 'alicloud', 'invalid_request', false, false, 404],
    ['ResourceNotFound', 'tencentcloud', 'invalid_request', false, false],
    ['SomethingNew', 'alicloud', 'transient', true, false, 502],
    ['SomethingNew', 'alicloud', 'throttled', true, false, 429],
    ['SomethingNew', 'alicloud', 'invalid_request', false, false, 400],
  ];
  it.each(cases)('%s (%s) → %s retryable=%s notFound=%s', (code, cloud, kind, retryable, notFound, status) => {
    expect(classifyCode(cloud, code, status)).toEqual({ kind, retryable, notFound });
  });
});

describe('classifyCode with the answering API (the absence table)', () => {
  const cases: [string, 'tencentcloud' | 'alicloud', string, boolean][] = [
    // action, cloud, code, notFound
    ['GetKmsInstance', 'alicloud', 'Forbidden.ResourceNotFound', true],
    ['GetCAInstanceStatus', 'alicloud', 'InvalidInstanceId.NotFound', true],
    // A code proves absence only for the API whose table lists it.
    ['GetCAInstanceStatus', 'alicloud', 'Forbidden.ResourceNotFound', false],
    ['GetKmsInstance', 'alicloud', 'InvalidInstanceId.NotFound', false],
    ['GetKmsInstance', 'alicloud', 'Forbidden.KeyNotFound', false],
    ['GetKmsInstance', 'alicloud', 'EntityNotExist.Instance', false],
    ['ListKmsInstances', 'alicloud', 'Forbidden.ResourceNotFound', false],
    // Account-level APIs: nothing proves absence.
    ['GetServiceStatus', 'tencentcloud', 'ResourceNotFound', false],
    ['GetServiceStatus', 'tencentcloud', 'ResourceNotFound.NotExist', false],
    ['DescribePurchaseStateInfo', 'tencentcloud', 'ResourceNotFound', false],
    // Credential codes are never absence.
    ['GetKmsInstance', 'alicloud', 'InvalidAccessKeyId.NotFound', false],
  ];
  it.each(cases)('%s (%s) answering %s → notFound=%s', (action, cloud, code, notFound) => {
    expect(classifyCode(cloud, code, 404, action).notFound).toBe(notFound);
  });
});

describe('vendorError', () => {
  it('carries code, request ID, status and retry-after, with a redacted message and a hint', () => {
    const redactor = new Redactor();
    redactor.add('SECRET-TOKEN-123');
    const err = vendorError(
      { code: 'Throttling.User', message: 'denied for SECRET-TOKEN-123', requestId: 'req-1', httpStatus: 400, retryAfterMs: 250 },
      ali,
      redactor,
    );
    expect(err).toMatchObject({
      kind: 'throttled',
      code: 'Throttling.User',
      requestId: 'req-1',
      httpStatus: 400,
      retryAfterMs: 250,
      retryable: true,
    });
    expect(err.message).toBe('Alibaba Cloud kms GetKmsInstance failed: Throttling.User: denied for [REDACTED]');
    expect(err.hint).toMatch(/rateLimits\.GetKmsInstance/);
  });

  it('gives the clock hint with the vendor-specific window', () => {
    const r = new Redactor();
    expect(vendorError({ code: 'AuthFailure.SignatureExpire', message: '', requestId: null }, tc, r).hint).toMatch(
      /check your clock.*more than 5 \(Tencent\) minutes/i,
    );
    expect(vendorError({ code: 'InvalidTimeStamp.Expired', message: '', requestId: null }, ali, r).hint).toMatch(
      /more than 15 \(Alibaba\) minutes/,
    );
  });

  it('says "does not exist" for not-found codes and marks them', () => {
    const err = vendorError(
      { code: 'Forbidden.ResourceNotFound', message: 'The resource is not found.', requestId: 'r' },
      ali,
      new Redactor(),
    );
    expect(err.notFound).toBe(true);
    expect(err.message).toMatch(/the instance does not exist/);
  });

  it('clips very long vendor messages', () => {
    const err = vendorError({ code: 'SignatureDoesNotMatch', message: 'x'.repeat(5000), requestId: null }, ali, new Redactor());
    expect(err.message.length).toBeLessThan(600);
  });

  it('does not call a not-found-looking code on an account-level API absence, and says why in the hint', () => {
    const err = vendorError({ code: 'ResourceNotFound', message: 'The resource does not exist.', requestId: 'r' }, tc, new Redactor());
    expect(err.notFound).toBe(false);
    expect(err.kind).toBe('invalid_request');
    expect(err.message).toMatch(/failed: ResourceNotFound/);
    expect(err.hint).toMatch(/does not take as proof that the resource does not exist/);
  });

  it('gives IllegalTimestamp its own hint, not the clock-skew one', () => {
    const err = vendorError(
      {
        code: 'IllegalTimestamp',
        message: 'The input parameter Timestamp that is mandatory for processing this request is not supplied.',
        requestId: 'r',
      },
      ali,
      new Redactor(),
    );
    expect(err.kind).toBe('invalid_request');
    expect(err.hint).toMatch(/missing or malformed \(IllegalTimestamp\) — this is not clock skew/);
    expect(err.hint).not.toMatch(/check your clock/i);
  });

  it('has a hint for every kind', () => {
    const r = new Redactor();
    for (const code of [
      'AuthFailure.SecretIdNotFound',
      'Forbidden.RAM',
      'SignatureDoesNotMatch',
      'IllegalTimestamp',
      'Throttling',
      'InternalError',
      'InvalidParameter',
    ]) {
      expect(vendorError({ code, message: 'm', requestId: null }, ali, r).hint?.length ?? 0).toBeGreaterThan(40);
    }
  });
});

describe('transport and envelope errors', () => {
  const r = new Redactor();
  it('maps resets and undici socket errors to retryable network errors', () => {
    expect(transportError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), tc, r)).toMatchObject({
      kind: 'network',
      code: 'DW_NETWORK',
      retryable: true,
    });
    expect(transportError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), tc, r).retryable).toBe(true);
    expect(
      transportError(new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }), tc, r).retryable,
    ).toBe(true);
  });

  it('maps undici timeouts to retryable timeouts', () => {
    for (const code of ['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      expect(transportError(Object.assign(new Error('t'), { code }), tc, r)).toMatchObject({
        kind: 'timeout',
        code: 'DW_TIMEOUT',
        retryable: true,
      });
    }
  });

  it('does not retry refused connections or unknown hosts, and says why', () => {
    const refused = transportError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), tc, r);
    expect(refused).toMatchObject({ kind: 'network', retryable: false });
    expect(refused.hint).toMatch(/simulator or proxy is running/);
    expect(transportError(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }), tc, r).retryable).toBe(false);
  });

  it('classifies bare HTTP statuses', () => {
    expect(httpStatusError(502, tc, r)).toMatchObject({ kind: 'transient', retryable: true, code: 'HTTP_502', httpStatus: 502 });
    expect(httpStatusError(429, tc, r)).toMatchObject({ kind: 'throttled', retryable: true });
    expect(httpStatusError(404, tc, r)).toMatchObject({ kind: 'invalid_response', retryable: false });
  });

  it('builds invalid-response and deadline errors', () => {
    expect(invalidResponse('not JSON', tc, r)).toMatchObject({ kind: 'invalid_response', code: 'DW_INVALID_RESPONSE', retryable: false });
    const last = httpStatusError(503, tc, r, 'rid');
    expect(deadlineError(tc, r, 'deadline', last)).toMatchObject({ kind: 'timeout', code: 'DW_DEADLINE', requestId: 'rid' });
    expect(deadlineError(tc, r, 'deadline', last).message).toMatch(/last error: HTTP_503/);
    expect(deadlineError(tc, r, 'aborted')).toMatchObject({ code: 'DW_ABORTED' });
  });
});

describe('parseRetryAfterMs', () => {
  it('reads whole milliseconds and ignores anything else', () => {
    expect(parseRetryAfterMs('1500')).toBe(1500);
    expect(parseRetryAfterMs(' 0 ')).toBe(0);
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs('1.5')).toBeUndefined();
    expect(parseRetryAfterMs('-3')).toBeUndefined();
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
  });
});

describe('echoed strings to sign', () => {
  it('keeps the ACS3 digest but drops an RPC query (it carries the STS token) before clipping', () => {
    const r = new Redactor();
    const rpc = vendorError(
      {
        code: 'SignatureDoesNotMatch',
        message: `Specified signature is not matched with our calculation. server string to sign is:POST&%2F&${'A'.repeat(380)}SecurityToken%3DCAIS%252Btoken`,
        requestId: null,
        httpStatus: 400,
      },
      ali,
      r,
    );
    expect(rpc.message).not.toMatch(/SecurityToken|CAIS|AAAA/);
    expect(rpc.message).toMatch(/server string to sign omitted/);
    const acs3 = vendorError(
      {
        code: 'SignatureDoesNotMatch',
        message: 'Specified signature is not matched with our calculation. server string to sign is:ACS3-HMAC-SHA256 abc123',
        requestId: null,
        httpStatus: 400,
      },
      ali,
      r,
    );
    expect(acs3.message).toMatch(/ACS3-HMAC-SHA256 abc123/);
  });
});
