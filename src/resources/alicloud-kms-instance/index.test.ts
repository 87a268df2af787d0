import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../model/json.js';
import { createDefinition } from '../../providers/registry.js';
import { alicloudKmsInstance } from './index.js';
import {
  apiResponse,
  fixtureResponse,
  loadFixture,
  providerConfig,
  resourceConfig,
  thrownApiError,
} from '../../../test/fixtures/responses/index.js';

const createAlicloudKmsInstanceDefinition = () => createDefinition(alicloudKmsInstance);

const definition = createAlicloudKmsInstanceDefinition();
const INSTANCE = 'kst-bjj62f5ba3dnpb6v8****';
const resource = resourceConfig('alicloud_kms_instance', { instanceId: INSTANCE });
const provider = providerConfig({ cloud: 'alicloud', region: 'cn-hangzhou' });

function withInstance(fields: JsonObject) {
  return definition.normalize(apiResponse({ RequestId: 'r', KmsInstance: { InstanceId: INSTANCE, ...fields } }), resource);
}

function attrs(fields: JsonObject): JsonObject {
  const result = withInstance(fields);
  if (result.status !== 'ok') throw new Error('expected ok');
  return result.attributes;
}

describe('alicloud_kms_instance call', () => {
  it('sends KmsInstanceId to the region endpoint', () => {
    expect(definition.call(resource, provider)).toEqual({
      cloud: 'alicloud',
      product: 'kms',
      action: 'GetKmsInstance',
      version: '2016-01-20',
      region: 'cn-hangzhou',
      params: { KmsInstanceId: INSTANCE },
    });
    const own = resourceConfig('alicloud_kms_instance', { instanceId: INSTANCE, region: 'cn-shanghai' });
    expect(definition.call(own, provider).region).toBe('cn-shanghai');
    expect(definition.api.defaultQps).toBe(10);
  });
  it('refuses to build a call without an instance id or a region', () => {
    const noId = thrownApiError(() => definition.call(resourceConfig('alicloud_kms_instance'), provider));
    expect([noId.kind, noId.code]).toEqual(['invalid_request', 'DW_INSTANCE_ID_REQUIRED']);
    const noRegion = thrownApiError(() => definition.call(resource, providerConfig({ cloud: 'alicloud' })));
    expect([noRegion.kind, noRegion.code]).toEqual(['invalid_request', 'DW_REGION_REQUIRED']);
  });
});

describe('alicloud_kms_instance normalize', () => {
  it('normalizes the vendor example (seed 001), SecretNum string → integer', () => {
    const result = definition.normalize(fixtureResponse('alicloud-kms-get-kms-instance'), resource);
    expect(result).toEqual({
      status: 'ok',
      attributes: {
        status: 'Connected',
        instance_name: INSTANCE,
        expires_at: '2023-10-05T16:00:00.000Z',
        starts_at: '2023-09-05T12:44:19.000Z',
        created_at: '2023-09-05T12:44:20.000Z',
        charge_type: 'POSTPAY',
        spec: 1000,
        key_quota: 1000,
        secret_quota: 10,
        vpc_quota: 5,
        log_enabled: true,
        log_storage_gb: 100,
        product_type: 'kms_ddi_public_cn',
        product_version: '3',
        sale_status: 'Normal',
        vpc_id: 'vpc-bp19z7cwmltad5dff****',
        bound_vpc_count: 1,
      },
      raw: loadFixture('alicloud-kms-get-kms-instance')['KmsInstance'],
    });
  });

  it('reports an empty or missing InstanceId in a success body as absent', () => {
    expect(definition.normalize(apiResponse({ RequestId: 'r', KmsInstance: { InstanceId: '' } }), resource)).toEqual({ status: 'absent' });
    expect(definition.normalize(apiResponse({ RequestId: 'r', KmsInstance: {} }), resource)).toEqual({ status: 'absent' });
    expect(definition.normalize(apiResponse({ RequestId: 'r', KmsInstance: { InstanceId: null } }), resource)).toEqual({
      status: 'absent',
    });
  });

  it('refuses an answer about another instance', () => {
    const error = thrownApiError(() => definition.normalize(apiResponse({ KmsInstance: { InstanceId: 'kst-other' } }), resource));
    expect(error.kind).toBe('invalid_response');
    expect(error.message).toContain('kst-other');
  });

  it('requires the KmsInstance object', () => {
    expect(thrownApiError(() => definition.normalize(apiResponse({ RequestId: 'r' }), resource)).message).toBe(
      'GetKmsInstance response: field KmsInstance is missing',
    );
    expect(thrownApiError(() => definition.normalize(apiResponse({ KmsInstance: [] }), resource)).message).toContain(
      'field KmsInstance must be object (got array)',
    );
  });

  it('rejects a non-numeric SecretNum and a string KeyNum', () => {
    const secret = thrownApiError(() => attrs({ SecretNum: 'ten' }));
    expect(secret.kind).toBe('invalid_response');
    expect(secret.message).toContain('KmsInstance.SecretNum');
    expect(thrownApiError(() => attrs({ SecretNum: '' })).kind).toBe('invalid_response');
    expect(thrownApiError(() => attrs({ KeyNum: '1000' })).message).toContain(
      'field KmsInstance.KeyNum must be integer or null (got string)',
    );
  });

  it('accepts SecretNum as a number too', () => {
    expect(attrs({ SecretNum: 20 })['secret_quota']).toBe(20);
  });

  it('maps Log 1/0 and makes other values unknown', () => {
    expect([1, 0, 3].map((Log) => attrs({ Log })['log_enabled'])).toEqual([true, false, null]);
  });

  it('counts bound VPCs through the wrapper; a wrapper without a list is unknown', () => {
    expect(attrs({ BindVpcs: { BindVpc: [] } })['bound_vpc_count']).toBe(0);
    expect(attrs({ BindVpcs: { BindVpc: [{}, {}] } })['bound_vpc_count']).toBe(2);
    expect(attrs({ BindVpcs: {} })['bound_vpc_count']).toBeNull();
    expect('bound_vpc_count' in attrs({})).toBe(false);
  });

  it('keeps an undocumented Status raw and makes unparsable dates unknown', () => {
    const a = attrs({ Status: 'Upgrading', EndDate: '', StartDate: '2023-09-05 12:44:19' });
    expect(a).toMatchObject({ status: 'Upgrading', expires_at: null, starts_at: null });
  });
});
