/**
 * The vendors' error codes the simulator answers with (cloud-apis.md §1.5, §2.5), with the HTTP
 * status each cloud uses and a message in the vendor's wording. Tencent delivers every API error in
 * an HTTP 200 body; Alibaba uses 4xx/5xx, and the status for a code is the gateway's. A forced error
 * may name another status: Tencent then answers it with the `Response.Error` envelope (a gateway in
 * front of the API), Alibaba 200 answers an error envelope with HTTP 200 (`Success: false`).
 */
export interface VendorError {
  readonly code: string;
  readonly message: string;
  readonly httpStatus: number;
  /** Extra response headers, e.g. `x-acs-retry-after`. */
  readonly headers?: Readonly<Record<string, string>>;
}

const TENCENT_MESSAGES: Readonly<Record<string, string>> = {
  'AuthFailure.SignatureFailure': 'The provided credentials could not be validated. Please check your signature is correct.',
  'AuthFailure.SignatureExpire': 'Signature expired. The X-TC-Timestamp must be within 5 minutes of the server time.',
  'AuthFailure.SecretIdNotFound': 'The SecretId is not found, please ensure that your SecretId is correct.',
  'AuthFailure.InvalidAuthorization': 'The Authorization header is missing or malformed.',
  'AuthFailure.TokenFailure': 'The token is invalid or has expired.',
  'AuthFailure.UnauthorizedOperation': 'The request is not authorized. Please check the CAM policy of the account.',
  RequestLimitExceeded: 'Your current request frequency exceeds the limit for this API. Please reduce the frequency of calls.',
  InternalError: 'An internal error has occurred. Retry your request, but if the problem persists, contact us.',
  InvalidAction: 'The requested action does not exist.',
  NoSuchVersion: 'The requested version of this API does not exist.',
  MissingParameter: 'A required parameter is missing.',
  UnknownParameter: 'An unknown parameter was passed.',
  InvalidParameter: 'A parameter is invalid.',
  InvalidParameterValue: 'A parameter value is invalid.',
  UnsupportedProtocol: 'Only GET and POST requests are supported.',
  UnauthorizedOperation: 'Unauthorized operation.',
  UnsupportedOperation: 'Unsupported operation.',
  ServiceUnavailable: 'The service is temporarily unavailable.',
};

export function tencentError(code: string, message?: string, httpStatus?: number): VendorError {
  return { code, message: message ?? TENCENT_MESSAGES[code] ?? code, httpStatus: httpStatus ?? 200 };
}

const ALIBABA: Readonly<Record<string, { status: number; message: string }>> = {
  'InvalidAccessKeyId.NotFound': { status: 404, message: 'Specified access key is not found.' },
  'InvalidAccessKeyId.Inactive': { status: 400, message: 'Specified access key is disabled.' },
  SignatureDoesNotMatch: { status: 400, message: 'Specified signature is not matched with our calculation.' },
  IncompleteSignature: { status: 400, message: 'The request signature does not conform to Aliyun standards.' },
  'InvalidTimeStamp.Expired': { status: 400, message: 'Specified time stamp or date value is expired.' },
  'InvalidTimeStamp.Format': { status: 400, message: 'Specified time stamp or date value is not well formatted.' },
  SignatureNonceUsed: { status: 400, message: 'Specified signature nonce was used already.' },
  'InvalidSecurityToken.MismatchWithAccessKey': { status: 400, message: 'Specified SecurityToken mismatch with the AccessKey.' },
  'Rejected.Throttling': { status: 429, message: 'QPS Limit Exceeded' },
  'Throttling.User': { status: 400, message: 'Request was denied due to user flow control.' },
  Throttling: { status: 400, message: 'Request was denied due to request throttling.' },
  'Throttling.Api': { status: 400, message: 'Request was denied due to api flow control.' },
  'InvalidAction.NotFound': { status: 404, message: 'Specified api is not found, please check your url and method.' },
  InvalidVersion: { status: 400, message: 'Specified parameter Version is not valid.' },
  UnsupportedHTTPMethod: { status: 400, message: 'This http method is not supported.' },
  MissingParameter: { status: 400, message: 'A required parameter is missing.' },
  InvalidParameter: { status: 400, message: 'The specified parameter is not valid.' },
  'Forbidden.RAM': { status: 403, message: "User not authorized to operate on the specified resource, or this API doesn't support RAM." },
  Forbidden: { status: 403, message: 'User not authorized to operate on the specified resource.' },
  'Forbidden.ResourceNotFound': { status: 404, message: 'The resource is not found.' },
  'InvalidInstanceId.NotFound': { status: 404, message: 'The specified InstanceId does not exist.' },
  'InvalidIdentifier.NotFound': { status: 404, message: 'The specified Identifier does not exist.' },
  IllegalTimestamp: {
    status: 400,
    message: 'The input parameter Timestamp that is mandatory for processing this request is not supplied.',
  },
  InternalError: { status: 500, message: 'The request processing has failed due to some unknown error, exception or failure.' },
  ServiceUnavailable: { status: 503, message: 'The request has failed due to a temporary failure of the server.' },
};

/** Status for a code the catalog does not know: the Alibaba convention by suffix, else 400. */
function guessStatus(code: string): number {
  if (code.endsWith('.NotFound')) return 404;
  if (code.startsWith('Forbidden')) return 403;
  if (code.startsWith('InternalError')) return 500;
  if (code.startsWith('ServiceUnavailable')) return 503;
  return 400;
}

export function alibabaError(code: string, message?: string, httpStatus?: number, headers?: Record<string, string>): VendorError {
  const known = ALIBABA[code];
  return {
    code,
    message: message ?? known?.message ?? code,
    httpStatus: httpStatus ?? known?.status ?? guessStatus(code),
    ...(headers ? { headers } : {}),
  };
}
