import type { Severity } from '../model/desired-state.js';
import { compareStrings } from '../model/order.js';
import { parseInstant } from '../util/time.js';
import type { LedgerEntry } from './ledger.js';
import type { RecordedFinding } from './record.js';

/**
 * `driftwatch history`: what the ledger says over time — counts per status per run, the findings
 * still open at the latest run by age, and the mean time to resolve drift per rule. Pure: the
 * command reads the ledger and renders this.
 */

const DAY_MS = 86_400_000;

export interface RunPoint {
  readonly as_of: string;
  readonly compliant: number;
  readonly drifted: number;
  readonly unknown: number;
  readonly waived: number;
  readonly findings: number;
}

export interface OpenFinding {
  readonly address: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly status: 'fail' | 'unknown';
  readonly first_seen: string;
  readonly age_days: number;
}

export interface RuleResolution {
  readonly rule: string;
  readonly resolved: number;
  readonly mean_days: number;
}

export interface Trends {
  readonly runs: readonly RunPoint[];
  readonly open: readonly OpenFinding[];
  /** Open findings per age band (`< 1d`, `1-7d`, `7-30d`, `30-90d`, `>= 90d`). */
  readonly age_bands: Readonly<Record<string, number>>;
  readonly time_to_resolve: readonly RuleResolution[];
}

const BANDS: readonly (readonly [string, number])[] = [
  ['< 1d', 1],
  ['1-7d', 7],
  ['7-30d', 30],
  ['30-90d', 90],
  ['>= 90d', Infinity],
];

const days = (fromIso: string, toMs: number): number => Math.max(0, (toMs - (parseInstant(fromIso) ?? toMs)) / DAY_MS);
const round1 = (n: number): number => Math.round(n * 10) / 10;

export function trendsOf(entries: readonly LedgerEntry[]): Trends {
  const runs = entries.map(({ record }) => ({ as_of: record.as_of, ...record.summary, findings: record.findings.length }));
  const latest = entries.at(-1);
  const open = latest === undefined ? [] : openFindings(latest.record.findings, latest.at);
  const age_bands = Object.fromEntries(BANDS.map(([name]) => [name, 0]));
  for (const f of open) {
    const band = BANDS.find(([, limit]) => f.age_days < limit) as readonly [string, number];
    age_bands[band[0]] = (age_bands[band[0]] ?? 0) + 1;
  }
  const totals = new Map<string, { n: number; sum: number }>();
  for (const { record, at } of entries) {
    for (const r of record.resolved) {
      if (r.previous_status !== 'fail') continue;
      const t = totals.get(r.rule) ?? { n: 0, sum: 0 };
      totals.set(r.rule, { n: t.n + 1, sum: t.sum + days(r.first_seen, at) });
    }
  }
  const time_to_resolve = [...totals]
    .map(([rule, t]) => ({ rule, resolved: t.n, mean_days: round1(t.sum / t.n) }))
    .sort((a, b) => b.mean_days - a.mean_days || compareStrings(a.rule, b.rule));
  return { runs, open, age_bands, time_to_resolve };
}

function openFindings(findings: readonly RecordedFinding[], at: number): OpenFinding[] {
  return findings
    .map((f) => ({
      address: f.address,
      rule: f.rule,
      severity: f.severity,
      status: f.status,
      first_seen: f.first_seen,
      age_days: round1(days(f.first_seen, at)),
    }))
    .sort((a, b) => b.age_days - a.age_days || compareStrings(a.address, b.address) || compareStrings(a.rule, b.rule));
}

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line chart of a series (`▁▃█`); all-zero series stay on the baseline. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 ? BARS[0] : BARS[Math.min(BARS.length - 1, Math.round((v / max) * (BARS.length - 1)))])).join('');
}

/** The text the command prints. `limit` caps the open-findings list (the bands count them all). */
export function renderTrends(trends: Trends, dir: string, limit = 20): string {
  const { runs } = trends;
  if (runs.length === 0) return `No runs recorded in ${dir} yet: run \`driftwatch check --history ${dir}\` first.\n`;
  const first = runs[0] as RunPoint;
  const last = runs.at(-1) as RunPoint;
  const out = [`History: ${runs.length} ${runs.length === 1 ? 'run' : 'runs'} in ${dir}, ${first.as_of} to ${last.as_of}`, ''];
  const width = 10;
  for (const key of ['drifted', 'unknown', 'compliant', 'waived'] as const) {
    const series = runs.map((r) => r[key]);
    out.push(
      `  ${key.padEnd(width)} ${sparkline(series.slice(-60))}  now ${last[key]} (min ${Math.min(...series)}, max ${Math.max(...series)})`,
    );
  }
  out.push('', `Open findings at ${last.as_of}: ${trends.open.length}`);
  if (trends.open.length > 0) {
    out.push(
      `  by age: ${Object.entries(trends.age_bands)
        .map(([band, n]) => `${band} ${n}`)
        .join(', ')}`,
    );
    for (const f of trends.open.slice(0, limit)) {
      out.push(`  ${f.status === 'fail' ? '~' : '?'} ${f.address} ${f.rule} (${f.severity}) open ${f.age_days}d since ${f.first_seen}`);
    }
    if (trends.open.length > limit) out.push(`  … and ${trends.open.length - limit} more`);
  }
  out.push('', 'Mean time to resolve drift, per rule:');
  if (trends.time_to_resolve.length === 0) out.push('  no drift has been resolved in the recorded runs');
  for (const r of trends.time_to_resolve) out.push(`  ${r.rule}: ${r.mean_days}d over ${r.resolved} resolved`);
  return `${out.join('\n')}\n`;
}
