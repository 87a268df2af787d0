import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../model/location.js';
import { loadConfig } from './load-config.js';
import type { LoadResult } from './load-config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'driftwatch-fanout-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(yaml: string): Promise<LoadResult & { problems: string[] }> {
  await writeFile(join(dir, 'c.yaml'), yaml);
  const loaded = await loadConfig(['c.yaml'], { cwd: dir, env: { SRC_ID: 'x', SRC_KEY: 'y' } });
  return { ...loaded, problems: loaded.diagnostics.map(formatDiagnostic) };
}

const ORG = `version: 1
providers:
  tencentcloud:
    org:
      regions: [ap-guangzhou, ap-shanghai]
      accounts: ["100000000001", { id: "100000000002", regions: [ap-beijing] }]
      credentials:
        assume_role:
          role_arn: "qcs::cam::uin/{account}:roleName/audit"
          duration: 1h
          source: { env: { id: SRC_ID, secret: SRC_KEY } }
  alicloud:
    org:
      region: cn-hangzhou
      accounts: ["1234567890123456"]
      credentials: { assume_role: { role_arn: "acs:ram::{account}:role/audit", external_id: ext-1, source: ecs_ram_role } }
`;

describe('fan-out', () => {
  it('expands providers per account (role ARN filled in) and account-level resources per account and region', async () => {
    const { state, problems } = await load(`${ORG}resources:
  tencentcloud_kms_service:
    kms: { provider: tencentcloud.org, expect: { edition: ultimate } }
  tencentcloud_tcss_subscription:
    tcss: { provider: tencentcloud.org, expect: { state: pro_active } }
  alicloud_cas_private_ca:
    root: { provider: alicloud.org, account: "1234567890123456", instance_id: cas-1, expect: { status: USED } }
waivers:
  - { resource: tencentcloud_kms_service.kms, rule: edition, reason: rollout, owner: a@example.com, expires: 2099-01-01 }
`);
    expect(problems).toEqual([]);
    expect(state.providers.map((p) => p.ref)).toEqual([
      'tencentcloud.org[100000000001]',
      'tencentcloud.org[100000000002]',
      'alicloud.org[1234567890123456]',
    ]);
    const tc = state.providers[0];
    expect(tc?.credentials).toMatchObject({
      kind: 'assume_role',
      roleArn: 'qcs::cam::uin/100000000001:roleName/audit',
      durationSeconds: 3600,
      source: { kind: 'env', id: 'SRC_ID' },
    });
    expect(state.providers[2]?.credentials).toMatchObject({
      roleArn: 'acs:ram::1234567890123456:role/audit',
      externalId: 'ext-1',
      source: { kind: 'ecs_ram_role' },
    });
    expect(state.resources.map((r) => [r.address, r.provider, r.region ?? null])).toEqual([
      ['tencentcloud_kms_service.kms[100000000001/ap-guangzhou]', 'tencentcloud.org[100000000001]', 'ap-guangzhou'],
      ['tencentcloud_kms_service.kms[100000000001/ap-shanghai]', 'tencentcloud.org[100000000001]', 'ap-shanghai'],
      ['tencentcloud_kms_service.kms[100000000002/ap-beijing]', 'tencentcloud.org[100000000002]', 'ap-beijing'],
      ['tencentcloud_tcss_subscription.tcss[100000000001]', 'tencentcloud.org[100000000001]', null],
      ['tencentcloud_tcss_subscription.tcss[100000000002]', 'tencentcloud.org[100000000002]', null],
      ['alicloud_cas_private_ca.root', 'alicloud.org[1234567890123456]', null],
    ]);
    expect(state.resources[0]?.group).toBe('tencentcloud_kms_service.kms');
    expect(state.waivers.map((w) => w.resource)).toEqual(state.resources.slice(0, 3).map((r) => r.address));
  });

  it('reports instance types without an account, unknown accounts, and {account} without accounts', async () => {
    const { problems } = await load(`version: 1
providers:
  alicloud:
    org: { region: cn-hangzhou, accounts: ["1"], credentials: { assume_role: { role_arn: "acs:ram::{account}:role/a" } } }
    single: { region: cn-hangzhou, credentials: { assume_role: { role_arn: "acs:ram::{account}:role/a" } } }
resources:
  alicloud_kms_instance:
    a: { provider: alicloud.org, instance_id: kst-1, expect: { status: Connected } }
    b: { provider: alicloud.org, account: "2", instance_id: kst-2, expect: { status: Connected } }
`);
    expect(problems).toEqual([
      'c.yaml:5:5: provider alicloud.single: {account} in role_arn needs an `accounts` list on the provider',
      "c.yaml:8:5: alicloud_kms_instance.a: alicloud_kms_instance names one instance, so on fanned-out provider alicloud.org it needs 'account: ID' (one of its accounts)",
      'c.yaml:9:5: alicloud_kms_instance.b: account 2 is not in the accounts of alicloud.org',
    ]);
  });
});

describe('credential sources in YAML', () => {
  it('accepts every documented form', async () => {
    const { problems, state } = await load(`version: 1
providers:
  tencentcloud:
    a: { region: ap-guangzhou, credentials: cvm_role }
    b: { region: ap-guangzhou, credentials: { cvm_role: audit } }
    c: { region: ap-guangzhou, credentials: oidc }
  alicloud:
    d: { region: cn-hangzhou, credentials: ecs_ram_role }
    e: { region: cn-hangzhou, credentials: { ecs_ram_role: audit } }
    f: { region: cn-hangzhou, credentials: { assume_role: { role_arn: "acs:ram::1:role/x", session_name: nightly, duration: 900, source: { assume_role: { role_arn: "acs:ram::2:role/y", source: { profile: ops } } } } } }
`);
    expect(problems).toEqual([]);
    expect(state.providers.map((p) => p.credentials)).toEqual([
      { kind: 'cvm_role' },
      { kind: 'cvm_role', roleName: 'audit' },
      { kind: 'oidc' },
      { kind: 'ecs_ram_role' },
      { kind: 'ecs_ram_role', roleName: 'audit' },
      {
        kind: 'assume_role',
        roleArn: 'acs:ram::1:role/x',
        sessionName: 'nightly',
        durationSeconds: 900,
        source: { kind: 'assume_role', roleArn: 'acs:ram::2:role/y', source: { kind: 'profile', profile: 'ops' } },
      },
    ]);
  });

  it('locates wrong-cloud instance roles, bad ARNs, durations and unknown keys', async () => {
    const { problems } = await load(`version: 1
providers:
  tencentcloud:
    a: { region: ap-guangzhou, credentials: ecs_ram_role }
  alicloud:
    b: { region: cn-hangzhou, credentials: { assume_role: { role_arn: "qcs::cam::uin/1:roleName/x", duration: 5m, sesion_name: x } } }
`);
    expect(problems.join('\n')).toContain(
      'ecs_ram_role is for alicloud providers; provider tencentcloud.a uses cvm_role for its instance role',
    );
    expect(problems.join('\n')).toContain('credentials.assume_role.role_arn of provider alicloud.b must be a role ARN like acs:ram::');
    expect(problems.join('\n')).toContain('credentials.assume_role.duration of provider alicloud.b must be 15m to 12h');
  });
});
