/**
 * The resource status and run summary of the run result (design.md §5). On their own so that
 * run-result.ts and comparison.ts (which both use them, and the first holds the second) import
 * without a cycle between the two files.
 */
export type ResourceStatus = 'compliant' | 'drifted' | 'unknown' | 'waived';

export interface RunSummary {
  readonly resources: number;
  readonly compliant: number;
  readonly drifted: number;
  readonly unknown: number;
  readonly waived: number;
  readonly exit_code: 0 | 2 | 3;
}
