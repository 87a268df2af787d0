import { CLOUD_IDENTITIES } from '../../model/clouds.js';
import { CredentialsError } from '../../model/errors.js';
import type { CloudAdapter } from '../cloud-adapter.js';
import { DEFAULT_STS_QPS } from '../cloud-adapter.js';
import { callAlibaba } from './client.js';
import { planAlibabaCredentials } from './credentials.js';
import { nonBlank } from '../credentials.js';

/**
 * Alibaba CAS (cas 2020-06-30) regions the official client maps to the central host
 * `cas.aliyuncs.com` (aliyun/alibabacloud-typescript-sdk `cas-20200630/src/client.ts`,
 * `_endpointMap`; endpoint rule `regional`). Every other region — ap-southeast-1, ap-southeast-2,
 * ap-northeast-1, eu-central-1, me-central-1, ap-south-1, me-east-1, and any region added later —
 * is served at `cas.<region>.aliyuncs.com`.
 */
export const ALIBABA_CAS_CENTRAL_REGIONS: readonly string[] = [
  'cn-hangzhou',
  'ap-northeast-2-pop',
  'ap-southeast-3',
  'ap-southeast-5',
  'cn-beijing',
  'cn-beijing-finance-1',
  'cn-beijing-finance-pop',
  'cn-beijing-gov-1',
  'cn-beijing-nu16-b01',
  'cn-chengdu',
  'cn-edge-1',
  'cn-fujian',
  'cn-haidian-cm12-c01',
  'cn-hangzhou-bj-b01',
  'cn-hangzhou-finance',
  'cn-hangzhou-internal-prod-1',
  'cn-hangzhou-internal-test-1',
  'cn-hangzhou-internal-test-2',
  'cn-hangzhou-internal-test-3',
  'cn-hangzhou-test-306',
  'cn-hongkong',
  'cn-hongkong-finance-pop',
  'cn-huhehaote',
  'cn-huhehaote-nebula-1',
  'cn-north-2-gov-1',
  'cn-qingdao',
  'cn-qingdao-nebula',
  'cn-shanghai',
  'cn-shanghai-et15-b01',
  'cn-shanghai-et2-b01',
  'cn-shanghai-finance-1',
  'cn-shanghai-inner',
  'cn-shanghai-internal-test-1',
  'cn-shenzhen',
  'cn-shenzhen-finance-1',
  'cn-shenzhen-inner',
  'cn-shenzhen-st4-d01',
  'cn-shenzhen-su18-b01',
  'cn-wuhan',
  'cn-wulanchabu',
  'cn-yushanfang',
  'cn-zhangbei',
  'cn-zhangbei-na61-b01',
  'cn-zhangjiakou',
  'cn-zhangjiakou-na62-a01',
  'cn-zhengzhou-nebula-1',
  'eu-west-1',
  'eu-west-1-oxs',
  'rus-west-1-pop',
  'us-east-1',
  'us-west-1',
];

/** The regions the corrected cloud-apis.md §2.1 names as served by their own CAS host (tested one by one). */
export const ALIBABA_CAS_REGIONAL_REGIONS: readonly string[] = [
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-central-1',
  'me-central-1',
  'ap-south-1',
  'me-east-1',
];

function mapOf(regions: readonly string[], host: string): Record<string, string> {
  return Object.fromEntries(regions.map((r) => [r, host]));
}

const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;

/**
 * Alibaba's regional STS endpoints, as @alicloud/credentials picks them: `sts.<region>.aliyuncs.com`
 * when ALIBABA_CLOUD_STS_REGION is set (`sts-vpc.<region>…` with ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true).
 */
function alibabaStsHost(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const region = nonBlank(env.ALIBABA_CLOUD_STS_REGION);
  if (region === undefined) return undefined;
  if (!REGION.test(region)) {
    throw new CredentialsError(
      'ALIBABA_CLOUD_STS_REGION is not a region id',
      'Set it to a region such as cn-hangzhou, or unset it for sts.aliyuncs.com.',
    );
  }
  const vpc = nonBlank(env.ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED)?.toLowerCase() === 'true';
  return `${vpc ? 'sts-vpc' : 'sts'}.${region}.aliyuncs.com`;
}

/**
 * Alibaba Cloud: ACS3-HMAC-SHA256 (or the V2 RPC signature) over RPC-style requests
 * (cloud-apis.md §2), one host per product and region, STS 2015-04-01, the ECS instance RAM role
 * at 100.100.100.200 with the hardened (token) mode.
 */
export const alicloudAdapter: CloudAdapter = {
  cloud: 'alicloud',
  identity: CLOUD_IDENTITIES.alicloud,
  send: (input, options) =>
    callAlibaba({ ...input, ...(options.alibabaSignature !== undefined ? { signature: options.alibabaSignature } : {}) }),
  endpoints: {
    tables: [
      // kms-20160120: no map, rule `regional` — every region has its own host.
      { cloud: 'alicloud', product: 'kms', map: {}, fallback: 'regional', regionRequired: true },
      {
        cloud: 'alicloud',
        product: 'cas',
        map: {
          ...mapOf(ALIBABA_CAS_CENTRAL_REGIONS, 'cas.aliyuncs.com'),
          ...Object.fromEntries(ALIBABA_CAS_REGIONAL_REGIONS.map((r) => [r, `cas.${r}.aliyuncs.com`])),
        },
        fallback: 'regional',
        regionRequired: true,
      },
    ],
    // There is no Alibaba "site" in a host: the central domain serves both.
    nearestHost: (product) => `${product}.aliyuncs.com`,
    regionalHost: (product, region) => `${product}.${region}.aliyuncs.com`,
    stsHost: 'sts.aliyuncs.com',
  },
  errors: {
    keyDocs: 'ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET (or the profile in ~/.aliyun/config.json)',
    policyDocs: 'a RAM policy',
    clockSkewMinutes: 15,
    // Alibaba's InvalidAction (403) means the key may not call it; Tencent's means the API name does not exist.
    classify: (code, httpStatus) => (code === 'InvalidAction' && httpStatus === 403 ? { kind: 'permission', retryable: false } : undefined),
  },
  credentials: {
    plan: (source, ctx) => planAlibabaCredentials(source, ctx),
    stsHostFromEnv: (env) => alibabaStsHost(env),
    assumeRoleCall: (_plan, params) => ({ cloud: 'alicloud', product: 'sts', action: 'AssumeRole', version: '2015-04-01', params }),
    webIdentityCall: (plan, token) => ({
      cloud: 'alicloud',
      product: 'sts',
      action: 'AssumeRoleWithOIDC',
      version: '2015-04-01',
      params: {
        RoleArn: plan.roleArn,
        OIDCProviderArn: plan.providerArn,
        OIDCToken: token,
        RoleSessionName: plan.sessionName,
        DurationSeconds: String(plan.durationSeconds),
      },
    }),
    keyEnv: { id: 'ALIBABA_CLOUD_ACCESS_KEY_ID', secret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET' },
    temporaryKeys: {
      id: 'AccessKeyId',
      secret: 'AccessKeySecret',
      token: 'SecurityToken',
      stsExpiryIn: 'credentials',
      expiry: ['Expiration'],
    },
    // @alicloud/credentials' stale time.
    refreshMarginMs: 15 * 60_000,
  },
  metadata: {
    baseUrl: 'http://100.100.100.200/',
    credentialsPath: 'latest/meta-data/ram/security-credentials/',
    // @alicloud/credentials asks for a 6-hour metadata token.
    sessionToken: {
      path: 'latest/api/token',
      ttlHeader: 'x-aliyun-ecs-metadata-token-ttl-seconds',
      ttlSeconds: 21_600,
      header: 'x-aliyun-ecs-metadata-token',
    },
    runOn: 'ECS instance with a RAM role attached',
    expiry: ['Expiration'],
  },
  rateLimits: { stsQps: DEFAULT_STS_QPS },
  init: {
    defaultRegion: 'cn-hangzhou',
    providerLines: (region) => [
      '  alicloud:',
      '    main:',
      `      region: ${region}`,
      '      # credentials: default chain = ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET, then ~/.alibabacloud/credentials.',
      '      timeout: 30s',
      '      # rate_limits: { GetKmsInstance: 10 }   # requests per second, below the vendor quota',
    ],
    resourceLines: [
      '',
      '  # Alibaba Cloud resources are per instance: fill in the ids (or run',
      '  # `driftwatch import . --provider alicloud.main --type alicloud_kms_instance --output kms.yaml`).',
      '  # alicloud_kms_instance:',
      '  #   main:',
      '  #     provider: alicloud.main',
      '  #     instance_id: kst-xxxxxxxxxxxx',
      '  #     expect:',
      '  #       status: { equals: Connected, severity: critical }',
      '  #       expires_at: { not_within: 30d }',
      '  # alicloud_cas_private_ca:',
      '  #   root:',
      '  #     provider: alicloud.main',
      '  #     instance_id: cas-xxxxxxxxxxxx',
      '  #     expect:',
      '  #       status: USED',
      '  #       certificates_remaining: { at_least: 100 }',
    ],
    resourcesLive: false,
  },
};
