import type { Cloud, ResourceTypeName } from '../model/resource-types.js';
import type { AbsenceProof } from '../resources/define.js';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';

export type { AbsenceProof };

/**
 * How driftwatch decides that a resource does not exist (design.md §12, cloud-apis.md §3.3–3.4):
 * only from the answers each resource type declares (`absence` in src/resources/<type>/), per
 * API. Absence is drift, so it must be proven by the API that was asked about that very instance;
 * every other answer — whatever its code says, e.g. a Tencent `ResourceNotFound` on the
 * account-level GetServiceStatus — leaves the resource unknown. The README's "How driftwatch
 * decides a resource does not exist" is this table.
 */

export interface AbsenceRule {
  readonly type: ResourceTypeName;
  readonly cloud: Cloud;
  readonly action: string;
  /** Empty: the resource is account-level and can never be absent. */
  readonly proofs: readonly AbsenceProof[];
}

function absenceTable(registry: TypeRegistry): readonly AbsenceRule[] {
  return registry.types.map(({ declaration: d }) => ({ type: d.name, cloud: d.cloud, action: d.api.action, proofs: d.absence }));
}

export const ABSENCE_TABLE: readonly AbsenceRule[] = absenceTable(BUILTIN_TYPES);

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
