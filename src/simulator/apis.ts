/**
 * The APIs the simulator answers (design.md §2 and §7): which cloud and product each belongs to,
 * its version, and its documented per-account QPS — the defaults of the world file's `limits`.
 */
export type ApiName =
  | 'GetServiceStatus'
  | 'DescribePurchaseStateInfo'
  | 'GetKmsInstance'
  | 'ListKmsInstances'
  | 'GetCAInstanceStatus'
  | 'AssumeRole'
  | 'AssumeRoleWithOIDC'
  | 'AssumeRoleWithWebIdentity';

export interface ApiSpec {
  readonly name: ApiName;
  readonly cloud: 'tencentcloud' | 'alicloud';
  readonly product: 'kms' | 'tcss' | 'cas' | 'sts';
  readonly version: string;
  readonly defaultQps: number;
}

export const APIS: readonly ApiSpec[] = [
  { name: 'GetServiceStatus', cloud: 'tencentcloud', product: 'kms', version: '2019-01-18', defaultQps: 100 },
  { name: 'DescribePurchaseStateInfo', cloud: 'tencentcloud', product: 'tcss', version: '2020-11-01', defaultQps: 20 },
  { name: 'GetKmsInstance', cloud: 'alicloud', product: 'kms', version: '2016-01-20', defaultQps: 10 },
  { name: 'ListKmsInstances', cloud: 'alicloud', product: 'kms', version: '2016-01-20', defaultQps: 10 },
  { name: 'GetCAInstanceStatus', cloud: 'alicloud', product: 'cas', version: '2020-06-30', defaultQps: 10 },
  // STS (issue 13). Neither vendor publishes an STS QPS in the seeds; 100/s keeps them out of the way.
  { name: 'AssumeRole', cloud: 'alicloud', product: 'sts', version: '2015-04-01', defaultQps: 100 },
  { name: 'AssumeRoleWithOIDC', cloud: 'alicloud', product: 'sts', version: '2015-04-01', defaultQps: 100 },
  { name: 'AssumeRole', cloud: 'tencentcloud', product: 'sts', version: '2018-08-13', defaultQps: 100 },
  { name: 'AssumeRoleWithWebIdentity', cloud: 'tencentcloud', product: 'sts', version: '2018-08-13', defaultQps: 100 },
];

/** Each name once (AssumeRole exists on both clouds; limits and forced errors are keyed by name). */
export const API_NAMES: readonly ApiName[] = [...new Set(APIS.map((a) => a.name))];

/** Called without a signature: the web identity token is the proof. */
export const ANONYMOUS_APIS: ReadonlySet<ApiName> = new Set(['AssumeRoleWithOIDC', 'AssumeRoleWithWebIdentity']);

export function findApi(name: string): ApiSpec | undefined {
  return APIS.find((a) => a.name === name);
}
