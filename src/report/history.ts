import type { CheckResult, ResolvedFinding, ResourceResult, RunReport } from '../model/run-result.js';
import { OPERATOR_DEFINITIONS, daysUntilText, forecastText } from '../operators/index.js';
import { parseInstant } from '../util/time.js';

/**
 * What every human-facing format says about history and forecasts (so the text report, Markdown
 * and the others word it alike): a finding's change since the previous run, the resolved list,
 * the one-line history summary, the forecast beside a counter, and "expires in N days" beside an
 * instant.
 */

/** `new since the last run` / `open since 2026-11-20` / undefined without history. */
export function changeNote(c: CheckResult): string | undefined {
  if (c.change === 'new') return 'new since the last run';
  if (c.change === 'persisting' && c.first_seen !== undefined) return `open since ${c.first_seen.slice(0, 10)}`;
  return undefined;
}

/** `History: 2 new, 3 persisting, 1 resolved since the run of …` — or the first recorded run. */
export function historyLine(result: RunReport): string | undefined {
  const h = result.history;
  if (h === undefined) return undefined;
  const fail = h.fail_on_new === true ? '; only new drift fails the run (--fail-on-new)' : '';
  if (h.previous_as_of === null) return `History: first recorded run; every finding is new${fail}.`;
  return `History: ${h.new} new, ${h.persisting} persisting, ${h.resolved} resolved since the run of ${h.previous_as_of}${fail}.`;
}

/** The resolved findings, most severe first, then by address. */
export function resolvedFindings(result: RunReport): readonly ResolvedFinding[] {
  const rank = { critical: 0, high: 1, medium: 2, low: 3 } as const;
  return [...(result.resolved ?? [])].sort(
    (a, b) => rank[a.severity] - rank[b.severity] || a.address.localeCompare(b.address) || a.rule.localeCompare(b.rule),
  );
}

export function resolvedText(f: ResolvedFinding): string {
  const was = f.previous_status === 'fail' ? 'drift fixed' : 'verified again';
  return `${f.address} ${f.rule} (${f.severity}): ${was}, open since ${f.first_seen.slice(0, 10)}`;
}

/**
 * The checks that carry a forecast, with their resource — one per counter: an expectation and a
 * policy rule on the same counter of one resource carry the same forecast, shown once.
 */
export function forecastChecks(
  resource: ResourceResult,
): { resource: ResourceResult; check: CheckResult & { forecast: NonNullable<CheckResult['forecast']> } }[] {
  const out: { resource: ResourceResult; check: CheckResult & { forecast: NonNullable<CheckResult['forecast']> } }[] = [];
  const seen = new Set<string>();
  for (const check of resource.checks) {
    if (check.forecast === undefined) continue;
    const key = JSON.stringify([check.actual, check.forecast]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ resource, check: check as CheckResult & { forecast: NonNullable<CheckResult['forecast']> } });
  }
  return out;
}

export function checkForecastText(c: CheckResult): string | undefined {
  return c.forecast === undefined ? undefined : forecastText(c.forecast);
}

/**
 * `expires in 12 days` beside the observed instant of a check on a timestamp (the operators that
 * apply to instants only: `not_within`, `before`, `after`), from the run's as-of time.
 */
export function instantNote(c: CheckResult, asOf: string): string | undefined {
  const kinds = OPERATOR_DEFINITIONS[c.operator].kinds;
  if (kinds.length !== 1 || kinds[0] !== 'timestamp') return undefined;
  const at = parseInstant(c.actual);
  const now = parseInstant(asOf);
  if (at === undefined || now === undefined) return undefined;
  return daysUntilText(at, now, /expire/.test(c.rule) || c.source === 'policy' ? 'expires' : 'is');
}
