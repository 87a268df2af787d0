import type { Cloud, ResourceTypeName } from '../model/resource-types.js';

/**
 * How driftwatch decides that a resource does not exist (design.md §12, cloud-apis.md §3.3–3.4):
 * only from the answers listed here, per API. Absence is drift, so it must be proven by the API
 * that was asked about that very instance; every other answer — whatever its code says, e.g. a
 * Tencent `ResourceNotFound` on the account-level GetServiceStatus — leaves the resource unknown.
 * The README's "How driftwatch decides a resource does not exist" is this table.
 */

export type AbsenceProof =
  /** An error answer with exactly this vendor code. */
  | { readonly answer: 'error'; readonly code: string; readonly why: string }
  /** A success body of a documented shape (decided by the resource type's normalizer). */
  | { readonly answer: 'success'; readonly body: string; readonly why: string };

export interface AbsenceRule {
  readonly type: ResourceTypeName;
  readonly cloud: Cloud;
  readonly action: string;
  /** Empty: the resource is account-level and can never be absent. */
  readonly proofs: readonly AbsenceProof[];
}

export const ABSENCE_TABLE: readonly AbsenceRule[] = [
  { type: 'tencentcloud_kms_service', cloud: 'tencentcloud', action: 'GetServiceStatus', proofs: [] },
  { type: 'tencentcloud_tcss_subscription', cloud: 'tencentcloud', action: 'DescribePurchaseStateInfo', proofs: [] },
  {
    type: 'alicloud_kms_instance',
    cloud: 'alicloud',
    action: 'GetKmsInstance',
    proofs: [
      { answer: 'error', code: 'Forbidden.ResourceNotFound', why: 'KMS 2016-01-20 answers an unknown KmsInstanceId with this code (HTTP 404).' },
      {
        answer: 'success',
        body: 'HTTP 200 whose KmsInstance.InstanceId is empty or missing',
        why: 'how the API reports a released instance; terraform-provider-alicloud reads it as "gone" too.',
      },
    ],
  },
  {
    type: 'alicloud_cas_private_ca',
    cloud: 'alicloud',
    action: 'GetCAInstanceStatus',
    proofs: [
      { answer: 'error', code: 'InvalidInstanceId.NotFound', why: 'the InstanceId is unknown to the CAS host of the provider\'s region (HTTP 404).' },
      {
        answer: 'success',
        body: 'HTTP 200 whose InstanceStatusList has no element with the InstanceId',
        why: 'asked at the host of the provider\'s region (see the host table), the list is the region\'s CAs.',
      },
    ],
  },
];

/** Whether an error code, answered by `action`, proves that the instance asked about does not exist. */
export function errorProvesAbsence(cloud: Cloud, action: string, code: string): boolean {
  const rule = ABSENCE_TABLE.find((r) => r.cloud === cloud && r.action === action);
  return rule !== undefined && rule.proofs.some((p) => p.answer === 'error' && p.code === code);
}

/** Whether a resource type can be absent at all (account-level types cannot). */
export function canBeAbsent(type: string): boolean {
  const rule = ABSENCE_TABLE.find((r) => r.type === type);
  return rule !== undefined && rule.proofs.length > 0;
}
