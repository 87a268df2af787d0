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
  for (const [unit, size] of [['d', 1440], ['h', 60], ['m', 1]] as const) {
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
