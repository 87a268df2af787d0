import type { Cloud } from '../model/resource-types.js';
import type { Product } from '../resources/api.js';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';

/**
 * The APIs the simulator answers (design.md §2 and §7): which cloud and product each belongs to,
 * its version, and its documented per-account QPS — the defaults of the world file's `limits`.
 * The resource types' APIs (and their listing APIs) come from their declarations; STS is the
 * simulator's own.
 */
export type ApiName = string;

export interface ApiSpec {
  readonly name: ApiName;
  readonly cloud: Cloud;
  readonly product: Product;
  readonly version: string;
  readonly defaultQps: number;
}

/** STS (issue 13). Neither vendor publishes an STS QPS in the seeds; 100/s keeps them out of the way. */
const STS_APIS: readonly ApiSpec[] = [
  { name: 'AssumeRole', cloud: 'alicloud', product: 'sts', version: '2015-04-01', defaultQps: 100 },
  { name: 'AssumeRoleWithOIDC', cloud: 'alicloud', product: 'sts', version: '2015-04-01', defaultQps: 100 },
  { name: 'AssumeRole', cloud: 'tencentcloud', product: 'sts', version: '2018-08-13', defaultQps: 100 },
  { name: 'AssumeRoleWithWebIdentity', cloud: 'tencentcloud', product: 'sts', version: '2018-08-13', defaultQps: 100 },
];

export function apisOf(types: TypeRegistry): readonly ApiSpec[] {
  const out: ApiSpec[] = [];
  const add = (cloud: Cloud, api: { product: Product; action: string; version: string; defaultQps: number }): void => {
    if (out.some((a) => a.cloud === cloud && a.name === api.action)) return;
    out.push({ name: api.action, cloud, product: api.product, version: api.version, defaultQps: api.defaultQps });
  };
  for (const { declaration: d } of types.types) {
    add(d.cloud, d.api);
    if (d.import.discovery.kind === 'listed') add(d.cloud, d.import.discovery.list.api);
  }
  return [...out, ...STS_APIS];
}

export const APIS: readonly ApiSpec[] = apisOf(BUILTIN_TYPES);

/** Each name once (AssumeRole exists on both clouds; limits and forced errors are keyed by name). */
export function apiNames(types: TypeRegistry): readonly ApiName[] {
  return [...new Set(apisOf(types).map((a) => a.name))];
}

/** Called without a signature: the web identity token is the proof. */
export const ANONYMOUS_APIS: ReadonlySet<ApiName> = new Set(['AssumeRoleWithOIDC', 'AssumeRoleWithWebIdentity']);

export function findApi(name: string): ApiSpec | undefined {
  return APIS.find((a) => a.name === name);
}
