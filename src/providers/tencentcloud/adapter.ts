import { CLOUD_IDENTITIES } from '../../model/clouds.js';
import type { CloudAdapter } from '../cloud-adapter.js';
import { DEFAULT_STS_QPS } from '../cloud-adapter.js';
import { callTencent } from './client.js';
import { planTencentCredentials } from './credentials.js';

/** Regions whose products live at their own hosts rather than behind the nearest-region domain. */
const TENCENT_FINANCIAL_REGIONS: readonly string[] = ['ap-shanghai-fsi', 'ap-shenzhen-fsi'];

/**
 * Tencent Cloud: TC3-HMAC-SHA256 over a JSON POST (cloud-apis.md §1), nearest-region domains per
 * site, STS 2018-08-13, the CVM instance role at metadata.tencentyun.com.
 */
export const tencentcloudAdapter: CloudAdapter = {
  cloud: 'tencentcloud',
  identity: CLOUD_IDENTITIES.tencentcloud,
  send: (input) => callTencent(input),
  endpoints: {
    tables: [
      {
        cloud: 'tencentcloud',
        product: 'kms',
        map: Object.fromEntries(TENCENT_FINANCIAL_REGIONS.map((r) => [r, `kms.${r}.tencentcloudapi.com`])),
        fallback: 'nearest-by-site',
        regionRequired: false,
      },
      {
        cloud: 'tencentcloud',
        product: 'tcss',
        map: Object.fromEntries(TENCENT_FINANCIAL_REGIONS.map((r) => [r, `tcss.${r}.tencentcloudapi.com`])),
        fallback: 'nearest-by-site',
        regionRequired: false,
      },
    ],
    nearestHost: (product, site) => (site === 'intl' ? `${product}.intl.tencentcloudapi.com` : `${product}.tencentcloudapi.com`),
    regionalHost: (product, region) => `${product}.${region}.tencentcloudapi.com`,
    stsHost: 'sts.tencentcloudapi.com',
  },
  errors: {
    keyDocs: 'TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (or the profile in ~/.tencentcloud/credentials)',
    policyDocs: 'a CAM policy',
    clockSkewMinutes: 5,
    // Tencent's InvalidAction means the API name does not exist: the shared table's invalid_request.
    classify: () => undefined,
  },
  credentials: {
    plan: (source, ctx) => planTencentCredentials(source, ctx),
    stsHostFromEnv: () => undefined,
    // The SDK's STSCredential sends region ap-guangzhou; STS is a global service.
    assumeRoleCall: (plan, params) => ({
      cloud: 'tencentcloud',
      product: 'sts',
      action: 'AssumeRole',
      version: '2018-08-13',
      region: 'ap-guangzhou',
      body: { ...params, DurationSeconds: plan.durationSeconds },
    }),
    webIdentityCall: (plan, token) => ({
      cloud: 'tencentcloud',
      product: 'sts',
      action: 'AssumeRoleWithWebIdentity',
      version: '2018-08-13',
      ...(plan.region !== undefined ? { region: plan.region } : {}),
      body: {
        ProviderId: plan.providerArn,
        WebIdentityToken: token,
        RoleArn: plan.roleArn,
        RoleSessionName: plan.sessionName,
        DurationSeconds: plan.durationSeconds,
      },
    }),
    keyEnv: { id: 'TENCENTCLOUD_SECRET_ID', secret: 'TENCENTCLOUD_SECRET_KEY' },
    temporaryKeys: {
      id: 'TmpSecretId',
      secret: 'TmpSecretKey',
      token: 'Token',
      stsExpiryIn: 'response',
      expiry: ['ExpiredTime', 'Expiration'],
    },
    // tencentcloud-sdk-nodejs' buffer.
    refreshMarginMs: 30_000,
  },
  metadata: {
    baseUrl: 'http://metadata.tencentyun.com/',
    credentialsPath: 'latest/meta-data/cam/security-credentials/',
    runOn: 'CVM instance with a CAM role bound',
    expiry: ['ExpiredTime', 'Expiration'],
  },
  rateLimits: { stsQps: DEFAULT_STS_QPS },
  init: {
    defaultRegion: 'ap-guangzhou',
    providerLines: (region) => [
      '  tencentcloud:',
      '    main:',
      `      region: ${region}`,
      '      site: china                 # intl for the international site (*.intl.tencentcloudapi.com)',
      '      # credentials: default chain = TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY, then ~/.tencentcloud/credentials.',
      '      # Or name a source: credentials: { profile: prod }  |  credentials: { env: { id: MY_ID_VAR, secret: MY_KEY_VAR } }',
      '      timeout: 30s                # per-attempt request timeout (a call retries within 4x this)',
    ],
    resourceLines: [
      '  tencentcloud_kms_service:          # `driftwatch list attributes tencentcloud_kms_service`',
      '    main:',
      '      provider: tencentcloud.main',
      '      expect:',
      '        service_state: normal',
      '        edition: { equals: ultimate, description: Ultimate is what the key policies assume }',
      '        auto_renew: true',
      '        expires_at: { not_within: 30d, severity: high }',
      '',
      '  tencentcloud_tcss_subscription:',
      '    main:',
      '      provider: tencentcloud.main',
      '      expect:',
      '        state: { equals: pro_active, severity: critical }',
      '        auto_renew: true',
      '        expires_at: { not_within: 30d, severity: high }',
    ],
    resourcesLive: true,
  },
};
