import type { Cloud } from '../model/resource-types.js';
import type { JsonObject } from '../model/json.js';

/**
 * The shape of one vendor API call, as a resource type declares it. Pure data: the providers/
 * layer signs and sends it, the simulator answers it, and neither needs to know which type asked.
 */

export type Product = 'kms' | 'tcss' | 'cas' | 'sts';

/** An API a resource type (or its discovery) calls, with its documented requests-per-second. */
export interface ApiSpec {
  readonly product: Product;
  readonly action: string;
  readonly version: string;
  readonly defaultQps: number;
}

/** One logical API call. Resources whose calls have the same key share a single request. */
export interface ApiCall {
  readonly cloud: Cloud;
  readonly product: Product;
  readonly action: string;
  readonly version: string;
  /** Tencent: the X-TC-Region header (omitted when undefined). Alibaba: picks the regional endpoint. */
  readonly region?: string;
  /** Alibaba RPC parameters (sent in the query). */
  readonly params?: Readonly<Record<string, string>>;
  /** Tencent JSON body (default `{}`). */
  readonly body?: JsonObject;
}

/**
 * A resource that cannot be turned into a request (no region for a regional API, no instance id).
 * Configuration validation reports these first; this is the last line, so nothing unsigned-for or
 * ambiguous is ever sent. providers/ turns it into an `invalid_request` ApiError.
 */
export interface RequestProblem {
  readonly problem: { readonly code: string; readonly message: string; readonly hint: string };
}

export function requestProblem(code: string, message: string, hint: string): RequestProblem {
  return { problem: { code, message, hint } };
}
