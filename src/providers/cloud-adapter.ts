import type { Cloud, CloudIdentity } from '../model/clouds.js';
import type { CredentialSource, Site } from '../model/desired-state.js';
import type { ErrorKind } from '../model/observation.js';
import type { JsonObject } from '../model/json.js';
import type { AssumeRolePlan, CredentialPlan, OidcPlan } from './credential-plan.js';
import type { CredentialContext } from './credentials.js';
import type { AttemptInput } from './http/attempt.js';
import type { ApiCall, ApiResponse, Product } from './types.js';

/**
 * Everything the client side knows about one cloud, registered once in providers/clouds.ts:
 * how a request is signed and sent, where each product lives, what the cloud's error codes and
 * hints say, how its credential chain, STS and instance metadata work, and its rate-limit
 * defaults. Generic code (endpoints, classify, role credentials, the call executor, the CLI) looks
 * the adapter up by the provider's cloud and never branches on the cloud's name.
 *
 * An adapter module may use, at load time, only values of its own folder and of model/: the
 * generic modules it calls reach it back through the registry, so their values are read inside
 * functions, never while the modules load.
 */
export interface CloudAdapter {
  readonly cloud: Cloud;
  readonly identity: CloudIdentity;

  /** One signed request for one attempt (the executor retries, paces and times out around it). */
  send(input: AttemptInput, options: SendOptions): Promise<ApiResponse>;

  readonly endpoints: CloudEndpoints;
  readonly errors: CloudErrors;
  readonly credentials: CloudCredentials;
  readonly metadata: CloudMetadata;
  readonly rateLimits: CloudRateLimits;
  /** What `driftwatch init` writes for this cloud. */
  readonly init: CloudInitTemplate;
}

/** Per-run choices a cloud's signer may offer (`--alibaba-signature`). */
export interface SendOptions {
  /** Alibaba: ACS3-HMAC-SHA256 (default) or the V2 RPC signature; other clouds have one scheme. */
  readonly alibabaSignature?: 'acs3' | 'rpc';
}

/** How a product's host is chosen; the README's host table says the same. */
export interface ProductEndpointTable {
  readonly cloud: Cloud;
  readonly product: Product;
  /** Explicit region → host entries (the vendor's endpoint map). */
  readonly map: Readonly<Record<string, string>>;
  /** The vendor's rule for a region not in the map. */
  readonly fallback: 'regional' | 'nearest-by-site';
  readonly regionRequired: boolean;
}

export interface CloudEndpoints {
  /** One table per product the cloud serves. */
  readonly tables: readonly ProductEndpointTable[];
  /** The `nearest-by-site` rule: the product's host that routes to the nearest region of the site. */
  nearestHost(product: Product, site: Site): string;
  /** The `regional` rule: the product's host in a (checked) region. */
  regionalHost(product: Product, region: string): string;
  /** The global STS host (credentials may name a regional one). */
  readonly stsHost: string;
}

export interface CloudErrors {
  /** Where the user's keys come from, for hints. */
  readonly keyDocs: string;
  /** What grants an API to a key: `a CAM policy`. */
  readonly policyDocs: string;
  /** How far the request time may be from the server's before the cloud refuses it. */
  readonly clockSkewMinutes: number;
  /** Codes whose meaning on this cloud differs from the shared table (classify.ts); undefined: the shared table decides. */
  classify(code: string, httpStatus: number | undefined): { readonly kind: ErrorKind; readonly retryable: boolean } | undefined;
}

/** Names of the key, secret and token in an STS or metadata answer, and where its expiry is. */
export interface TemporaryKeyFields {
  readonly id: string;
  readonly secret: string;
  readonly token: string;
  /** STS answers: whether the expiry is inside `Credentials` or beside it (Tencent's `ExpiredTime`). */
  readonly stsExpiryIn: 'credentials' | 'response';
  /** Expiry fields in order of preference (unix seconds or ISO time). */
  readonly expiry: readonly string[];
}

export interface CloudCredentials {
  /** The vendor's credential chain and named sources (not `assume_role`, which the role resolver plans). */
  plan(source: CredentialSource, ctx: CredentialContext): CredentialPlan;
  /** A regional STS host the environment asks for (ALIBABA_CLOUD_STS_REGION); undefined: the global one. */
  stsHostFromEnv(env: CredentialContext['env']): string | undefined;
  /** STS AssumeRole with the given parameters (RoleArn, RoleSessionName, DurationSeconds, ExternalId). */
  assumeRoleCall(plan: AssumeRolePlan, params: Readonly<Record<string, string>>): ApiCall;
  /** STS web-identity call (anonymous, the token proves the caller). */
  webIdentityCall(plan: OidcPlan, token: string): ApiCall;
  readonly temporaryKeys: TemporaryKeyFields;
  /** The environment variables of a long-lived key in the vendor's chain (the first it reads). */
  readonly keyEnv: { readonly id: string; readonly secret: string };
  /** Refresh temporary credentials this long before expiry (the official SDK's margin). */
  readonly refreshMarginMs: number;
}

export interface CloudMetadata {
  /** The instance-metadata service's base URL (DRIFTWATCH_METADATA_ENDPOINT replaces it). */
  readonly baseUrl: string;
  /** Path listing the instance's role and, with the role name appended, serving its credentials. */
  readonly credentialsPath: string;
  /** Hardened mode: a session token first (ECS IMDSv2); absent when the service has none. */
  readonly sessionToken?: { readonly path: string; readonly ttlHeader: string; readonly ttlSeconds: number; readonly header: string };
  /** Where the instance role can be read: for the hint when it cannot. */
  readonly runOn: string;
  /** Expiry fields of the metadata answer, in order of preference. */
  readonly expiry: readonly string[];
}

/**
 * STS requests per second unless a cloud documents better: Tencent documents 600/s for
 * sts:AssumeRole, Alibaba publishes no figure; 50/s stays far below both while a run of hundreds
 * of accounts obtains its sessions in seconds. (A constant of this leaf module, so that the adapters
 * can read it while modules load.)
 */
export const DEFAULT_STS_QPS = 50;

export interface CloudRateLimits {
  /** STS requests per second when the provider sets no `rate_limits` entry for the action. */
  readonly stsQps: number;
}

export interface CloudInitTemplate {
  readonly defaultRegion: string;
  /** The provider block under `providers:` (indented two spaces), given the region to write. */
  providerLines(region: string): readonly string[];
  /** The resources block under `resources:`; commented lines when the resources need instance ids. */
  readonly resourceLines: readonly string[];
  /** Whether resourceLines hold live (uncommented) resources. */
  readonly resourcesLive: boolean;
}

/** Reads a cloud's expiry fields: the first that is a unix time in seconds or an ISO time, in epoch ms. */
export function expiryOf(body: JsonObject | undefined, fields: readonly string[]): number | undefined {
  for (const name of fields) {
    const value = body?.[name];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value * 1000;
    if (typeof value === 'string') {
      const ms = Date.parse(value);
      if (!Number.isNaN(ms)) return ms;
    }
  }
  return undefined;
}
