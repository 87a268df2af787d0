import { compareStrings } from '../model/order.js';
import type { DesiredState, ProviderConfig, ResourceConfig } from '../model/desired-state.js';
import type { ObservationError } from '../model/observation.js';
import type { ApiCall, ResourceTypeDefinition } from '../providers/types.js';

/** One request to send, shared by every resource whose call is the same. */
export interface PlannedCall {
  /** Dedupe key: provider + call (action, version, region, parameters). */
  readonly key: string;
  /** Rate bucket: (provider, product, action, endpoint region) — design.md §7. */
  readonly bucket: string;
  readonly call: ApiCall;
  readonly provider: ProviderConfig;
  readonly resources: readonly ResourceConfig[];
}

export interface CallPlan {
  readonly calls: readonly PlannedCall[];
  /** Resources that cannot be observed at all (e.g. no region for a regional API): unknown, with why. */
  readonly unplannable: ReadonlyMap<string, ObservationError>;
}

function stableParams(call: ApiCall): string {
  const params = Object.entries(call.params ?? {}).sort(([a], [b]) => compareStrings(a, b));
  return JSON.stringify([params, call.body ?? {}]);
}

/**
 * Plans the calls of a run: one per distinct scope (so two resources reading the same account and
 * region share a request), grouped by rate bucket. Pure: no network, no clock.
 */
export function planCalls(
  state: DesiredState,
  definitionFor: (type: string) => ResourceTypeDefinition | undefined,
  targets?: ReadonlySet<string>,
): CallPlan {
  const providers = new Map(state.providers.map((p) => [p.ref, p]));
  const byKey = new Map<string, { bucket: string; call: ApiCall; provider: ProviderConfig; resources: ResourceConfig[] }>();
  const unplannable = new Map<string, ObservationError>();
  for (const resource of state.resources) {
    if (targets && !targets.has(resource.address)) continue;
    const provider = providers.get(resource.provider);
    const definition = definitionFor(resource.type);
    if (!provider || !definition) {
      unplannable.set(resource.address, {
        kind: 'invalid_request',
        code: 'DW_PLAN',
        message: provider ? `no provider implementation for ${resource.type}` : `provider ${resource.provider} is not configured`,
        request_id: null,
        retryable: false,
        hint: 'Run `driftwatch validate` on the configuration.',
      });
      continue;
    }
    let call: ApiCall;
    try {
      call = definition.call(resource, provider);
    } catch (error) {
      unplannable.set(resource.address, {
        kind: 'invalid_request',
        code: 'DW_PLAN',
        message: error instanceof Error ? error.message : String(error),
        request_id: null,
        retryable: false,
        hint: 'Set the missing field in the provider block or on the resource.',
      });
      continue;
    }
    const bucket = [provider.ref, call.product, call.action, call.region ?? '-'].join('|');
    const key = `${bucket}|${call.version}|${stableParams(call)}`;
    const entry = byKey.get(key);
    if (entry) entry.resources.push(resource);
    else byKey.set(key, { bucket, call, provider, resources: [resource] });
  }
  const calls = [...byKey.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([key, v]) => ({ key, ...v }));
  return { calls, unplannable };
}
