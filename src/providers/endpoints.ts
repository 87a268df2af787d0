import { isIP } from 'node:net';
import type { Cloud } from '../model/resource-types.js';
import type { Site } from '../model/desired-state.js';
import type { Product } from './types.js';

/**
 * Where each product's API lives (cloud-apis.md §1.1, §2.1). Financial regions are not served by
 * Tencent's nearest-region domain, so they get their regional host; Alibaba KMS is regional by
 * host (the region chooses the endpoint), CAS has one global host.
 */
export const TENCENT_FINANCIAL_REGIONS: readonly string[] = ['ap-shanghai-fsi', 'ap-shenzhen-fsi'];

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

/** The base URL (always ending in `/`) that a product's requests go to. */
export function resolveEndpoint(input: EndpointInput): URL {
  if (input.override !== undefined && input.override !== '') return parseEndpointOverride(input.override);
  if (input.cloud === 'tencentcloud') {
    if (input.product !== 'kms' && input.product !== 'tcss') {
      throw new EndpointError(`Tencent Cloud has no product ${input.product} here`, 'Use kms or tcss.');
    }
    if (input.region !== undefined && TENCENT_FINANCIAL_REGIONS.includes(input.region)) {
      return new URL(`https://${input.product}.${input.region}.tencentcloudapi.com/`);
    }
    return new URL(input.site === 'intl' ? `https://${input.product}.intl.tencentcloudapi.com/` : `https://${input.product}.tencentcloudapi.com/`);
  }
  if (input.product === 'kms') {
    const region = checkRegion(input.region, 'Alibaba Cloud KMS');
    return new URL(`https://kms.${region}.aliyuncs.com/`);
  }
  if (input.product === 'cas') return new URL('https://cas.aliyuncs.com/');
  throw new EndpointError(`Alibaba Cloud has no product ${input.product} here`, 'Use kms or cas.');
}
