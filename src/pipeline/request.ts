import type { Severity } from '../model/desired-state.js';
import type { ShardSpec } from '../engine/shard.js';
import type { ReportFormat } from '../report/formats.js';
import type { FrameworkName } from '../report/controls.js';

/**
 * What a run is asked to do, in checked values only: the CLI maps the flags of `plan` and `check`
 * onto it (cli/run-options.ts), and `demo` builds one directly.
 */

export interface OutputTarget {
  readonly format: ReportFormat;
  readonly path: string;
}

export type CompareBase = { readonly kind: 'path'; readonly path: string } | { readonly kind: 'ref'; readonly ref: string };

export interface CompareOptions {
  readonly compare?: CompareBase;
  readonly failOnWeakening?: boolean;
}

export interface HistoryOptions {
  /** `--history DIR` (absolute). */
  readonly history?: string;
  /** `--history-keep`, in milliseconds and as written. */
  readonly historyKeep?: { readonly ms: number; readonly text: string };
  /** `--fail-on-new`: only drift new since the previous run exits 2. */
  readonly failOnNew?: boolean;
}

/** The flags of `plan` and `check`, checked once so the run itself deals only in valid values. */
export interface RunRequest extends CompareOptions, HistoryOptions {
  readonly paths: readonly string[];
  readonly format: ReportFormat;
  readonly outputs: readonly OutputTarget[];
  readonly targets: readonly string[];
  readonly observed?: string;
  readonly saveObserved?: string;
  readonly evidence?: string;
  /** `--force`: replace a previous evidence bundle that verifies with the signing key. */
  readonly force?: boolean;
  /** `--observed-key FILE` (absolute). */
  readonly observedKey?: string;
  /** `--max-age DURATION`, in milliseconds, and as written. */
  readonly maxAge?: { readonly ms: number; readonly text: string };
  readonly asOf?: Date;
  readonly endpoint?: string;
  readonly failOn: Severity;
  readonly progress: boolean;
  /** `--timeout`: per-attempt request timeout (ms), winning over each provider's `timeout:`. */
  readonly attemptTimeoutMs?: number;
  /** `--run-timeout`: deadline (ms from the first request) for every call of the run. */
  readonly runTimeoutMs?: number;
  /** `--tz`: the reader's zone, shown beside UTC. */
  readonly timeZone?: string;
  /** `--allow-empty`: a configuration that selects no resource exits 0 instead of 1. */
  readonly allowEmpty?: boolean;
  readonly framework?: FrameworkName;
  /** `--shard I/N`: only the accounts of shard I of N (engine/shard.ts). */
  readonly shard?: ShardSpec;
}

/** Per-attempt timeout when neither `--timeout` nor the provider's `timeout:` says otherwise. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000;
/** Whole-run deadline without `--run-timeout`. */
export const DEFAULT_RUN_TIMEOUT_MS = 15 * 60_000;
