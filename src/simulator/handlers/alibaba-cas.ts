/**
 * Alibaba CAS `GetCAInstanceStatus` (2020-06-30): one CA by `InstanceId` (or by CA certificate
 * `Identifier`), or — with neither — every CA instance of the account.
 */
import { alibabaError } from '../vendor-errors.js';
import type { AlibabaAccount, AlibabaCaInstance } from '../world.js';
import type { FieldPath, HandlerResult } from './result.js';

export function getCaInstanceStatus(account: AlibabaAccount, params: Readonly<Record<string, string>>): HandlerResult {
  let selected: readonly AlibabaCaInstance[] = account.caInstances;
  const id = params.InstanceId;
  if (id !== undefined && id !== '') {
    selected = selected.filter((c) => c.instanceId === id);
    if (selected.length === 0) {
      return { ok: false, error: alibabaError('InvalidInstanceId.NotFound', `The specified InstanceId does not exist. InstanceId: ${id}`) };
    }
  }
  const identifier = params.Identifier;
  if (identifier !== undefined && identifier !== '') {
    selected = selected.filter((c) => c.fields.Identifier === identifier);
    if (selected.length === 0) {
      return { ok: false, error: alibabaError('InvalidIdentifier.NotFound', `The specified Identifier does not exist. Identifier: ${identifier}`) };
    }
  }
  const forced = selected.find((c) => c.forceError);
  if (forced?.forceError) {
    const fe = forced.forceError;
    return { ok: false, error: alibabaError(fe.code, fe.message, fe.httpStatus) };
  }
  const nullable: FieldPath[] = ['Type', 'Status', 'CertTotalCount', 'CertIssuedCount', 'BeforeTime', 'AfterTime', 'Identifier', 'UseExpireTime'].map(
    (f) => ['InstanceStatusList', '*', f],
  );
  return { ok: true, body: { InstanceStatusList: selected.map((c) => ({ ...c.fields })) }, nullable };
}
