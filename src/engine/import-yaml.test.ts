import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../config/load-config.js';
import { DEFAULT_SCHEMA_REF, renderImportYaml } from './import-yaml.js';
import type { ImportObservation, ImportYamlInput } from './import-yaml.js';
import { definitionFor } from '../providers/registry.js';
import { fixtureResponse, providerConfig, resourceConfig } from '../../test/fixtures/responses/index.js';

const READ_AT = '2026-11-29T06:00:00.000Z';

const tencent = providerConfig({
  cloud: 'tencentcloud',
  alias: 'prod',
  region: 'ap-guangzhou',
  site: 'intl',
  credentials: { kind: 'profile', profile: 'prod' },
});

const alibaba = providerConfig({
  cloud: 'alicloud',
  alias: 'cn',
  region: 'cn-hangzhou',
  credentials: { kind: 'env', id: 'ALI_ID', secret: 'ALI_SECRET' },
  rateLimits: { GetKmsInstance: 5 },
});

const tencentObservations: ImportObservation[] = [
  {
    type: 'tencentcloud_kms_service',
    name: 'prod-gz',
    region: 'ap-guangzhou',
    attributes: {
      service_enabled: true,
      service_state: 'normal',
      edition: 'ultimate',
      auto_renew: true,
      expires_at: '2027-06-30T16:00:00.000Z',
      cmk_count: 12,
      cmk_limit: 20000,
      cmk_remaining: 19988,
      subscription: 'Prepaid_KMS',
    },
  },
  {
    type: 'tencentcloud_kms_service',
    name: 'prod-sh',
    region: 'ap-shanghai',
    // ProExpireTime 0 → null: no window can be written for a date that does not exist.
    attributes: { service_enabled: true, service_state: 'normal', edition: 'basic', auto_renew: false, expires_at: null },
  },
  {
    type: 'tencentcloud_tcss_subscription',
    name: 'account',
    attributes: {
      state: 'pro_active',
      edition: 'pro',
      sub_state: 'normal',
      auto_renew: null,
      auto_renew_setting: '194',
      expires_at: '2026-12-10T16:00:00.000Z',
      cores_total: 154,
    },
  },
];

function input(overrides: Partial<ImportYamlInput> = {}): ImportYamlInput {
  return {
    providers: [tencent],
    observations: tencentObservations,
    readAt: READ_AT,
    endpoint: 'https://kms.intl.tencentcloudapi.com',
    ...overrides,
  };
}

describe('renderImportYaml', () => {
  it('writes the provider block and stable expectations only', () => {
    const text = renderImportYaml(input());
    expect(parse(text)).toEqual({
      version: 1,
      providers: { tencentcloud: { prod: { region: 'ap-guangzhou', site: 'intl', credentials: { profile: 'prod' } } } },
      resources: {
        tencentcloud_kms_service: {
          'prod-gz': {
            provider: 'tencentcloud.prod',
            expect: {
              service_enabled: true,
              service_state: 'normal',
              edition: 'ultimate',
              auto_renew: true,
              expires_at: { not_within: '30d' },
            },
          },
          'prod-sh': {
            provider: 'tencentcloud.prod',
            region: 'ap-shanghai',
            expect: { service_enabled: true, service_state: 'normal', edition: 'basic', auto_renew: false },
          },
        },
        tencentcloud_tcss_subscription: {
          // auto_renew unknown and an undocumented setting are left out; counters never go in.
          account: { provider: 'tencentcloud.prod', expect: { state: 'pro_active', edition: 'pro', expires_at: { not_within: '30d' } } },
        },
      },
    });
  });

  it('records when and where the status was read, with the editor schema line first', () => {
    const text = renderImportYaml(input());
    const lines = text.split('\n');
    expect(lines[0]).toBe(`# yaml-language-server: $schema=${DEFAULT_SCHEMA_REF}`);
    expect(lines[1]).toMatch(/^# .*relative to this file/);
    expect(text).toContain(`# read at ${READ_AT} from https://kms.intl.tencentcloudapi.com.`);
    expect(text).toContain('provider tencentcloud.prod');
    expect(text).toContain('expires_at: { not_within: 30d } # read: 2027-06-30T16:00:00.000Z\n');
    // 11 days after the read: the comment warns that the new file fails until renewed.
    expect(text).toContain('# read: 2026-12-10T16:00:00.000Z (already within 30d: fails until renewed)');
    expect(renderImportYaml(input({ schemaRef: '../schemas/driftwatch.schema.json' })).split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../schemas/driftwatch.schema.json',
    );
  });

  it('is deterministic', () => {
    expect(renderImportYaml(input())).toBe(renderImportYaml(input()));
  });

  it('writes instance ids, env credential names and rate limits for Alibaba', () => {
    const text = renderImportYaml({
      providers: [alibaba],
      readAt: READ_AT,
      endpoint: 'https://kms.cn-hangzhou.aliyuncs.com',
      observations: [
        {
          type: 'alicloud_cas_private_ca',
          name: 'root',
          instanceId: 'cas-member-0hmi1234',
          region: 'cn-shanghai',
          attributes: {
            status: 'USED',
            ca_type: 'ROOT',
            certificates_remaining: 9,
            certificate_expires_at: '2036-10-25T16:00:00.000Z',
            instance_expires_at: '2027-11-18T16:00:00.000Z',
          },
        },
        {
          type: 'alicloud_kms_instance',
          name: 'kst-hzz000001',
          instanceId: 'kst-hzz000001',
          region: 'cn-hangzhou',
          attributes: {
            status: 'Upgrading',
            charge_type: 'PREPAY',
            log_enabled: true,
            expires_at: '2027-06-30T16:00:00.000Z',
            key_quota: 1000,
          },
        },
      ],
    });
    expect(parse(text)).toEqual({
      version: 1,
      providers: {
        alicloud: {
          cn: { region: 'cn-hangzhou', credentials: { env: { id: 'ALI_ID', secret: 'ALI_SECRET' } }, rate_limits: { GetKmsInstance: 5 } },
        },
      },
      resources: {
        // Catalog order, not input order; an undocumented status is not written as an expectation.
        alicloud_kms_instance: {
          'kst-hzz000001': {
            provider: 'alicloud.cn',
            instance_id: 'kst-hzz000001',
            expect: { charge_type: 'PREPAY', log_enabled: true, expires_at: { not_within: '30d' } },
          },
        },
        alicloud_cas_private_ca: {
          // The CA type is not regional: its region is not written.
          root: {
            provider: 'alicloud.cn',
            instance_id: 'cas-member-0hmi1234',
            expect: {
              status: 'USED',
              ca_type: 'ROOT',
              certificate_expires_at: { not_within: '30d' },
              instance_expires_at: { not_within: '30d' },
            },
          },
        },
      },
    });
  });

  it('keeps repeated names apart and says when nothing could be read', () => {
    const text = renderImportYaml(
      input({
        observations: [
          { type: 'tencentcloud_kms_service', name: 'gz', attributes: { edition: 'basic' } },
          { type: 'tencentcloud_kms_service', name: 'gz', attributes: {} },
        ],
      }),
    );
    const parsed = parse(text) as { resources: { tencentcloud_kms_service: Record<string, { expect: object }> } };
    expect(Object.keys(parsed.resources.tencentcloud_kms_service)).toEqual(['gz', 'gz-2']);
    expect(parsed.resources.tencentcloud_kms_service['gz-2']?.expect).toEqual({});
    expect(text).toContain('no stable attribute could be read');
    expect(parse(renderImportYaml(input({ observations: [] })))).toMatchObject({ resources: {} });
    expect(renderImportYaml(input({ observations: [] }))).toContain('nothing was found to import');
  });

  it('renders what the normalizers produce from the vendor examples', () => {
    const kms = definitionFor('tencentcloud_kms_service').normalize(
      fixtureResponse('tencentcloud-kms-get-service-status'),
      resourceConfig('tencentcloud_kms_service'),
    );
    if (kms.status !== 'ok') throw new Error('expected ok');
    const text = renderImportYaml(
      input({ observations: [{ type: 'tencentcloud_kms_service', name: 'gz', region: 'ap-guangzhou', attributes: kms.attributes }] }),
    );
    expect(parse(text)).toMatchObject({
      resources: {
        tencentcloud_kms_service: {
          gz: {
            expect: {
              service_enabled: true,
              service_state: 'normal',
              edition: 'basic',
              auto_renew: true,
              expires_at: { not_within: '30d' },
            },
          },
        },
      },
    });
  });

  it('passes configuration validation (loadConfig)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'driftwatch-import-'));
    try {
      await writeFile(join(dir, 'tencent.yaml'), renderImportYaml(input()));
      await writeFile(
        join(dir, 'alibaba.yaml'),
        renderImportYaml({
          providers: [alibaba],
          readAt: READ_AT,
          endpoint: 'http://127.0.0.1:8080',
          observations: [
            {
              type: 'alicloud_kms_instance',
              name: 'hz',
              instanceId: 'kst-hzz000001',
              region: 'cn-shanghai',
              attributes: { status: 'Connected', expires_at: '2027-06-30T16:00:00.000Z' },
            },
            {
              type: 'alicloud_cas_private_ca',
              name: 'root',
              instanceId: 'cas-member-000001',
              attributes: { status: 'USED', ca_type: 'SUB_ROOT' },
            },
          ],
        }),
      );
      const result = await loadConfig([dir], { cwd: dir, env: {} });
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.state.resources.map((r) => r.address).sort()).toEqual([
        'alicloud_cas_private_ca.root',
        'alicloud_kms_instance.hz',
        'tencentcloud_kms_service.prod-gz',
        'tencentcloud_kms_service.prod-sh',
        'tencentcloud_tcss_subscription.account',
      ]);
      const gz = result.state.resources.find((r) => r.address === 'tencentcloud_kms_service.prod-gz');
      expect(gz?.expect.find((e) => e.attribute === 'expires_at')).toMatchObject({ operator: 'not_within', expected: '30d' });
      expect(gz?.expect.find((e) => e.attribute === 'edition')).toMatchObject({ operator: 'equals', expected: 'ultimate' });
      const hz = result.state.resources.find((r) => r.address === 'alicloud_kms_instance.hz');
      expect(hz).toMatchObject({ instanceId: 'kst-hzz000001', region: 'cn-shanghai' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('renderImportYaml: role credentials (issue 13)', () => {
  it('writes assume_role, instance roles and oidc back as the source they came from', () => {
    const role = providerConfig({
      cloud: 'alicloud',
      alias: 'member',
      region: 'cn-hangzhou',
      credentials: {
        kind: 'assume_role',
        roleArn: 'acs:ram::1234:role/audit',
        externalId: 'ext-1',
        durationSeconds: 1800,
        source: { kind: 'ecs_ram_role', roleName: 'worker' },
      },
    });
    const yaml = parse(
      renderImportYaml({ providers: [role], observations: [], readAt: READ_AT, endpoint: 'https://kms.cn-hangzhou.aliyuncs.com/' }),
    ) as {
      providers: { alicloud: { member: { credentials: unknown } } };
    };
    expect(yaml.providers.alicloud.member.credentials).toEqual({
      assume_role: { role_arn: 'acs:ram::1234:role/audit', external_id: 'ext-1', duration: 1800, source: { ecs_ram_role: 'worker' } },
    });
    const oidc = providerConfig({ cloud: 'tencentcloud', alias: 'ci', region: 'ap-guangzhou', credentials: { kind: 'oidc' } });
    const tc = parse(
      renderImportYaml({ providers: [oidc], observations: [], readAt: READ_AT, endpoint: 'https://kms.tencentcloudapi.com/' }),
    ) as {
      providers: { tencentcloud: { ci: { credentials: unknown } } };
    };
    expect(tc.providers.tencentcloud.ci.credentials).toBe('oidc');
  });
});
