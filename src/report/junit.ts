import { checkForecastText } from './history.js';
import type { CheckResult, ResourceResult, RunReport } from '../model/run-result.js';
import { formatLocation } from '../model/location.js';
import { streamingReporter } from './reporter.js';
import type { Reporter } from './reporter.js';
import { xmlAttr, xmlText } from './escape.js';
import { compareStrings } from '../model/order.js';
import { formatActual, formatExpected, resourceOutcome, sortedResources } from './values.js';

/**
 * JUnit XML for CI dashboards (Jenkins, GitLab, Azure DevOps, GitHub test-report actions): one
 * `<testsuite>` per resource type, one `<testcase>` per check with `classname` = resource address
 * and `name` = rule. fail → `<failure>`, waived → `<skipped>`, unknown → `<error>` (it is not a
 * pass and not proven drift). Durations are always 0 and the only timestamp is `as_of`, so the
 * same result always renders to the same bytes.
 */

type Outcome = 'pass' | 'fail' | 'unknown' | 'waived';

interface Case {
  readonly classname: string;
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly outcome: Outcome;
  readonly message: string;
  readonly details: string;
  /** With history or a forecast: `change`, `first_seen`, `last_seen`, `forecast` (testcase properties, as Jenkins and GitLab read them). */
  readonly properties?: readonly (readonly [string, string])[];
}

function caseProperties(check: CheckResult): (readonly [string, string])[] {
  const out: (readonly [string, string])[] = [];
  if (check.change !== undefined) out.push(['change', check.change]);
  if (check.first_seen !== undefined) out.push(['first_seen', check.first_seen]);
  if (check.last_seen !== undefined) out.push(['last_seen', check.last_seen]);
  const forecast = checkForecastText(check);
  if (forecast !== undefined) out.push(['forecast', forecast]);
  return out;
}

function waiverLine(check: CheckResult): string | undefined {
  const w = check.waiver;
  if (w === undefined) return undefined;
  const ticket = w.ticket ? ` [${w.ticket}]` : '';
  if (w.state === 'expired') return `waiver expired ${w.expires} (owner ${w.owner})${ticket}: ${w.reason}`;
  return `waived until ${w.expires} (owner ${w.owner}, ${w.state})${ticket}: ${w.reason}`;
}

function checkDetails(resource: ResourceResult, check: CheckResult): string {
  const lines = [
    `resource: ${resource.address}`,
    `rule: ${check.rule} (${check.source})`,
    `expected: ${formatExpected(check)}`,
    `actual: ${formatActual(check)}`,
    `severity: ${check.severity}`,
    check.source === 'policy'
      ? `location: ${formatLocation(resource.location)} (rule defined at ${formatLocation(check.location)})`
      : `location: ${formatLocation(check.location)}`,
  ];
  if (check.title) lines.push(`title: ${check.title}`);
  if (check.description) lines.push(`description: ${check.description}`);
  if (check.remediation) lines.push(`remediation: ${check.remediation}`);
  if (check.controls && check.controls.length > 0) lines.push(`controls: ${check.controls.join(', ')}`);
  const waiver = waiverLine(check);
  if (waiver) lines.push(waiver);
  if (resource.error && check.status === 'unknown' && resource.error.hint) lines.push(`hint: ${resource.error.hint}`);
  if (resource.request_ids.length > 0) lines.push(`request ids: ${resource.request_ids.join(', ')}`);
  return lines.join('\n');
}

function casesOf(resource: ResourceResult): Case[] {
  if (resource.checks.length === 0) {
    const outcome = resourceOutcome(resource);
    return [
      {
        classname: resource.address,
        name: 'resource',
        file: resource.location.file,
        line: resource.location.line,
        outcome: outcome.status,
        message: outcome.message,
        details: [
          `resource: ${resource.address}`,
          `location: ${formatLocation(resource.location)}`,
          ...(resource.error?.hint ? [`hint: ${resource.error.hint}`] : []),
        ].join('\n'),
      },
    ];
  }
  return resource.checks.map((check) => ({
    classname: resource.address,
    name: check.rule,
    // Policy findings point at the resource, as in SARIF: that is the YAML a reviewer can change.
    file: (check.source === 'policy' ? resource.location : check.location).file,
    line: (check.source === 'policy' ? resource.location : check.location).line,
    outcome: check.status,
    message: check.status === 'waived' ? (waiverLine(check) ?? 'waived') : check.message,
    details: checkDetails(resource, check),
    properties: caseProperties(check),
  }));
}

function renderCase(c: Case): string {
  const open = `    <testcase classname="${xmlAttr(c.classname)}" name="${xmlAttr(c.name)}" file="${xmlAttr(c.file)}" line="${c.line}" time="0"`;
  const props =
    c.properties === undefined || c.properties.length === 0
      ? ''
      : `\n      <properties>\n${c.properties.map(([name, value]) => `        <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`).join('\n')}\n      </properties>`;
  switch (c.outcome) {
    case 'pass':
      return props === '' ? `${open}/>` : `${open}>${props}\n    </testcase>`;
    case 'waived':
      return `${open}>${props}\n      <skipped message="${xmlAttr(c.message)}"/>\n    </testcase>`;
    case 'fail':
      return `${open}>${props}\n      <failure message="${xmlAttr(c.message)}" type="drift">${xmlText(c.details)}</failure>\n    </testcase>`;
    case 'unknown':
      return `${open}>${props}\n      <error message="${xmlAttr(c.message)}" type="unknown">${xmlText(c.details)}</error>\n    </testcase>`;
  }
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** Each test case's outcome, without its text: what the counts in the opening tags need. */
function outcomesOf(resource: ResourceResult): Outcome[] {
  return resource.checks.length === 0 ? [resourceOutcome(resource).status] : resource.checks.map((c) => c.status);
}

function tally(counts: Counts, outcomes: readonly Outcome[]): void {
  counts.tests += outcomes.length;
  for (const outcome of outcomes) {
    if (outcome === 'fail') counts.failures++;
    else if (outcome === 'unknown') counts.errors++;
    else if (outcome === 'waived') counts.skipped++;
  }
}

function countAttrs(c: Counts): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="0"`;
}

/** JUnit's schema wants a zone-less `xs:dateTime`; an unreadable `as_of` is left out rather than guessed. */
function junitTimestamp(asOf: string): string | undefined {
  const ms = Date.parse(asOf);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 19);
}

/**
 * The XML in pieces, one per resource's test cases. The counts sit in the opening tags, so a first
 * read of the resources counts them per type; a second writes the cases. Resources come in address
 * order, which keeps each type together (an address is `type.name`); when they do not (a hand-made
 * result), each suite reads the resources again for its own type.
 */
function* renderJunitChunks(result: RunReport): Generator<string, void, undefined> {
  const resources = sortedResources(result.resources);
  const byType = new Map<string, Counts>();
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const order: string[] = [];
  let together = true;
  for (const resource of resources) {
    if (resource.type !== order[order.length - 1]) {
      if (byType.has(resource.type)) together = false;
      order.push(resource.type);
    }
    const counts = byType.get(resource.type) ?? { tests: 0, failures: 0, errors: 0, skipped: 0 };
    const outcomes = outcomesOf(resource);
    tally(counts, outcomes);
    tally(total, outcomes);
    byType.set(resource.type, counts);
  }
  const timestamp = junitTimestamp(result.as_of);
  const stamp = timestamp === undefined ? '' : ` timestamp="${timestamp}"`;
  // A snapshot run says when the snapshot was observed, in every suite (JUnit has no run-level properties).
  const properties = result.snapshot
    ? `    <properties>\n      <property name="snapshot.observed_at" value="${xmlAttr(result.snapshot.observed_at)}"/>\n      <property name="snapshot.age" value="${xmlAttr(result.snapshot.age)}"/>\n    </properties>\n`
    : '';
  const types = [...byType.keys()].sort(compareStrings);
  if (order.some((type, i) => types[i] !== type)) together = false;
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="driftwatch" ${countAttrs(total)}>\n`;
  const open = (type: string): string =>
    `  <testsuite name="${xmlAttr(type)}" ${countAttrs(byType.get(type) as Counts)}${stamp}>\n${properties}`;
  if (together) {
    let current: string | undefined;
    for (const resource of resources) {
      const cases = casesOf(resource);
      if (resource.type !== current) {
        if (current !== undefined) yield '  </testsuite>\n';
        current = resource.type;
        yield open(current);
      }
      if (cases.length > 0) yield `${cases.map(renderCase).join('\n')}\n`;
    }
    if (current !== undefined) yield '  </testsuite>\n';
  } else {
    for (const type of types) {
      yield open(type);
      for (const resource of resources) {
        if (resource.type !== type) continue;
        const cases = casesOf(resource);
        if (cases.length > 0) yield `${cases.map(renderCase).join('\n')}\n`;
      }
      yield '  </testsuite>\n';
    }
  }
  yield '</testsuites>\n';
}

export const junitReporter: Reporter = streamingReporter('junit', (result) => renderJunitChunks(result));

export function renderJunit(result: RunReport): string {
  return junitReporter.render(result, { color: false });
}
