import { resolve } from 'node:path';
import type { ParsedInput } from './command.js';
import { boolFlag, listFlag, stringFlag } from './command.js';
import { SEVERITIES } from '../model/desired-state.js';
import type { Severity } from '../model/desired-state.js';
import type { OutputTarget, RunRequest } from '../pipeline/request.js';
import { UsageError } from '../model/errors.js';
import { parseAsOf } from '../util/time.js';
import { parseDuration, parseTimeout } from '../util/duration.js';
import { clipText } from '../model/clip.js';
import { isTimeZone } from '../model/time-zone.js';
import { parseShard } from '../engine/shard.js';
import type { ShardSpec } from '../engine/shard.js';
import { EndpointError, parseEndpointOverride } from '../providers/endpoints.js';
import { REPORT_FORMATS, isReportFormat } from '../report/formats.js';
import type { ReportFormat } from '../report/formats.js';
import { FRAMEWORK_NAMES, isFrameworkName } from '../report/controls.js';
import type { FrameworkName } from '../report/controls.js';
import { parseCompareOptions } from './compare-options.js';
import { parseHistoryOptions } from './history-options.js';

function parseTimeoutFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseTimeout(value);
  if (ms === undefined) throw new UsageError(`${flag}: expected a duration such as 500ms, 10s, 2m or 1h, got '${value}'`);
  return ms;
}

export function parseTimeZoneFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isTimeZone(value))
    throw new UsageError(`--tz: unknown time zone '${value}'`, 'Use an IANA zone name, e.g. Asia/Shanghai, Europe/Berlin or UTC.');
  return value;
}

export function parseFormat(value: string, flag: string): ReportFormat {
  if (isReportFormat(value)) return value;
  throw new UsageError(`${flag}: unknown format '${value}'`, `Expected one of: ${REPORT_FORMATS.join(', ')}.`);
}

/** `--framework NAME` (design.md §12). */
export function parseFramework(value: string | undefined): FrameworkName | undefined {
  if (value === undefined) return undefined;
  if (isFrameworkName(value)) return value;
  throw new UsageError(
    `--framework: unknown framework '${value}'`,
    `Expected one of: ${FRAMEWORK_NAMES.join(', ')} (see docs/controls.md).`,
  );
}

/** `--out FORMAT=PATH` (repeatable); two reports to one path would overwrite each other, so that is an error. */
export function parseOutputs(specs: readonly string[], cwd: string): OutputTarget[] {
  const targets = specs.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) {
      throw new UsageError(
        `--out: expected FORMAT=PATH, got '${spec}'`,
        `e.g. --out json=result.json (formats: ${REPORT_FORMATS.join(', ')}).`,
      );
    }
    return { format: parseFormat(spec.slice(0, eq), '--out'), path: resolve(cwd, spec.slice(eq + 1)), spec };
  });
  const byPath = new Map<string, string>();
  for (const target of targets) {
    const earlier = byPath.get(target.path);
    if (earlier !== undefined) {
      throw new UsageError(`--out: ${earlier} and ${target.spec} write to the same file`, 'Give each --out its own path.');
    }
    byPath.set(target.path, target.spec);
  }
  return targets.map(({ format, path }) => ({ format, path }));
}

/** `--endpoint`: checked before anything runs, so a typo is a usage error (exit 1), not unknown resources. */
export function parseEndpointFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    parseEndpointOverride(value);
  } catch (error) {
    if (error instanceof EndpointError) throw new UsageError(`--endpoint: ${error.message}`, error.hint);
    throw error;
  }
  return value;
}

/** `--shard I/N` (plan, check, import): the spec, or undefined when not given. */
export function parseShardFlag(input: ParsedInput): ShardSpec | undefined {
  const text = stringFlag(input, 'shard');
  if (text === undefined) return undefined;
  const parsed = parseShard(text);
  if (typeof parsed === 'string')
    throw new UsageError(`--shard: ${parsed}`, 'Give the shard number and the number of shards, e.g. --shard 1/3.');
  return parsed;
}

/** The flags of `plan` and `check` as the pipeline's request, checked once so the run deals only in valid values. */
export function parseRunOptions(input: ParsedInput, cwd: string): RunRequest {
  const outputs = parseOutputs(listFlag(input, 'out'), cwd);
  const failOn = stringFlag(input, 'fail-on') ?? 'low';
  if (!(SEVERITIES as readonly string[]).includes(failOn)) {
    throw new UsageError(`--fail-on: unknown severity '${failOn}'`, `Expected one of: ${SEVERITIES.join(', ')}.`);
  }
  const observed = stringFlag(input, 'observed');
  const endpoint = parseEndpointFlag(stringFlag(input, 'endpoint'));
  if (observed && endpoint)
    throw new UsageError(
      '--observed and --endpoint cannot be used together',
      '--observed evaluates a saved snapshot and makes no requests.',
    );
  const asOf = stringFlag(input, 'as-of');
  const saveObserved = stringFlag(input, 'save-observed');
  const evidence = stringFlag(input, 'evidence');
  const format = parseFormat(stringFlag(input, 'format') ?? 'text', '--format');
  const force = boolFlag(input, 'force');
  if (force && !evidence)
    throw new UsageError(
      '--force only applies to --evidence',
      'It lets --evidence replace a previous bundle that verifies with the signing key.',
    );
  const observedKey = stringFlag(input, 'observed-key');
  const maxAgeText = stringFlag(input, 'max-age');
  if ((observedKey !== undefined || maxAgeText !== undefined) && !observed) {
    throw new UsageError(
      `${observedKey !== undefined ? '--observed-key' : '--max-age'} only applies to --observed`,
      'They say how far a saved snapshot is trusted.',
    );
  }
  const maxAgeMs = maxAgeText === undefined ? undefined : parseDuration(maxAgeText);
  if (maxAgeText !== undefined && maxAgeMs === undefined) {
    throw new UsageError(
      `--max-age: malformed duration '${clipText(maxAgeText, 40)}'`,
      'Write a positive whole number and a unit m, h, d or w (e.g. 90m, 24h, 7d, 2w).',
    );
  }
  const attemptTimeoutMs = parseTimeoutFlag(stringFlag(input, 'timeout'), '--timeout');
  const runTimeoutMs = parseTimeoutFlag(stringFlag(input, 'run-timeout'), '--run-timeout');
  const timeZone = parseTimeZoneFlag(stringFlag(input, 'tz'));
  const framework = parseFramework(stringFlag(input, 'framework'));
  const shard = parseShardFlag(input);
  if (shard !== undefined) {
    // Shards run at different moments; `merge` needs one "now" for expiry checks to agree.
    if (!asOf)
      throw new UsageError(
        '--shard needs --as-of',
        'Pass the same --as-of TIMESTAMP to every shard (e.g. the time the CI workflow started), so `driftwatch merge` can combine them.',
      );
    if (observed) throw new UsageError('--shard and --observed cannot be used together', 'Shard live runs; a snapshot is evaluated whole.');
  }
  return {
    ...(shard ? { shard } : {}),
    paths: input.positionals.length > 0 ? input.positionals : ['.'],
    format,
    outputs,
    targets: listFlag(input, 'target'),
    ...(observed ? { observed: resolve(cwd, observed) } : {}),
    ...(saveObserved ? { saveObserved: resolve(cwd, saveObserved) } : {}),
    ...(evidence ? { evidence: resolve(cwd, evidence) } : {}),
    force,
    ...(observedKey !== undefined ? { observedKey: resolve(cwd, observedKey) } : {}),
    ...(maxAgeText !== undefined && maxAgeMs !== undefined ? { maxAge: { ms: maxAgeMs, text: maxAgeText } } : {}),
    ...(asOf ? { asOf: parseAsOf(asOf) } : {}),
    ...(endpoint ? { endpoint } : {}),
    failOn: failOn as Severity,
    progress: !boolFlag(input, 'no-progress'),
    ...(attemptTimeoutMs !== undefined ? { attemptTimeoutMs } : {}),
    ...(runTimeoutMs !== undefined ? { runTimeoutMs } : {}),
    ...(timeZone !== undefined ? { timeZone } : {}),
    allowEmpty: boolFlag(input, 'allow-empty'),
    ...(framework ? { framework } : {}),
    ...parseCompareOptions(input),
    ...parseHistoryOptions(input, cwd),
  };
}
