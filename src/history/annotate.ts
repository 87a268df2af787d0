import type { CheckResult, HistoryInfo, ResolvedFinding, ResourceResult, RunReport, RunResult } from '../model/run-result.js';
import { mapResources } from '../model/run-result.js';
import { SEVERITY_RANK } from '../engine/evaluate.js';
import { fingerprintOf, recordOf } from './record.js';
import type { RecordedFinding } from './record.js';

/**
 * What changed since the previous run. A finding is a check that failed or could not be verified,
 * known by its fingerprint and status: the same fingerprint with the same status as in the previous
 * run is `persisting` (keeping its first-seen time), anything else is `new` — a check that failed
 * last night and is unknown tonight is a new unknown, not a persisting drift. A previous finding
 * whose check now passes is `resolved`; one whose check is now waived (the risk was accepted, not
 * fixed) or was not evaluated at all (the resource was removed or not targeted) is not, since
 * nothing shows it was fixed.
 */

export interface AnnotateOptions {
  /** `--fail-on-new`: only new drift at or above `fail_on` makes the exit code 2. */
  readonly failOnNew?: boolean;
  /** Readable records in the ledger (for the run result's `history.records`). */
  readonly records: number;
  readonly previousAsOf: string | undefined;
}

const isFinding = (c: CheckResult): c is CheckResult & { status: 'fail' | 'unknown' } => c.status === 'fail' || c.status === 'unknown';

export function annotateChanges(result: RunResult, previous: readonly RecordedFinding[], options: AnnotateOptions): RunResult;
export function annotateChanges(result: RunReport, previous: readonly RecordedFinding[], options: AnnotateOptions): RunReport;
export function annotateChanges(result: RunReport, previous: readonly RecordedFinding[], options: AnnotateOptions): RunReport {
  const before = new Map(previous.map((f) => [f.fingerprint, f]));
  const asOf = result.as_of;
  const rank = SEVERITY_RANK[result.fail_on ?? 'low'];
  // One read of the resources counts what changed (a streamed run is read again when written).
  let fresh = 0;
  let persisting = 0;
  let newDriftAtThreshold = false;
  let unknown = result.summary.unknown > 0;
  const statusNow = new Map<string, CheckResult['status']>();
  for (const r of result.resources) {
    for (const c of r.checks) {
      const fingerprint = fingerprintOf(r.address, c);
      if (before.has(fingerprint)) statusNow.set(fingerprint, c.status);
      if (!isFinding(c)) continue;
      if (c.status === 'unknown') unknown = true;
      const prior = before.get(fingerprint);
      if (prior !== undefined && prior.status === c.status) persisting++;
      else {
        fresh++;
        if (c.status === 'fail' && SEVERITY_RANK[c.severity] >= rank) newDriftAtThreshold = true;
      }
    }
  }
  const annotate = (r: ResourceResult): ResourceResult => ({
    ...r,
    checks: r.checks.map((c) => {
      const fingerprint = fingerprintOf(r.address, c);
      if (!isFinding(c)) return c.fingerprint === undefined ? { ...c, fingerprint } : c;
      const prior = before.get(fingerprint);
      const kept = prior !== undefined && prior.status === c.status;
      return { ...c, fingerprint, first_seen: kept ? prior.first_seen : asOf, last_seen: asOf, change: kept ? 'persisting' : 'new' };
    }),
  });
  const resolved: ResolvedFinding[] = [];
  for (const f of previous) {
    if (statusNow.get(f.fingerprint) !== 'pass') continue;
    resolved.push({
      fingerprint: f.fingerprint,
      address: f.address,
      rule: f.rule,
      source: f.source,
      severity: f.severity,
      previous_status: f.status,
      first_seen: f.first_seen,
      resolved_at: asOf,
    });
  }
  const history: HistoryInfo = {
    previous_as_of: options.previousAsOf ?? null,
    records: options.records,
    new: fresh,
    persisting,
    resolved: resolved.length,
    ...(options.failOnNew === true ? { fail_on_new: true } : {}),
  };
  const annotated: RunReport = { ...mapResources(result, annotate), resolved, history };
  // `--fail-on-new`: 2 only for new drift at or above `fail_on`; otherwise 3 for anything unknown, else 0.
  const exitOnNew = newDriftAtThreshold ? 2 : unknown ? 3 : 0;
  return options.failOnNew === true ? { ...annotated, summary: { ...annotated.summary, exit_code: exitOnNew } } : annotated;
}

/**
 * `driftwatch diff OLD.json NEW.json`: the new result annotated as if OLD were the previous run of
 * a history — the same `change`, `first_seen` and `resolved` a ledger would give.
 */
export function diffResults(older: RunResult, newer: RunResult): RunResult {
  return annotateChanges(newer, recordOf(older, '').findings, { records: 1, previousAsOf: older.as_of });
}
