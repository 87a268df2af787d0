import { stringify } from 'yaml';

/**
 * An organization for the issue-13 tests: a Tencent "security" account whose long-lived key may
 * assume `driftwatch-audit` in N member accounts (one of which does not trust it), and an Alibaba
 * security account with a member role; the instance metadata roles of both clouds.
 */
export const ORG_ENV = {
  ORG_TC_ID: 'AKIDORGSECURITY0001',
  ORG_TC_KEY: 'org-tencent-security-secret-7f3a',
  ORG_ALI_ID: 'LTAIORGSECURITY0001',
  ORG_ALI_KEY: 'org-alibaba-security-secret-9c1d',
};

export const TC_SECURITY_UIN = '100000000001';
export const ALI_SECURITY_UID = '1000000000000001';
export const ALI_MEMBER_UID = '1000000000000002';

/** Member account uins: 200000000001, 200000000002, … */
export function memberUin(i: number): string {
  return String(200_000_000_000 + i);
}

export interface OrgOptions {
  readonly members: number;
  /** 1-based member numbers whose role does not trust the security account. */
  readonly untrusting?: readonly number[];
  /** 1-based member numbers whose KMS is on the basic edition (drift). */
  readonly drifted?: readonly number[];
  /** Lifetime of the credentials roles hand out. */
  readonly sessionSeconds?: number;
}

const KMS_OK = {
  ServiceEnabled: true,
  InvalidType: 1,
  UserLevel: 1,
  ProExpireTime: 1893456000,
  ProRenewFlag: 1,
  CmkUserCount: 1,
  CmkLimit: 100,
};

export function orgWorld(options: OrgOptions): Record<string, unknown> {
  const members = Array.from({ length: options.members }, (_, k) => {
    const i = k + 1;
    const uin = memberUin(i);
    const kms = options.drifted?.includes(i) ? { ...KMS_OK, UserLevel: 0 } : KMS_OK;
    return {
      cloud: 'tencentcloud',
      name: `member-${i}`,
      uin,
      secret_id: `AKIDMEMBER${String(i).padStart(6, '0')}`,
      secret_key: `member-secret-${i}`,
      roles: [
        {
          name: 'driftwatch-audit',
          trusted_accounts: options.untrusting?.includes(i) ? [] : [TC_SECURITY_UIN],
          ...(options.sessionSeconds !== undefined ? { session_seconds: options.sessionSeconds } : {}),
        },
      ],
      kms: { 'ap-guangzhou': kms, 'ap-shanghai': kms },
    };
  });
  return {
    accounts: [
      {
        cloud: 'tencentcloud',
        name: 'tc-security',
        uin: TC_SECURITY_UIN,
        secret_id: ORG_ENV.ORG_TC_ID,
        secret_key: ORG_ENV.ORG_TC_KEY,
        roles: [{ name: 'ci', oidc_providers: ['github'] }],
      },
      ...members,
      {
        cloud: 'alicloud',
        name: 'ali-security',
        uid: ALI_SECURITY_UID,
        access_key_id: ORG_ENV.ORG_ALI_ID,
        access_key_secret: ORG_ENV.ORG_ALI_KEY,
        roles: [{ name: 'ci', oidc_providers: [`acs:ram::${ALI_SECURITY_UID}:oidc-provider/github`] }],
      },
      {
        cloud: 'alicloud',
        name: 'ali-member',
        uid: ALI_MEMBER_UID,
        access_key_id: 'LTAIMEMBER0001',
        access_key_secret: 'ali-member-secret',
        roles: [
          {
            name: 'driftwatch-audit',
            trusted_accounts: [ALI_SECURITY_UID],
            external_id: 'org-ext-1',
            ...(options.sessionSeconds !== undefined ? { session_seconds: options.sessionSeconds } : {}),
          },
        ],
        ca_instances: [
          {
            InstanceId: 'cas-member',
            Type: 'ROOT',
            Status: 'USED',
            CertTotalCount: 500,
            CertIssuedCount: 20,
            AfterTime: 2082672000000,
            BeforeTime: 1735689600000,
            Identifier: 'ca-1',
            UseExpireTime: 1830268800000,
          },
        ],
      },
    ],
    metadata: {
      ecs_ram_role: { account: ALI_MEMBER_UID, role: 'ecs-audit', require_token: true },
      cvm_role: { account: memberUin(1), role: 'cvm-audit' },
    },
    faults: { seed: 13, latency_ms: [0, 1] },
  };
}

/** A configuration that checks KMS in two regions of every member from one provider block. */
export function orgConfig(members: number, endpoint?: string): string {
  return stringify({
    version: 1,
    providers: {
      tencentcloud: {
        org: {
          ...(endpoint !== undefined ? { endpoint } : {}),
          region: 'ap-guangzhou',
          regions: ['ap-guangzhou', 'ap-shanghai'],
          accounts: Array.from({ length: members }, (_, k) => memberUin(k + 1)),
          credentials: {
            assume_role: {
              role_arn: 'qcs::cam::uin/{account}:roleName/driftwatch-audit',
              session_name: 'nightly',
              source: { env: { id: 'ORG_TC_ID', secret: 'ORG_TC_KEY' } },
            },
          },
        },
      },
    },
    resources: {
      tencentcloud_kms_service: {
        kms: { provider: 'tencentcloud.org', expect: { edition: 'ultimate', auto_renew: true } },
      },
    },
  });
}
