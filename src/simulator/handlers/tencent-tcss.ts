/**
 * Tencent TCSS `DescribePurchaseStateInfo` (2020-11-01): one subscription per account, whatever the
 * region. An account without `tcss` in the world answers as one that never bought it (State 0).
 */
import type { JsonObject } from '../../model/json.js';
import { tencentError } from '../vendor-errors.js';
import type { TencentAccount } from '../world.js';
import type { FieldPath, HandlerResult } from './result.js';

export const TCSS_NOT_PURCHASED: JsonObject = {
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
};

/** Every field the China-site page marks "may return null" (cloud-apis.md §3.2): all but State. */
const NULLABLE_FIELDS = [
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
];

export function describePurchaseStateInfo(account: TencentAccount): HandlerResult {
  const resource = account.tcss;
  if (resource?.forceError) {
    return { ok: false, error: tencentError(resource.forceError.code, resource.forceError.message, resource.forceError.httpStatus) };
  }
  const body = resource ? { ...resource.fields } : { ...TCSS_NOT_PURCHASED };
  const nullable: FieldPath[] = NULLABLE_FIELDS.filter((f) => f in body).map((f) => [f]);
  return { ok: true, body, nullable };
}
