/**
 * Synthetic workloads for the throughput benchmark (design.md §9): a world for the simulator and the
 * matching desired state, generated in code so that the mix (accounts × APIs × resources) and its
 * floor are exact and documented. Every resource is compliant in the world, so any status other
 * than `compliant` in a run is a failure the benchmark reports.
 */
import type { DesiredState, Expectation, ProviderConfig, ResourceConfig } from '../src/model/desired-state.js';
import type { Credentials } from '../src/providers/types.js';
import { worldFromObject } from '../src/simulator/world.js';
import type { World } from '../src/simulator/world.js';

/** The documented per-account limits (design.md §2) that the simulator enforces in every run. */
export const DOCUMENTED_LIMITS = {
  GetServiceStatus: 100,
  DescribePurchaseStateInfo: 20,
  GetKmsInstance: 10,
  GetCAInstanceStatus: 10,
  ListKmsInstances: 10,
} as const;

export type ApiName = 'GetServiceStatus' | 'DescribePurchaseStateInfo' | 'GetKmsInstance' | 'GetCAInstanceStatus';

export interface MixSpec {
  readonly name: string;
  /** Tencent accounts, each with `tencentRegions` KMS regions. */
  readonly tencentAccounts: number;
  readonly tencentRegions: number;
  /** How many of the Tencent accounts also have a TCSS resource. */
  readonly tcssAccounts: number;
  readonly alibabaAccounts: number;
  readonly kmsInstancesPerAccount: number;
  readonly caInstancesPerAccount: number;
}

/** 900 calls: 20 Tencent accounts × (20 KMS regions + TCSS), 3 Alibaba accounts × (80 KMS + 80 CA). Floor 8 s. */
export const MIX_900: MixSpec = {
  name: 'mix-900',
  tencentAccounts: 20,
  tencentRegions: 20,
  tcssAccounts: 20,
  alibabaAccounts: 3,
  kmsInstancesPerAccount: 80,
  caInstancesPerAccount: 80,
};

/**
 * 10,000 calls: 305 Tencent accounts × 20 KMS regions (6,100) + 300 TCSS (300), 3 Alibaba accounts ×
 * (600 KMS instances + 600 private CAs) (3,600). Floor 60 s: six 10/s buckets of 600 calls each.
 */
export const MIX_10K: MixSpec = {
  name: 'mix-10k',
  tencentAccounts: 305,
  tencentRegions: 20,
  tcssAccounts: 300,
  alibabaAccounts: 3,
  kmsInstancesPerAccount: 600,
  caInstancesPerAccount: 600,
};

/** Twenty real Tencent region ids, so the KMS calls look like a real fleet. */
const TENCENT_REGIONS = [
  'ap-guangzhou',
  'ap-shanghai',
  'ap-beijing',
  'ap-chengdu',
  'ap-chongqing',
  'ap-nanjing',
  'ap-hongkong',
  'ap-singapore',
  'ap-bangkok',
  'ap-jakarta',
  'ap-seoul',
  'ap-tokyo',
  'ap-mumbai',
  'na-siliconvalley',
  'na-ashburn',
  'eu-frankfurt',
  'sa-saopaulo',
  'ap-shanghai-fsi',
  'ap-shenzhen-fsi',
  'ap-beijing-fsi',
];
const ALIBABA_REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'cn-shenzhen'];

const LOCATION = { file: 'bench.yaml', line: 1, column: 1 };

export interface TencentCall {
  readonly cloud: 'tencentcloud';
  readonly api: 'GetServiceStatus' | 'DescribePurchaseStateInfo';
  readonly credentials: Credentials;
  readonly region?: string;
}

export interface AlibabaCall {
  readonly cloud: 'alicloud';
  readonly api: 'GetKmsInstance' | 'GetCAInstanceStatus';
  readonly credentials: Credentials;
  readonly region?: string;
  readonly instanceId: string;
}

/** One logical call of the mix, in the order a user's loop would make it (account by account). */
export type MixCall = TencentCall | AlibabaCall;

export interface Workload {
  readonly spec: MixSpec;
  readonly world: World;
  readonly state: DesiredState;
  readonly credentials: ReadonlyMap<string, Credentials>;
  readonly calls: readonly MixCall[];
  /** Calls per (account, API) bucket, as the simulator meters them. */
  readonly buckets: ReadonlyMap<string, { readonly api: ApiName; readonly calls: number; readonly limit: number }>;
  /** max over buckets of calls / limit, in seconds. */
  readonly floorSeconds: number;
}

function expectation(attribute: string, operator: Expectation['operator'], expected: Expectation['expected']): Expectation {
  return { attribute, operator, expected, severity: 'medium', location: LOCATION };
}

function pad(n: number, width = 4): string {
  return String(n).padStart(width, '0');
}

export function buildWorkload(spec: MixSpec): Workload {
  const accounts: unknown[] = [];
  const providers: ProviderConfig[] = [];
  const resources: ResourceConfig[] = [];
  const credentials = new Map<string, Credentials>();
  const calls: MixCall[] = [];
  const buckets = new Map<string, { api: ApiName; calls: number; limit: number }>();
  const count = (account: string, api: ApiName): void => {
    const key = `${account}|${api}`;
    const b = buckets.get(key) ?? { api, calls: 0, limit: DOCUMENTED_LIMITS[api] };
    b.calls += 1;
    buckets.set(key, b);
  };

  for (let a = 0; a < spec.tencentAccounts; a++) {
    const id = `AKIDBENCH${pad(a)}`;
    const creds: Credentials = { id, secret: `bench-tencent-secret-${pad(a)}`, source: 'bench' };
    const regions = TENCENT_REGIONS.slice(0, spec.tencentRegions);
    const kms: Record<string, unknown> = {};
    for (const region of regions) {
      kms[region] = {
        ServiceEnabled: true,
        InvalidType: 1,
        UserLevel: 1,
        ProExpireTime: 1893456000,
        ProRenewFlag: 1,
        CmkUserCount: 5,
        CmkLimit: 200,
      };
    }
    const hasTcss = a < spec.tcssAccounts;
    accounts.push({
      cloud: 'tencentcloud',
      name: `tc-${pad(a)}`,
      secret_id: id,
      secret_key: creds.secret,
      kms,
      ...(hasTcss
        ? {
            tcss: {
              State: 3,
              SubState: 'NORMAL',
              AutomaticRenewal: 1,
              BeginTime: '2026-01-01 00:00:00',
              ExpirationTime: '2027-06-30 00:00:00',
            },
          }
        : {}),
    });
    const ref = `tencentcloud.tc${pad(a)}`;
    providers.push({
      cloud: 'tencentcloud',
      alias: `tc${pad(a)}`,
      ref,
      region: 'ap-guangzhou',
      site: 'china',
      credentials: { kind: 'chain' },
      rateLimits: {},
      location: LOCATION,
    });
    credentials.set(ref, creds);
    for (const region of regions) {
      resources.push({
        address: `tencentcloud_kms_service.tc${pad(a)}-${region}`,
        type: 'tencentcloud_kms_service',
        name: `tc${pad(a)}-${region}`,
        provider: ref,
        region,
        labels: {},
        expect: [expectation('edition', 'equals', 'ultimate'), expectation('auto_renew', 'equals', true)],
        location: LOCATION,
      });
      calls.push({ cloud: 'tencentcloud', api: 'GetServiceStatus', credentials: creds, region });
      count(id, 'GetServiceStatus');
    }
    if (hasTcss) {
      resources.push({
        address: `tencentcloud_tcss_subscription.tc${pad(a)}`,
        type: 'tencentcloud_tcss_subscription',
        name: `tc${pad(a)}`,
        provider: ref,
        labels: {},
        expect: [expectation('state', 'equals', 'pro_active'), expectation('auto_renew', 'equals', true)],
        location: LOCATION,
      });
      calls.push({ cloud: 'tencentcloud', api: 'DescribePurchaseStateInfo', credentials: creds });
      count(id, 'DescribePurchaseStateInfo');
    }
  }

  for (let a = 0; a < spec.alibabaAccounts; a++) {
    const id = `LTAIBENCH${pad(a)}`;
    const creds: Credentials = { id, secret: `bench-alibaba-secret-${pad(a)}`, source: 'bench' };
    const region = ALIBABA_REGIONS[a % ALIBABA_REGIONS.length] ?? 'cn-hangzhou';
    const ref = `alicloud.ali${pad(a)}`;
    providers.push({
      cloud: 'alicloud',
      alias: `ali${pad(a)}`,
      ref,
      region,
      site: 'china',
      credentials: { kind: 'chain' },
      rateLimits: {},
      location: LOCATION,
    });
    credentials.set(ref, creds);
    const kmsInstances: unknown[] = [];
    const caInstances: unknown[] = [];
    for (let i = 0; i < spec.kmsInstancesPerAccount; i++) {
      const instanceId = `kst-b${pad(a)}${pad(i, 5)}`;
      kmsInstances.push({
        region,
        InstanceId: instanceId,
        Status: 'Connected',
        ChargeType: 'PREPAY',
        EndDate: '2027-06-30T16:00:00Z',
        KeyNum: 1000,
        SecretNum: '100',
      });
      resources.push({
        address: `alicloud_kms_instance.ali${pad(a)}-${instanceId}`,
        type: 'alicloud_kms_instance',
        name: `ali${pad(a)}-${instanceId}`,
        provider: ref,
        instanceId,
        labels: {},
        expect: [expectation('status', 'equals', 'Connected'), expectation('secret_quota', 'at_least', 100)],
        location: LOCATION,
      });
      calls.push({ cloud: 'alicloud', api: 'GetKmsInstance', credentials: creds, region, instanceId });
      count(id, 'GetKmsInstance');
    }
    for (let i = 0; i < spec.caInstancesPerAccount; i++) {
      const instanceId = `cas-b${pad(a)}${pad(i, 5)}`;
      caInstances.push({
        InstanceId: instanceId,
        Type: 'ROOT',
        Status: 'USED',
        CertTotalCount: 500,
        CertIssuedCount: 20,
        AfterTime: 2082672000000,
        BeforeTime: 1735689600000,
      });
      resources.push({
        address: `alicloud_cas_private_ca.ali${pad(a)}-${instanceId}`,
        type: 'alicloud_cas_private_ca',
        name: `ali${pad(a)}-${instanceId}`,
        provider: ref,
        instanceId,
        labels: {},
        expect: [expectation('status', 'equals', 'USED'), expectation('certificates_remaining', 'at_least', 100)],
        location: LOCATION,
      });
      calls.push({ cloud: 'alicloud', api: 'GetCAInstanceStatus', credentials: creds, instanceId });
      count(id, 'GetCAInstanceStatus');
    }
    accounts.push({
      cloud: 'alicloud',
      name: `ali-${pad(a)}`,
      access_key_id: id,
      access_key_secret: creds.secret,
      kms_instances: kmsInstances,
      ca_instances: caInstances,
    });
  }

  const world = worldFromObject({ accounts, limits: DOCUMENTED_LIMITS, faults: { seed: 1, latency_ms: [0, 0] } }, `<${spec.name}>`);
  const floorSeconds = Math.max(...[...buckets.values()].map((b) => b.calls / b.limit));
  const state: DesiredState = { files: [], providers, resources, policies: [], waivers: [] };
  return { spec, world, state, credentials, calls, buckets, floorSeconds };
}
