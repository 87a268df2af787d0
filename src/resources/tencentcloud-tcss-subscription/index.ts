import { defineResourceType } from '../define.js';
import { world } from '../world.js';
import { ATTRIBUTES, FIELDS } from './fields.js';

const API = { product: 'tcss', action: 'DescribePurchaseStateInfo', version: '2020-11-01', defaultQps: 20 } as const;

/** `tencentcloud_tcss_subscription`: one DescribePurchaseStateInfo call per account (region optional). */
export const tencentcloudTcssSubscription = defineResourceType({
  name: 'tencentcloud_tcss_subscription',
  cloud: 'tencentcloud',
  description: 'Tencent Container Security (TCSS) subscription of one account (tcss DescribePurchaseStateInfo 2020-11-01).',
  identifiers: [],
  regional: true,
  api: API,
  request(resource, provider) {
    const region = resource.region ?? provider.region;
    const base = { cloud: 'tencentcloud', product: API.product, action: API.action, version: API.version } as const;
    // No region key at all when none is configured: the engine's dedupe key must not differ
    // between `region: undefined` and a missing property.
    return region === undefined || region === '' ? base : { ...base, region };
  },
  body: { kind: 'root' },
  fields: FIELDS,
  attributes: ATTRIBUTES,
  absence: [],
  import: {
    expect: [{ attribute: 'state' }, { attribute: 'edition' }, { attribute: 'auto_renew' }, { attribute: 'expires_at', expiry: true }],
    discovery: { kind: 'account' },
    identity: 'account',
  },
  world: {
    key: 'tcss',
    definition: 'tcssPurchaseState',
    shape: 'single',
    fields: {
      State: world.int,
      SubState: world.str,
      AllCoresCnt: world.int,
      CoresCnt: world.int,
      UndefendCoresCnt: world.int,
      AuthorizedCoresCnt: world.int,
      GivenAuthorizedCoresCnt: world.int,
      CurrentFlexibleCoresCnt: world.int,
      FlexibleCoresLimit: world.int,
      DefendClusterCoresCnt: world.int,
      DefendHostCoresCnt: world.int,
      TrialCoresCnt: world.int,
      NoContainerCoresCnt: world.int,
      ImageCnt: world.int,
      AuthorizedImageCnt: world.int,
      PurchasedAuthorizedCnt: world.int,
      GivenAuthorizedCnt: world.int,
      AutomaticRenewal: world.int,
      BeginTime: world.str,
      ExpirationTime: world.str,
      InquireKey: world.str,
      DefendPolicy: world.str,
    },
    // An account without `tcss` in the world answers as one that never bought it (State 0).
    notPurchased: {
      State: 0,
      AllCoresCnt: 0,
      CoresCnt: 0,
      UndefendCoresCnt: 0,
      AuthorizedCoresCnt: 0,
      GivenAuthorizedCoresCnt: 0,
      CurrentFlexibleCoresCnt: 0,
      ImageCnt: 0,
      AuthorizedImageCnt: 0,
      PurchasedAuthorizedCnt: 0,
      GivenAuthorizedCnt: 0,
      AutomaticRenewal: 0,
      BeginTime: null,
      ExpirationTime: null,
      SubState: null,
    },
    // Every field the China-site page marks "may return null" (cloud-apis.md §3.2): all but State.
    nullable: [
      'CoresCnt',
      'AuthorizedCoresCnt',
      'ImageCnt',
      'AuthorizedImageCnt',
      'PurchasedAuthorizedCnt',
      'ExpirationTime',
      'AutomaticRenewal',
      'GivenAuthorizedCnt',
      'BeginTime',
      'SubState',
    ],
  },
});
