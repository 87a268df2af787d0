import { describe, expect, it } from 'vitest';
import { observe } from './observe.js';
import type { CallPlan, PlannedCall } from './plan-calls.js';
import type { ProviderConfig, ResourceConfig } from '../model/desired-state.js';
import type { Observation } from '../model/observation.js';
import { resourceType } from '../resources/registry.js';
import { ApiError } from '../providers/types.js';
import type { ApiCall, ApiResponse, ExecuteCall, ResourceTypeDefinition } from '../providers/types.js';

const loc = { file: 'x.yaml', line: 1, column: 1 };
const provider: ProviderConfig = {
  cloud: 'alicloud',
  alias: 'prod',
  ref: 'alicloud.prod',
  site: 'china',
  credentials: { kind: 'chain' },
  rateLimits: {},
  location: loc,
};
const now = (): Date => new Date('2026-11-29T00:00:00Z');

function ca(name: string, instanceId: string): ResourceConfig {
  return {
    address: `alicloud_cas_private_ca.${name}`,
    type: 'alicloud_cas_private_ca',
    name,
    provider: 'alicloud.prod',
    instanceId,
    labels: {},
    expect: [],
    location: loc,
  };
}

/** A definition with the real one's shape: picks the list element by instance id, absent when missing. */
const definition: ResourceTypeDefinition = {
  spec: resourceType('alicloud_cas_private_ca')!,
  api: { product: 'cas', action: 'GetCAInstanceStatus', version: '2020-06-30', defaultQps: 10 },
  call: (r): ApiCall => ({
    cloud: 'alicloud',
    product: 'cas',
    action: 'GetCAInstanceStatus',
    version: '2020-06-30',
    params: { InstanceId: r.instanceId ?? '' },
  }),
  normalize: (response, r) => {
    const list = response.body.InstanceStatusList;
    if (!Array.isArray(list))
      throw new ApiError({
        kind: 'invalid_response',
        code: 'DW_INVALID_RESPONSE',
        message: 'InstanceStatusList missing',
        retryable: false,
      });
    const item = list.find((e) => typeof e === 'object' && e !== null && !Array.isArray(e) && e.InstanceId === r.instanceId);
    if (!item || typeof item !== 'object' || Array.isArray(item)) return { status: 'absent' };
    return { status: 'ok', attributes: { status: item.Status ?? null }, raw: item };
  },
};

function planFor(resources: ResourceConfig[], bucket = 'alicloud.prod|cas|GetCAInstanceStatus|-'): CallPlan {
  const calls: PlannedCall[] = resources.map((r) => ({
    key: r.address,
    bucket,
    call: definition.call(r, provider),
    provider,
    resources: [r],
  }));
  return { calls, unplannable: new Map() };
}

function response(body: ApiResponse['body']): ApiResponse {
  return { body, requestId: 'req-1', attempts: 1, endpoint: 'http://127.0.0.1', receivedAt: '2026-11-29T00:00:01.000Z' };
}

describe('observe', () => {
  it('turns a success body into ok, a missing instance into absent, and a failure into an error (never ok)', async () => {
    const execute: ExecuteCall = (call) => {
      const id = call.params?.InstanceId;
      if (id === 'cas-ok')
        return Promise.resolve(response({ RequestId: 'req-1', InstanceStatusList: [{ InstanceId: 'cas-ok', Status: 'USED' }] }));
      if (id === 'cas-empty') return Promise.resolve(response({ RequestId: 'req-2', InstanceStatusList: [] }));
      if (id === 'cas-404')
        return Promise.reject(
          new ApiError({
            kind: 'invalid_request',
            code: 'InvalidInstanceId.NotFound',
            message: 'gone',
            requestId: 'req-3',
            retryable: false,
            notFound: true,
          }),
        );
      if (id === 'cas-bad') return Promise.resolve(response({ RequestId: 'req-4' }));
      return Promise.reject(
        new ApiError({ kind: 'permission', code: 'Forbidden.RAM', message: 'denied', requestId: 'req-5', retryable: false }),
      );
    };
    const observations = await observe(
      planFor([ca('ok', 'cas-ok'), ca('empty', 'cas-empty'), ca('gone', 'cas-404'), ca('bad', 'cas-bad'), ca('denied', 'cas-denied')]),
      {
        execute,
        definitionFor: () => definition,
        now,
      },
    );
    const byName: Record<string, Observation> = Object.fromEntries(observations.map((o) => [o.address.split('.')[1] ?? '', o]));
    expect(byName.ok).toMatchObject({ status: 'ok', attributes: { status: 'USED' }, request_ids: ['req-1'] });
    expect(byName.empty).toMatchObject({ status: 'absent', error: null });
    expect(byName.gone).toMatchObject({ status: 'absent', request_ids: ['req-3'] });
    expect(byName.bad).toMatchObject({ status: 'error', error: { kind: 'invalid_response' } });
    expect(byName.denied).toMatchObject({ status: 'error', error: { code: 'Forbidden.RAM', request_id: 'req-5' }, request_ids: ['req-5'] });
    expect(observations.map((o) => o.address)).toEqual([...observations.map((o) => o.address)].sort());
  });

  it('never makes an account-level type absent, whatever the answer (issue 11)', async () => {
    const tcProvider: ProviderConfig = { ...provider, cloud: 'tencentcloud', ref: 'tencentcloud.prod', region: 'ap-guangzhou' };
    const kms = (name: string, region: string): ResourceConfig => ({
      address: `tencentcloud_kms_service.${name}`,
      type: 'tencentcloud_kms_service',
      name,
      provider: 'tencentcloud.prod',
      region,
      labels: {},
      expect: [],
      location: loc,
    });
    // A definition that (wrongly) says absent, and an error wrongly flagged notFound: both must stay unknown.
    const kmsDefinition: ResourceTypeDefinition = {
      spec: resourceType('tencentcloud_kms_service')!,
      api: { product: 'kms', action: 'GetServiceStatus', version: '2019-01-18', defaultQps: 100 },
      call: (r): ApiCall => ({
        cloud: 'tencentcloud',
        product: 'kms',
        action: 'GetServiceStatus',
        version: '2019-01-18',
        region: r.region ?? '',
      }),
      normalize: () => ({ status: 'absent' }),
    };
    const execute: ExecuteCall = (call) =>
      call.region === 'ap-guangzhou'
        ? Promise.resolve(response({ RequestId: 'req-a', ServiceEnabled: false }))
        : Promise.reject(
            new ApiError({
              kind: 'invalid_request',
              code: 'ResourceNotFound',
              message: 'no',
              requestId: 'req-b',
              retryable: false,
              notFound: true,
            }),
          );
    const resources = [kms('gz', 'ap-guangzhou'), kms('sh', 'ap-shanghai')];
    const plan: CallPlan = {
      calls: resources.map((r) => ({
        key: r.address,
        bucket: 'tc|kms',
        call: kmsDefinition.call(r, tcProvider),
        provider: tcProvider,
        resources: [r],
      })),
      unplannable: new Map(),
    };
    const observations = await observe(plan, { execute, definitionFor: () => kmsDefinition, now });
    expect(observations.map((o) => [o.address, o.status, o.error?.code])).toEqual([
      ['tencentcloud_kms_service.gz', 'error', 'DW_ACCOUNT_LEVEL_NOT_ABSENT'],
      ['tencentcloud_kms_service.sh', 'error', 'DW_ACCOUNT_LEVEL_NOT_ABSENT'],
    ]);
    expect(observations[1]?.error?.message).toMatch(/ResourceNotFound/);
  });

  it('keeps at most perBucket requests of one bucket in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const execute: ExecuteCall = async (call) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight -= 1;
      return response({ InstanceStatusList: [{ InstanceId: call.params?.InstanceId ?? '', Status: 'USED' }] });
    };
    const resources = Array.from({ length: 20 }, (_, i) => ca(`r${i}`, `cas-${i}`));
    const observations = await observe(planFor(resources), { execute, definitionFor: () => definition, now, perBucket: 3 });
    expect(observations.filter((o) => o.status === 'ok')).toHaveLength(20);
    expect(peak).toBe(3);
  });

  it('reports unplannable resources as errors', async () => {
    const plan: CallPlan = {
      calls: [],
      unplannable: new Map([
        [
          'alicloud_cas_private_ca.x',
          { kind: 'invalid_request', code: 'DW_PLAN', message: 'no region', request_id: null, retryable: false },
        ],
      ]),
    };
    const [observation] = await observe(plan, { execute: () => Promise.reject(new Error('unused')), definitionFor: () => definition, now });
    expect(observation).toMatchObject({
      address: 'alicloud_cas_private_ca.x',
      type: 'alicloud_cas_private_ca',
      status: 'error',
      error: { code: 'DW_PLAN' },
    });
  });

  it('never reports an unexpected exception as ok', async () => {
    const [observation] = await observe(planFor([ca('boom', 'cas-x')]), {
      execute: () => Promise.reject(new TypeError('boom')),
      definitionFor: () => definition,
      now,
    });
    expect(observation?.status).toBe('error');
    expect(observation?.error?.code).toBe('DW_INTERNAL');
  });
});
