import type { Severity } from '../model/desired-state.js';
import { SEVERITIES } from '../model/desired-state.js';
import { isJsonObject } from '../model/json.js';
import type { JsonValue } from '../model/json.js';
import type { CheckResult, ResolvedFinding, RunReport, RunSummary } from '../model/run-result.js';
import { checkFingerprint } from '../util/fingerprint.js';
import { parseInstant } from '../util/time.js';

/**
 * One run in the history ledger: compact on purpose (a nightly run of thousands of resources over
 * 400 days must stay small). It keeps what the next runs need and nothing that could hold a secret:
 * the as-of time, the configuration digest, the summary, every finding (a check that failed or was
 * unknown) by fingerprint with its status and first-seen time, and the observed numbers and instants
 * of each resource (for forecasts). Passing checks are not listed: a fingerprint missing from the
 * previous record passed then (or was not checked).
 */
const RECORD_MARKER = 'driftwatch_history';
export const RECORD_VERSION = 1;

export interface RecordedFinding {
  readonly fingerprint: string;
  readonly address: string;
  readonly rule: string;
  readonly source: 'expect' | 'policy';
  readonly severity: Severity;
  readonly status: 'fail' | 'unknown';
  readonly first_seen: string;
}

export interface HistoryRecord {
  readonly [RECORD_MARKER]: typeof RECORD_VERSION;
  readonly as_of: string;
  readonly tool_version: string;
  readonly config_digest: string;
  /** `shard I/N` for a shard's run (`--shard`): shards of one ledger each compare with their own previous run. */
  readonly scope?: string;
  readonly summary: Omit<RunSummary, 'exit_code'>;
  readonly findings: readonly RecordedFinding[];
  /** Findings of the previous record this run no longer has (for mean time to resolve). */
  readonly resolved: readonly ResolvedFinding[];
  /** Address → attribute → observed number, or instant (ISO UTC). */
  readonly values: { readonly [address: string]: { readonly [attribute: string]: number | string } };
}

/** A check's fingerprint, computed for results written before checks carried one. */
export function fingerprintOf(address: string, c: CheckResult): string {
  return c.fingerprint ?? checkFingerprint(address, c.source, c.rule, c.rule);
}

const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/** The record of an annotated run (annotate.ts gave its findings their first-seen times). */
export function recordOf(result: RunReport, configDigest: string): HistoryRecord {
  const findings: RecordedFinding[] = [];
  const values: Record<string, Record<string, number | string>> = {};
  for (const r of result.resources) {
    for (const c of r.checks) {
      if (c.status !== 'fail' && c.status !== 'unknown') continue;
      findings.push({
        fingerprint: fingerprintOf(r.address, c),
        address: r.address,
        rule: c.rule,
        source: c.source,
        severity: c.severity,
        status: c.status,
        first_seen: c.first_seen ?? result.as_of,
      });
    }
    const kept: Record<string, number | string> = {};
    let any = false;
    for (const [name, value] of Object.entries(r.observed)) {
      if ((typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && ISO_INSTANT.test(value))) {
        kept[name] = value;
        any = true;
      }
    }
    if (any) values[r.address] = kept;
  }
  const { resources, compliant, drifted, unknown, waived } = result.summary;
  return {
    [RECORD_MARKER]: RECORD_VERSION,
    as_of: result.as_of,
    tool_version: result.tool.version,
    config_digest: configDigest,
    ...(result.shard ? { scope: scopeOf(result.shard) } : {}),
    summary: { resources, compliant, drifted, unknown, waived },
    findings,
    resolved: result.resolved ?? [],
    values,
  };
}

/** The ledger scope of a run: its shard (`--shard I/N`), or undefined for a whole run. */
export function scopeOf(shard: { readonly index: number; readonly count: number } | undefined): string | undefined {
  return shard ? `shard ${shard.index}/${shard.count}` : undefined;
}

export type ParsedRecord =
  { readonly ok: true; readonly record: HistoryRecord } | { readonly ok: false; readonly foreign: boolean; readonly reason: string };

const isCount = (v: JsonValue | undefined): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isText = (v: JsonValue | undefined): v is string => typeof v === 'string' && v !== '';

function findingProblem(f: JsonValue): string | undefined {
  if (!isJsonObject(f)) return 'a finding is not an object';
  for (const key of ['fingerprint', 'address', 'rule', 'first_seen'] as const) if (!isText(f[key])) return `a finding has no ${key}`;
  if (f.source !== 'expect' && f.source !== 'policy') return 'a finding has no valid source';
  if (f.status !== 'fail' && f.status !== 'unknown') return 'a finding has no valid status';
  if (!(SEVERITIES as readonly JsonValue[]).includes(f.severity ?? null)) return 'a finding has no valid severity';
  if (parseInstant(f.first_seen) === undefined) return 'a finding has a malformed first_seen';
  return undefined;
}

/**
 * Reads one ledger file. Anything that is not a record of this version — another tool's JSON, a
 * truncated write, a hand edit that broke a field — is refused with the reason; the caller skips it
 * with a warning rather than merging half of it.
 */
export function parseRecord(text: string): ParsedRecord {
  let data: JsonValue;
  try {
    data = JSON.parse(text) as JsonValue;
  } catch {
    return { ok: false, foreign: false, reason: 'not valid JSON (a truncated or damaged record)' };
  }
  if (!isJsonObject(data) || !(RECORD_MARKER in data)) return { ok: false, foreign: true, reason: 'not a driftwatch history record' };
  if (data[RECORD_MARKER] !== RECORD_VERSION)
    return {
      ok: false,
      foreign: true,
      reason: `history record version ${JSON.stringify(data[RECORD_MARKER])} is not one this driftwatch reads (${RECORD_VERSION})`,
    };
  if (!isText(data.as_of) || parseInstant(data.as_of) === undefined)
    return { ok: false, foreign: false, reason: 'as_of is missing or malformed' };
  if (!isText(data.config_digest) || typeof data.tool_version !== 'string')
    return { ok: false, foreign: false, reason: 'config_digest or tool_version is missing' };
  if (data.scope !== undefined && !isText(data.scope)) return { ok: false, foreign: false, reason: 'scope is malformed' };
  const summary = data.summary;
  if (!isJsonObject(summary) || !['resources', 'compliant', 'drifted', 'unknown', 'waived'].every((k) => isCount(summary[k]))) {
    return { ok: false, foreign: false, reason: 'summary is missing or malformed' };
  }
  if (!Array.isArray(data.findings)) return { ok: false, foreign: false, reason: 'findings is not a list' };
  for (const f of data.findings) {
    const problem = findingProblem(f);
    if (problem !== undefined) return { ok: false, foreign: false, reason: problem };
  }
  if (
    !Array.isArray(data.resolved) ||
    !data.resolved.every((f) => isJsonObject(f) && isText(f.fingerprint) && isText(f.rule) && isText(f.first_seen))
  ) {
    return { ok: false, foreign: false, reason: 'resolved is malformed' };
  }
  const values = data.values;
  if (
    !isJsonObject(values) ||
    !Object.values(values).every((v) => isJsonObject(v) && Object.values(v).every((x) => typeof x === 'number' || typeof x === 'string'))
  ) {
    return { ok: false, foreign: false, reason: 'values is malformed' };
  }
  return { ok: true, record: data as unknown as HistoryRecord };
}
