import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../model/json.js';
import { createDefinition } from '../../providers/registry.js';
import { tencentcloudKmsService } from './index.js';
import { apiResponse, fixtureResponse, providerConfig, resourceConfig, thrownApiError } from '../../../test/fixtures/responses/index.js';

const createTencentKmsServiceDefinition = () => createDefinition(tencentcloudKmsService);

const definition = createTencentKmsServiceDefinition();
const resource = resourceConfig('tencentcloud_kms_service');
const provider = providerConfig({ cloud: 'tencentcloud', region: 'ap-guangzhou' });

function normalizeBody(body: JsonObject) {
  return definition.normalize(apiResponse(body), resource);
}

const thrown = thrownApiError;

describe('tencentcloud_kms_service call', () => {
  it('uses the provider region by default and the resource region when given', () => {
    expect(definition.call(resource, provider)).toEqual({
      cloud: 'tencentcloud',
      product: 'kms',
      action: 'GetServiceStatus',
      version: '2019-01-18',
      region: 'ap-guangzhou',
    });
    expect(definition.call(resourceConfig('tencentcloud_kms_service', { region: 'ap-shanghai' }), provider).region).toBe('ap-shanghai');
  });
  it('refuses to build a call without a region (X-TC-Region is required)', () => {
    const error = thrown(() => definition.call(resource, providerConfig({ cloud: 'tencentcloud' })));
    expect(error.kind).toBe('invalid_request');
    expect(error.code).toBe('DW_REGION_REQUIRED');
    expect(error.retryable).toBe(false);
    expect(error.hint).toContain('tencentcloud.prod');
  });
  it('is deterministic, so resources in one account and region share the request', () => {
    const a = definition.call(resourceConfig('tencentcloud_kms_service', { name: 'a' }), provider);
    const b = definition.call(resourceConfig('tencentcloud_kms_service', { name: 'b' }), provider);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
  it('declares the documented API and rate', () => {
    expect(definition.api).toEqual({ product: 'kms', action: 'GetServiceStatus', version: '2019-01-18', defaultQps: 100 });
    expect(definition.spec.name).toBe('tencentcloud_kms_service');
  });
});

describe('tencentcloud_kms_service normalize', () => {
  it('normalizes the vendor example (seed 000)', () => {
    const result = definition.normalize(fixtureResponse('tencentcloud-kms-get-service-status'), resource);
    expect(result).toEqual({
      status: 'ok',
      attributes: {
        service_enabled: true,
        service_state: 'normal',
        edition: 'basic',
        auto_renew: true,
        expires_at: '2020-10-26T08:36:25.000Z',
        pro_resource_id: 'kms_pro_12345',
        exclusive_hsm_enabled: false,
        exclusive_vsm_enabled: false,
        subscription: 'Prepaid_KMS',
      },
      raw: {
        ServiceEnabled: true,
        InvalidType: 1,
        UserLevel: 0,
        ProResourceId: 'kms_pro_12345',
        ProRenewFlag: 1,
        ProExpireTime: 1603701385,
        ExclusiveHSMEnabled: false,
        ExclusiveVSMEnabled: false,
        SubscriptionInfo: 'Prepaid_KMS',
      },
    });
  });

  it('maps every documented enum value', () => {
    const states = [0, 1, 2, 3].map((n) => normalizeBody({ ServiceEnabled: true, InvalidType: n }));
    expect(states.map((s) => (s.status === 'ok' ? s.attributes['service_state'] : 'x'))).toEqual([
      'not_purchased',
      'normal',
      'suspended_arrears',
      'released',
    ]);
    const ultimate = normalizeBody({ ServiceEnabled: true, UserLevel: 1, ProRenewFlag: 0 });
    expect(ultimate.status === 'ok' && ultimate.attributes).toMatchObject({ edition: 'ultimate', auto_renew: false });
  });

  it('keeps undocumented enum values raw and makes an unknown renew flag unknown', () => {
    const result = normalizeBody({ ServiceEnabled: true, InvalidType: 9, UserLevel: 2, ProRenewFlag: 5 });
    expect(result.status === 'ok' && result.attributes).toMatchObject({ service_state: '9', edition: '2', auto_renew: null });
  });

  it('treats ProExpireTime 0 as no expiry (null), not 1970', () => {
    const result = normalizeBody({ ServiceEnabled: true, ProExpireTime: 0 });
    expect(result.status === 'ok' && result.attributes['expires_at']).toBeNull();
  });

  it('computes cmk_remaining only when both counters are known', () => {
    const both = normalizeBody({ ServiceEnabled: true, CmkUserCount: 40, CmkLimit: 200 });
    expect(both.status === 'ok' && both.attributes).toMatchObject({ cmk_count: 40, cmk_limit: 200, cmk_remaining: 160 });
    const nullLimit = normalizeBody({ ServiceEnabled: true, CmkUserCount: 40, CmkLimit: null });
    expect(nullLimit.status === 'ok' && nullLimit.attributes).toMatchObject({ cmk_limit: null, cmk_remaining: null });
    const absent = normalizeBody({ ServiceEnabled: true, CmkUserCount: 40 });
    expect(absent.status === 'ok' && 'cmk_remaining' in absent.attributes).toBe(false);
  });

  it('reads IsAllowedDataKeyHosted as boolean or as the documented 1/0', () => {
    for (const [value, expected] of [
      [true, true],
      [false, false],
      [1, true],
      [0, false],
      [7, null],
    ] as const) {
      const result = normalizeBody({ ServiceEnabled: true, IsAllowedDataKeyHosted: value });
      expect(result.status === 'ok' && result.attributes['data_key_hosting']).toBe(expected);
    }
  });

  it('keeps fields added after the doc (QpsLimit, RegionsQps, ResourceZone) in raw only', () => {
    const result = normalizeBody({
      ServiceEnabled: true,
      QpsLimit: 1000,
      RegionsQps: [{ Region: 'ap-guangzhou', Qps: 100 }],
      ResourceZone: 1,
    });
    expect(result.status === 'ok' && result.raw['QpsLimit']).toBe(1000);
    expect(result.status === 'ok' && Object.keys(result.attributes)).toEqual(['service_enabled']);
  });

  it('rejects a string where an integer is expected, naming the field', () => {
    const error = thrown(() => normalizeBody({ ServiceEnabled: true, ProExpireTime: '1603701385' }));
    expect(error.kind).toBe('invalid_response');
    expect(error.code).toBe('DW_INVALID_RESPONSE');
    expect(error.retryable).toBe(false);
    expect(error.requestId).toBe('req-test');
    expect(error.message).toBe('GetServiceStatus response: field ProExpireTime must be integer or null (got string)');
  });

  it('rejects a body that is not a GetServiceStatus answer', () => {
    const error = thrown(() => normalizeBody({ RequestId: 'x' }));
    expect(error.message).toBe('GetServiceStatus response: field ServiceEnabled is missing');
    expect(thrown(() => normalizeBody({ ServiceEnabled: 'true' })).message).toContain('ServiceEnabled must be boolean (got string)');
  });
});
