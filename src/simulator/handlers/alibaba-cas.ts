/**
 * Alibaba CAS `GetCAInstanceStatus` (2020-06-30): one CA by `InstanceId` (or by CA certificate
 * `Identifier`), or — with neither — every CA instance the host serves. A CA of the account that
 * another CAS host serves (an international region's CA asked at cas.aliyuncs.com) comes back as an
 * empty list, as the vendor answers it; an id the account does not have at all is 404.
 */
import { alibabaError } from '../vendor-errors.js';
import type { AlibabaAccount, AlibabaCaInstance } from '../world.js';
import type { FieldPath, HandlerResult } from './result.js';

export function getCaInstanceStatus(
  account: AlibabaAccount,
  params: Readonly<Record<string, string>>,
  served: (ca: AlibabaCaInstance) => boolean = () => true,
): HandlerResult {
  let selected: readonly AlibabaCaInstance[] = account.caInstances;
  const id = params.InstanceId;
  if (id !== undefined && id !== '') {
    selected = selected.filter((c) => c.instanceId === id);
    if (selected.length === 0) {
      return { ok: false, error: alibabaError('InvalidInstanceId.NotFound', `The specified InstanceId does not exist. InstanceId: ${id}`) };
    }
  }
  selected = selected.filter(served);
  const identifier = params.Identifier;
  if (identifier !== undefined && identifier !== '') {
    selected = selected.filter((c) => c.fields.Identifier === identifier);
    if (selected.length === 0) {
      return {
        ok: false,
        error: alibabaError('InvalidIdentifier.NotFound', `The specified Identifier does not exist. Identifier: ${identifier}`),
      };
    }
  }
  const forced = selected.find((c) => c.forceError);
  if (forced?.forceError) {
    const fe = forced.forceError;
    return { ok: false, error: alibabaError(fe.code, fe.message, fe.httpStatus) };
  }
  const nullable: FieldPath[] = [
    'Type',
    'Status',
    'CertTotalCount',
    'CertIssuedCount',
    'BeforeTime',
    'AfterTime',
    'Identifier',
    'UseExpireTime',
  ].map((f) => ['InstanceStatusList', '*', f]);
  return { ok: true, body: { InstanceStatusList: selected.map((c) => ({ ...c.fields })) }, nullable };
}
