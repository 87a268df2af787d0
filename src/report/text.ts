import { diffLines } from 'diff';
import type { JsonValue } from '../model/json.js';
import { formatLocation } from '../model/location.js';
import type { CheckResult, ResourceResult, RunReport, WaiverReport } from '../model/run-result.js';
import { snapshotLine } from '../model/run-result.js';
import { createColors } from './colors.js';
import type { Colors } from './colors.js';
import { streamingReporter } from './reporter.js';
import type { ReportOptions, Reporter } from './reporter.js';
import { asInstant, formatInZone } from '../model/time-zone.js';
import { CONTROL_STATUS_LABEL, controlCoverage, coverageSummaryLine } from './controls.js';
import type { ControlCoverage } from './controls.js';
import { comparisonText } from './comparison.js';
import { OPERATOR_DEFINITIONS, forecastText } from '../operators/index.js';
import { changeNote, checkForecastText, forecastChecks, historyLine, instantNote, resolvedFindings, resolvedText } from './history.js';
import type { OperandShow } from '../operators/index.js';

/**
 * `--format text`: the `terraform plan` look. One block per drifted or unverifiable resource with
 * `~ attribute = expected -> actual` lines, passing checks counted rather than listed, a waiver
 * section, and the summary line `Check: N compliant, N drifted, N unknown, N waived.` last.
 * Wording rule: a run with unknowns never says anything that reads as "in sync" — an unverified
 * resource is not a compliant one.
 *
 * Symbols: `~` a value differs (expected -> actual), `?` not verified, `!` an error or warning,
 * `∅` does not exist. Terraform's `-` (destroy) and `+` (create) are deliberately not used for a
 * resource, so a Terraform reader cannot take a missing instance for a planned deletion. A
 * one-line legend names the symbols a report actually uses.
 */

const SYMBOLS = {
  differs: '~',
  unknown: '?',
  error: '!',
  absent: '∅',
} as const;

type SymbolName = keyof typeof SYMBOLS;

const LEGEND: Readonly<Record<SymbolName, string>> = {
  differs: `${SYMBOLS.differs} differs (expected -> actual)`,
  absent: `${SYMBOLS.absent} does not exist`,
  unknown: `${SYMBOLS.unknown} not verified`,
  error: `${SYMBOLS.error} error or warning`,
};

/** Per-render state: which symbols were used (for the legend) and the reader's zone. */
interface Render {
  readonly colors: Colors;
  readonly used: Set<SymbolName>;
  readonly timeZone: string | undefined;
  readonly asOf: string;
}

/** ` (expires in 12 days)` after an observed instant, from the run's as-of time. */
function instantSuffix(c: CheckResult, r: Render): string {
  const note = instantNote(c, r.asOf);
  return note === undefined ? '' : ` (${note})`;
}

function sym(r: Render, name: SymbolName, paint: (s: string) => string): string {
  r.used.add(name);
  return paint(SYMBOLS[name]);
}

/** ` (2026-12-20 00:00:00 UTC+08:00 (Asia/Shanghai))` after an ISO instant when --tz is set. */
function inZone(value: JsonValue, r: Render): string {
  const instant = r.timeZone === undefined ? undefined : asInstant(value);
  return instant === undefined || r.timeZone === undefined ? '' : ` (${formatInZone(instant, r.timeZone)})`;
}

/**
 * Vendor messages and values are untrusted text: strip terminal control sequences (an ESC in an
 * error message could repaint the terminal) and indent continuation lines so a multi-line
 * message stays inside its block.
 */
function clean(text: string, indent = '      '): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '').replace(/\r?\n/g, `\n${indent}`);
}

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

function literal(value: JsonValue): string {
  return value === null ? '(not reported)' : clean(JSON.stringify(value));
}

/** How the text report writes an operand: JSON literals, and strings that are text (durations, patterns) bare. */
const TEXT_OPERAND: OperandShow = { value: (v) => literal(v), text: (v) => (typeof v === 'string' ? clean(v) : literal(v)) };

/** The desired side of a `~` line, in the operator's own words. */
function expectedText(c: CheckResult): string {
  return OPERATOR_DEFINITIONS[c.operator].long(c.expected, TEXT_OPERAND);
}

function isStructured(v: JsonValue): boolean {
  return (typeof v === 'object' && v !== null) || (typeof v === 'string' && v.includes('\n'));
}

function block(v: JsonValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

/** `-` lines are the desired value, `+` lines what was observed, as in a unified diff. */
function structuredDiff(c: CheckResult, indent: string, colors: Colors): string[] {
  const lines: string[] = [];
  for (const part of diffLines(block(c.expected), block(c.actual))) {
    const text = part.value.endsWith('\n') ? part.value.slice(0, -1) : part.value;
    for (const raw of text.split('\n')) {
      const line = clean(raw);
      if (part.removed) lines.push(colors.green(`${indent}- ${line}`));
      else if (part.added) lines.push(colors.red(`${indent}+ ${line}`));
      else lines.push(`${indent}  ${line}`);
    }
  }
  return lines;
}

function meta(c: CheckResult, colors: Colors): string {
  const change = changeNote(c);
  const base = colors.dim(`# ${c.severity}, ${formatLocation(c.location)}`);
  if (change === undefined) return base;
  return c.change === 'new' ? `${base}${colors.dim(',')} ${colors.bold(change)}` : `${base}${colors.dim(`, ${change}`)}`;
}

function descriptionLine(c: CheckResult, colors: Colors): string[] {
  return c.description === undefined ? [] : [colors.dim(`      description: ${clean(c.description)}`)];
}

function driftLines(checks: readonly CheckResult[], r: Render): string[] {
  const { colors } = r;
  const width = Math.max(0, ...checks.map((c) => c.rule.length));
  const out: string[] = [];
  for (const c of checks) {
    const name = c.rule.padEnd(width);
    if ((c.operator === 'equals' || c.operator === 'not_equals') && (isStructured(c.expected) || isStructured(c.actual))) {
      out.push(`  ${sym(r, 'differs', colors.yellow)} ${name} = ${c.operator === 'not_equals' ? 'not ' : ''}${meta(c, colors)}`);
      out.push(...structuredDiff(c, '      ', colors));
    } else {
      const expected =
        expectedText(c) +
        (typeof c.expected === 'string' && OPERATOR_DEFINITIONS[c.operator].operand !== 'duration' ? inZone(c.expected, r) : '');
      out.push(
        `  ${sym(r, 'differs', colors.yellow)} ${name} = ${colors.green(expected)} -> ${colors.red(literal(c.actual) + inZone(c.actual, r) + instantSuffix(c, r))}  ${meta(c, colors)}`,
      );
    }
    const forecast = checkForecastText(c);
    if (forecast !== undefined && c.operator !== 'runs_out_within') out.push(colors.dim(`      forecast: ${clean(forecast)}`));
    out.push(...descriptionLine(c, colors));
    // An equality's `~` line says everything; other operators read better with the sentence.
    if (c.operator !== 'equals') out.push(colors.dim(`      ${clean(c.message)}`));
    // A policy finding's message already opens with its title; print the title only when it does not.
    if (c.waiver?.state === 'expired') {
      out.push(colors.yellow(`      waiver expired ${clean(c.waiver.expires)} (owner ${clean(c.waiver.owner)}); the check fails again`));
    }
    if (c.title !== undefined && (c.operator === 'equals' || !c.message.includes(c.title))) out.push(colors.dim(`      ${clean(c.title)}`));
    if (c.remediation !== undefined) out.push(colors.dim(`      fix: ${clean(c.remediation)}`));
  }
  return out;
}

function unknownLines(checks: readonly CheckResult[], r: Render): string[] {
  return checks.flatMap((c) => [
    `  ${sym(r, 'unknown', r.colors.yellow)} ${c.rule}: ${clean(c.message)}  ${meta(c, r.colors)}`,
    ...descriptionLine(c, r.colors),
  ]);
}

function passingLines(checks: readonly CheckResult[], verbose: boolean, colors: Colors): string[] {
  if (checks.length === 0) return [];
  if (!verbose) return [colors.dim(`    ${plural(checks.length, 'check')} unchanged`)];
  return checks.map((c) => colors.dim(`    ${c.rule}: ${clean(c.message)}`));
}

function byStatus(r: ResourceResult): { fail: CheckResult[]; unknown: CheckResult[]; pass: CheckResult[] } {
  const fail: CheckResult[] = [];
  const unknown: CheckResult[] = [];
  const pass: CheckResult[] = [];
  for (const c of r.checks) {
    if (c.status === 'fail') fail.push(c);
    else if (c.status === 'unknown') unknown.push(c);
    else if (c.status === 'pass') pass.push(c);
  }
  return { fail, unknown, pass };
}

function requestSuffix(r: ResourceResult): string {
  const id = r.error?.request_id ?? r.request_ids[0];
  return id ? ` (request ${clean(id)})` : '';
}

function resourceBlock(r: ResourceResult, options: ReportOptions, render: Render): string[] {
  const { colors } = render;
  const verbose = options.verbose === true;
  const { fail, unknown, pass } = byStatus(r);
  if (r.absent === true && r.status === 'drifted') {
    const lines = [colors.red(colors.bold(`# ${r.address} does not exist`))];
    lines.push(`  ${sym(render, 'absent', colors.red)} ${r.address}  ${colors.dim(`# declared at ${formatLocation(r.location)}`)}`);
    const unmet = fail.length > 0 ? `; ${plural(fail.length, 'check')} cannot be met` : '';
    lines.push(`    the service reported it not found${requestSuffix(r)}${unmet}`);
    return lines;
  }
  if (r.status === 'drifted') {
    return [
      colors.red(colors.bold(`# ${r.address} has drifted`)),
      ...driftLines(fail, render),
      ...unknownLines(unknown, render),
      ...passingLines(pass, verbose, colors),
    ];
  }
  if (r.status === 'unknown') {
    const lines = [colors.yellow(colors.bold(`# ${r.address} could not be verified`))];
    if (r.error !== null) {
      const request = r.error.request_id ? ` (request ${clean(r.error.request_id)})` : '';
      lines.push(`  ${sym(render, 'error', colors.yellow)} ${clean(r.error.code)}: ${clean(r.error.message, '    ')}${request}`);
      if (r.error.hint !== undefined) lines.push(`    hint: ${clean(r.error.hint)}`);
      if (unknown.length > 0) lines.push(colors.dim(`    ${plural(unknown.length, 'check')} not verified`));
    } else {
      lines.push(...unknownLines(unknown, render));
      lines.push(
        `    hint: the service answered, but a value above was missing, null or not one driftwatch knows; check the resource in the console (a value new to driftwatch can be checked with raw.<VendorField>).`,
      );
      lines.push(...passingLines(pass, verbose, colors));
    }
    return lines;
  }
  if (verbose) {
    const word = r.status === 'waived' ? 'is waived' : 'is compliant';
    return [colors.green(`# ${r.address} ${word}`), ...passingLines(pass, verbose, colors)];
  }
  return [];
}

/** The lines of one waived check, for the waiver section. */
function waivedLines(r: ResourceResult, render: Render): string[] {
  const { colors } = render;
  const lines: string[] = [];
  for (const c of r.checks) {
    if (c.status !== 'waived' || c.waiver === undefined) continue;
    const w = c.waiver;
    const ticket = w.ticket !== undefined ? ` [${w.ticket}]` : '';
    lines.push(`  ${sym(render, 'differs', colors.yellow)} ${r.address} ${c.rule} = ${expectedText(c)} -> ${literal(c.actual)}`);
    lines.push(colors.dim(`      waived until ${clean(w.expires)} by ${clean(w.owner)}: ${clean(w.reason)}${clean(ticket)}`));
  }
  return lines;
}

function waiverSection(result: RunReport, waived: readonly string[], render: Render): string[] {
  const { colors } = render;
  const warnings: string[] = [];
  for (const w of result.waivers ?? []) {
    const text = waiverWarning(w);
    if (text !== undefined)
      warnings.push(
        `  ${sym(render, 'error', colors.yellow)} ${colors.yellow(clean(text))}` + colors.dim(`  # ${formatLocation(w.location)}`),
      );
  }
  if (waived.length === 0 && warnings.length === 0) return [];
  return ['Waivers:', ...waived, ...warnings];
}

function waiverWarning(w: WaiverReport): string | undefined {
  const what = `waiver for ${w.resource} ${w.rule} (owner ${w.owner})`;
  switch (w.state) {
    case 'expired':
      return `${what} expired ${w.expires}; it no longer applies`;
    case 'expiring':
      return `${what} expires soon: ${w.expires}`;
    case 'unused':
      return `${what} matches no failing check; remove it if the drift is fixed`;
    case 'active':
      return undefined;
  }
}

/** Forecasts of every counter that has one, what was resolved since the previous run, and the notifications sent. */
function nightlySections(result: RunReport, forecasts: ReturnType<typeof forecastChecks>, colors: Colors): string[] {
  const out: string[] = [];
  if (forecasts.length > 0) {
    out.push('', 'Forecasts:');
    for (const { resource, check } of forecasts) {
      out.push(`  ${resource.address} ${check.rule} = ${literal(check.actual)}: ${clean(forecastText(check.forecast))}`);
    }
  }
  const resolved = resolvedFindings(result);
  if (resolved.length > 0) {
    out.push('', `Resolved since the last run (${resolved.length}):`);
    for (const f of resolved) out.push(`  ${colors.green('✓')} ${clean(resolvedText(f))}`);
  }
  const notifications = result.notifications ?? [];
  if (notifications.length > 0) {
    const parts = notifications.map(
      (n) => `${n.type} ${n.status}${n.status === 'failed' && n.message !== undefined ? ` (${clean(n.message)})` : ''}`,
    );
    out.push('', `Notifications: ${parts.join(', ')}.`);
  }
  return out;
}

function verdict(result: RunReport, colors: Colors): string {
  const { drifted, unknown, resources } = result.summary;
  const unverified = unknown > 0 ? ` ${plural(unknown, 'resource')} could not be verified.` : '';
  if (drifted > 0) {
    const newOnly = result.history?.fail_on_new === true ? ' new since the last run' : '';
    const below = result.summary.exit_code !== 2 ? ` (none${newOnly} at or above ${result.fail_on ?? 'low'} severity)` : '';
    return colors.red(`Drift found in ${plural(drifted, 'resource')}${below}.`) + colors.yellow(unverified);
  }
  if (unknown > 0) return colors.yellow(`${plural(unknown, 'resource')} could not be verified; their state is unknown, not compliant.`);
  if (resources === 0) return 'No resources were checked.';
  const waived = result.summary.waived > 0 ? ` (${plural(result.summary.waived, 'resource')} only by waiver)` : '';
  return colors.green(`All ${plural(resources, 'resource')} verified: the live status matches the desired state${waived}.`);
}

/** `--framework`: one line per control, worst first in the framework's order, then the counts. */
function controlSection(coverage: ControlCoverage, colors: Colors): string[] {
  const mark = {
    satisfied: colors.green('✓'),
    not_satisfied: colors.red('✗'),
    unknown: colors.yellow('?'),
    waived: colors.yellow('~'),
    not_assessed: colors.dim('-'),
  } as const;
  const width = Math.max(...coverage.controls.map((c) => c.id.length));
  const lines = [`Controls: ${coverage.title}`];
  for (const c of coverage.controls) {
    const n = c.refs.length;
    const detail =
      n === 0
        ? ''
        : colors.dim(
            ` (${plural(n, 'check')}: ${c.checks.pass} pass, ${c.checks.fail} fail, ${c.checks.unknown} unknown, ${c.checks.waived} waived)`,
          );
    lines.push(`  ${mark[c.status]} ${c.id.padEnd(width)}  ${CONTROL_STATUS_LABEL[c.status].padEnd(13)} ${clean(c.title)}${detail}`);
  }
  return lines;
}

/**
 * The report in pieces, one per resource block, so a run of any size is written without being
 * held: a first read of the resources finds the symbols the legend names (it sits above the
 * blocks), the waived checks and the forecasts; a second read writes the blocks.
 */
function* renderTextChunks(result: RunReport, options: ReportOptions): Generator<string, void, undefined> {
  const colors = createColors(options.color);
  const render: Render = { colors, used: new Set(), timeZone: options.timeZone, asOf: result.as_of };
  const waived: string[] = [];
  const forecasts: ReturnType<typeof forecastChecks> = [];
  for (const r of result.resources) {
    resourceBlock(r, options, render);
    waived.push(...waivedLines(r, render));
    forecasts.push(...forecastChecks(r));
  }
  const failOn = result.fail_on !== undefined && result.fail_on !== 'low' ? `, failing on ${result.fail_on} and above` : '';
  const out: string[] = [
    colors.bold(
      `driftwatch ${result.tool.version}: ${plural(result.summary.resources, 'resource')} checked as of ${result.as_of}${inZone(result.as_of, render)}${failOn}`,
    ),
  ];
  if (result.snapshot) out.push(`Snapshot: ${snapshotLine(result.snapshot)}.`);
  const history = historyLine(result);
  if (history !== undefined) out.push(history);
  // Legend once, under the header, naming only the symbols this report uses.
  const legend = (Object.keys(LEGEND) as SymbolName[]).filter((name) => render.used.has(name)).map((name) => LEGEND[name]);
  if (legend.length > 0) out.push(colors.dim(`Legend: ${legend.join(', ')}`));
  yield out.join('\n');
  for (const r of result.resources) {
    const lines = resourceBlock(r, options, render);
    if (lines.length > 0) yield `\n\n${lines.join('\n')}`;
  }
  const tail: string[] = [];
  const waivers = waiverSection(result, waived, render);
  if (waivers.length > 0) tail.push('', ...waivers);
  tail.push(...nightlySections(result, forecasts, colors));
  const coverage = options.framework !== undefined ? controlCoverage(result, options.framework) : undefined;
  if (coverage !== undefined) tail.push('', ...controlSection(coverage, colors));
  tail.push(...comparisonText(result, colors));
  const s = result.summary;
  tail.push('', verdict(result, colors));
  if (coverage !== undefined) tail.push(coverageSummaryLine(coverage));
  tail.push(`Check: ${s.compliant} compliant, ${s.drifted} drifted, ${s.unknown} unknown, ${s.waived} waived.`);
  yield `\n${tail.join('\n')}\n`;
}

export const textReporter: Reporter = streamingReporter('text', renderTextChunks);

export function renderText(result: RunReport, options: ReportOptions): string {
  return textReporter.render(result, options);
}
