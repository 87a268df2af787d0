/**
 * Tencent KMS `GetServiceStatus` (2019-01-18): the world's body for the X-TC-Region region; a region
 * the world does not list answers as an account that never bought KMS there.
 */
import type { JsonObject } from '../../model/json.js';
import { tencentError } from '../vendor-errors.js';
import type { TencentAccount } from '../world.js';
import type { FieldPath, HandlerResult } from './result.js';

export const KMS_NOT_PURCHASED: JsonObject = {
  ServiceEnabled: false,
  InvalidType: 0,
  UserLevel: 0,
  ProExpireTime: 0,
  ProRenewFlag: 0,
  ProResourceId: '',
  ExclusiveVSMEnabled: false,
  ExclusiveHSMEnabled: false,
  SubscriptionInfo: '',
};

/** The fields the SDK metadata marks "not required in output" — the ones a response may lack or blank. */
const OPTIONAL_FIELDS = [
  'CmkUserCount',
  'CmkLimit',
  'ExclusiveHSMList',
  'IsAllowedDataKeyHosted',
  'DataKeyLimit',
  'FreeDataKeyLimit',
  'DataKeyUsedCount',
  'SyncTaskList',
  'IsAllowedSync',
  'QpsLimit',
  'QpsTotalLimit',
  'RegionsQps',
  'ResourceZone',
  'ResourceRegion',
];

export function getServiceStatus(account: TencentAccount, region: string | undefined): HandlerResult {
  if (region === undefined || region === '') {
    return { ok: false, error: tencentError('MissingParameter', 'The request is missing a required parameter `Region`.') };
  }
  const resource = account.kms.get(region);
  if (resource?.forceError) {
    return { ok: false, error: tencentError(resource.forceError.code, resource.forceError.message, resource.forceError.httpStatus) };
  }
  const body = resource ? { ...resource.fields } : { ...KMS_NOT_PURCHASED };
  const nullable: FieldPath[] = OPTIONAL_FIELDS.filter((f) => f in body).map((f) => [f]);
  return { ok: true, body, nullable };
}
