import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../model/json.js';
import { createDefinition } from '../../providers/registry.js';
import { alicloudCasPrivateCa } from './index.js';
import {
  apiResponse,
  fixtureResponse,
  loadFixture,
  providerConfig,
  resourceConfig,
  thrownApiError,
} from '../../../test/fixtures/responses/index.js';

const createAlicloudCasPrivateCaDefinition = () => createDefinition(alicloudCasPrivateCa);

const definition = createAlicloudCasPrivateCaDefinition();
const INSTANCE = 'cas-member-0hmi****';
const resource = resourceConfig('alicloud_cas_private_ca', { instanceId: INSTANCE });

function normalizeList(list: JsonObject[], r = resource) {
  return definition.normalize(apiResponse({ RequestId: 'r', InstanceStatusList: list }), r);
}

describe('alicloud_cas_private_ca call', () => {
  it('sends InstanceId, with the provider region only as a hint', () => {
    expect(definition.call(resource, providerConfig({ cloud: 'alicloud' }))).toEqual({
      cloud: 'alicloud',
      product: 'cas',
      action: 'GetCAInstanceStatus',
      version: '2020-06-30',
      params: { InstanceId: INSTANCE },
    });
    expect(definition.call(resource, providerConfig({ cloud: 'alicloud', region: 'cn-hangzhou' })).region).toBe('cn-hangzhou');
    expect(definition.api).toEqual({ product: 'cas', action: 'GetCAInstanceStatus', version: '2020-06-30', defaultQps: 10 });
  });
  it('refuses to build a call without an instance id', () => {
    const error = thrownApiError(() => definition.call(resourceConfig('alicloud_cas_private_ca'), providerConfig({ cloud: 'alicloud' })));
    expect(error.code).toBe('DW_INSTANCE_ID_REQUIRED');
  });
});

describe('alicloud_cas_private_ca normalize', () => {
  it('normalizes the vendor example (seed 004), milliseconds and remaining certificates', () => {
    const result = definition.normalize(fixtureResponse('alicloud-cas-get-ca-instance-status'), resource);
    expect(result).toEqual({
      status: 'ok',
      attributes: {
        status: 'USED',
        ca_type: 'ROOT',
        certificates_total: 10,
        certificates_issued: 1,
        certificates_remaining: 9,
        certificate_expires_at: '2026-10-25T16:00:00.000Z',
        certificate_not_before: '2021-10-25T16:00:00.000Z',
        identifier: 'a7bb2dd212a2112128cd5cc9b753****',
        instance_expires_at: '2021-11-18T16:00:00.000Z',
      },
      raw: (loadFixture('alicloud-cas-get-ca-instance-status')['InstanceStatusList'] as JsonObject[])[0],
    });
  });

  it('picks the element for this instance out of a longer list', () => {
    const result = normalizeList([
      { InstanceId: 'cas-member-other', Status: 'REVOKE', CertTotalCount: 1, CertIssuedCount: 1 },
      { InstanceId: INSTANCE, Status: 'BUY', Type: 'SUB_ROOT', CertTotalCount: 1000, CertIssuedCount: 0 },
    ]);
    expect(result.status === 'ok' && result.attributes).toEqual({
      status: 'BUY',
      ca_type: 'SUB_ROOT',
      certificates_total: 1000,
      certificates_issued: 0,
      certificates_remaining: 1000,
    });
  });

  it('is absent when no element has this instance id (an empty list included)', () => {
    expect(normalizeList([])).toEqual({ status: 'absent' });
    expect(normalizeList([{ InstanceId: 'cas-member-other', Status: 'USED' }])).toEqual({ status: 'absent' });
  });

  // Issue 11: counters must be non-negative and issued <= total; epochs in a wrong unit are unknown.
  it('makes a negative counter, issued > total and a seconds value in a milliseconds field unknown', () => {
    const negative = normalizeList([{ InstanceId: INSTANCE, CertTotalCount: 5, CertIssuedCount: -1000 }]);
    expect(negative.status === 'ok' && negative.attributes).toEqual({
      certificates_total: 5,
      certificates_issued: null,
      certificates_remaining: null,
    });
    const over = normalizeList([{ InstanceId: INSTANCE, CertTotalCount: 10, CertIssuedCount: 20 }]);
    expect(over.status === 'ok' && over.attributes).toEqual({
      certificates_total: 10,
      certificates_issued: 20,
      certificates_remaining: null,
    });
    const seconds = normalizeList([{ InstanceId: INSTANCE, AfterTime: 1792944000, UseExpireTime: 1637251200 }]);
    expect(seconds.status === 'ok' && seconds.attributes).toEqual({ certificate_expires_at: null, instance_expires_at: null });
  });

  it('refuses an ambiguous list', () => {
    const error = thrownApiError(() => normalizeList([{ InstanceId: INSTANCE }, { InstanceId: INSTANCE }]));
    expect(error.kind).toBe('invalid_response');
  });

  it('keeps unknown enum values raw and makes a 0 timestamp unknown', () => {
    const result = normalizeList([{ InstanceId: INSTANCE, Status: 'EXPIRED', Type: 'LEAF', AfterTime: 0 }]);
    expect(result.status === 'ok' && result.attributes).toEqual({ status: 'EXPIRED', ca_type: 'LEAF', certificate_expires_at: null });
  });

  it('rejects wrong types with the element path', () => {
    expect(thrownApiError(() => normalizeList([{ InstanceId: INSTANCE, CertTotalCount: '10' }])).message).toBe(
      'GetCAInstanceStatus response: field InstanceStatusList[0].CertTotalCount must be integer or null (got string)',
    );
    expect(thrownApiError(() => normalizeList([{ Status: 'USED' }])).message).toContain(
      'field InstanceStatusList[0].InstanceId is missing',
    );
    expect(thrownApiError(() => definition.normalize(apiResponse({ InstanceStatusList: {} }), resource)).message).toContain(
      'InstanceStatusList must be array (got object)',
    );
  });
});
