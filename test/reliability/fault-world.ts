/**
 * A world for the fault tests in which every (API, account) pair serves exactly one logical call,
 * so the simulator's request log — which names the API and the account but not the instance —
 * tells exactly which requests belonged to which resource.
 */
import type { DesiredState, ProviderConfig, ResourceConfig } from '../../src/model/desired-state.js';
import type { Credentials } from '../../src/providers/types.js';

export interface FaultRates {
  readonly seed: number;
  readonly error_rate: number;
  readonly reset_rate: number;
  readonly hang_rate: number;
  readonly malformed_rate?: number;
  readonly latency_ms?: readonly [number, number];
}

export interface FaultWorkload {
  /** The world file's object form (worldFromObject / YAML). */
  readonly world: Record<string, unknown>;
  readonly state: DesiredState;
  readonly credentials: ReadonlyMap<string, Credentials>;
  /** Resource address → the (api, account name) its one call is logged under. */
  readonly callOf: ReadonlyMap<string, { readonly api: string; readonly account: string }>;
}

const LOCATION = { file: 'soak.yaml', line: 1, column: 1 };

function pad(n: number): string {
  return String(n).padStart(3, '0');
}

/** `tencentAccounts` × (KMS in one region + TCSS) and `alibabaAccounts` × (one KMS instance + one CA): 2 resources per account. */
export function faultWorkload(tencentAccounts: number, alibabaAccounts: number, faults: FaultRates, limit = 1000): FaultWorkload {
  const accounts: unknown[] = [];
  const providers: ProviderConfig[] = [];
  const resources: ResourceConfig[] = [];
  const credentials = new Map<string, Credentials>();
  const callOf = new Map<string, { api: string; account: string }>();
  const resource = (r: Omit<ResourceConfig, 'labels' | 'location'>, api: string, account: string): void => {
    resources.push({ ...r, labels: {}, location: LOCATION });
    callOf.set(r.address, { api, account });
  };
  for (let i = 0; i < tencentAccounts; i++) {
    const name = `tc-${pad(i)}`;
    const creds: Credentials = { id: `AKIDSOAK${pad(i)}`, secret: `soak-tencent-secret-${pad(i)}`, source: 'test' };
    accounts.push({
      cloud: 'tencentcloud',
      name,
      secret_id: creds.id,
      secret_key: creds.secret,
      kms: { 'ap-guangzhou': { ServiceEnabled: true, InvalidType: 1, UserLevel: 1, ProExpireTime: 1893456000, ProRenewFlag: 1 } },
      tcss: { State: 3, SubState: 'NORMAL', AutomaticRenewal: 1, ExpirationTime: '2027-06-30 00:00:00' },
    });
    const ref = `tencentcloud.tc${pad(i)}`;
    providers.push({
      cloud: 'tencentcloud',
      alias: `tc${pad(i)}`,
      ref,
      region: 'ap-guangzhou',
      site: 'china',
      credentials: { kind: 'chain' },
      rateLimits: {},
      location: LOCATION,
    });
    credentials.set(ref, creds);
    resource(
      {
        address: `tencentcloud_kms_service.tc${pad(i)}`,
        type: 'tencentcloud_kms_service',
        name: `tc${pad(i)}`,
        provider: ref,
        expect: [{ attribute: 'edition', operator: 'equals', expected: 'ultimate', severity: 'high', location: LOCATION }],
      },
      'GetServiceStatus',
      name,
    );
    resource(
      {
        address: `tencentcloud_tcss_subscription.tc${pad(i)}`,
        type: 'tencentcloud_tcss_subscription',
        name: `tc${pad(i)}`,
        provider: ref,
        expect: [{ attribute: 'state', operator: 'equals', expected: 'pro_active', severity: 'high', location: LOCATION }],
      },
      'DescribePurchaseStateInfo',
      name,
    );
  }
  for (let i = 0; i < alibabaAccounts; i++) {
    const name = `ali-${pad(i)}`;
    const creds: Credentials = { id: `LTAISOAK${pad(i)}`, secret: `soak-alibaba-secret-${pad(i)}`, source: 'test' };
    accounts.push({
      cloud: 'alicloud',
      name,
      access_key_id: creds.id,
      access_key_secret: creds.secret,
      kms_instances: [
        { region: 'cn-hangzhou', InstanceId: `kst-soak${pad(i)}`, Status: 'Connected', EndDate: '2027-06-30T16:00:00Z', SecretNum: '100' },
      ],
      ca_instances: [{ InstanceId: `cas-soak${pad(i)}`, Type: 'ROOT', Status: 'USED', CertTotalCount: 500, CertIssuedCount: 20 }],
    });
    const ref = `alicloud.ali${pad(i)}`;
    providers.push({
      cloud: 'alicloud',
      alias: `ali${pad(i)}`,
      ref,
      region: 'cn-hangzhou',
      site: 'china',
      credentials: { kind: 'chain' },
      rateLimits: {},
      location: LOCATION,
    });
    credentials.set(ref, creds);
    resource(
      {
        address: `alicloud_kms_instance.ali${pad(i)}`,
        type: 'alicloud_kms_instance',
        name: `ali${pad(i)}`,
        provider: ref,
        instanceId: `kst-soak${pad(i)}`,
        expect: [{ attribute: 'status', operator: 'equals', expected: 'Connected', severity: 'high', location: LOCATION }],
      },
      'GetKmsInstance',
      name,
    );
    resource(
      {
        address: `alicloud_cas_private_ca.ali${pad(i)}`,
        type: 'alicloud_cas_private_ca',
        name: `ali${pad(i)}`,
        provider: ref,
        instanceId: `cas-soak${pad(i)}`,
        expect: [{ attribute: 'status', operator: 'equals', expected: 'USED', severity: 'high', location: LOCATION }],
      },
      'GetCAInstanceStatus',
      name,
    );
  }
  const limits = {
    GetServiceStatus: limit,
    DescribePurchaseStateInfo: limit,
    GetKmsInstance: limit,
    GetCAInstanceStatus: limit,
    ListKmsInstances: limit,
  };
  return {
    world: { accounts, limits, faults: { latency_ms: [0, 0], malformed_rate: 0, ...faults } },
    state: { files: ['soak.yaml'], providers, resources, policies: [], waivers: [] },
    credentials,
    callOf,
  };
}

function envName(ref: string, part: 'ID' | 'SECRET' | 'TOKEN'): string {
  return `DW_TEST_${ref.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}_${part}`;
}

/**
 * The same desired state as a configuration file (JSON is YAML) whose providers read their keys
 * from environment variables, and those variables — what a CI job would set.
 */
/** The call executor's credential resolver for a workload (each provider has its own account). */
export function credentialsResolver(workload: FaultWorkload): (provider: { readonly ref: string }) => Credentials {
  return (provider) => {
    const creds = workload.credentials.get(provider.ref);
    if (!creds) throw new Error(`no credentials for ${provider.ref}`);
    return creds;
  };
}

export function configFor(workload: FaultWorkload): { readonly text: string; readonly env: Record<string, string> } {
  const env: Record<string, string> = {};
  const providers: Record<string, Record<string, unknown>> = { tencentcloud: {}, alicloud: {} };
  for (const p of workload.state.providers) {
    const creds = workload.credentials.get(p.ref);
    if (!creds) continue;
    env[envName(p.ref, 'ID')] = creds.id;
    env[envName(p.ref, 'SECRET')] = creds.secret;
    const source: Record<string, string> = { id: envName(p.ref, 'ID'), secret: envName(p.ref, 'SECRET') };
    if (creds.token !== undefined) {
      env[envName(p.ref, 'TOKEN')] = creds.token;
      source.token = envName(p.ref, 'TOKEN');
    }
    const block = providers[p.cloud];
    if (block) block[p.alias] = { ...(p.region !== undefined ? { region: p.region } : {}), credentials: { env: source } };
  }
  const resources: Record<string, Record<string, unknown>> = {};
  for (const r of workload.state.resources) {
    const byType = (resources[r.type] ??= {});
    byType[r.name] = {
      provider: r.provider,
      ...(r.region !== undefined ? { region: r.region } : {}),
      ...(r.instanceId !== undefined ? { instance_id: r.instanceId } : {}),
      expect: Object.fromEntries(r.expect.map((e) => [e.attribute, e.expected])),
    };
  }
  return { text: `${JSON.stringify({ version: 1, providers, resources }, null, 2)}\n`, env };
}
