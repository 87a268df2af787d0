import type { Comparison, ControlChange, VerdictTransition } from '../model/comparison.js';
import type { JsonValue } from '../model/json.js';
import type { SourceLocation } from '../model/location.js';
import { formatLocation } from '../model/location.js';
import type { RunReport, RunSummary } from '../model/run-result.js';
import type { Colors } from './colors.js';
import { markdownCode, markdownText } from './escape.js';

/**
 * The `--compare` section of each report (design.md §12): verdict transitions, the summary
 * before/after and the control changes. One function per format, each called from its reporter
 * only when the run result carries a `comparison`.
 */

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function status(s: VerdictTransition['before']): string {
  return s ?? 'not configured';
}

function summaryLine(s: RunSummary): string {
  return `${s.compliant} compliant, ${s.drifted} drifted, ${s.unknown} unknown, ${s.waived} waived (exit ${s.exit_code})`;
}

/** Where a change is shown: its line in head, or in base when head no longer has it. */
function changeLocation(c: ControlChange): SourceLocation | undefined {
  return c.location ?? c.base_location;
}

function where(c: ControlChange): string {
  if (c.location) return formatLocation(c.location);
  return c.base_location ? `${formatLocation(c.base_location)} (base)` : '(configuration)';
}

export function weakeningHeadline(count: number): string {
  return count === 0 ? 'This change weakens no control.' : `This change weakens ${plural(count, 'control')}.`;
}

const EFFECT_TITLE = { weakens: 'Weakens', tightens: 'Tightens', neutral: 'Neutral' } as const;

// ---------------------------------------------------------------------------------------------
// text

export function comparisonText(result: RunReport, colors: Colors): string[] {
  const c = result.comparison;
  if (c === undefined) return [];
  const out: string[] = ['', colors.bold(`Compared with ${c.base}:`)];
  if (c.transitions.length === 0) out.push('  No resource changes verdict.');
  for (const t of c.transitions) {
    const mark = t.before === null ? '+' : t.after === null ? '-' : '~';
    out.push(`  ${mark} ${t.address}: ${status(t.before)} -> ${status(t.after)}`);
  }
  out.push(`  Before: ${summaryLine(c.summary.before)}`, `  After:  ${summaryLine(c.summary.after)}`);
  const headline = weakeningHeadline(c.weakenings);
  out.push('', c.weakenings > 0 ? colors.red(colors.bold(headline)) : colors.green(headline));
  for (const effect of ['weakens', 'tightens', 'neutral'] as const) {
    const list = c.changes.filter((x) => x.effect === effect);
    if (list.length === 0) continue;
    const paint = effect === 'weakens' ? colors.red : effect === 'tightens' ? colors.green : colors.dim;
    out.push(`${EFFECT_TITLE[effect]} (${list.length}):`);
    for (const x of list) out.push(paint(`  ${effect === 'weakens' ? '!' : effect === 'tightens' ? '+' : '='} ${where(x)}: ${x.message}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// markdown

function transitionRow(t: VerdictTransition): string {
  return `| ${markdownCode(t.address)} | ${markdownText(status(t.before))} | ${markdownText(status(t.after))} |\n`;
}

function changeRow(x: ControlChange): string {
  return `| ${markdownCode(where(x))} | ${markdownText(x.kind.replace(/_/g, ' '))} | ${markdownText(x.message)} |\n`;
}

/** The PR-comment section: the weakenings first and open, the rest folded. */
export function comparisonMarkdown(result: RunReport): string {
  const c = result.comparison;
  if (c === undefined) return '';
  let out = `### Change impact (compared with ${markdownCode(c.base, false)})\n\n`;
  const weakenings = c.changes.filter((x) => x.effect === 'weakens');
  if (weakenings.length === 0) out += `**${markdownText(weakeningHeadline(0))}**\n\n`;
  if (weakenings.length > 0) {
    out += `#### This change weakens ${plural(c.weakenings, 'control')}\n\n| Where | Change | What |\n| --- | --- | --- |\n`;
    for (const x of weakenings) out += changeRow(x);
    out += '\n';
  }
  out += '| | Compliant | Drifted | Unknown | Waived | Exit |\n| --- | ---: | ---: | ---: | ---: | ---: |\n';
  for (const [label, s] of [
    ['Before', c.summary.before],
    ['After', c.summary.after],
  ] as const) {
    out += `| ${label} | ${s.compliant} | ${s.drifted} | ${s.unknown} | ${s.waived} | ${s.exit_code} |\n`;
  }
  out += '\n';
  if (c.transitions.length > 0) {
    out += `#### Verdict changes (${c.transitions.length})\n\n| Resource | Before | After |\n| --- | --- | --- |\n`;
    for (const t of c.transitions) out += transitionRow(t);
    out += '\n';
  } else {
    out += 'No resource changes verdict.\n\n';
  }
  const others = c.changes.filter((x) => x.effect !== 'weakens');
  if (others.length > 0) {
    out += `<details>\n<summary>Tightening and neutral changes (${others.length})</summary>\n\n| Where | Effect | What |\n| --- | --- | --- |\n`;
    for (const x of others) out += `| ${markdownCode(where(x))} | ${x.effect} | ${markdownText(x.message)} |\n`;
    out += '\n</details>\n\n';
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// GitHub annotations and SARIF

export interface WeakeningFinding {
  readonly change: ControlChange;
  readonly location: SourceLocation | undefined;
  readonly title: string;
  /** A stable identity for fingerprints: kind, resource and rule, never the message. */
  readonly key: string;
}

export function weakeningFindings(result: RunReport): WeakeningFinding[] {
  const c = result.comparison;
  if (c === undefined) return [];
  return c.changes
    .filter((x) => x.effect === 'weakens')
    .map((x) => ({
      change: x,
      location: changeLocation(x),
      title: `weakens a control: ${x.kind.replace(/_/g, ' ')}${x.resource ? ` ${x.resource}` : ''}${x.rule ? ` ${x.rule}` : ''}`,
      key: [x.kind, x.resource ?? '-', x.rule ?? (typeof x.before === 'string' ? x.before : '-')].join('/'),
    }));
}

// ---------------------------------------------------------------------------------------------
// JSON

function loc(l: SourceLocation): JsonValue {
  return { file: l.file, line: l.line, column: l.column };
}

function summary(s: RunSummary): JsonValue {
  return {
    resources: s.resources,
    compliant: s.compliant,
    drifted: s.drifted,
    unknown: s.unknown,
    waived: s.waived,
    exit_code: s.exit_code,
  };
}

/** The comparison with every object's keys in the documented order, so a saved result re-renders byte-identically. */
export function canonicalComparison(c: Comparison): JsonValue {
  return {
    base: c.base,
    summary: { before: summary(c.summary.before), after: summary(c.summary.after) },
    transitions: c.transitions.map((t) => ({ address: t.address, before: t.before, after: t.after })),
    added: [...c.added],
    removed: [...c.removed],
    weakenings: c.weakenings,
    tightenings: c.tightenings,
    changes: c.changes.map((x) => {
      const out: { [key: string]: JsonValue } = { effect: x.effect, kind: x.kind };
      if (x.resource !== undefined) out.resource = x.resource;
      if (x.rule !== undefined) out.rule = x.rule;
      out.before = x.before;
      out.after = x.after;
      out.message = x.message;
      if (x.location) out.location = loc(x.location);
      if (x.base_location) out.base_location = loc(x.base_location);
      return out;
    }),
  };
}
