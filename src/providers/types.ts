import type { ResourceTypeSpec } from '../model/resource-types.js';
import type { ApiCall, Product } from '../resources/api.js';
import type { ProviderConfig, ResourceConfig } from '../model/desired-state.js';
import type { JsonObject } from '../model/json.js';
import type { ErrorKind, ObservationError } from '../model/observation.js';

/**
 * A resolved credential. The secret and token are kept off enumerable properties' printed forms:
 * `JSON.stringify` and `util.inspect` show only the id and where it came from.
 */
export interface Credentials {
  readonly id: string;
  readonly secret: string;
  readonly token?: string;
  /** Where it was found, e.g. `env TENCENTCLOUD_SECRET_ID` or `~/.aliyun/config.json profile prod`. */
  readonly source: string;
  /**
   * The account these credentials act in, when known (an assumed role's account): the rate-limit
   * bucket key, so two aliases of one account share its quota. Absent: the key id stands for it.
   */
  readonly account?: string;
  /** Temporary credentials: when they stop working (epoch ms). Absent: long-lived. */
  readonly expiresAt?: number;
}

export type { ApiCall, Product } from '../resources/api.js';

export interface ApiResponse {
  /** Tencent: the `Response` object; Alibaba: the whole body. */
  readonly body: JsonObject;
  readonly requestId: string | null;
  /** Requests sent for this logical call (1 + retries). */
  readonly attempts: number;
  /** Base URL the call went to (no credentials in it). */
  readonly endpoint: string;
  readonly receivedAt: string;
}

/** A failed call, classified once in the HTTP layer (design.md §7) so adapters stay small. */
export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly requestId: string | null;
  readonly retryable: boolean;
  readonly hint: string | undefined;
  readonly httpStatus: number | undefined;
  /** Delay the server asked for (Alibaba `x-acs-retry-after`), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** True when the vendor code says the *resource* does not exist (absent, not unknown). */
  readonly notFound: boolean;
  constructor(init: {
    kind: ErrorKind;
    code: string;
    message: string;
    requestId?: string | null;
    retryable: boolean;
    hint?: string;
    httpStatus?: number;
    retryAfterMs?: number;
    notFound?: boolean;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.kind = init.kind;
    this.code = init.code;
    this.requestId = init.requestId ?? null;
    this.retryable = init.retryable;
    this.hint = init.hint;
    this.httpStatus = init.httpStatus;
    this.retryAfterMs = init.retryAfterMs;
    this.notFound = init.notFound ?? false;
  }

  toObservationError(): ObservationError {
    return {
      kind: this.kind,
      code: this.code,
      message: this.message,
      request_id: this.requestId,
      retryable: this.retryable,
      ...(this.hint ? { hint: this.hint } : {}),
    };
  }
}

export type Normalized =
  { readonly status: 'ok'; readonly attributes: JsonObject; readonly raw: JsonObject } | { readonly status: 'absent' };

/**
 * A resource type as data (Renovate-style adapter): the catalog entry, the API it wraps, how a
 * configured resource maps to a call, and how a response body becomes normalized attributes.
 */
export interface ResourceTypeDefinition {
  readonly spec: ResourceTypeSpec;
  readonly api: { readonly product: Product; readonly action: string; readonly version: string; readonly defaultQps: number };
  call(resource: ResourceConfig, provider: ProviderConfig): ApiCall;
  /**
   * Validates the success body (ajv: tolerant of unknown fields and documented nulls, strict on
   * types) and normalizes it for one resource. Throws an ApiError of kind `invalid_response`
   * when the body does not match; returns `absent` when a success body says the instance is gone.
   */
  normalize(response: ApiResponse, resource: ResourceConfig): Normalized;
}

/**
 * Sends one logical call for a provider: credentials, endpoint, pacing, signing and retries are
 * the HTTP layer's business. Resolves with a success body or rejects with an ApiError.
 */
export type ExecuteCall = (call: ApiCall, provider: ProviderConfig, signal?: AbortSignal) => Promise<ApiResponse>;
