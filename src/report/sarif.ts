import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Severity } from '../model/desired-state.js';
import type { SourceLocation } from '../model/location.js';
import type { CheckResult, ResourceResult, RunReport } from '../model/run-result.js';
import { streamingReporter } from './reporter.js';
import type { Reporter } from './reporter.js';
import { compareStrings } from '../model/order.js';
import { formatActual, formatExpected, resourceOutcome, sortedResources } from './values.js';
import { weakeningFindings } from './comparison.js';
import { spliceJson } from './json-splice.js';

/**
 * SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, VS Code's SARIF viewer).
 *
 * - Rules: one per expectation attribute of a resource type (`<type>/<attribute>`) and one per
 *   policy rule (`policy/<id>`), for every check evaluated (passing ones too); two synthetic rules
 *   cover resources with no checks of their own. A rule's default level comes from the highest
 *   severity it is used with; each result carries its own level.
 * - Results: failing, unknown and waived checks; passes are not listed (code scanning shows
 *   alerts, not audits). A result points at the YAML line and column of the expectation, or of
 *   the resource for policy findings, exactly as the run result gives them.
 * - Unknown checks are results with level `warning` saying they could not be verified — never
 *   dropped, never a pass. Waived checks carry an accepted `suppression`.
 * - `partialFingerprints` hash the resource address and rule id only, so the same alert keeps its
 *   identity across runs while messages, values and times change.
 */

const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const FINGERPRINT_KEY = 'driftwatch/v1';

const RULE_ABSENT = 'driftwatch/resource-absent';
const RULE_UNVERIFIED = 'driftwatch/resource-unverified';
const RULE_WEAKENED = 'driftwatch/control-weakened';

type Level = 'error' | 'warning' | 'note' | 'none';

const SEVERITY_LEVEL: Readonly<Record<Severity, Level>> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };
/** GitHub's `security-severity` scale (0–10) so alerts sort as critical/high/medium/low. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

interface SarifMessage {
  readonly text: string;
  readonly markdown?: string;
}

interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: SarifMessage;
  readonly fullDescription: SarifMessage;
  readonly help: SarifMessage;
  readonly defaultConfiguration: { readonly level: Level };
  readonly properties: { readonly tags: readonly string[]; readonly 'security-severity': string; readonly controls?: readonly string[] };
}

interface RuleDraft {
  id: string;
  name: string;
  short: string;
  full: string;
  help: string;
  severity: Severity;
  tags: string[];
  controls: string[];
}

interface SarifLocation {
  readonly physicalLocation: {
    readonly artifactLocation: { readonly uri: string; readonly uriBaseId?: string };
    readonly region: { readonly startLine: number; readonly startColumn: number };
  };
  readonly logicalLocations: readonly { readonly fullyQualifiedName: string; readonly kind: string }[];
}

interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: Level;
  readonly message: SarifMessage;
  readonly locations: readonly SarifLocation[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly suppressions?: readonly object[];
  readonly kind?: 'pass';
  readonly baselineState?: BaselineState;
  readonly properties: Readonly<Record<string, unknown>>;
}

function sarifRuleId(resourceType: string, check: Pick<CheckResult, 'rule' | 'source'>): string {
  return check.source === 'policy' ? `policy/${check.rule}` : `${resourceType}/${check.rule}`;
}

/** Stable across runs: only the resource address and the rule id go in (not messages, values or times). */
export function sarifFingerprint(address: string, ruleId: string): string {
  return createHash('sha256').update(`${address}\u0000${ruleId}`, 'utf8').digest('hex');
}

/**
 * The location's file as a SARIF `uri`: a relative path stays relative (to `%SRCROOT%`, the
 * repository root as the user gave it) with `/` separators and percent-encoding only where a URI
 * requires it; an absolute path becomes a `file:` URI.
 */
function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file) || /^[A-Za-z]:[\\/]/.test(file)) return { uri: pathToFileURL(file).href };
  const segments = file.replace(/\\/g, '/').split('/');
  return { uri: segments.map((s) => encodeURIComponent(s)).join('/'), uriBaseId: '%SRCROOT%' };
}

function location(loc: SourceLocation, address: string): SarifLocation {
  return {
    physicalLocation: {
      artifactLocation: artifactLocation(loc.file),
      region: { startLine: Math.max(1, loc.line), startColumn: Math.max(1, loc.column) },
    },
    logicalLocations: [{ fullyQualifiedName: address, kind: 'resource' }],
  };
}

function draftForCheck(resource: ResourceResult, check: CheckResult): RuleDraft {
  if (check.source === 'policy') {
    const title = check.title ?? check.rule;
    const help =
      check.remediation ?? `Bring ${resource.type} into line with policy rule ${check.rule}, or waive it with a reason, owner and expiry.`;
    return {
      id: sarifRuleId(resource.type, check),
      name: check.rule,
      short: title,
      full: `Policy rule ${check.rule}: ${title}`,
      help,
      severity: check.severity,
      tags: ['security', 'policy'],
      controls: [...(check.controls ?? [])],
    };
  }
  return {
    id: sarifRuleId(resource.type, check),
    name: `${resource.type}.${check.rule}`,
    short: `${resource.type}: ${check.rule} matches its expectation`,
    full: `The live ${check.rule} of each ${resource.type} resource must satisfy the expectation declared for it in the configuration.`,
    help: `Change ${check.rule} of the resource in the cloud console to what the configuration expects, or update the expectation if the change is intended, or add a waiver with a reason, owner and expiry.`,
    severity: check.severity,
    tags: ['security', 'drift'],
    controls: [],
  };
}

const SYNTHETIC: Readonly<Record<string, Omit<RuleDraft, 'severity'>>> = {
  [RULE_ABSENT]: {
    id: RULE_ABSENT,
    name: 'resource-absent',
    short: 'The declared resource exists',
    full: 'A resource declared in the configuration does not exist in the cloud.',
    help: 'Create the resource (or purchase the service), or remove it from the configuration if it was retired on purpose.',
    tags: ['security', 'drift'],
    controls: [],
  },
  [RULE_UNVERIFIED]: {
    id: RULE_UNVERIFIED,
    name: 'resource-unverified',
    short: 'The declared resource could be read',
    full: 'The status of a resource could not be read, so nothing about it is verified.',
    help: 'Fix the error shown (credentials, permissions, network) and run again; an unverified resource is never treated as compliant.',
    tags: ['security', 'unverified'],
    controls: [],
  },
  [RULE_WEAKENED]: {
    id: RULE_WEAKENED,
    name: 'control-weakened',
    short: 'The change does not weaken a control',
    full: 'Compared with the base configuration (--compare), this change relaxes a threshold, removes a check, rule or policy pack, narrows where a rule applies, lowers a severity, adds or extends a waiver, or drops a resource that still exists.',
    help: 'Confirm the weakening is intended and approved, or restore the stricter setting.',
    tags: ['security', 'policy-change'],
    controls: [],
  },
};

function mergeDraft(rules: Map<string, RuleDraft>, draft: RuleDraft): void {
  const existing = rules.get(draft.id);
  if (existing === undefined) {
    rules.set(draft.id, draft);
    return;
  }
  if (SEVERITY_RANK[draft.severity] > SEVERITY_RANK[existing.severity]) existing.severity = draft.severity;
  for (const control of draft.controls) if (!existing.controls.includes(control)) existing.controls.push(control);
}

function toRule(d: RuleDraft): SarifRule {
  const controls = [...d.controls].sort(compareStrings);
  const helpMarkdown = controls.length > 0 ? `${d.help}\n\nControls: ${controls.join(', ')}` : d.help;
  return {
    id: d.id,
    name: d.name,
    shortDescription: { text: d.short },
    fullDescription: { text: d.full },
    help: { text: controls.length > 0 ? `${d.help} Controls: ${controls.join(', ')}.` : d.help, markdown: helpMarkdown },
    defaultConfiguration: { level: SEVERITY_LEVEL[d.severity] },
    properties: {
      tags: d.tags,
      'security-severity': SECURITY_SEVERITY[d.severity],
      ...(controls.length > 0 ? { controls } : {}),
    },
  };
}

interface Pending {
  readonly ruleId: string;
  readonly level: Level;
  readonly text: string;
  readonly location: SourceLocation;
  readonly address: string;
  readonly suppression?: object;
  readonly properties: Readonly<Record<string, unknown>>;
  /** With history: `new`, `unchanged` (persisting) or `absent` (resolved since the previous run). */
  readonly baselineState?: BaselineState;
  /** `pass` for a resolved finding (reported so code scanning can close it). */
  readonly kind?: 'pass';
}

type BaselineState = 'new' | 'unchanged' | 'absent';

function baselineOf(check: CheckResult): BaselineState | undefined {
  return check.change === 'new' ? 'new' : check.change === 'persisting' ? 'unchanged' : undefined;
}

/** The history fields of a check as SARIF result properties. */
function historyProperties(check: CheckResult): Record<string, unknown> {
  return {
    ...(check.first_seen !== undefined ? { first_seen: check.first_seen } : {}),
    ...(check.last_seen !== undefined ? { last_seen: check.last_seen } : {}),
    ...(check.forecast !== undefined ? { forecast: check.forecast } : {}),
  };
}

/** A finding of the previous run that passes now: a `pass` result with baselineState `absent`. */
function pendingForResolved(resource: ResourceResult, check: CheckResult, first_seen: string): Pending {
  return {
    ruleId: sarifRuleId(resource.type, check),
    level: 'none',
    kind: 'pass',
    baselineState: 'absent',
    text: `${resource.address}: ${check.title ? `${check.title}: ` : ''}resolved since the previous run — ${check.message}`,
    location: check.source === 'policy' ? resource.location : check.location,
    address: resource.address,
    properties: { address: resource.address, status: check.status, severity: check.severity, first_seen, ...historyProperties(check) },
  };
}

function checkMessage(resource: ResourceResult, check: CheckResult): string {
  const prefix = check.title ? `${check.title}: ` : '';
  const why = check.description ? ` (${check.description})` : '';
  if (check.status === 'unknown') return `${resource.address}: ${prefix}could not be verified — ${check.message}${why}`;
  const waiver = check.waiver;
  const expired = waiver?.state === 'expired' ? ` (waiver expired ${waiver.expires}, owner ${waiver.owner})` : '';
  return `${resource.address}: ${prefix}${check.message}${why}${expired}`;
}

function pendingForCheck(resource: ResourceResult, check: CheckResult): Pending | undefined {
  if (check.status === 'pass') return undefined;
  const ruleId = sarifRuleId(resource.type, check);
  const loc = check.source === 'policy' ? resource.location : check.location;
  const waiver = check.waiver;
  const suppression =
    check.status === 'waived' && waiver !== undefined
      ? {
          // No `status`/`state`: the published 2.1.0 schemas disagree on its name (and reject the
          // other one), and an absent value already means "accepted".
          kind: 'external',
          justification: `${waiver.reason} (owner ${waiver.owner}, expires ${waiver.expires}${waiver.ticket ? `, ${waiver.ticket}` : ''})`,
          location: location(waiver.location, resource.address),
        }
      : undefined;
  return {
    ruleId,
    level: check.status === 'unknown' ? 'warning' : SEVERITY_LEVEL[check.severity],
    text: checkMessage(resource, check),
    location: loc,
    address: resource.address,
    ...(suppression ? { suppression } : {}),
    ...(baselineOf(check) !== undefined ? { baselineState: baselineOf(check) } : {}),
    properties: {
      address: resource.address,
      status: check.status,
      severity: check.severity,
      expected: formatExpected(check),
      actual: formatActual(check),
      ...historyProperties(check),
    },
  };
}

/** The results of the run, in order, declaring each one's rule in `drafts` as they go. */
function* pendingResults(result: RunReport, drafts: Map<string, RuleDraft>): Generator<Pending, void, undefined> {
  const resolved = new Map((result.resolved ?? []).map((f) => [f.fingerprint, f]));
  for (const resource of sortedResources(result.resources)) {
    if (resource.checks.length === 0) {
      const outcome = resourceOutcome(resource);
      if (outcome.status === 'pass') continue;
      const id = outcome.status === 'fail' ? RULE_ABSENT : RULE_UNVERIFIED;
      const base = SYNTHETIC[id] as Omit<RuleDraft, 'severity'>;
      mergeDraft(drafts, { ...base, tags: [...base.tags], controls: [], severity: outcome.status === 'fail' ? 'high' : 'medium' });
      yield {
        ruleId: id,
        level: outcome.status === 'fail' ? 'error' : 'warning',
        text: outcome.message,
        location: resource.location,
        address: resource.address,
        properties: { address: resource.address, status: outcome.status },
      };
      continue;
    }
    for (const check of resource.checks) {
      // Passing checks still declare their rule, so the rule catalogue does not depend on what failed.
      mergeDraft(drafts, draftForCheck(resource, check));
      const p = pendingForCheck(resource, check);
      const gone = check.fingerprint === undefined ? undefined : resolved.get(check.fingerprint);
      if (p !== undefined) yield gone !== undefined ? { ...p, baselineState: 'absent' } : p;
      else if (gone !== undefined) yield pendingForResolved(resource, check, gone.first_seen);
    }
  }
  for (const f of weakeningFindings(result)) {
    if (f.location === undefined) continue;
    mergeDraft(drafts, {
      ...(SYNTHETIC[RULE_WEAKENED] as Omit<RuleDraft, 'severity'>),
      tags: ['security', 'policy-change'],
      controls: [],
      severity: 'high',
    });
    yield {
      ruleId: RULE_WEAKENED,
      level: 'error',
      text: f.change.message,
      location: f.location,
      address: f.key,
      properties: { kind: f.change.kind, before: f.change.before, after: f.change.after },
    };
  }
}

/**
 * The log in pieces, one per result. The rules (which come first) are declared by every check,
 * so a first read of the resources collects them; a second writes the results one at a time. The
 * text is what `JSON.stringify(log, null, 2)` gives for the whole log.
 */
function* renderSarifChunks(result: RunReport): Generator<string, void, undefined> {
  const drafts = new Map<string, RuleDraft>();
  for (const _ of pendingResults(result, drafts));
  const ids = [...drafts.keys()].sort(compareStrings);
  const index = new Map(ids.map((id, i) => [id, i]));
  const results = function* (): Generator<SarifResult, void, undefined> {
    for (const p of pendingResults(result, new Map())) {
      yield {
        ruleId: p.ruleId,
        ruleIndex: index.get(p.ruleId) ?? 0,
        ...(p.kind !== undefined ? { kind: p.kind } : {}),
        level: p.level,
        message: { text: p.text },
        locations: [location(p.location, p.address)],
        partialFingerprints: { [FINGERPRINT_KEY]: sarifFingerprint(p.address, p.ruleId) },
        ...(p.suppression ? { suppressions: [p.suppression] } : {}),
        ...(p.baselineState !== undefined ? { baselineState: p.baselineState } : {}),
        properties: p.properties,
      };
    }
  };
  yield* spliceJson((splice) => ({
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'driftwatch',
            version: result.tool.version,
            rules: ids.map((id) => toRule(drafts.get(id) as RuleDraft)),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory driftwatch was run from (the repository root).' } } },
        // Columns come from JavaScript strings (the YAML parser counts UTF-16 code units).
        columnKind: 'utf16CodeUnits',
        results: splice(results()),
        properties: {
          as_of: result.as_of,
          summary: result.summary,
          ...(result.snapshot ? { snapshot: result.snapshot } : {}),
          ...(result.history ? { history: result.history } : {}),
        },
      },
    ],
  }));
  yield '\n';
}

export const sarifReporter: Reporter = streamingReporter('sarif', (result) => renderSarifChunks(result));

export function renderSarif(result: RunReport): string {
  return sarifReporter.render(result, { color: false });
}

/** The log as an object. */
export function renderSarifLog(result: RunReport): object {
  return JSON.parse(renderSarif(result)) as object;
}
