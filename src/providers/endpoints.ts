import { isLoopbackHost } from '../util/loopback.js';
import type { Cloud } from '../model/resource-types.js';
import type { Site } from '../model/desired-state.js';
import type { Product } from './types.js';
import type { ProductEndpointTable } from './cloud-adapter.js';
import { cloudAdapter, cloudAdapters } from './clouds.js';

/**
 * Where each product's API lives: one table per product (cloud-apis.md §1.1, §2.1), each with the
 * vendor's own fallback rule, so that a region missing from a table resolves the way the official
 * client would resolve it — never to a guessed central host. A lookup at the wrong host can answer
 * "no such instance" for an instance that exists, which would be reported as drift. The tables and
 * the vendors' host forms are the cloud adapters' (providers/<cloud>/adapter.ts); the rules are here.
 */
export type { ProductEndpointTable };
export { ALIBABA_CAS_CENTRAL_REGIONS, ALIBABA_CAS_REGIONAL_REGIONS } from './alicloud/adapter.js';

/** Every product table of every cloud. */
function endpointTables(): readonly ProductEndpointTable[] {
  return cloudAdapters().flatMap((a) => a.endpoints.tables);
}

/**
 * The same, read once. Safe as a constant: endpoints.ts is not among the modules a cloud adapter
 * loads, so the adapters have always finished loading when this line runs.
 */
export const ENDPOINT_TABLES: readonly ProductEndpointTable[] = Object.freeze(endpointTables());

function endpointTable(cloud: Cloud, product: Product): ProductEndpointTable | undefined {
  return cloudAdapter(cloud).endpoints.tables.find((t) => t.product === product);
}

export interface EndpointInput {
  readonly cloud: Cloud;
  readonly product: Product;
  readonly region?: string | undefined;
  readonly site: Site;
  /** A provider's `endpoint` or `--endpoint`: replaces the base URL for every product. */
  readonly override?: string | undefined;
}

/** The configuration names an endpoint that cannot be used; the message says what to change. */
export class EndpointError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = 'EndpointError';
    this.hint = hint;
  }
}

const REGION_PATTERN = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;

function checkRegion(region: string | undefined, what: string): string {
  if (region === undefined || region === '') {
    throw new EndpointError(`${what} needs a region to choose its endpoint`, 'Set `region` on the provider or the resource.');
  }
  // A region is a DNS label here; anything else could point the request at another host.
  if (!REGION_PATTERN.test(region)) {
    throw new EndpointError(`invalid region ${JSON.stringify(region)} for ${what}`, 'Use a region ID such as ap-guangzhou or cn-hangzhou.');
  }
  return region;
}

/** Parses an override; plain http is refused unless the host is loopback (TLS is never turned off). */
export function parseEndpointOverride(override: string): URL {
  let url: URL;
  try {
    url = new URL(override);
  } catch {
    throw new EndpointError(
      `endpoint ${JSON.stringify(override)} is not a URL`,
      'Write it as https://host[:port] (or http://127.0.0.1:PORT for the simulator).',
    );
  }
  if (url.username !== '' || url.password !== '') {
    // Credentials in a URL would leak into messages and evidence.
    throw new EndpointError(
      'endpoint must not contain a user name or password',
      'Remove the `user:password@` part; credentials come from the credential chain.',
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new EndpointError(
      `endpoint ${url.origin} must not have a query or fragment`,
      'Give only the scheme, host, port and an optional path.',
    );
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      throw new EndpointError(
        `plain http:// is only allowed for loopback endpoints, not ${url.hostname}`,
        'Use https:// for remote endpoints; http:// is accepted for 127.0.0.1, ::1 and localhost only.',
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new EndpointError(`endpoint scheme ${url.protocol} is not supported`, 'Use https:// (or http:// for a loopback endpoint).');
  }
  // A trailing slash would make `${base}/` differ from the path that is signed.
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

/**
 * The vendor's host for a product in a region (no scheme, no port): the table's entry for the
 * region, else its rule, in the cloud's host form (a nearest-region domain may depend on the site).
 */
export function vendorHost(input: Omit<EndpointInput, 'override'>): string {
  const adapter = cloudAdapter(input.cloud);
  const name = adapter.identity.displayName;
  const table = endpointTable(input.cloud, input.product);
  if (table === undefined) {
    const products = adapter.endpoints.tables.map((t) => t.product);
    throw new EndpointError(`${name} has no product ${input.product} here`, `Use ${products.join(' or ')}.`);
  }
  const what = `${name} ${input.product.toUpperCase()}`;
  const region = table.regionRequired ? checkRegion(input.region, what) : input.region;
  if (region !== undefined && region !== '' && Object.hasOwn(table.map, region)) return table.map[region] as string;
  if (table.fallback === 'nearest-by-site') return adapter.endpoints.nearestHost(input.product, input.site);
  return adapter.endpoints.regionalHost(input.product, checkRegion(region, what));
}

/** Where a product's requests go, and the Host they carry (and sign). */
export interface EndpointTarget {
  /** The base URL connected to (always ending in `/`). */
  readonly url: URL;
  /**
   * The Host header. The vendor's host for the product and region, also when a **loopback**
   * override (the simulator, a local debugging proxy) is connected to: what stands in for the cloud
   * then sees what the cloud would see — a regional Host names the region, the way a real gateway
   * routes (`curl --connect-to` semantics). A remote override keeps its own host: its TLS
   * certificate and virtual host are the proxy's, not the vendor's.
   */
  readonly host: string;
}

/** The base URL and Host header for one product's requests. */
export function resolveTarget(input: EndpointInput): EndpointTarget {
  if (input.override !== undefined && input.override !== '') {
    const url = parseEndpointOverride(input.override);
    if (!isLoopbackHost(url.hostname)) return { url, host: url.host };
    try {
      return { url, host: vendorHost(input) };
    } catch (err) {
      // No vendor host without a region (e.g. a discovery probe): the loopback endpoint's own host, as before.
      if (err instanceof EndpointError) return { url, host: url.host };
      throw err;
    }
  }
  const host = vendorHost(input);
  return { url: new URL(`https://${host}/`), host };
}

/** The base URL (always ending in `/`) that a product's requests go to. */
export function resolveEndpoint(input: EndpointInput): URL {
  return resolveTarget(input).url;
}
