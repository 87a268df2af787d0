import { diffLines } from 'diff';
import { formatDiagnostic, formatLocation } from '../model/location.js';
import type { CaseResult, OutcomeRow, TestRun } from './runner.js';

/**
 * Output of `driftwatch test`. Text: one line per case (PASS/FAIL/ERROR with file:line), and
 * for a failing case a diff of the expected outcomes against the actual ones — the lines of
 * `expect` as written, `-` expected and `+` actual — followed by the messages of the checks
 * that made the difference. JSON: the TestRun as data, for tooling.
 */

export interface RenderOptions {
  readonly color: boolean;
}

const paint = (on: boolean, code: number, text: string): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

function block(rows: readonly OutcomeRow[], pick: (r: OutcomeRow) => string): string {
  return rows.map((r) => `${r.key}: ${pick(r)}\n`).join('');
}

/** A line diff of the expected against the actual outcomes, each line prefixed `- `, `+ ` or `  `. */
function outcomeDiff(rows: readonly OutcomeRow[], color: boolean): string[] {
  const lines: string[] = [];
  for (const part of diffLines(
    block(rows, (r) => r.expected),
    block(rows, (r) => r.actual),
  )) {
    const prefix = part.added ? '+ ' : part.removed ? '- ' : '  ';
    for (const line of part.value.replace(/\n$/, '').split('\n')) {
      const text = `${prefix}${line}`;
      lines.push(part.added ? paint(color, 32, text) : part.removed ? paint(color, 31, text) : text);
    }
  }
  return lines;
}

function renderCase(file: string, c: CaseResult, color: boolean): string[] {
  const where = formatLocation(c.location);
  if (c.status === 'pass') return [`${paint(color, 32, 'PASS')} ${file} › ${c.name}`];
  if (c.status === 'error') {
    return [`${paint(color, 31, 'ERROR')} ${file} › ${c.name} (${where})`, ...c.diagnostics.map((d) => `    ${formatDiagnostic(d)}`)];
  }
  const out = [
    `${paint(color, 31, 'FAIL')} ${file} › ${c.name} (${where})`,
    `    ${paint(color, 31, '- expected')}`,
    `    ${paint(color, 32, '+ actual')}`,
    '',
  ];
  out.push(...outcomeDiff(c.rows, color).map((l) => `    ${l}`));
  const why = c.rows.filter((r) => r.expected !== r.actual && r.details.length > 0);
  if (why.length > 0) {
    out.push('');
    for (const r of why) {
      out.push(`    ${r.key}:`);
      for (const d of r.details) out.push(`      ${d}`);
    }
  }
  out.push('');
  return out;
}

export function renderTestText(run: TestRun, options: RenderOptions): string {
  const lines: string[] = [];
  for (const f of run.files) {
    if (f.diagnostics.length > 0) {
      const errors = f.diagnostics.filter((d) => d.severity === 'error').length;
      if (errors > 0)
        lines.push(`${paint(options.color, 31, 'ERROR')} ${f.file}: invalid test file (${errors} error${errors === 1 ? '' : 's'})`);
      lines.push(...f.diagnostics.map((d) => `    ${formatDiagnostic(d)}`));
    }
    for (const c of f.cases) lines.push(...renderCase(f.file, c, options.color));
  }
  const s = run.summary;
  const parts = [`${s.passed} passed`, `${s.failed} failed`];
  if (s.errors > 0) parts.push(`${s.errors} error${s.errors === 1 ? '' : 's'}`);
  lines.push(`Tests: ${parts.join(', ')} (${s.cases} case${s.cases === 1 ? '' : 's'} in ${s.files} file${s.files === 1 ? '' : 's'}).`);
  return `${lines.join('\n')}\n`;
}

export function renderTestJson(run: TestRun): string {
  return `${JSON.stringify({ format_version: '1', kind: 'driftwatch-test-results', ...run }, null, 2)}\n`;
}
