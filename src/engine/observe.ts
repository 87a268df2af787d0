import type { ResourceConfig } from '../model/desired-state.js';
import type { Observation, ObservationError, ObservationScope, RawExchange } from '../model/observation.js';
import { ApiError } from '../providers/types.js';
import { canBeAbsent } from '../providers/absence.js';
import type { ApiResponse, ExecuteCall, ResourceTypeDefinition } from '../providers/types.js';
import type { CallPlan, PlannedCall } from './plan-calls.js';
import { Semaphore, forEachConcurrent } from './concurrency.js';

export interface ObserveOptions {
  readonly execute: ExecuteCall;
  readonly definitionFor: (type: string) => ResourceTypeDefinition | undefined;
  /** Wall clock for `observed_at` (not `--as-of`: observations record when they really happened). */
  readonly now: () => Date;
  /** Requests in flight at most, across all buckets. */
  readonly concurrency?: number;
  /** Requests in flight at most per rate bucket (pacing is the rate limiter's job; this bounds sockets). */
  readonly perBucket?: number;
  readonly signal?: AbortSignal;
  /** Receives every answered call's full response body (for the evidence bundle), keyed by the resources it served. */
  readonly onExchange?: (addresses: readonly string[], exchange: RawExchange) => void;
}

function toObservationError(error: unknown): ObservationError {
  if (error instanceof ApiError) return error.toObservationError();
  return {
    kind: 'invalid_response',
    code: 'DW_INTERNAL',
    message: `could not observe: ${error instanceof Error ? error.message : String(error)}`,
    request_id: null,
    retryable: false,
    hint: 'This is a bug in driftwatch; run again with --debug and report it.',
  };
}

function scopeOf(resource: ResourceConfig, planned: PlannedCall): ObservationScope {
  return { provider: planned.provider.ref, region: planned.call.region ?? null, instance_id: resource.instanceId ?? null };
}

function errorObservation(
  resource: ResourceConfig,
  error: ObservationError,
  at: string,
  requestIds: readonly string[],
  scope: ObservationScope,
): Observation {
  return {
    address: resource.address,
    type: resource.type,
    scope,
    status: 'error',
    attributes: {},
    raw: null,
    request_ids: requestIds,
    observed_at: at,
    error,
  };
}

/**
 * An account-level type (Tencent KMS service, TCSS) exists whenever the account does: an answer
 * that would make it absent is a contradiction, so the resource is unknown, never drift.
 */
function neverAbsent(resource: ResourceConfig, requestId: string | null, code: string): ObservationError {
  return {
    kind: 'invalid_response',
    code: 'DW_ACCOUNT_LEVEL_NOT_ABSENT',
    message: `${resource.address}: the answer (${code}) would say the resource does not exist, but ${resource.type} is account-level and always exists`,
    request_id: requestId,
    retryable: false,
    hint: 'Only the answers in "How driftwatch decides a resource does not exist" (README) prove absence; check the provider\'s account and region.',
  };
}

function fromResponse(
  response: ApiResponse,
  resource: ResourceConfig,
  definition: ResourceTypeDefinition,
  scope: ObservationScope,
): Observation {
  const requestIds = response.requestId ? [response.requestId] : [];
  try {
    const normalized = definition.normalize(response, resource);
    if (normalized.status === 'absent') {
      if (!canBeAbsent(resource.type))
        return errorObservation(
          resource,
          neverAbsent(resource, response.requestId, 'success body'),
          response.receivedAt,
          requestIds,
          scope,
        );
      return {
        address: resource.address,
        type: resource.type,
        scope,
        status: 'absent',
        attributes: {},
        raw: null,
        request_ids: requestIds,
        observed_at: response.receivedAt,
        error: null,
      };
    }
    return {
      address: resource.address,
      type: resource.type,
      scope,
      status: 'ok',
      attributes: normalized.attributes,
      raw: normalized.raw,
      request_ids: requestIds,
      observed_at: response.receivedAt,
      error: null,
    };
  } catch (error) {
    return errorObservation(resource, toObservationError(error), response.receivedAt, requestIds, scope);
  }
}

async function observeCall(planned: PlannedCall, options: ObserveOptions): Promise<Observation[]> {
  const definition = options.definitionFor(planned.resources[0]?.type ?? '');
  try {
    const response = await options.execute(planned.call, planned.provider, options.signal);
    options.onExchange?.(
      planned.resources.map((r) => r.address),
      {
        api: `${planned.call.product}:${planned.call.action}`,
        endpoint: response.endpoint,
        request_id: response.requestId,
        at: response.receivedAt,
        attempts: response.attempts,
        body: response.body,
      },
    );
    return planned.resources.map((resource) =>
      definition
        ? fromResponse(response, resource, definition, scopeOf(resource, planned))
        : errorObservation(
            resource,
            toObservationError(new Error(`no definition for ${resource.type}`)),
            response.receivedAt,
            [],
            scopeOf(resource, planned),
          ),
    );
  } catch (error) {
    const at = options.now().toISOString();
    if (error instanceof ApiError && error.notFound) {
      const ids = error.requestId ? [error.requestId] : [];
      return planned.resources.map((r) =>
        canBeAbsent(r.type)
          ? {
              address: r.address,
              type: r.type,
              scope: scopeOf(r, planned),
              status: 'absent',
              attributes: {},
              raw: null,
              request_ids: ids,
              observed_at: at,
              error: null,
            }
          : errorObservation(r, neverAbsent(r, error.requestId, error.code), at, ids, scopeOf(r, planned)),
      );
    }
    const observationError = toObservationError(error);
    const ids = observationError.request_id ? [observationError.request_id] : [];
    return planned.resources.map((r) => errorObservation(r, observationError, at, ids, scopeOf(r, planned)));
  }
}

/**
 * Observes every planned call: all rate buckets proceed side by side (so a slow bucket never
 * holds up a fast one), with bounded concurrency overall. Never throws for an API failure:
 * each resource gets an observation, and failures become `error` observations (fail closed).
 */
export async function observe(plan: CallPlan, options: ObserveOptions): Promise<Observation[]> {
  const global = new Semaphore(options.concurrency ?? 128);
  const buckets = new Map<string, PlannedCall[]>();
  for (const call of plan.calls) {
    const list = buckets.get(call.bucket);
    if (list) list.push(call);
    else buckets.set(call.bucket, [call]);
  }
  const results: Observation[] = [];
  await Promise.all(
    [...buckets.values()].map((calls) => {
      // The run cannot end before its slowest bucket has paced out its calls, so the buckets with
      // the most paced time left are served first; fast buckets fill the remaining slots.
      const first = calls[0] as PlannedCall;
      const qps =
        first.provider.rateLimits[first.call.action] ?? options.definitionFor(first.resources[0]?.type ?? '')?.api.defaultQps ?? 10;
      let remaining = calls.length;
      return forEachConcurrent(calls, options.perBucket ?? 8, async (planned) => {
        const observations = await global.use(() => observeCall(planned, options), remaining / qps);
        remaining -= 1;
        results.push(...observations);
      });
    }),
  );
  const at = options.now().toISOString();
  for (const [address, error] of plan.unplannable) {
    const [type = ''] = address.split('.');
    results.push({ address, type, scope: null, status: 'error', attributes: {}, raw: null, request_ids: [], observed_at: at, error });
  }
  return results.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}
