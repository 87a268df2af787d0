import type { JsonValue } from './json.js';
import type { Operator, Severity } from './desired-state.js';
import type { SourceLocation } from './location.js';
import type { ObservationError } from './observation.js';
import type { Comparison } from './comparison.js';
import type { ResourceStatus, RunSummary } from './run-summary.js';

export type { ResourceStatus, RunSummary } from './run-summary.js';

export type CheckStatus = 'pass' | 'fail' | 'unknown' | 'waived';

export interface CheckResult {
  /** Attribute name for expectations, rule id for policy findings. */
  readonly rule: string;
  readonly source: 'expect' | 'policy';
  readonly operator: Operator;
  readonly expected: JsonValue;
  /** The observed value, or null when unknown/absent. */
  readonly actual: JsonValue;
  readonly status: CheckStatus;
  readonly severity: Severity;
  readonly message: string;
  readonly location: SourceLocation;
  /** The expectation's own `description:` (why the team expects this), shown by every format. */
  readonly description?: string;
  /** Policy findings only. */
  readonly title?: string;
  readonly remediation?: string;
  readonly controls?: readonly string[];
  /** Present when a waiver turned this check into `waived`, or expired and stopped applying. */
  readonly waiver?: AppliedWaiver;
  /**
   * Stable identity of the check across runs (address, source, rule, attribute; util/fingerprint.ts),
   * so history, `diff` and SARIF baselines can tell the same finding from a new one. Absent only in
   * results written before it existed.
   */
  readonly fingerprint?: string;
  /** With `--history`, on failing and unknown checks: when this finding was first and last seen (ISO UTC). */
  readonly first_seen?: string;
  readonly last_seen?: string;
  /** With `--history`, on failing and unknown checks: whether the previous run already had it. */
  readonly change?: CheckChange;
  /** With `--history`, on counters that are used up and on `runs_out_within`: the consumption forecast. */
  readonly forecast?: ConsumptionForecast;
}

/** `new`: the previous run did not have this finding (or had it with another status); `persisting`: it did. */
export type CheckChange = 'new' | 'persisting';

/** How fast a counter is used up, from the observations of the history window (operators/forecast.ts). */
export interface ConsumptionForecast {
  /** Observations used, this run's included. */
  readonly observations: number;
  /** Days between the first and the last observation used. */
  readonly window_days: number;
  /** Units used per day (negative when the counter grows); null when unknown. */
  readonly rate_per_day: number | null;
  /** Projected instant the counter reaches zero (ISO UTC); null when it is not being used up or unknown. */
  readonly runs_out_at: string | null;
  /** Why no rate can be given (too few observations, too short a span). */
  readonly unknown_reason?: string;
}

/** A finding of the previous run that this run no longer has (design.md §12: run-level `resolved`). */
export interface ResolvedFinding {
  readonly fingerprint: string;
  readonly address: string;
  readonly rule: string;
  readonly source: 'expect' | 'policy';
  readonly severity: Severity;
  /** The status it had: `fail` (drift fixed) or `unknown` (verified again). */
  readonly previous_status: 'fail' | 'unknown';
  readonly first_seen: string;
  /** The as-of time of the run that no longer had it. */
  readonly resolved_at: string;
}

/** With `--history`: the ledger this run was compared with and recorded in. */
export interface HistoryInfo {
  /** As-of time of the previous run, or null for the first recorded run. */
  readonly previous_as_of: string | null;
  /** Records read from the ledger (corrupt and foreign ones excluded). */
  readonly records: number;
  readonly new: number;
  readonly persisting: number;
  readonly resolved: number;
  /** `--fail-on-new`: only new drift set the exit code. */
  readonly fail_on_new?: boolean;
}

/** One notification target's outcome (`notify:`); never changes the verdict. */
export interface NotificationOutcome {
  readonly type: string;
  /** The target's `url` variable name (the URL itself is a secret). */
  readonly target: string;
  readonly status: 'sent' | 'skipped' | 'failed';
  readonly attempts: number;
  /** Why it was skipped or failed. */
  readonly message?: string;
}

export interface AppliedWaiver {
  readonly rule: string;
  readonly reason: string;
  readonly owner: string;
  readonly expires: string;
  readonly ticket?: string;
  readonly state: 'active' | 'expired' | 'expiring';
  readonly location: SourceLocation;
}

export interface ResourceResult {
  readonly address: string;
  readonly type: string;
  readonly status: ResourceStatus;
  /** True when the instance does not exist (drift of its own kind). */
  readonly absent?: boolean;
  readonly checks: readonly CheckResult[];
  readonly error: ObservationError | null;
  readonly request_ids: readonly string[];
  readonly observed: { readonly [key: string]: JsonValue };
  readonly location: SourceLocation;
}

export interface WaiverReport {
  readonly resource: string;
  readonly rule: string;
  readonly owner: string;
  readonly expires: string;
  readonly reason: string;
  readonly ticket?: string;
  readonly state: 'active' | 'expired' | 'expiring' | 'unused';
  readonly location: SourceLocation;
}

/** The run result (design.md §5, a contract). */
export interface RunResult {
  readonly format_version: '1';
  readonly tool: { readonly name: 'driftwatch'; readonly version: string };
  readonly as_of: string;
  readonly fail_on?: Severity;
  readonly summary: RunSummary;
  readonly resources: readonly ResourceResult[];
  readonly waivers?: readonly WaiverReport[];
  /** With `--observed`: when the snapshot was observed and how old it was at `as_of` (design.md §12). */
  readonly snapshot?: SnapshotInfo;
  /** `--compare`: the change from a base configuration (design.md §12). */
  readonly comparison?: Comparison;
  /** One shard of a run (`--shard I/N`, design.md §12); absent for whole runs and merged results. */
  readonly shard?: ShardInfo;
  /** With `--history`: the previous run's findings this run no longer has (design.md §12). */
  readonly resolved?: readonly ResolvedFinding[];
  /** With `--history`: the comparison with the previous run. */
  readonly history?: HistoryInfo;
  /** With `notify:`: what each target was sent. */
  readonly notifications?: readonly NotificationOutcome[];
}

/**
 * A run result whose resources may be streamed: each iteration yields them afresh, in address
 * order, so a run of any size is evaluated and rendered one resource at a time instead of held
 * (src/engine/evaluate.ts `evaluateStream`). Every RunResult is one; code that only reads the
 * resources in order (the reporters, the history, the notifications) takes this type.
 */
export interface RunReport extends Omit<RunResult, 'resources'> {
  readonly resources: Iterable<ResourceResult>;
}

/** The result with each resource replaced by `f(resource)`: a list stays a list, a stream maps as it is read. */
export function mapResources(result: RunResult, f: (r: ResourceResult) => ResourceResult): RunResult;
export function mapResources(result: RunReport, f: (r: ResourceResult) => ResourceResult): RunReport;
export function mapResources(result: RunReport, f: (r: ResourceResult) => ResourceResult): RunReport {
  const source = result.resources;
  if (Array.isArray(source)) return { ...result, resources: (source as readonly ResourceResult[]).map(f) };
  return {
    ...result,
    resources: {
      *[Symbol.iterator]() {
        for (const r of source) yield f(r);
      },
    },
  };
}

export interface ShardInfo {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
  /** The account keys (see engine/shard.ts) whose resources this shard checked. */
  readonly accounts: readonly string[];
  /** `sha256:` over the configuration and policy files, so `merge` refuses shards of different configurations. */
  readonly config_digest: string;
}

export interface SnapshotInfo {
  /** The snapshot's `observed_at` (ISO-8601 UTC). */
  readonly observed_at: string;
  /** Age at `as_of`, e.g. `3d 4h 12m` (`-5m` when observed after as_of). */
  readonly age: string;
  readonly age_seconds: number;
}

/** A snapshot's age in words: the two largest units (`3d 4h`, `2h 5m`, `12m`, `0m`). */
export function formatAge(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.floor(Math.abs(seconds) / 60);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 1440],
    ['h', 60],
    ['m', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (unit === 'm' && parts.length === 0)) parts.push(`${n}${unit}`);
  }
  return `${sign}${parts.slice(0, 2).join(' ')}`;
}

/** The header line every report shows for a snapshot run. */
export function snapshotLine(snapshot: SnapshotInfo): string {
  return snapshot.age_seconds >= 0
    ? `evaluated from a snapshot observed ${snapshot.observed_at}, ${snapshot.age} old`
    : `evaluated from a snapshot observed ${snapshot.observed_at}, ${snapshot.age.slice(1)} after the run's as-of time`;
}
