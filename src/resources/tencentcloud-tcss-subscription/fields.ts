import { counter, enumName, enumValues, same } from '../convert.js';
import { attributesOf, vendor } from '../field.js';
import type { FieldValue } from '../field.js';
import { fromBeijingLocal, fromIsoUtc } from '../time.js';

/**
 * tcss DescribePurchaseStateInfo (2020-11-01, cloud-apis.md §3.2). `State` is the only field both
 * doc generations give without a "may return null" note (seed 003), and a body without it is not
 * this API's answer. Everything else may be absent or null: the China-site page (11 fields) and
 * the intl page (22 fields) are both answers in the wild.
 */
export const FIELDS = {
  State: vendor.required('integer'),
  SubState: vendor.nullable('string'),
  AutomaticRenewal: vendor.nullable('integer'),
  BeginTime: vendor.nullable('string'),
  ExpirationTime: vendor.nullable('string'),
  AllCoresCnt: vendor.nullable('integer'),
  CoresCnt: vendor.nullable('integer'),
  UndefendCoresCnt: vendor.nullable('integer'),
  AuthorizedCoresCnt: vendor.nullable('integer'),
  GivenAuthorizedCoresCnt: vendor.nullable('integer'),
  CurrentFlexibleCoresCnt: vendor.nullable('integer'),
  FlexibleCoresLimit: vendor.nullable('integer'),
  ImageCnt: vendor.nullable('integer'),
  AuthorizedImageCnt: vendor.nullable('integer'),
  PurchasedAuthorizedCnt: vendor.nullable('integer'),
  GivenAuthorizedCnt: vendor.nullable('integer'),
  DefendPolicy: vendor.nullable('string'),
};

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

const a = attributesOf(FIELDS);
type IntegerField = { [K in keyof typeof FIELDS]: FieldValue<(typeof FIELDS)[K]> extends number ? K : never }[keyof typeof FIELDS];
const count = (field: IntegerField, name: string, description: string) =>
  a.from(field, { name, kind: 'integer', unit: 'count', description }, counter);

export const ATTRIBUTES = [
  a.from('State', { name: 'state', kind: 'string', description: 'Purchase state (State 0..4).', values: enumValues(STATE) }, (n) =>
    enumName(STATE, n),
  ),
  a.from(
    'State',
    { name: 'edition', kind: 'string', description: 'Edition in force, derived from State.', values: enumValues(EDITION) },
    (n) => (Object.hasOwn(STATE, n) ? (EDITION[n] ?? null) : null),
  ),
  a.from(
    'SubState',
    {
      name: 'sub_state',
      kind: 'string',
      description: 'Sub-state (SubState; DESTROED/TERMINATED become terminated).',
      values: enumValues(SUB_STATE),
    },
    subState,
  ),
  a.from('AutomaticRenewal', { name: 'auto_renew', kind: 'boolean', description: 'Auto-renewal on (AutomaticRenewal == 1).' }, autoRenew),
  a.from(
    'AutomaticRenewal',
    {
      name: 'auto_renew_setting',
      kind: 'string',
      description: 'Auto-renewal setting (AutomaticRenewal 0/1/2).',
      values: enumValues(AUTO_RENEW_SETTING),
    },
    (n) => enumName(AUTO_RENEW_SETTING, n),
  ),
  a.from(
    'BeginTime',
    { name: 'begins_at', kind: 'timestamp', unit: 'beijing-local', description: 'Subscription start (BeginTime, Beijing time).' },
    tcssTime,
  ),
  a.from(
    'ExpirationTime',
    { name: 'expires_at', kind: 'timestamp', unit: 'beijing-local', description: 'Subscription expiry (ExpirationTime, Beijing time).' },
    tcssTime,
  ),
  count('AllCoresCnt', 'cores_total', 'All cores (AllCoresCnt).'),
  count('CoresCnt', 'cores_protected', 'Protected cores (CoresCnt).'),
  count('UndefendCoresCnt', 'cores_unprotected', 'Unprotected cores (UndefendCoresCnt).'),
  count('AuthorizedCoresCnt', 'cores_purchased', 'Purchased cores (AuthorizedCoresCnt).'),
  count('GivenAuthorizedCoresCnt', 'cores_trial_granted', 'Trial-granted Pro cores (GivenAuthorizedCoresCnt).'),
  count('CurrentFlexibleCoresCnt', 'cores_flexible', 'Current elastic-billing cores (CurrentFlexibleCoresCnt).'),
  count('FlexibleCoresLimit', 'cores_flexible_limit', 'Elastic-billing core cap (FlexibleCoresLimit).'),
  count('ImageCnt', 'images_total', 'Images (ImageCnt).'),
  count('AuthorizedImageCnt', 'images_licensed', 'Licensed images (AuthorizedImageCnt).'),
  count('PurchasedAuthorizedCnt', 'image_licenses_purchased', 'Purchased image licences (PurchasedAuthorizedCnt).'),
  count('GivenAuthorizedCnt', 'image_licenses_trial', 'Trial image licences (GivenAuthorizedCnt).'),
  a.from('DefendPolicy', { name: 'defend_policy', kind: 'string', description: 'Protection policy (DefendPolicy).' }, same),
];
