import type { Severity } from '../model/desired-state.js';
import type { SourceLocation } from '../model/location.js';
import type { AppliedWaiver, ResourceResult, RunReport, WaiverReport } from '../model/run-result.js';
import { snapshotLine } from '../model/run-result.js';
import { streamingReporter } from './reporter.js';
import type { Reporter } from './reporter.js';
import { workflowData, workflowProperty } from './escape.js';
import { compareStrings } from '../model/order.js';
import { resourceOutcome, sortedResources } from './values.js';
import { weakeningFindings, weakeningHeadline } from './comparison.js';

/**
 * GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`) that show as
 * annotations on the YAML lines of a pull request. fail → `::error`; unknown → `::warning` (it
 * is not verified, which is not the same as in sync); expiring and expired waivers → `::warning`
 * at the waiver; unused waivers → `::notice`. GitHub shows only the first few annotations of each
 * kind per step, so errors come first, most severe first.
 *
 * Escaping follows the runner's rules: in the message `%`, CR and LF are percent-encoded; in
 * property values `:` and `,` as well.
 */

type Kind = 'error' | 'warning' | 'notice';

interface Annotation {
  readonly kind: Kind;
  readonly rank: number;
  readonly sortKey: string;
  readonly location: SourceLocation | undefined;
  readonly title: string;
  readonly message: string;
}

const KIND_ORDER: Readonly<Record<Kind, number>> = { error: 0, warning: 1, notice: 2 };
const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3 };
const WAIVER_RANK = 10;

export function workflowCommand(kind: Kind, properties: Readonly<Record<string, string | number>>, message: string): string {
  const props = Object.entries(properties)
    .map(([k, v]) => `${k}=${workflowProperty(String(v))}`)
    .join(',');
  return `::${kind}${props ? ` ${props}` : ''}::${workflowData(message)}`;
}

/** Ends a message with a full stop unless it already ends a sentence. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function resourceAnnotations(resource: ResourceResult): Annotation[] {
  if (resource.checks.length === 0) {
    const outcome = resourceOutcome(resource);
    if (outcome.status === 'pass') return [];
    const fail = outcome.status === 'fail';
    const hint = !fail && resource.error?.hint ? ` ${resource.error.hint}` : '';
    return [
      {
        kind: fail ? 'error' : 'warning',
        rank: fail ? SEVERITY_RANK.high : 0,
        sortKey: `${resource.address}\u0000`,
        location: resource.location,
        title: `${fail ? 'drift' : 'unknown'}: ${resource.address}`,
        message: `${outcome.message}${hint}`,
      },
    ];
  }
  const out: Annotation[] = [];
  for (const check of resource.checks) {
    const location = check.source === 'policy' ? resource.location : check.location;
    const sortKey = `${resource.address}\u0000${check.rule}`;
    const label = check.title ? `${check.rule} (${check.title})` : check.rule;
    if (check.status === 'fail') {
      const expired =
        check.waiver?.state === 'expired' ? ` The waiver for it expired on ${check.waiver.expires} (owner ${check.waiver.owner}).` : '';
      const remediation = check.remediation ? ` Remediation: ${check.remediation}` : '';
      const why = check.description ? ` Why: ${sentence(check.description)}` : '';
      out.push({
        kind: 'error',
        rank: SEVERITY_RANK[check.severity],
        sortKey,
        location,
        title: `drift (${check.severity}): ${resource.address} ${label}`,
        message: `${sentence(check.message)}${why}${expired}${remediation}`,
      });
    } else if (check.status === 'unknown') {
      out.push({
        kind: 'warning',
        rank: SEVERITY_RANK[check.severity],
        sortKey,
        location,
        title: `unknown: ${resource.address} ${label}`,
        message:
          (/could not be verified/i.test(check.message) ? check.message : `Could not be verified: ${check.message}`) +
          (check.description ? ` Why: ${sentence(check.description)}` : ''),
      });
    }
  }
  return out;
}

function waiverFromCheck(address: string, w: AppliedWaiver): WaiverReport {
  return {
    resource: address,
    rule: w.rule,
    owner: w.owner,
    expires: w.expires,
    reason: w.reason,
    ...(w.ticket ? { ticket: w.ticket } : {}),
    state: w.state,
    location: w.location,
  };
}

/** The run's waivers; a result without the `waivers` list still has them on its checks. */
export function waiversOf(result: RunReport): WaiverReport[] {
  if (result.waivers !== undefined) return [...result.waivers];
  const seen = new Map<string, WaiverReport>();
  for (const r of result.resources) {
    for (const c of r.checks) {
      if (c.waiver === undefined) continue;
      const report = waiverFromCheck(r.address, c.waiver);
      seen.set(`${report.resource}\u0000${report.rule}\u0000${report.location.file}:${report.location.line}`, report);
    }
  }
  return [...seen.values()];
}

function waiverAnnotation(w: WaiverReport): Annotation | undefined {
  const who = `owner ${w.owner}${w.ticket ? `, ${w.ticket}` : ''}`;
  // After the unknown checks: a waiver about to lapse matters less than a resource nobody could read.
  const base = { rank: WAIVER_RANK, sortKey: `${w.resource}\u0000${w.rule}`, location: w.location };
  switch (w.state) {
    case 'expiring':
      return {
        ...base,
        kind: 'warning',
        title: `waiver expiring: ${w.resource} ${w.rule}`,
        message: `The waiver expires on ${w.expires} (${who}): ${w.reason}. Renew it or fix the drift.`,
      };
    case 'expired':
      return {
        ...base,
        kind: 'warning',
        title: `waiver expired: ${w.resource} ${w.rule}`,
        message: `The waiver expired on ${w.expires} (${who}) and no longer applies: ${w.reason}.`,
      };
    case 'unused':
      return {
        ...base,
        kind: 'notice',
        title: `waiver unused: ${w.resource} ${w.rule}`,
        message: `The waiver matches no failing check (${who}); remove it if the drift is gone.`,
      };
    case 'active':
      return undefined;
  }
}

function compareAnnotations(a: Annotation, b: Annotation): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.rank - b.rank || compareStrings(a.sortKey, b.sortKey) || compareStrings(a.title, b.title)
  );
}

function render(a: Annotation): string {
  const props: Record<string, string | number> = {};
  if (a.location) {
    props.file = a.location.file;
    props.line = a.location.line;
    props.col = a.location.column;
  }
  props.title = a.title;
  return workflowCommand(a.kind, props, a.message);
}

/** --compare: an error at the changed line for each weakened control, and a one-line verdict. */
function comparisonAnnotations(result: RunReport): string[] {
  if (result.comparison === undefined) return [];
  const lines = weakeningFindings(result).map((f) =>
    workflowCommand(
      'error',
      { ...(f.location ? { file: f.location.file, line: f.location.line, col: f.location.column } : {}), title: f.title },
      f.change.message,
    ),
  );
  const c = result.comparison;
  lines.push(
    workflowCommand(
      c.weakenings > 0 ? 'warning' : 'notice',
      { title: `driftwatch: compared with ${c.base}` },
      `${weakeningHeadline(c.weakenings)} ${c.transitions.length} resource(s) change verdict.`,
    ),
  );
  return lines;
}

/**
 * The workflow commands, one piece each. They are sorted by kind across the whole run (errors
 * first), so the annotations are held — only findings have one, so memory follows the drift,
 * not the number of resources.
 */
function* renderGithubChunks(result: RunReport): Generator<string, void, undefined> {
  const annotations: Annotation[] = [];
  for (const resource of sortedResources(result.resources)) annotations.push(...resourceAnnotations(resource));
  for (const w of waiversOf(result)) {
    const a = waiverAnnotation(w);
    if (a) annotations.push(a);
  }
  annotations.sort(compareAnnotations);
  const s = result.summary;
  const summary = workflowCommand(
    'notice',
    { title: 'driftwatch' },
    `${s.resources} resources as of ${result.as_of}${result.snapshot ? `, ${snapshotLine(result.snapshot)}` : ''}: ${s.compliant} compliant, ${s.drifted} drifted, ${s.unknown} unknown, ${s.waived} waived.`,
  );
  for (const a of annotations) yield `${render(a)}\n`;
  for (const line of comparisonAnnotations(result)) yield `${line}\n`;
  yield `${summary}\n`;
}

export const githubReporter: Reporter = streamingReporter('github', (result) => renderGithubChunks(result));

export function renderGithub(result: RunReport): string {
  return githubReporter.render(result, { color: false });
}
