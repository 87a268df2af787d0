import type { JsonValue } from '../model/json.js';
import type { SourceLocation } from '../model/location.js';
import type { ObservationError } from '../model/observation.js';
import type { AppliedWaiver, CheckResult, ResourceResult, RunReport, RunResult, WaiverReport } from '../model/run-result.js';
import { streamingReporter } from './reporter.js';
import type { ReportOptions, Reporter } from './reporter.js';
import { controlCoverage } from './controls.js';
import type { FrameworkName } from './controls.js';
import { compareStrings } from '../model/order.js';
import { canonicalComparison } from './comparison.js';

/**
 * `--format json`: exactly the run result of design.md §5, 2-space indented, trailing newline.
 * Keys are written in one fixed order (the contract's order, optional fields where the model
 * declares them; `observed` sorted) whatever order the object was built or read in, so a saved
 * result re-renders byte-identically.
 *
 * The text is produced by hand rather than by copying every object into canonical order and
 * calling JSON.stringify: at 100,000 resources × 20 checks the copies dominated the run, and a
 * single string of that size exceeds V8's maximum string length. `renderJsonChunks` yields one
 * piece per resource so the CLI can stream a result of any size; `renderJson` joins them. The
 * output is byte-for-byte what `JSON.stringify(canonicalRunResult(r), null, 2)` gives (tested).
 */

const q = JSON.stringify;

/** Generic JSON value at an indentation, identical to JSON.stringify(v, null, 2) nested there. */
function value(v: JsonValue, indent: string): string {
  if (v === null || typeof v !== 'object') return q(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    let out = '[';
    for (let i = 0; i < v.length; i++) out += `${i === 0 ? '' : ','}\n${inner}${value(v[i] as JsonValue, inner)}`;
    return `${out}\n${indent}]`;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return '{}';
  let out = '{';
  let first = true;
  for (const k of keys) {
    const item = v[k];
    if (item === undefined) continue;
    out += `${first ? '' : ','}\n${inner}${q(k)}: ${value(item, inner)}`;
    first = false;
  }
  return first ? '{}' : `${out}\n${indent}}`;
}

/** An object from pre-rendered members; members whose value is undefined are omitted. */
function object(indent: string, members: readonly (readonly [string, string | undefined])[]): string {
  const inner = `${indent}  `;
  let out = '{';
  let first = true;
  for (const [k, rendered] of members) {
    if (rendered === undefined) continue;
    out += `${first ? '' : ','}\n${inner}"${k}": ${rendered}`;
    first = false;
  }
  return first ? '{}' : `${out}\n${indent}}`;
}

function list<T>(items: readonly T[], indent: string, render: (item: T, indent: string) => string): string {
  if (items.length === 0) return '[]';
  const inner = `${indent}  `;
  let out = '[';
  for (let i = 0; i < items.length; i++) out += `${i === 0 ? '' : ','}\n${inner}${render(items[i] as T, inner)}`;
  return `${out}\n${indent}]`;
}

const opt = (v: string | undefined): string | undefined => (v === undefined ? undefined : q(v));

function location(l: SourceLocation, indent: string): string {
  return `{\n${indent}  "file": ${q(l.file)},\n${indent}  "line": ${q(l.line)},\n${indent}  "column": ${q(l.column)}\n${indent}}`;
}

function error(e: ObservationError | null, indent: string): string {
  if (e === null) return 'null';
  return object(indent, [
    ['kind', q(e.kind)],
    ['code', q(e.code)],
    ['message', q(e.message)],
    ['request_id', q(e.request_id)],
    ['retryable', q(e.retryable)],
    ['hint', opt(e.hint)],
  ]);
}

function applied(w: AppliedWaiver, indent: string): string {
  return object(indent, [
    ['rule', q(w.rule)],
    ['reason', q(w.reason)],
    ['owner', q(w.owner)],
    ['expires', q(w.expires)],
    ['ticket', opt(w.ticket)],
    ['state', q(w.state)],
    ['location', location(w.location, `${indent}  `)],
  ]);
}

// The hot path (one call per check): plain concatenation, no intermediate arrays.
function check(c: CheckResult, indent: string): string {
  const i = `\n${indent}  `;
  const inner = `${indent}  `;
  let out = `{${i}"rule": ${q(c.rule)},${i}"source": ${q(c.source)},${i}"operator": ${q(c.operator)},${i}"expected": ${value(c.expected, inner)},${i}"actual": ${value(c.actual, inner)},${i}"status": ${q(c.status)},${i}"severity": ${q(c.severity)},${i}"message": ${q(c.message)},${i}"location": ${location(c.location, inner)}`;
  if (c.title !== undefined) out += `,${i}"title": ${q(c.title)}`;
  if (c.description !== undefined) out += `,${i}"description": ${q(c.description)}`;
  if (c.remediation !== undefined) out += `,${i}"remediation": ${q(c.remediation)}`;
  if (c.controls !== undefined) out += `,${i}"controls": ${list(c.controls, inner, (s) => q(s))}`;
  if (c.waiver !== undefined) out += `,${i}"waiver": ${applied(c.waiver, inner)}`;
  if (c.fingerprint !== undefined) out += `,${i}"fingerprint": ${q(c.fingerprint)}`;
  if (c.first_seen !== undefined) out += `,${i}"first_seen": ${q(c.first_seen)}`;
  if (c.last_seen !== undefined) out += `,${i}"last_seen": ${q(c.last_seen)}`;
  if (c.change !== undefined) out += `,${i}"change": ${q(c.change)}`;
  if (c.forecast !== undefined) out += `,${i}"forecast": ${value(c.forecast as unknown as JsonValue, inner)}`;
  return `${out}\n${indent}}`;
}

function observed(o: { readonly [key: string]: JsonValue }, indent: string): string {
  const keys = Object.keys(o).sort(compareStrings);
  const inner = `${indent}  `;
  let out = '{';
  let first = true;
  for (const k of keys) {
    const item = o[k];
    if (item === undefined) continue;
    // Attribute names are data (raw vendor fields may hold anything), so they are quoted, not trusted.
    out += `${first ? '' : ','}\n${inner}${q(k)}: ${value(item, inner)}`;
    first = false;
  }
  return first ? '{}' : `${out}\n${indent}}`;
}

function resource(r: ResourceResult, indent: string): string {
  const inner = `${indent}  `;
  return object(indent, [
    ['address', q(r.address)],
    ['type', q(r.type)],
    ['status', q(r.status)],
    ['absent', r.absent === undefined ? undefined : q(r.absent)],
    ['checks', list(r.checks, inner, check)],
    ['error', error(r.error, inner)],
    ['request_ids', list(r.request_ids, inner, (s) => q(s))],
    ['observed', observed(r.observed, inner)],
    ['location', location(r.location, inner)],
  ]);
}

function waiver(w: WaiverReport, indent: string): string {
  return object(indent, [
    ['resource', q(w.resource)],
    ['rule', q(w.rule)],
    ['owner', q(w.owner)],
    ['expires', q(w.expires)],
    ['reason', q(w.reason)],
    ['ticket', opt(w.ticket)],
    ['state', q(w.state)],
    ['location', location(w.location, `${indent}  `)],
  ]);
}

/**
 * The JSON text in pieces (header, one per resource, footer) whose concatenation is the report.
 * Each piece is small, so results far larger than one JavaScript string can be written.
 */
export function* renderJsonChunks(result: RunReport, framework?: FrameworkName): Generator<string, void, undefined> {
  const s = result.summary;
  const head = object('', [
    ['format_version', q(result.format_version)],
    [
      'tool',
      object('  ', [
        ['name', q(result.tool.name)],
        ['version', q(result.tool.version)],
      ]),
    ],
    ['as_of', q(result.as_of)],
    ['fail_on', opt(result.fail_on)],
    [
      'summary',
      object('  ', [
        ['resources', q(s.resources)],
        ['compliant', q(s.compliant)],
        ['drifted', q(s.drifted)],
        ['unknown', q(s.unknown)],
        ['waived', q(s.waived)],
        ['exit_code', q(s.exit_code)],
      ]),
    ],
  ]);
  // `head` ends with "\n}"; reopen it to continue with the resources member.
  yield `${head.slice(0, -2)},\n  "resources": [`;
  let first = true;
  for (const r of result.resources) {
    yield `${first ? '' : ','}\n    ${resource(r, '    ')}`;
    first = false;
  }
  const close = first ? ']' : '\n  ]';
  const waivers = result.waivers === undefined ? '' : `,\n  "waivers": ${list(result.waivers, '  ', waiver)}`;
  const snapshot =
    result.snapshot === undefined
      ? ''
      : `,\n  "snapshot": ${object('  ', [
          ['observed_at', q(result.snapshot.observed_at)],
          ['age', q(result.snapshot.age)],
          ['age_seconds', q(result.snapshot.age_seconds)],
        ])}`;
  // Additive (design.md §12 `--framework`): present only when a framework was asked for.
  const coverage =
    framework === undefined ? '' : `,\n  "control_coverage": ${value(controlCoverage(result, framework) as unknown as JsonValue, '  ')}`;
  const comparison = result.comparison === undefined ? '' : `,\n  "comparison": ${value(canonicalComparison(result.comparison), '  ')}`;
  // Additive (issue 13): only shard runs carry it, so whole-run output is byte-for-byte unchanged.
  const shard = result.shard === undefined ? '' : `,\n  "shard": ${JSON.stringify(result.shard)}`;
  // Additive (design.md §12 `--history`, `notify:`): only runs with history or notifications carry them.
  const resolved = result.resolved === undefined ? '' : `,\n  "resolved": ${value(result.resolved as unknown as JsonValue, '  ')}`;
  const history = result.history === undefined ? '' : `,\n  "history": ${value(result.history as unknown as JsonValue, '  ')}`;
  const notifications =
    result.notifications === undefined ? '' : `,\n  "notifications": ${value(result.notifications as unknown as JsonValue, '  ')}`;
  yield `${close}${waivers}${snapshot}${coverage}${comparison}${shard}${resolved}${history}${notifications}\n}\n`;
}

export function renderJson(result: RunReport, framework?: FrameworkName): string {
  let out = '';
  for (const chunk of renderJsonChunks(result, framework)) out += chunk;
  return out;
}

/** The run result with every object's keys in the canonical order (for callers that want objects). */
export function canonicalRunResult(result: RunResult): RunResult {
  return JSON.parse(renderJson(result)) as RunResult;
}

export const jsonReporter: Reporter = streamingReporter('json', (result, options: ReportOptions) =>
  renderJsonChunks(result, options.framework),
);
