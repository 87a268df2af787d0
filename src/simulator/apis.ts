/**
 * The APIs the simulator answers (design.md §2 and §7): which cloud and product each belongs to,
 * its version, and its documented per-account QPS — the defaults of the world file's `limits`.
 */
export type ApiName =
  | 'GetServiceStatus'
  | 'DescribePurchaseStateInfo'
  | 'GetKmsInstance'
  | 'ListKmsInstances'
  | 'GetCAInstanceStatus';

export interface ApiSpec {
  readonly name: ApiName;
  readonly cloud: 'tencentcloud' | 'alicloud';
  readonly product: 'kms' | 'tcss' | 'cas';
  readonly version: string;
  readonly defaultQps: number;
}

export const APIS: readonly ApiSpec[] = [
  { name: 'GetServiceStatus', cloud: 'tencentcloud', product: 'kms', version: '2019-01-18', defaultQps: 100 },
  { name: 'DescribePurchaseStateInfo', cloud: 'tencentcloud', product: 'tcss', version: '2020-11-01', defaultQps: 20 },
  { name: 'GetKmsInstance', cloud: 'alicloud', product: 'kms', version: '2016-01-20', defaultQps: 10 },
  { name: 'ListKmsInstances', cloud: 'alicloud', product: 'kms', version: '2016-01-20', defaultQps: 10 },
  { name: 'GetCAInstanceStatus', cloud: 'alicloud', product: 'cas', version: '2020-06-30', defaultQps: 10 },
];

export const API_NAMES: readonly ApiName[] = APIS.map((a) => a.name);

export function findApi(name: string): ApiSpec | undefined {
  return APIS.find((a) => a.name === name);
}
