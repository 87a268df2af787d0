import { isIP } from 'node:net';
import type { Cloud } from '../model/resource-types.js';
import type { Site } from '../model/desired-state.js';
import type { Product } from './types.js';

/**
 * Where each product's API lives: one table per product (cloud-apis.md §1.1, §2.1), each with the
 * vendor's own fallback rule, so that a region missing from a table resolves the way the official
 * client would resolve it — never to a guessed central host. A lookup at the wrong host can answer
 * "no such instance" for an instance that exists, which would be reported as drift.
 */
export const TENCENT_FINANCIAL_REGIONS: readonly string[] = ['ap-shanghai-fsi', 'ap-shenzhen-fsi'];

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

/** How a product's host is chosen; `describe` is what the README's host table says. */
export interface ProductEndpointTable {
  readonly cloud: Cloud;
  readonly product: Product;
  /** Explicit region → host entries (the vendor's endpoint map). */
  readonly map: Readonly<Record<string, string>>;
  /** The vendor's rule for a region not in the map. */
  readonly fallback: 'regional' | 'nearest-by-site';
  readonly regionRequired: boolean;
}

function mapOf(regions: readonly string[], host: string): Record<string, string> {
  return Object.fromEntries(regions.map((r) => [r, host]));
}

export const ENDPOINT_TABLES: readonly ProductEndpointTable[] = [
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
  // kms-20160120: no map, rule `regional` — every region has its own host.
  { cloud: 'alicloud', product: 'kms', map: {}, fallback: 'regional', regionRequired: true },
  {
    cloud: 'alicloud',
    product: 'cas',
    map: { ...mapOf(ALIBABA_CAS_CENTRAL_REGIONS, 'cas.aliyuncs.com'), ...Object.fromEntries(ALIBABA_CAS_REGIONAL_REGIONS.map((r) => [r, `cas.${r}.aliyuncs.com`])) },
    fallback: 'regional',
    regionRequired: true,
  },
];

export function endpointTable(cloud: Cloud, product: Product): ProductEndpointTable | undefined {
  return ENDPOINT_TABLES.find((t) => t.cloud === cloud && t.product === product);
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

/** Loopback only: 127.0.0.0/8, ::1 and `localhost` — the simulator, or a local debugging proxy. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return true;
  const family = isIP(lower);
  if (family === 4) return lower.split('.')[0] === '127';
  if (family === 6) return lower === '::1' || lower === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(lower);
  return false;
}

/** Parses an override; plain http is refused unless the host is loopback (TLS is never turned off). */
export function parseEndpointOverride(override: string): URL {
  let url: URL;
  try {
    url = new URL(override);
  } catch {
    throw new EndpointError(`endpoint ${JSON.stringify(override)} is not a URL`, 'Write it as https://host[:port] (or http://127.0.0.1:PORT for the simulator).');
  }
  if (url.username !== '' || url.password !== '') {
    // Credentials in a URL would leak into messages and evidence.
    throw new EndpointError('endpoint must not contain a user name or password', 'Remove the `user:password@` part; credentials come from the credential chain.');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new EndpointError(`endpoint ${url.origin} must not have a query or fragment`, 'Give only the scheme, host, port and an optional path.');
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

const PRODUCT_NAME: Record<Cloud, string> = { tencentcloud: 'Tencent Cloud', alicloud: 'Alibaba Cloud' };

/**
 * The vendor's host for a product in a region (no scheme, no port): the table's entry for the
 * region, else its rule. Tencent's nearest-region domain depends on the site; Alibaba's on nothing
 * but the region (there is no Alibaba "site" in the host).
 */
export function vendorHost(input: Omit<EndpointInput, 'override'>): string {
  const table = endpointTable(input.cloud, input.product);
  if (table === undefined) {
    throw new EndpointError(
      `${PRODUCT_NAME[input.cloud]} has no product ${input.product} here`,
      input.cloud === 'tencentcloud' ? 'Use kms or tcss.' : 'Use kms or cas.',
    );
  }
  const what = `${PRODUCT_NAME[input.cloud]} ${input.product.toUpperCase()}`;
  const region = table.regionRequired ? checkRegion(input.region, what) : input.region;
  if (region !== undefined && region !== '' && Object.hasOwn(table.map, region)) return table.map[region] as string;
  if (table.fallback === 'nearest-by-site') {
    return input.site === 'intl' ? `${input.product}.intl.tencentcloudapi.com` : `${input.product}.tencentcloudapi.com`;
  }
  return `${input.product}.${checkRegion(region, what)}.aliyuncs.com`;
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
