import type { JsonObject } from '../../model/json.js';
import type { ProviderConfig, ResourceConfig } from '../../model/desired-state.js';
import type { ApiCall, ApiResponse, Normalized, ResourceTypeDefinition } from '../types.js';
import {
  attributes,
  counter,
  catalogSpec,
  createResponseValidator,
  enumName,
  mapField,
  nullableInteger,
  nullableString,
  withoutRequestId,
} from '../response-schema.js';
import type { Field } from '../response-schema.js';
import { fromBeijingLocal, fromIsoUtc } from '../time.js';

const ACTION = 'DescribePurchaseStateInfo';
const VERSION = '2020-11-01';

/** The fields of tcss DescribePurchaseStateInfo the normalizer reads (cloud-apis.md §3.2). */
interface PurchaseState {
  State: number;
  SubState?: Field<string>;
  AutomaticRenewal?: Field<number>;
  BeginTime?: Field<string>;
  ExpirationTime?: Field<string>;
  AllCoresCnt?: Field<number>;
  CoresCnt?: Field<number>;
  UndefendCoresCnt?: Field<number>;
  AuthorizedCoresCnt?: Field<number>;
  GivenAuthorizedCoresCnt?: Field<number>;
  CurrentFlexibleCoresCnt?: Field<number>;
  FlexibleCoresLimit?: Field<number>;
  ImageCnt?: Field<number>;
  AuthorizedImageCnt?: Field<number>;
  PurchasedAuthorizedCnt?: Field<number>;
  GivenAuthorizedCnt?: Field<number>;
  DefendPolicy?: Field<string>;
}

/**
 * `State` is the only field both doc generations give without a "may return null" note (seed 003),
 * and a body without it is not this API's answer. Everything else may be absent or null: the
 * China-site page (11 fields) and the intl page (22 fields) are both answers in the wild.
 */
const SCHEMA = {
  type: 'object',
  required: ['State'],
  properties: {
    State: { type: 'integer' },
    SubState: nullableString,
    AutomaticRenewal: nullableInteger,
    BeginTime: nullableString,
    ExpirationTime: nullableString,
    AllCoresCnt: nullableInteger,
    CoresCnt: nullableInteger,
    UndefendCoresCnt: nullableInteger,
    AuthorizedCoresCnt: nullableInteger,
    GivenAuthorizedCoresCnt: nullableInteger,
    CurrentFlexibleCoresCnt: nullableInteger,
    FlexibleCoresLimit: nullableInteger,
    ImageCnt: nullableInteger,
    AuthorizedImageCnt: nullableInteger,
    PurchasedAuthorizedCnt: nullableInteger,
    GivenAuthorizedCnt: nullableInteger,
    DefendPolicy: nullableString,
  },
} as const;

const STATE: Readonly<Record<number, string>> = {
  0: 'trial_available',
  1: 'purchase_only',
  2: 'trial_active',
  3: 'pro_active',
  4: 'pro_expired',
};

/**
 * The edition *in force*. State 4 (Pro expired) maps to `none`: an expired subscription protects
 * nothing, and the fact that it used to be Pro stays visible as `state: pro_expired`. An
 * undocumented State gives an unknown edition rather than a guess.
 */
const EDITION: Readonly<Record<number, string>> = { 0: 'none', 1: 'none', 2: 'trial', 3: 'pro', 4: 'none' };

/** Both spellings of "destroyed" (China doc `DESTROED` sic, intl doc `TERMINATED`) are one state. */
const SUB_STATE: Readonly<Record<string, string>> = {
  NORMAL: 'normal',
  ISOLATE: 'isolate',
  DESTROED: 'terminated',
  TERMINATED: 'terminated',
};

const AUTO_RENEW_SETTING: Readonly<Record<number, string>> = { 0: 'unset', 1: 'enabled', 2: 'disabled' };

function subState(s: string): string {
  const key = s.toUpperCase();
  // An undocumented value is kept as sent so that an equality expectation on it becomes unknown.
  return Object.hasOwn(SUB_STATE, key) ? (SUB_STATE[key] as string) : s;
}

function autoRenew(n: number): boolean | null {
  // 0 (never set) and 2 (explicitly off) both mean it will not renew; anything else is unknown.
  return n === 1 ? true : n === 0 || n === 2 ? false : null;
}

/**
 * TCSS times carry no zone and are Beijing time (cloud-apis.md §3.2). Should the API ever add an
 * explicit zone, that zone is unambiguous and is used; anything else (the doc's `"xx"`) is unknown.
 */
function tcssTime(s: string): string | undefined {
  return fromBeijingLocal(s) ?? fromIsoUtc(s);
}

function normalizePurchaseState(body: PurchaseState): JsonObject {
  const known = Object.hasOwn(STATE, body.State);
  return attributes([
    ['state', enumName(STATE, body.State)],
    ['edition', known ? (EDITION[body.State] ?? null) : null],
    ['sub_state', mapField(body.SubState, subState)],
    ['auto_renew', mapField(body.AutomaticRenewal, autoRenew)],
    ['auto_renew_setting', mapField(body.AutomaticRenewal, (n) => enumName(AUTO_RENEW_SETTING, n))],
    ['begins_at', mapField(body.BeginTime, tcssTime)],
    ['expires_at', mapField(body.ExpirationTime, tcssTime)],
    ['cores_total', mapField(body.AllCoresCnt, counter)],
    ['cores_protected', mapField(body.CoresCnt, counter)],
    ['cores_unprotected', mapField(body.UndefendCoresCnt, counter)],
    ['cores_purchased', mapField(body.AuthorizedCoresCnt, counter)],
    ['cores_trial_granted', mapField(body.GivenAuthorizedCoresCnt, counter)],
    ['cores_flexible', mapField(body.CurrentFlexibleCoresCnt, counter)],
    ['cores_flexible_limit', mapField(body.FlexibleCoresLimit, counter)],
    ['images_total', mapField(body.ImageCnt, counter)],
    ['images_licensed', mapField(body.AuthorizedImageCnt, counter)],
    ['image_licenses_purchased', mapField(body.PurchasedAuthorizedCnt, counter)],
    ['image_licenses_trial', mapField(body.GivenAuthorizedCnt, counter)],
    ['defend_policy', mapField(body.DefendPolicy, (s) => s)],
  ]);
}

/** `tencentcloud_tcss_subscription`: one DescribePurchaseStateInfo call per account (region optional). */
export function createTencentTcssSubscriptionDefinition(): ResourceTypeDefinition {
  const validate = createResponseValidator(ACTION, SCHEMA);
  return {
    spec: catalogSpec('tencentcloud_tcss_subscription'),
    api: { product: 'tcss', action: ACTION, version: VERSION, defaultQps: 20 },
    call(resource: ResourceConfig, provider: ProviderConfig): ApiCall {
      const region = resource.region ?? provider.region;
      const base = { cloud: 'tencentcloud', product: 'tcss', action: ACTION, version: VERSION } as const;
      // No region key at all when none is configured: the engine's dedupe key must not differ
      // between `region: undefined` and a missing property.
      return region === undefined || region === '' ? base : { ...base, region };
    },
    normalize(response: ApiResponse): Normalized {
      validate(response.body, response.requestId);
      const body = response.body as unknown as PurchaseState;
      return { status: 'ok', attributes: normalizePurchaseState(body), raw: withoutRequestId(response.body) };
    },
  };
}
