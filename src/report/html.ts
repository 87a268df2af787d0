import { createHash } from 'node:crypto';
import type { CheckResult, ResourceResult, RunReport, WaiverReport } from '../model/run-result.js';
import { snapshotLine } from '../model/run-result.js';
import type { Severity } from '../model/desired-state.js';
import { compareStrings } from '../model/order.js';
import { CONTROL_STATUS_LABEL, controlCoverage, coverageSummaryLine } from './controls.js';
import { xmlAttr, xmlText } from './escape.js';
import { waiversOf } from './github.js';
import { streamingReporter } from './reporter.js';
import type { HistoryPoint, ReportOptions, Reporter } from './reporter.js';
import { formatActual, formatExpected, resourceOutcome, sortedResources } from './values.js';

/**
 * `--format html`: one self-contained page for people who do not read terminals — summary with
 * counts and severities, the controls table when `--framework` is given, every resource
 * expandable with expected vs actual and the YAML location of each check, waivers with owner and
 * expiry, filters by status, severity and type, and a trend when earlier runs are supplied
 * (`ReportOptions.history`; without them there is no trend section at all).
 *
 * Self-contained and offline: the CSS and the script are inline and pinned by a
 * Content-Security-Policy with their SHA-256 hashes and `default-src 'none'`, so the page cannot
 * load or send anything even if a value in it were hostile (every value is escaped as well).
 * Without JavaScript everything is shown and the filters stay hidden; printing opens every
 * resource. Accessible: landmarks and a heading outline, a skip link, real tables with headers,
 * labelled filters, a live region announcing how many resources are shown, status given in words
 * (colour only repeats it), text contrast above WCAG AA, visible keyboard focus.
 */

const h = xmlText;
const a = xmlAttr;

const STATUS_LABEL = { compliant: 'Compliant', drifted: 'Drifted', unknown: 'Unknown', waived: 'Waived' } as const;
const CHECK_LABEL = { pass: 'pass', fail: 'fail', unknown: 'unknown', waived: 'waived' } as const;
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

const STYLE = `
:root{color-scheme:light;--fg:#1a1a1a;--muted:#4a4a4a;--line:#c8c8c8;--bg:#fff;--band:#f4f5f7;--focus:#1a56db}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC","Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:72rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
.muted{color:var(--muted)}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;margin:0;padding:0;list-style:none}
.counts li{border:1px solid var(--line);border-radius:.4rem;padding:.5rem .75rem;min-width:7rem}
.counts strong{display:block;font-size:1.5rem}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:var(--band)}
td.num{text-align:right}
.badge{display:inline-block;border-radius:.3rem;padding:0 .4rem;font-weight:600;font-size:.9em;border:1px solid currentColor}
.s-drifted,.s-fail,.s-not_satisfied{background:#fde2e1;color:#8a1c14}
.s-unknown{background:#fff4ce;color:#5c4300}
.s-waived{background:#ece8f8;color:#3f3178}
.s-compliant,.s-pass,.s-satisfied{background:#dff3e4;color:#1e5631}
.s-not_assessed{background:#eceff1;color:#37474f}
.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:end;border:1px solid var(--line);border-radius:.4rem;padding:.5rem 1rem;margin:.5rem 0}
.filters label{display:flex;flex-direction:column;font-weight:600}
.filters select,.filters button{font:inherit;padding:.25rem;min-height:2.25rem}
.resources{list-style:none;margin:0;padding:0}
.resources>li{border:1px solid var(--line);border-radius:.4rem;margin:.5rem 0}
summary{cursor:pointer;padding:.5rem .75rem;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
details[open]>summary{border-bottom:1px solid var(--line)}
.body{padding:.5rem .75rem}
.error{border-left:4px solid #8a1c14;padding:.25rem .75rem;background:#fff7f7}
.trend svg{max-width:100%;height:auto}
footer{margin:2rem auto;color:var(--muted);font-size:.9rem}
@media print{.filters,.skip,#shown{display:none!important}.resources>li{break-inside:avoid}body{font-size:11pt}a{color:inherit}}
`;

const SCRIPT = `
(function () {
  var form = document.getElementById('filters');
  var list = document.getElementById('resource-list');
  if (!form || !list) return;
  var items = Array.prototype.slice.call(list.children);
  var shown = document.getElementById('shown');
  var none = document.getElementById('no-match');
  var status = document.getElementById('f-status');
  var severity = document.getElementById('f-severity');
  var type = document.getElementById('f-type');
  function apply() {
    var n = 0;
    items.forEach(function (li) {
      var ok = (!status.value || li.getAttribute('data-status') === status.value) &&
        (!severity.value || (' ' + li.getAttribute('data-severities') + ' ').indexOf(' ' + severity.value + ' ') >= 0) &&
        (!type.value || li.getAttribute('data-type') === type.value);
      li.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = 'Showing ' + n + ' of ' + items.length + ' resources.';
    none.hidden = n !== 0;
  }
  form.addEventListener('change', apply);
  form.addEventListener('reset', function () { setTimeout(apply, 0); });
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = Array.prototype.slice.call(document.querySelectorAll('details:not([open])'));
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
  });
})();
`;

function hash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

// A constant of quotes and base64 only, so it goes into the attribute as is.
const CSP = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src 'none'; base-uri 'none'; form-action 'none'`;

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

function badge(kind: string, label: string): string {
  return `<span class="badge s-${a(kind)}">${h(label)}</span>`;
}

function location(l: { file: string; line: number; column: number }): string {
  return `<span class="mono">${h(`${l.file}:${l.line}:${l.column}`)}</span>`;
}

/** The severities a resource's filter matches: those of its checks that did not pass. */
function findingSeverities(r: ResourceResult): Severity[] {
  const set = new Set(r.checks.filter((c) => c.status !== 'pass').map((c) => c.severity));
  return SEVERITIES.filter((s) => set.has(s));
}

function checkRow(c: CheckResult): string {
  const title = c.title !== undefined ? `<br><span class="muted">${h(c.title)}</span>` : '';
  const why = c.description !== undefined ? `<br><span class="muted">Why: ${h(c.description)}</span>` : '';
  const fix = c.remediation !== undefined && c.status !== 'pass' ? `<br><span class="muted">Fix: ${h(c.remediation)}</span>` : '';
  const waiver =
    c.waiver !== undefined
      ? `<br><span class="muted">Waiver (${h(c.waiver.state)}) until ${h(c.waiver.expires)} by ${h(c.waiver.owner)}: ${h(c.waiver.reason)}</span>`
      : '';
  const controls =
    c.controls !== undefined && c.controls.length > 0 ? `<br><span class="muted">Controls: ${h(c.controls.join('; '))}</span>` : '';
  return (
    `<tr><td>${badge(c.status, CHECK_LABEL[c.status])}</td>` +
    `<td><code>${h(c.rule)}</code> <span class="muted">(${h(c.source === 'policy' ? 'policy' : 'expect')})</span>${title}${why}${fix}${waiver}${controls}</td>` +
    `<td><code>${h(formatExpected(c))}</code></td><td><code>${h(formatActual(c))}</code></td>` +
    `<td>${h(c.severity)}</td><td>${location(c.location)}</td></tr>`
  );
}

function resourceItem(r: ResourceResult): string {
  const open = r.status === 'drifted' || r.status === 'unknown' ? ' open' : '';
  const failing = r.checks.filter((c) => c.status !== 'pass').length;
  const meta = `${h(r.type)} · ${plural(r.checks.length, 'check')}${failing > 0 ? `, ${failing} not passing` : ''}`;
  const parts: string[] = [`<p class="muted">Declared at ${location(r.location)}</p>`];
  if (r.checks.length === 0 || r.absent === true || r.error !== null) parts.push(`<p class="error">${h(resourceOutcome(r).message)}</p>`);
  if (r.error?.hint !== undefined) parts.push(`<p>Hint: ${h(r.error.hint)}</p>`);
  if (r.checks.length > 0) {
    parts.push(
      `<div class="table-wrap"><table><caption class="muted">Checks of <code>${h(r.address)}</code>: expected vs actual</caption>` +
        '<thead><tr><th scope="col">Status</th><th scope="col">Check</th><th scope="col">Expected</th><th scope="col">Actual</th><th scope="col">Severity</th><th scope="col">YAML location</th></tr></thead>' +
        `<tbody>${r.checks.map(checkRow).join('')}</tbody></table></div>`,
    );
  }
  if (r.request_ids.length > 0)
    parts.push(`<p class="muted">Vendor request IDs: ${r.request_ids.map((id) => `<code>${h(id)}</code>`).join(', ')}</p>`);
  return (
    `<li data-status="${a(r.status)}" data-type="${a(r.type)}" data-severities="${a(findingSeverities(r).join(' '))}">` +
    `<details${open}><summary>${badge(r.status, STATUS_LABEL[r.status])} <code>${h(r.address)}</code> <span class="muted">${meta}</span></summary>` +
    `<div class="body">${parts.join('')}</div></details></li>`
  );
}

function severityTable(counts: ReadonlyMap<string, number>): string {
  const rows = SEVERITIES.map(
    (s) =>
      `<tr><th scope="row">${h(s)}</th>${(['fail', 'unknown', 'waived', 'pass'] as const).map((st) => `<td class="num">${counts.get(`${s}/${st}`) ?? 0}</td>`).join('')}</tr>`,
  );
  return (
    '<div class="table-wrap"><table><caption class="muted">Checks by severity and outcome</caption>' +
    '<thead><tr><th scope="col">Severity</th><th scope="col">Fail</th><th scope="col">Unknown</th><th scope="col">Waived</th><th scope="col">Pass</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

function verdict(result: RunReport): string {
  const s = result.summary;
  if (s.drifted > 0)
    return `Drift found in ${plural(s.drifted, 'resource')}${s.unknown > 0 ? `; ${plural(s.unknown, 'resource')} could not be verified` : ''}.`;
  if (s.unknown > 0) return `${plural(s.unknown, 'resource')} could not be verified; their state is unknown, not compliant.`;
  if (s.resources === 0) return 'No resources were checked.';
  return `All ${plural(s.resources, 'resource')} verified${s.waived > 0 ? ` (${plural(s.waived, 'resource')} only by waiver)` : ''}.`;
}

function controlsSection(result: RunReport, options: ReportOptions): string {
  if (options.framework === undefined) return '';
  const coverage = controlCoverage(result, options.framework);
  const rows = coverage.controls.map(
    (c) =>
      `<tr><td><code>${h(c.id)}</code></td><td>${h(c.title)}</td><td>${badge(c.status, CONTROL_STATUS_LABEL[c.status])}</td>` +
      `<td class="num">${c.checks.pass}</td><td class="num">${c.checks.fail}</td><td class="num">${c.checks.unknown}</td><td class="num">${c.checks.waived}</td></tr>`,
  );
  return (
    `<section aria-labelledby="controls-h"><h2 id="controls-h">Controls: ${h(coverage.title)}</h2><p>${h(coverageSummaryLine(coverage))}</p>` +
    '<p class="muted">A control is satisfied only when every check mapped to it passed; a check that could not be verified makes it unknown, never satisfied.</p>' +
    '<div class="table-wrap"><table><thead><tr><th scope="col">Control</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Pass</th><th scope="col">Fail</th><th scope="col">Unknown</th><th scope="col">Waived</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div></section>`
  );
}

/** A stacked-bar trend of earlier runs plus the same numbers as a table (the chart is decorative to screen readers). */
function historySection(history: readonly HistoryPoint[] | undefined, result: RunReport): string {
  if (history === undefined || history.length === 0) return '';
  const points = [...history, { as_of: result.as_of, summary: result.summary }];
  const keys = [
    ['drifted', '#b3261e'],
    ['unknown', '#8a6d00'],
    ['waived', '#5b4bb7'],
    ['compliant', '#2e7d32'],
  ] as const;
  const max = Math.max(1, ...points.map((p) => p.summary.compliant + p.summary.drifted + p.summary.unknown + p.summary.waived));
  const barWidth = 24;
  const gap = 8;
  const height = 120;
  const bars = points
    .map((p, i) => {
      let y = height;
      return keys
        .map(([k, colour]) => {
          const v = p.summary[k];
          const hgt = (v / max) * height;
          y -= hgt;
          return v > 0
            ? `<rect x="${i * (barWidth + gap)}" y="${y.toFixed(2)}" width="${barWidth}" height="${hgt.toFixed(2)}" fill="${colour}"></rect>`
            : '';
        })
        .join('');
    })
    .join('');
  const width = points.length * (barWidth + gap);
  const rows = points.map(
    (p) =>
      `<tr><td><time datetime="${a(p.as_of)}">${h(p.as_of)}</time></td>${keys.map(([k]) => `<td class="num">${p.summary[k]}</td>`).join('')}</tr>`,
  );
  return (
    '<section aria-labelledby="trend-h" class="trend"><h2 id="trend-h">Trend</h2>' +
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-hidden="true" focusable="false">${bars}</svg>` +
    '<div class="table-wrap"><table><caption class="muted">Resources by status per run, oldest first (the last row is this run)</caption>' +
    `<thead><tr><th scope="col">As of</th>${keys.map(([k]) => `<th scope="col">${h(k)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`
  );
}

function waiverSection(waivers: readonly WaiverReport[]): string {
  if (waivers.length === 0) return '';
  const rows = waivers.map(
    (w) =>
      `<tr><td><code>${h(w.resource)}</code></td><td><code>${h(w.rule)}</code></td><td>${h(w.state)}</td><td>${h(w.owner)}</td>` +
      `<td><time datetime="${a(w.expires)}">${h(w.expires)}</time></td><td>${h(w.reason)}</td><td>${h(w.ticket ?? '')}</td><td>${location(w.location)}</td></tr>`,
  );
  return (
    `<section aria-labelledby="waivers-h"><h2 id="waivers-h">Waivers (${waivers.length})</h2><div class="table-wrap"><table>` +
    '<thead><tr><th scope="col">Resource</th><th scope="col">Rule</th><th scope="col">State</th><th scope="col">Owner</th><th scope="col">Expires</th><th scope="col">Reason</th><th scope="col">Ticket</th><th scope="col">YAML location</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div></section>`
  );
}

function filterForm(types: readonly string[]): string {
  const option = (value: string, label: string): string => `<option value="${a(value)}">${h(label)}</option>`;
  return (
    '<form id="filters" class="filters" hidden aria-label="Filter resources">' +
    `<label for="f-status">Status<select id="f-status">${option('', 'All statuses')}${(['drifted', 'unknown', 'waived', 'compliant'] as const).map((s) => option(s, STATUS_LABEL[s])).join('')}</select></label>` +
    `<label for="f-severity">Severity of a finding<select id="f-severity">${option('', 'All severities')}${SEVERITIES.map((s) => option(s, s)).join('')}</select></label>` +
    `<label for="f-type">Resource type<select id="f-type">${option('', 'All types')}${types.map((t) => option(t, t)).join('')}</select></label>` +
    '<button type="reset">Clear filters</button></form>'
  );
}

/**
 * The page in pieces, one per resource: a first read of the resources counts the checks by
 * severity and lists the types (both shown above the resources); a second writes them.
 */
function* renderHtmlChunks(result: RunReport, options: ReportOptions): Generator<string, void, undefined> {
  const s = result.summary;
  const resources = sortedResources(result.resources);
  const bySeverity = new Map<string, number>();
  const types = new Set<string>();
  let total = 0;
  for (const r of resources) {
    total++;
    types.add(r.type);
    for (const c of r.checks) bySeverity.set(`${c.severity}/${c.status}`, (bySeverity.get(`${c.severity}/${c.status}`) ?? 0) + 1);
  }
  const counts = (['drifted', 'unknown', 'waived', 'compliant'] as const)
    .map((k) => `<li>${badge(k, STATUS_LABEL[k])}<strong>${s[k]}</strong></li>`)
    .join('');
  const failOn = result.fail_on !== undefined ? ` · failing on ${h(result.fail_on)} and above` : '';
  yield (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">` +
    '<meta name="referrer" content="no-referrer">' +
    `<title>driftwatch report as of ${h(result.as_of)}</title><style>${STYLE}</style></head>\n<body>` +
    '<a class="skip" href="#resources-h">Skip to resources</a>' +
    `<header><h1>driftwatch drift report</h1><p class="muted">As of <time datetime="${a(result.as_of)}">${h(result.as_of)}</time> · driftwatch ${h(result.tool.version)} · exit code ${s.exit_code}${failOn}</p>` +
    // Issue 18: a run from a saved snapshot says so where nobody can miss it.
    (result.snapshot ? `<p><strong>${h(snapshotLine(result.snapshot).replace(/^evaluated/, 'Evaluated'))}.</strong></p>` : '') +
    '</header>\n<main>' +
    `<section aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2><p><strong>${h(verdict(result))}</strong></p>` +
    `<ul class="counts" aria-label="Resources by status">${counts}<li>Total<strong>${s.resources}</strong></li></ul>${severityTable(bySeverity)}</section>\n` +
    controlsSection(result, options) +
    historySection(options.history, result) +
    `<section aria-labelledby="resources-h"><h2 id="resources-h">Resources (${total})</h2>${filterForm([...types].sort(compareStrings))}` +
    `<p id="shown" role="status" aria-live="polite">Showing ${total} of ${total} resources.</p>` +
    '<ul id="resource-list" class="resources">\n'
  );
  let first = true;
  for (const r of resources) {
    yield `${first ? '' : '\n'}${resourceItem(r)}`;
    first = false;
  }
  yield (
    '\n</ul><p id="no-match" hidden>No resource matches these filters.</p></section>\n' +
    waiverSection(waiversOf(result)) +
    `</main>\n<footer>Generated by driftwatch ${h(result.tool.version)}. This page is self-contained: it loads nothing and sends nothing.</footer>` +
    `<script>${SCRIPT}</script>\n</body></html>\n`
  );
}

export const htmlReporter: Reporter = streamingReporter('html', renderHtmlChunks);

export function renderHtml(result: RunReport, options: ReportOptions = { color: false }): string {
  return htmlReporter.render(result, options);
}
