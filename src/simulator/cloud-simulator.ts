import type { Cloud } from '../model/clouds.js';
import type { JsonObject } from '../model/json.js';
import type { ApiName, ApiSpec } from './apis.js';
import type { AlibabaFormat, HttpAnswer } from './envelopes.js';
import type { HandlerResult } from './handlers/result.js';
import type { IncomingCall } from './incoming.js';
import type { NonceStore } from './nonce-store.js';
import type { SessionStore, StsContext, StsSession } from './sts.js';
import type { VendorError } from './vendor-errors.js';
import type { AccountCommon, InstanceRole, World, WorldAccount } from './world.js';
import type { CloudKeyIndexes } from './clouds.js';

/**
 * Everything the simulator knows about one cloud, registered once in simulator/clouds.ts: how its
 * requests are recognised and verified, which API they call, its envelopes and vendor errors, its
 * STS sessions and instance metadata, and how its APIs are answered from the world. The generic
 * server and router look the cloud up and never branch on its name.
 *
 * As on the client side, an adapter module uses at load time only values of its own folder and of
 * model/; everything else is reached inside functions.
 */
export interface CloudSimulator<A extends WorldAccount = WorldAccount> {
  readonly cloud: Cloud;

  /** Recognises the cloud's signed requests by their headers (cheap, before any verification). */
  identifySigned(call: IncomingCall): Identified | undefined;
  /** Recognises the cloud's requests by their parameters (legacy signatures); the last cloud's answers the rest. */
  identifyLegacy(call: IncomingCall): Identified | undefined;

  /**
   * The world's static keys of this cloud by key id, as this cloud's part of the router context
   * (its field is the cloud's own: see CloudKeyIndexes in clouds.ts), and the lookup in it.
   */
  indexKeys(accounts: readonly WorldAccount[]): object;
  staticKey(ctx: CloudKeyIndexes, keyId: string): A | undefined;

  /** An account of the world file (validated by its schema), given what every account has. */
  parseAccount(raw: JsonObject, common: AccountCommon): A;
  /** The world file's field holding the account's key id (`secret_id`, `access_key_id`). */
  readonly worldKeyField: string;

  /** The account's static key id and secret (and token), as the world file gives them. */
  keys(account: A): { readonly id: string; readonly secret: string; readonly token?: string };
  /** The account id in role ARNs (Alibaba uid, Tencent uin). */
  accountId(account: A): string;

  /**
   * Verifies the signature with the account the key id names, and finds the API the request calls
   * (action, version, parameters): the account and API, or the error the cloud would answer.
   */
  authenticate(call: IncomingCall, id: Identified, verifier: Verifier<A>): Authenticated<A>;
  /**
   * The APIs whose answers depend on more than the world's objects (the Host a request was sent
   * to, paging): answered here (undefined for any other); every other API from its type's declaration (handlers/index.ts).
   */
  special(api: ApiName, account: A, call: IncomingCall): HandlerResult | undefined;
  /** The region a by-region request names (Tencent's `X-TC-Region`, Alibaba's `RegionId`). */
  regionOf(call: IncomingCall): string | undefined;
  /** The instance a per-instance request names. */
  instanceIdOf(call: IncomingCall): string | undefined;
  /** Answers an STS API (`caller` undefined: an anonymous web-identity call). */
  sts(api: ApiSpec, caller: A | undefined, call: IncomingCall, ctx: StsContext): HandlerResult;

  /** The vendor error with this code (the cloud's default message and HTTP status unless given). */
  error(code: string, message?: string, httpStatus?: number): VendorError;
  /** The answer when the per-account QPS is exceeded. */
  throttled(api: ApiSpec, qps: number, retryAfterMs: number): VendorError;
  /** An anonymous call of an API at a version that does not exist. */
  noSuchVersion(): VendorError;
  /** A request signed with an issued session key after its expiry. */
  expiredSession(): VendorError;
  /** A request body over the simulator's limit. */
  bodyTooLarge(): VendorError;
  /** An injected server failure (`unavailable`: the gateway's 503 rather than a 500). */
  injectedFailure(unavailable: boolean): VendorError;

  /** The request id as the cloud spells it, from a UUID. */
  requestId(uuid: string): string;
  success(api: ApiSpec, body: JsonObject, requestId: string, id: Identified): HttpAnswer;
  failure(error: VendorError, requestId: string, hostHeader: string, id: Identified): HttpAnswer;

  /** STS sessions: the issued key id, and the role's account acting with the session's secret and token. */
  sessionKeyId(seed: string): string;
  sessionAccount(base: A, secret: string, token: string): A;
  /** Whether a role name in an ARN names this role (Alibaba: case-insensitively). */
  roleNameMatches(roleName: string, inArn: string): boolean;

  readonly metadata: SimulatedMetadata;
  /** Credential services the cloud's tools read over HTTP (Alibaba's credentials URI, CloudSSO); absent when it has none. */
  readonly credentialServices?: SimulatedCredentialServices;
}

/** Unsigned HTTP services that hand out temporary credentials of the world's accounts. */
export interface SimulatedCredentialServices {
  /** Whether a path is one of this cloud's credential services. */
  claims(pathname: string): boolean;
  answer(call: IncomingCall, world: World, sessions: SessionStore, nowMs: number): PlainAnswer;
}

/** A plain HTTP answer (no vendor envelope): instance metadata and credential services. */
export interface PlainAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface SimulatedMetadata {
  /** The path listing the instance role (and, with its name appended, serving its credentials). */
  readonly rolesPath: string;
  /** Whether a metadata path belongs to this cloud's service (for logs); the last cloud's takes the rest. */
  claims(pathname: string): boolean;
  /** Hardened mode: the session-token path and headers (ECS). */
  readonly sessionToken?: { readonly path: string; readonly ttlHeader: string; readonly header: string };
  /** The instance role the world gives this cloud's instance. */
  instanceRole(world: World): InstanceRole | undefined;
  /** The credentials document the service answers for a session. */
  credentials(session: StsSession, nowMs: number): JsonObject;
}

/** Cheap classification, before any verification: which cloud's envelope, which action, which key. */
export interface Identified {
  readonly cloud: Cloud;
  readonly style: 'tc3' | 'acs3' | 'rpc';
  readonly action: string | undefined;
  readonly version: string | undefined;
  /** The key id the request claims (not yet verified). */
  readonly keyId: string | undefined;
  /** Alibaba answer format; Tencent always JSON. */
  readonly format: AlibabaFormat;
  /** Product label for Alibaba's `Recommend` link. */
  readonly product: string;
}

export interface Verifier<A extends WorldAccount> {
  readonly findAccount: (keyId: string) => A | undefined;
  /** The APIs of the world (its resource types' and STS). */
  readonly apis: readonly ApiSpec[];
  readonly nonces: NonceStore;
  readonly serverNowMs: number;
}

export type Authenticated<A extends WorldAccount> =
  { readonly ok: true; readonly account: A; readonly api: ApiSpec } | { readonly ok: false; readonly error: VendorError };

/** `yyyy-MM-ddTHH:mm:ssZ`, as both clouds' STS and metadata answers write times. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
