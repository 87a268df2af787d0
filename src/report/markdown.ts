import type { CheckResult, ResourceResult, ResourceStatus, RunReport, WaiverReport } from '../model/run-result.js';
import { snapshotLine } from '../model/run-result.js';
import { formatLocation } from '../model/location.js';
import { streamingReporter } from './reporter.js';
import type { Reporter } from './reporter.js';
import { CONTROL_STATUS_LABEL, controlCoverage, coverageSummaryLine } from './controls.js';
import type { FrameworkName } from './controls.js';
import { markdownCode, markdownText } from './escape.js';
import { waiversOf } from './github.js';
import { comparisonMarkdown } from './comparison.js';
import { formatActual, formatExpected, resourceOutcome, sortedResources } from './values.js';
import { asInstant, formatInZone } from '../model/time-zone.js';
import { forecastText } from '../operators/index.js';
import { checkForecastText, forecastChecks, historyLine, instantNote, resolvedFindings } from './history.js';

/**
 * A pull-request comment: a summary table, then every drifted and unknown resource with
 * expected vs actual, waived and compliant resources collapsed in `<details>`, and the waivers.
 * The comment is bounded (GitHub rejects bodies over 65,536 characters): whole blocks are added
 * while they fit and a note says what was left out, so the Markdown is never cut mid-table.
 */

export interface MarkdownOptions {
  /** Maximum length in characters (UTF-16 code units, as GitHub counts); default 60,000. */
  readonly maxLength?: number;
  /** `--tz`: the as-of time is also shown in this zone. */
  readonly timeZone?: string;
  /** Adds the per-control table of this framework after the summary. */
  readonly framework?: FrameworkName;
}

/** ` (2026-11-29 08:00:00 UTC+08:00 (Asia/Shanghai))` after a UTC instant, or nothing. */
function zoned(iso: string, timeZone: string | undefined): string {
  const instant = timeZone === undefined ? undefined : asInstant(iso);
  return instant === undefined || timeZone === undefined ? '' : ` (${code(formatInZone(instant, timeZone))})`;
}

export const DEFAULT_MARKDOWN_MAX_LENGTH = 60_000;
/** Marker so a CI bot can find and update its previous comment instead of adding a new one. */
export const MARKDOWN_MARKER = '<!-- driftwatch-report -->';
/** Longest value shown in a table cell; the full value is in the JSON report. */
const CELL_MAX = 200;
/** Room kept for the truncation note. */
const NOTE_RESERVE = 400;

function clip(text: string): string {
  return text.length > CELL_MAX ? `${text.slice(0, CELL_MAX - 1)}…` : text;
}

function code(text: string): string {
  return markdownCode(clip(text));
}

function cell(text: string): string {
  return markdownText(clip(text));
}

/** Accumulates blocks while they fit; after the first that does not, everything else is counted as left out. */
class Budget {
  readonly #parts: string[] = [];
  #used = 0;
  #full = false;
  constructor(readonly limit: number) {}

  get full(): boolean {
    return this.#full;
  }

  /** Adds `text` if it fits with `reserve` characters to spare (for closing tags still to come). */
  add(text: string, reserve = 0): boolean {
    if (this.#full) return false;
    if (this.#used + text.length + reserve > this.limit) {
      this.#full = true;
      return false;
    }
    this.#parts.push(text);
    this.#used += text.length;
    return true;
  }

  /** Closing text that was reserved for; always fits. */
  close(text: string): void {
    this.#parts.push(text);
    this.#used += text.length;
  }

  toString(): string {
    return this.#parts.join('');
  }
}

const STATUS_WORD: Readonly<Record<CheckResult['status'], string>> = {
  pass: 'pass',
  fail: '**fail**',
  unknown: '**unknown**',
  waived: 'waived',
};

function checkRow(resource: ResourceResult, check: CheckResult, asOf: string): string {
  const rule = check.source === 'policy' ? `policy ${code(check.rule)}` : code(check.rule);
  const where = check.source === 'policy' ? resource.location : check.location;
  let status = STATUS_WORD[check.status];
  if (check.waiver?.state === 'expired') status += ' (waiver expired)';
  else if (check.status === 'waived' && check.waiver?.state === 'expiring') status += ' (expiring)';
  if (check.change === 'new') status += ' · new';
  const instant = instantNote(check, asOf);
  const forecast = checkForecastText(check);
  const notes = [instant, forecast]
    .filter((n) => n !== undefined)
    .map((n) => ` (${markdownText(n)})`)
    .join('');
  return `| ${status} | ${rule} | ${code(formatExpected(check))} | ${code(formatActual(check))}${notes} | ${check.severity} | ${code(formatLocation(where))} |\n`;
}

function checkNotes(resource: ResourceResult, check: CheckResult): string {
  const notes: string[] = [];
  if (check.status === 'pass') return '';
  if (check.source === 'policy' && (check.title || check.remediation)) {
    const title = check.title ? `**${markdownText(check.title)}**` : code(check.rule);
    const remediation = check.remediation ? ` — ${markdownText(check.remediation)}` : '';
    const controls =
      check.controls && check.controls.length > 0 ? ` (controls: ${check.controls.map((c) => markdownText(c)).join(', ')})` : '';
    notes.push(`- ${title}${remediation}${controls}\n`);
  }
  // Expected vs actual is in the table; the message adds something only for an unknown check
  // whose reason is not already given by the resource's error line.
  if (check.status === 'unknown' && resource.error === null) notes.push(`- ${code(check.rule)}: ${markdownText(clip(check.message))}\n`);
  if (check.description !== undefined) notes.push(`- ${code(check.rule)}: ${markdownText(check.description)}\n`);
  if (check.waiver?.state === 'expired') {
    notes.push(
      `- The waiver for ${code(check.rule)} expired on ${markdownText(check.waiver.expires)} (owner ${code(check.waiver.owner)}).\n`,
    );
  }
  return notes.join('');
}

function resourceBlock(resource: ResourceResult, asOf: string): string {
  const lines: string[] = [];
  const absent = resource.absent === true ? ' — does not exist' : '';
  lines.push(`#### ${code(resource.address)}${absent}\n\n`);
  if (resource.error !== null) {
    const request = resource.error.request_id ? ` (request ${code(resource.error.request_id)})` : '';
    lines.push(`Could not be verified: ${code(resource.error.code)}: ${markdownText(clip(resource.error.message))}${request}\n\n`);
    if (resource.error.hint) lines.push(`Hint: ${markdownText(resource.error.hint)}\n\n`);
  }
  const shown = resource.checks.filter((c) => c.status !== 'pass');
  if (resource.checks.length === 0) {
    lines.push(`${markdownText(resourceOutcome(resource).message)} (no checks declared).\n\n`);
  } else if (shown.length > 0) {
    lines.push('| Status | Check | Expected | Actual | Severity | Location |\n| --- | --- | --- | --- | --- | --- |\n');
    for (const c of shown) lines.push(checkRow(resource, c, asOf));
    lines.push('\n');
    const notes = shown.map((c) => checkNotes(resource, c)).join('');
    if (notes) lines.push(`${notes}\n`);
  }
  const passed = resource.checks.length - shown.length;
  if (passed > 0 && shown.length > 0) lines.push(`${passed} other check${passed === 1 ? '' : 's'} passed.\n\n`);
  return lines.join('');
}

function compliantItem(resource: ResourceResult, _asOf: string): string {
  const n = resource.checks.length;
  return `- ${code(resource.address)} — ${n} check${n === 1 ? '' : 's'} passed\n`;
}

function waiverRow(w: WaiverReport): string {
  const state = w.state === 'expired' || w.state === 'expiring' ? `**${w.state}**` : w.state;
  const ticket = w.ticket ? ` (${cell(w.ticket)})` : '';
  return `| ${code(w.resource)} | ${code(w.rule)} | ${state} | ${cell(w.expires)} | ${code(w.owner)} | ${cell(w.reason)}${ticket} |\n`;
}

function headline(result: RunReport): string {
  const s = result.summary;
  if (s.drifted > 0) return `driftwatch: drift found in ${s.drifted} of ${s.resources} resource${s.resources === 1 ? '' : 's'}`;
  if (s.unknown > 0) return `driftwatch: ${s.unknown} of ${s.resources} resource${s.resources === 1 ? '' : 's'} could not be verified`;
  return `driftwatch: no drift in ${s.resources} resource${s.resources === 1 ? '' : 's'}`;
}

function controlTable(result: RunReport, framework: FrameworkName): string {
  const coverage = controlCoverage(result, framework);
  let out = `### Controls: ${markdownText(coverage.title)}\n\n${markdownText(coverageSummaryLine(coverage))}\n\n| Control | Title | Status | Pass | Fail | Unknown | Waived |\n| --- | --- | --- | ---: | ---: | ---: | ---: |\n`;
  for (const c of coverage.controls) {
    const status = c.status === 'not_satisfied' ? '**not satisfied**' : CONTROL_STATUS_LABEL[c.status];
    out += `| ${code(c.id)} | ${cell(c.title)} | ${status} | ${c.checks.pass} | ${c.checks.fail} | ${c.checks.unknown} | ${c.checks.waived} |\n`;
  }
  return `${out}\n`;
}

/** With history: the new findings and the resolved ones; with forecasts: a table of them. */
function nightlyMarkdown(
  result: RunReport,
  fresh: readonly { r: ResourceResult; c: CheckResult }[],
  forecasts: ReturnType<typeof forecastChecks>,
): string {
  let out = '';
  const line = historyLine(result);
  if (line !== undefined) out += `${markdownText(line)}\n\n`;
  if (result.history !== undefined) {
    if (fresh.length > 0) {
      out += `### New since last run (${fresh.length})\n\n`;
      for (const { r, c } of fresh) out += `- ${STATUS_WORD[c.status]} ${code(r.address)} ${code(c.rule)} (${c.severity})\n`;
      out += '\n';
    }
    const resolved = resolvedFindings(result);
    if (resolved.length > 0) {
      out += `### Resolved since last run (${resolved.length})\n\n`;
      for (const f of resolved)
        out += `- ${code(f.address)} ${code(f.rule)} (${f.severity}): ${f.previous_status === 'fail' ? 'drift fixed' : 'verified again'}, open since ${code(f.first_seen.slice(0, 10))}\n`;
      out += '\n';
    }
  }
  if (forecasts.length > 0) {
    out += '### Forecasts\n\n| Resource | Counter | Value | Forecast |\n| --- | --- | ---: | --- |\n';
    for (const { resource, check } of forecasts) {
      out += `| ${code(resource.address)} | ${code(check.rule)} | ${code(formatActual(check))} | ${markdownText(forecastText(check.forecast))} |\n`;
    }
    out += '\n';
  }
  return out;
}

export function renderMarkdown(result: RunReport, options: MarkdownOptions = {}): string {
  const limit = options.maxLength ?? DEFAULT_MARKDOWN_MAX_LENGTH;
  const budget = new Budget(Math.max(0, limit - NOTE_RESERVE));
  const s = result.summary;
  // Two reads of the resources (a streamed run is not held): the first counts them (the headings
  // carry the counts) and gathers the new findings and forecasts shown above the lists; the second
  // renders each status's blocks, keeping no more of a list than the comment could show.
  const resources = sortedResources(result.resources);
  const counts: Record<ResourceStatus, number> = { drifted: 0, unknown: 0, waived: 0, compliant: 0 };
  const fresh: { r: ResourceResult; c: CheckResult }[] = [];
  const forecasts: ReturnType<typeof forecastChecks> = [];
  for (const r of resources) {
    counts[r.status]++;
    if (result.history !== undefined) for (const c of r.checks) if (c.change === 'new') fresh.push({ r, c });
    forecasts.push(...forecastChecks(r));
  }
  const blocks: Record<ResourceStatus, string[]> = { drifted: [], unknown: [], waived: [], compliant: [] };
  const kept: Record<ResourceStatus, number> = { drifted: 0, unknown: 0, waived: 0, compliant: 0 };
  for (const r of resources) {
    // Past `limit` characters of one list, nothing more of it can fit.
    if (kept[r.status] > limit) continue;
    const block = r.status === 'compliant' ? compliantItem(r, result.as_of) : resourceBlock(r, result.as_of);
    blocks[r.status].push(block);
    kept[r.status] += block.length;
  }
  const total = counts.drifted + counts.unknown + counts.waived + counts.compliant;
  const waivers = waiversOf(result);

  budget.add(
    `${MARKDOWN_MARKER}\n## ${markdownText(headline(result))}\n\n` +
      // No exit code here: the same result renders for `plan` (exit 0) and `check` (0/2/3), and a
      // comment that said "exit code 2" under a green `plan` job would contradict it.
      `As of ${code(result.as_of)}${zoned(result.as_of, options.timeZone)} · driftwatch ${markdownText(result.tool.version)} · failing on ${markdownText(result.fail_on ?? 'low')} and above\n\n` +
      (result.snapshot ? `${markdownText(snapshotLine(result.snapshot).replace(/^evaluated/, 'Evaluated'))}\n\n` : '') +
      '| Status | Resources |\n| --- | ---: |\n' +
      `| Drifted | ${s.drifted} |\n| Unknown | ${s.unknown} |\n| Waived | ${s.waived} |\n| Compliant | ${s.compliant} |\n| **Total** | **${s.resources}** |\n\n`,
  );
  if (options.framework !== undefined) budget.add(controlTable(result, options.framework));
  // --compare: the change's impact comes before the resource details, where a reviewer looks first.
  budget.add(comparisonMarkdown(result));
  // --history: what changed since last night comes before the full lists too.
  budget.add(nightlyMarkdown(result, fresh, forecasts));

  let shownResources = 0;
  for (const [title, status] of [
    ['Drifted', 'drifted'],
    ['Unknown — could not be verified', 'unknown'],
  ] as const) {
    if (counts[status] === 0) continue;
    if (!budget.add(`### ${title} (${counts[status]})\n\n`)) break;
    for (const block of blocks[status]) {
      if (!budget.add(block)) break;
      shownResources++;
    }
  }

  for (const [title, status, close] of [
    ['Waived', 'waived', '</details>\n\n'],
    ['Compliant', 'compliant', '\n</details>\n\n'],
  ] as const) {
    if (counts[status] === 0) continue;
    if (!budget.add(`<details>\n<summary>${title} (${counts[status]})</summary>\n\n`, close.length)) break;
    for (const block of blocks[status]) {
      if (!budget.add(block, close.length)) break;
      shownResources++;
    }
    budget.close(close);
  }

  let shownWaivers = 0;
  if (
    waivers.length > 0 &&
    budget.add(
      `### Waivers (${waivers.length})\n\n| Resource | Rule | State | Expires | Owner | Reason |\n| --- | --- | --- | --- | --- | --- |\n`,
    )
  ) {
    for (const w of waivers) {
      if (!budget.add(waiverRow(w))) break;
      shownWaivers++;
    }
    budget.close('\n');
  }

  let text = budget.toString();
  if (budget.full) {
    const missingResources = total - shownResources;
    const missingWaivers = waivers.length - shownWaivers;
    text +=
      `\n---\n\n**Report truncated** to stay within ${String(limit).replace(/\B(?=(\d{3})+$)/g, ',')} characters: ` +
      `${missingResources} of ${total} resources and ${missingWaivers} of ${waivers.length} waivers are not shown. ` +
      'The full report is in the JSON, SARIF or JUnit output of this run.\n';
  }
  return text.replace(/\n+$/, '\n');
}

/** The report is bounded by `maxLength` (a pull-request comment), so it is one piece. */
export function createMarkdownReporter(options: MarkdownOptions = {}): Reporter {
  return streamingReporter('markdown', (result, reportOptions) => [
    renderMarkdown(result, {
      ...options,
      ...(reportOptions.timeZone !== undefined ? { timeZone: reportOptions.timeZone } : {}),
      ...(reportOptions.framework !== undefined ? { framework: reportOptions.framework } : {}),
    }),
  ]);
}

export const markdownReporter: Reporter = createMarkdownReporter();
