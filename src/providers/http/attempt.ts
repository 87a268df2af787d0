import type { Credentials, ApiCall } from '../types.js';
import type { Redactor } from '../../model/redactor.js';
import type { CallContext } from './classify.js';
import type { HttpClient } from './http-client.js';

/**
 * Everything one signed request needs. A cloud client turns it into exactly one HTTP request and
 * one ApiResponse or ApiError; retries, pacing and deadlines belong to the call executor, which
 * builds a fresh AttemptInput (and so a fresh timestamp, nonce and signature) for every attempt.
 */
export interface AttemptInput {
  readonly http: HttpClient;
  readonly call: ApiCall;
  /** Undefined: an anonymous request (STS web identity), which carries a token in its parameters instead. */
  readonly credentials: Credentials | undefined;
  /** Base URL from resolveTarget (ends in `/`): where the request is sent. */
  readonly endpoint: URL;
  /**
   * The Host header sent and signed (resolveTarget): the vendor's host, also when a loopback
   * endpoint stands in for it. Defaults to the endpoint's own host.
   */
  readonly host?: string | undefined;
  /** The region the call is for (the call's, else the provider's); Tencent sends it as X-TC-Region only when the call names one. */
  readonly region: string | undefined;
  readonly now: () => number;
  readonly redactor: Redactor;
  readonly attempt: number;
  readonly signal?: AbortSignal | undefined;
}

/** The Host a request carries and signs. */
export function hostOf(input: Pick<AttemptInput, 'endpoint' | 'host'>): string {
  return input.host !== undefined && input.host !== '' ? input.host : input.endpoint.host;
}

export function callContext(input: Pick<AttemptInput, 'call' | 'endpoint'>): CallContext {
  return { cloud: input.call.cloud, product: input.call.product, action: input.call.action, host: input.endpoint.host };
}

/** The endpoint as recorded in responses and evidence: origin and path, never a query. */
export function endpointLabel(endpoint: URL): string {
  return `${endpoint.origin}${endpoint.pathname}`;
}
