/**
 * Code-unit string order: deterministic, locale-independent (locale-aware sorting would reorder `_`
 * and case), and the order the Alibaba gateway sorts parameter names in. Every sorted output of
 * driftwatch — reports, snapshots, signatures — uses it.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
