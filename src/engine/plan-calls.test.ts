import { describe, expect, it } from 'vitest';
import { planCalls } from './plan-calls.js';
import type { DesiredState, ProviderConfig, ResourceConfig } from '../model/desired-state.js';
import type { ResourceTypeName } from '../model/resource-types.js';
import { resourceType } from '../resources/registry.js';
import type { ApiCall, ResourceTypeDefinition } from '../providers/types.js';

const loc = { file: 'x.yaml', line: 1, column: 1 };

function provider(ref: string, region?: string): ProviderConfig {
  const [cloud, alias] = ref.split('.') as ['tencentcloud' | 'alicloud', string];
  return { cloud, alias, ref, site: 'china', credentials: { kind: 'chain' }, rateLimits: {}, location: loc, ...(region ? { region } : {}) };
}

function resource(type: ResourceTypeName, name: string, providerRef: string, extra: Partial<ResourceConfig> = {}): ResourceConfig {
  return { address: `${type}.${name}`, type, name, provider: providerRef, labels: {}, expect: [], location: loc, ...extra };
}

/** Minimal definitions shaped like the real ones: only `call` matters for planning. */
const definitions: Record<string, ResourceTypeDefinition> = {
  tencentcloud_kms_service: {
    spec: resourceType('tencentcloud_kms_service')!,
    api: { product: 'kms', action: 'GetServiceStatus', version: '2019-01-18', defaultQps: 100 },
    call: (r, p): ApiCall => {
      const region = r.region ?? p.region;
      if (!region) throw new Error('tencentcloud_kms_service needs a region');
      return { cloud: 'tencentcloud', product: 'kms', action: 'GetServiceStatus', version: '2019-01-18', region };
    },
    normalize: () => ({ status: 'absent' }),
  },
  alicloud_cas_private_ca: {
    spec: resourceType('alicloud_cas_private_ca')!,
    api: { product: 'cas', action: 'GetCAInstanceStatus', version: '2020-06-30', defaultQps: 10 },
    call: (r): ApiCall => ({
      cloud: 'alicloud',
      product: 'cas',
      action: 'GetCAInstanceStatus',
      version: '2020-06-30',
      params: { InstanceId: r.instanceId ?? '' },
    }),
    normalize: () => ({ status: 'absent' }),
  },
};

function state(resources: ResourceConfig[], providers: ProviderConfig[]): DesiredState {
  return { files: [], providers, resources, policies: [], waivers: [] };
}

describe('planCalls', () => {
  it('shares one call between resources reading the same account and region', () => {
    const plan = planCalls(
      state(
        [
          resource('tencentcloud_kms_service', 'a', 'tencentcloud.prod'),
          resource('tencentcloud_kms_service', 'b', 'tencentcloud.prod'),
          resource('tencentcloud_kms_service', 'c', 'tencentcloud.prod', { region: 'ap-shanghai' }),
        ],
        [provider('tencentcloud.prod', 'ap-guangzhou')],
      ),
      (t) => definitions[t],
    );
    expect(plan.calls).toHaveLength(2);
    const gz = plan.calls.find((c) => c.call.region === 'ap-guangzhou');
    expect(gz?.resources.map((r) => r.name)).toEqual(['a', 'b']);
    expect(gz?.bucket).toBe('tencentcloud.prod|kms|GetServiceStatus|ap-guangzhou');
  });

  it('keeps one call per CA instance and groups them in one rate bucket', () => {
    const plan = planCalls(
      state(
        [
          resource('alicloud_cas_private_ca', 'root', 'alicloud.prod', { instanceId: 'cas-1' }),
          resource('alicloud_cas_private_ca', 'sub', 'alicloud.prod', { instanceId: 'cas-2' }),
        ],
        [provider('alicloud.prod')],
      ),
      (t) => definitions[t],
    );
    expect(plan.calls).toHaveLength(2);
    expect(new Set(plan.calls.map((c) => c.bucket)).size).toBe(1);
  });

  it('reports a resource it cannot plan as unplannable instead of dropping it', () => {
    const plan = planCalls(
      state(
        [
          resource('tencentcloud_kms_service', 'noregion', 'tencentcloud.prod'),
          resource('tencentcloud_kms_service', 'orphan', 'tencentcloud.nope'),
        ],
        [provider('tencentcloud.prod')],
      ),
      (t) => definitions[t],
    );
    expect(plan.calls).toHaveLength(0);
    expect(plan.unplannable.get('tencentcloud_kms_service.noregion')?.message).toMatch(/needs a region/);
    expect(plan.unplannable.get('tencentcloud_kms_service.orphan')?.message).toMatch(/not configured/);
  });

  it('plans only the targeted resources', () => {
    const plan = planCalls(
      state(
        [
          resource('alicloud_cas_private_ca', 'root', 'alicloud.prod', { instanceId: 'cas-1' }),
          resource('alicloud_cas_private_ca', 'sub', 'alicloud.prod', { instanceId: 'cas-2' }),
        ],
        [provider('alicloud.prod')],
      ),
      (t) => definitions[t],
      new Set(['alicloud_cas_private_ca.sub']),
    );
    expect(plan.calls.map((c) => c.call.params?.InstanceId)).toEqual(['cas-2']);
  });
});
