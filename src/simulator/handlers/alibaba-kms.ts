/**
 * Alibaba KMS `GetKmsInstance` and `ListKmsInstances` (2016-01-20). KMS endpoints are regional: a
 * request for a region (a `kms.<region>.aliyuncs.com` Host, see router.ts) sees only that region's
 * instances; one that names none sees all of the account's.
 */
import type { JsonObject } from '../../model/json.js';
import { alibabaError } from '../vendor-errors.js';
import type { AlibabaAccount, AlibabaKmsInstance } from '../world.js';
import type { FieldPath, HandlerResult } from './result.js';

function visible(account: AlibabaAccount, region: string | undefined): readonly AlibabaKmsInstance[] {
  return region === undefined ? account.kmsInstances : account.kmsInstances.filter((i) => i.region === region);
}

export function getKmsInstance(
  account: AlibabaAccount,
  params: Readonly<Record<string, string>>,
  region: string | undefined,
): HandlerResult {
  const id = params.KmsInstanceId;
  if (id === undefined || id === '') {
    return { ok: false, error: alibabaError('MissingKmsInstanceId', 'KmsInstanceId is mandatory for this action.') };
  }
  const instance = visible(account, region).find((i) => i.instanceId === id);
  if (!instance) {
    return { ok: false, error: alibabaError('Forbidden.ResourceNotFound', `The resource is not found. KmsInstanceId: ${id}`) };
  }
  if (instance.forceError) {
    const fe = instance.forceError;
    return { ok: false, error: alibabaError(fe.code, fe.message, fe.httpStatus) };
  }
  // A released instance: HTTP 200 whose KmsInstance has an empty InstanceId (what terraform-provider-alicloud reads as gone).
  if (instance.released) return { ok: true, body: { KmsInstance: { InstanceId: '' } }, nullable: [] };
  const fields: JsonObject = { ...instance.fields };
  const nullable: FieldPath[] = Object.keys(fields)
    .filter((f) => f !== 'InstanceId')
    .map((f) => ['KmsInstance', f]);
  return { ok: true, body: { KmsInstance: fields }, nullable };
}

function pageParam(params: Readonly<Record<string, string>>, name: string, fallback: number, max: number): number | string {
  const raw = params[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) return `${name} must be an integer between 1 and ${max}.`;
  const n = Number(raw);
  return n >= 1 && n <= max ? n : `${name} must be an integer between 1 and ${max}.`;
}

export function listKmsInstances(
  account: AlibabaAccount,
  params: Readonly<Record<string, string>>,
  region: string | undefined,
): HandlerResult {
  if (params.Filters !== undefined && params.Filters !== '') {
    // The Filters syntax is undocumented (cloud-apis.md §8); silently ignoring it would return wrong pages.
    return { ok: false, error: alibabaError('InvalidParameter', 'The simulator does not support Filters; list without it.') };
  }
  const pageNumber = pageParam(params, 'PageNumber', 1, Number.MAX_SAFE_INTEGER);
  if (typeof pageNumber === 'string') return { ok: false, error: alibabaError('InvalidParameter', pageNumber) };
  const pageSize = pageParam(params, 'PageSize', 20, 100);
  if (typeof pageSize === 'string') return { ok: false, error: alibabaError('InvalidParameter', pageSize) };
  const all = visible(account, region).filter((i) => !i.released);
  const start = (pageNumber - 1) * pageSize;
  const page = all.slice(start, start + pageSize).map((i) => ({ KmsInstanceId: i.instanceId, KmsInstanceArn: i.arn }));
  return {
    ok: true,
    body: { PageNumber: pageNumber, PageSize: pageSize, TotalCount: all.length, KmsInstances: { KmsInstance: page } },
    nullable: [],
  };
}
