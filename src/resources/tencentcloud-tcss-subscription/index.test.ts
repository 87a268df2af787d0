import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../model/json.js';
import { createDefinition } from '../../providers/registry.js';
import { tencentcloudTcssSubscription } from './index.js';
import {
  apiResponse,
  fixtureResponse,
  loadFixture,
  providerConfig,
  resourceConfig,
  thrownApiError,
} from '../../../test/fixtures/responses/index.js';

const createTencentTcssSubscriptionDefinition = () => createDefinition(tencentcloudTcssSubscription);

const definition = createTencentTcssSubscriptionDefinition();
const resource = resourceConfig('tencentcloud_tcss_subscription');

function attrs(body: JsonObject): JsonObject {
  const result = definition.normalize(apiResponse(body), resource);
  if (result.status !== 'ok') throw new Error('expected ok');
  return result.attributes;
}

describe('tencentcloud_tcss_subscription call', () => {
  it('sends no region key when none is configured (region is optional)', () => {
    const call = definition.call(resource, providerConfig({ cloud: 'tencentcloud' }));
    expect(call).toEqual({ cloud: 'tencentcloud', product: 'tcss', action: 'DescribePurchaseStateInfo', version: '2020-11-01' });
    expect('region' in call).toBe(false);
  });
  it('passes the provider or resource region when there is one', () => {
    expect(definition.call(resource, providerConfig({ cloud: 'tencentcloud', region: 'ap-guangzhou' })).region).toBe('ap-guangzhou');
    const own = resourceConfig('tencentcloud_tcss_subscription', { region: 'ap-beijing' });
    expect(definition.call(own, providerConfig({ cloud: 'tencentcloud', region: 'ap-guangzhou' })).region).toBe('ap-beijing');
  });
  it('declares 20 requests per second', () => {
    expect(definition.api).toEqual({ product: 'tcss', action: 'DescribePurchaseStateInfo', version: '2020-11-01', defaultQps: 20 });
  });
});

describe('tencentcloud_tcss_subscription normalize', () => {
  it('normalizes the intl vendor example (seed 002) with its placeholder AutomaticRenewal 194 kept raw', () => {
    const result = definition.normalize(fixtureResponse('tencentcloud-tcss-describe-purchase-state-info-intl'), resource);
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.attributes).toEqual({
      state: 'pro_active',
      edition: 'pro',
      sub_state: 'normal',
      auto_renew: null,
      auto_renew_setting: '194',
      begins_at: '2024-09-24T05:01:18.000Z',
      expires_at: '2024-12-24T05:01:18.000Z',
      cores_total: 154,
      cores_protected: 68,
      cores_unprotected: 86,
      cores_purchased: 147,
      cores_trial_granted: 0,
      cores_flexible: 0,
      cores_flexible_limit: 5000,
      images_total: 291209,
      images_licensed: 287756,
      image_licenses_purchased: 300000,
      image_licenses_trial: 0,
      defend_policy: 'Part',
    });
    const response = loadFixture('tencentcloud-tcss-describe-purchase-state-info-intl')['Response'] as JsonObject;
    const { RequestId: _requestId, ...withoutId } = response;
    expect(result.raw).toEqual(withoutId);
  });

  it('normalizes the China-site example (seed 003): "xx" times are unknown, absent counters omitted', () => {
    const result = definition.normalize(fixtureResponse('tencentcloud-tcss-describe-purchase-state-info-china'), resource);
    expect(result.status === 'ok' && result.attributes).toEqual({
      state: 'pro_expired',
      edition: 'none',
      sub_state: 'isolate',
      auto_renew: false,
      auto_renew_setting: 'unset',
      begins_at: null,
      expires_at: null,
      cores_protected: 1,
      cores_purchased: 1,
      images_total: 1,
      images_licensed: 1,
      image_licenses_purchased: 1,
      image_licenses_trial: 500,
    });
  });

  it('turns the documented nulls into null attributes, never 0 or false', () => {
    const a = attrs({
      State: 3,
      CoresCnt: null,
      AuthorizedCoresCnt: null,
      ImageCnt: null,
      AuthorizedImageCnt: null,
      PurchasedAuthorizedCnt: null,
      ExpirationTime: null,
      AutomaticRenewal: null,
      GivenAuthorizedCnt: null,
      BeginTime: null,
      SubState: null,
    });
    expect(a).toEqual({
      state: 'pro_active',
      edition: 'pro',
      sub_state: null,
      auto_renew: null,
      auto_renew_setting: null,
      begins_at: null,
      expires_at: null,
      cores_protected: null,
      cores_purchased: null,
      images_total: null,
      images_licensed: null,
      image_licenses_purchased: null,
      image_licenses_trial: null,
    });
  });

  it('maps every State and derives the edition in force', () => {
    const rows = [0, 1, 2, 3, 4, 5].map((State) => {
      const a = attrs({ State });
      return [a['state'], a['edition']];
    });
    expect(rows).toEqual([
      ['trial_available', 'none'],
      ['purchase_only', 'none'],
      ['trial_active', 'trial'],
      ['pro_active', 'pro'],
      ['pro_expired', 'none'],
      ['5', null],
    ]);
  });

  it('normalizes both spellings of the destroyed sub-state and keeps unknown ones raw', () => {
    expect(attrs({ State: 4, SubState: 'DESTROED' })['sub_state']).toBe('terminated');
    expect(attrs({ State: 4, SubState: 'TERMINATED' })['sub_state']).toBe('terminated');
    expect(attrs({ State: 4, SubState: 'ISOLATE' })['sub_state']).toBe('isolate');
    expect(attrs({ State: 4, SubState: 'FROZEN' })['sub_state']).toBe('FROZEN');
  });

  it('maps AutomaticRenewal 0/1/2 to the setting and auto_renew', () => {
    expect(
      [0, 1, 2].map((n) => [
        attrs({ State: 3, AutomaticRenewal: n })['auto_renew_setting'],
        attrs({ State: 3, AutomaticRenewal: n })['auto_renew'],
      ]),
    ).toEqual([
      ['unset', false],
      ['enabled', true],
      ['disabled', false],
    ]);
  });

  it('reads times as Beijing local time, and an explicit zone if the API ever sends one', () => {
    expect(attrs({ State: 3, ExpirationTime: '2024-12-24 13:01:18' })['expires_at']).toBe('2024-12-24T05:01:18.000Z');
    expect(attrs({ State: 3, ExpirationTime: '2027-06-30 00:00:00' })['expires_at']).toBe('2027-06-29T16:00:00.000Z');
    expect(attrs({ State: 3, ExpirationTime: '2027-06-30T00:00:00+08:00' })['expires_at']).toBe('2027-06-29T16:00:00.000Z');
    expect(attrs({ State: 3, ExpirationTime: '' })['expires_at']).toBeNull();
  });

  it('rejects wrong types as invalid_response naming the field', () => {
    const error = thrownApiError(() => attrs({ State: '3' }));
    expect(error.kind).toBe('invalid_response');
    expect(error.message).toBe('DescribePurchaseStateInfo response: field State must be integer (got string)');
    expect(thrownApiError(() => attrs({ State: 3, CoresCnt: 1.5 })).message).toContain(
      'field CoresCnt must be integer or null (got number)',
    );
    expect(thrownApiError(() => attrs({ State: 3, ExpirationTime: 1735660800 })).message).toContain(
      'field ExpirationTime must be string or null',
    );
    expect(thrownApiError(() => attrs({ State: null })).message).toContain('field State must be integer (got null)');
    expect(thrownApiError(() => attrs({})).message).toContain('field State is missing');
  });
});
