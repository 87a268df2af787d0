import { createHash } from 'node:crypto';
import type { CheckResult, ResourceResult, RunReport } from '../model/run-result.js';
import { snapshotLine } from '../model/run-result.js';
import { compareStrings } from '../model/order.js';
import { expiryEnd, formatInstant } from '../util/time.js';
import { safeSegment } from './evidence/paths.js';
import { FRAMEWORKS, FRAMEWORK_NAMES, controlCoverage } from './controls.js';
import type { ControlCoverageItem, ControlStatus, Framework, FrameworkName } from './controls.js';
import { renderJsonChunks } from './json.js';
import { spliceJson } from './json-splice.js';
import { streamingReporter } from './reporter.js';
import type { ReportOptions, Reporter } from './reporter.js';
import { URL_NAMESPACE, uuidV5 } from './uuid.js';

/**
 * `--format oscal`: an OSCAL 1.2.1 assessment-results document (JSON) of one run.
 *
 * - One result; its observations are one per resource, with every vendor request ID as a
 *   relevant-evidence entry (href: the resource's raw response in the evidence bundle).
 * - Findings: one per control of the chosen framework (`--framework`), or of every known
 *   framework without it. OSCAL has two states, `satisfied` and `not-satisfied`; driftwatch's
 *   five control statuses map onto them fail-closed: only `satisfied` is satisfied (reason
 *   `pass`); `not_satisfied` is not-satisfied (reason `fail`); `unknown`, `waived` and
 *   `not_assessed` are not-satisfied with reason `other` and the exact status in the prop
 *   `control-status` (namespace OSCAL_NS). An unknown check is never "satisfied".
 * - Risks: one per failing or waived check. A waiver is a risk disposition: status
 *   `deviation-approved`, deadline = the waiver's end, a risk-log entry logged by the waiver's
 *   owner (a party in metadata) carrying the reason and ticket. A failure is an `open` risk with
 *   the rule's remediation as a recommendation.
 * - `import-ap` points at a back-matter resource describing the configuration as evaluated,
 *   which is the assessment plan of a driftwatch run.
 * - Every UUID is name-based (v5) from the run's content, so the same run gives the same bytes.
 */

const OSCAL_VERSION = '1.2.1';
/** Namespace of driftwatch's OSCAL props; an identifier, not a page to fetch. */
const OSCAL_NS = 'https://driftwatch.dev/ns/oscal';
const NAMESPACE = uuidV5(URL_NAMESPACE, OSCAL_NS);

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

/** OSCAL string values: one line, no leading/trailing space, never empty. */
function line(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one === '' ? '-' : one;
}

function prop(name: string, value: string): Json {
  return { name, ns: OSCAL_NS, value: line(value) };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function stateOf(status: ControlStatus): { state: 'satisfied' | 'not-satisfied'; reason: 'pass' | 'fail' | 'other' } {
  if (status === 'satisfied') return { state: 'satisfied', reason: 'pass' };
  if (status === 'not_satisfied') return { state: 'not-satisfied', reason: 'fail' };
  return { state: 'not-satisfied', reason: 'other' };
}

const STATUS_REMARKS: Readonly<Record<ControlStatus, string>> = {
  satisfied: 'Every check mapped to this control passed.',
  not_satisfied: 'At least one check mapped to this control failed.',
  unknown:
    'At least one check mapped to this control could not be verified (API error, missing or unrecognised value); without positive evidence the control is not satisfied.',
  waived:
    'The only failing checks mapped to this control are accepted by active waivers (see the related risks, status deviation-approved).',
  not_assessed: 'No check of this run maps to this control; there is no evidence either way.',
};

/** OSCAL control ids are tokens (no leading digit, no `/`): the framework prefix plus the lower-cased id. */
function oscalControlId(framework: Framework, id: string): string {
  return `${framework.oscalPrefix}${id.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`;
}

function checkKey(r: ResourceResult, c: CheckResult): string {
  return `${r.address}\u0000${c.source}\u0000${c.rule}`;
}

/**
 * The document in pieces: the inventory items and the observations (one per resource) are written
 * one at a time, as a streamed run's resources are read. A first read digests the run (every UUID
 * derives from it); a second collects what sits beside them — the waiver owners, the risks (one
 * per failing or waived check), the configuration files.
 */
function* renderOscalChunks(result: RunReport, options: Pick<ReportOptions, 'framework'> = {}): Generator<string, void, undefined> {
  const hash = createHash('sha256');
  for (const chunk of renderJsonChunks(result)) hash.update(chunk);
  const digest = hash.digest('hex');
  const frameworks: FrameworkName[] = options.framework !== undefined ? [options.framework] : [...FRAMEWORK_NAMES];
  const id = (kind: string, name: string): string => uuidV5(NAMESPACE, `${digest}\u0000${frameworks.join(',')}\u0000${kind}\u0000${name}`);

  const planUuid = id('plan', 'configuration');
  const itemUuid = (address: string): string => id('inventory-item', address);
  const observationUuid = (address: string): string => id('observation', address);
  const partyUuid = (owner: string): string => id('party', owner);

  // Parties: the owners of the waivers in force, so a deviation names who approved it.
  const owners = new Set<string>();
  // Risks for failing and waived checks, and each one's uuid by resource and rule (for the findings).
  const riskUuid = new Map<string, string>();
  const riskOf = new Map<string, string>();
  const risks: Json[] = [];
  const configFileSet = new Set<string>();
  let resourceCount = 0;
  for (const r of result.resources) {
    resourceCount++;
    configFileSet.add(r.location.file);
    for (const c of r.checks) {
      if (c.status === 'waived' && c.waiver) owners.add(c.waiver.owner);
      if (c.status !== 'fail' && c.status !== 'waived') continue;
      const key = checkKey(r, c);
      if (riskUuid.has(key)) continue;
      const uuid = id('risk', key);
      riskUuid.set(key, uuid);
      if (!riskOf.has(`${r.address}\u0000${c.rule}`)) riskOf.set(`${r.address}\u0000${c.rule}`, uuid);
      risks.push(riskFor(r, c, uuid));
    }
  }
  const parties: Json[] = [...owners].sort(compareStrings).map((owner) => ({
    uuid: partyUuid(owner),
    type: 'person',
    name: line(owner),
    ...(EMAIL.test(owner) ? { 'email-addresses': [owner] } : {}),
  }));

  const inventoryItems = function* (): Generator<Json, void, undefined> {
    for (const r of result.resources) {
      yield {
        uuid: itemUuid(r.address),
        description: `Cloud resource ${r.address} (${r.type}) as declared in ${r.location.file}:${r.location.line}.`,
        props: [prop('address', r.address), prop('resource-type', r.type)],
      };
    }
  };

  const observations = function* (): Generator<Json, void, undefined> {
    for (const r of result.resources) yield observationOf(r);
  };

  function observationOf(r: ResourceResult): Json {
    const evidence: Json[] =
      r.request_ids.length > 0
        ? r.request_ids.map((requestId) => ({
            href: `raw/${safeSegment(r.address)}.json`,
            description: `Vendor API response for ${r.address}, request ID ${requestId}.`,
            props: [prop('request-id', requestId)],
          }))
        : [{ description: `No vendor request ID was returned for ${r.address}.` }];
    const counts = { pass: 0, fail: 0, unknown: 0, waived: 0 };
    for (const c of r.checks) counts[c.status]++;
    const error = r.error !== null ? ` Error ${r.error.code}: ${r.error.message}` : '';
    return {
      uuid: observationUuid(r.address),
      title: line(`${r.address}: ${r.status}`),
      description: `driftwatch read ${r.address} and evaluated ${r.checks.length} checks: ${counts.pass} pass, ${counts.fail} fail, ${counts.unknown} unknown, ${counts.waived} waived.${error}`,
      props: [prop('resource-status', r.status), ...(r.absent ? [prop('absent', 'true')] : [])],
      methods: ['TEST'],
      types: ['finding'],
      subjects: [{ 'subject-uuid': itemUuid(r.address), type: 'inventory-item', title: line(r.address) }],
      'relevant-evidence': evidence,
      // Observed when the snapshot was taken, for a run evaluated from one (--observed).
      collected: result.snapshot?.observed_at ?? result.as_of,
      ...(r.checks.length > 0
        ? {
            remarks: r.checks
              .map(
                (c) =>
                  `- ${c.source} ${c.rule}: ${c.status} (expected ${c.operator} ${JSON.stringify(c.expected)}, actual ${JSON.stringify(c.actual)}; ${c.location.file}:${c.location.line}:${c.location.column})${c.description !== undefined ? ` — ${c.description}` : ''}`,
              )
              .join('\n'),
          }
        : {}),
    };
  }

  function riskFor(r: ResourceResult, c: CheckResult, uuid: string): Json {
    const key = checkKey(r, c);
    const title = line(`${r.address}: ${c.title ?? c.rule}`);
    const base = {
      uuid,
      title,
      description: `${c.message === '' ? title : c.message}${c.description !== undefined ? `\n\n${c.description}` : ''}`,
      statement: `The ${c.source === 'policy' ? `policy rule ${c.rule}` : `expectation on ${c.rule}`} does not hold for ${r.address} (severity ${c.severity}).`,
      props: [
        prop('severity', c.severity),
        prop('rule', c.rule),
        prop('source', c.source),
        ...(c.controls ?? []).map((ref) => prop('control-reference', ref)),
      ],
    };
    const related = { 'related-observations': [{ 'observation-uuid': observationUuid(r.address) }] };
    const remediation =
      c.remediation !== undefined
        ? {
            remediations: [
              {
                uuid: id('remediation', key),
                lifecycle: 'recommendation',
                title: line(`Remediate ${c.rule}`),
                description: c.remediation,
              },
            ],
          }
        : {};
    if (c.status === 'waived' && c.waiver) {
      const w = c.waiver;
      const end = expiryEnd(w.expires);
      const party = partyUuid(w.owner);
      return {
        ...base,
        status: 'deviation-approved',
        ...(end !== undefined ? { deadline: formatInstant(end) } : {}),
        ...remediation,
        'risk-log': {
          entries: [
            {
              uuid: id('risk-log', key),
              title: line(`Waiver by ${w.owner}`),
              description: w.reason,
              start: result.as_of,
              ...(end !== undefined ? { end: formatInstant(end) } : {}),
              props: [
                prop('waiver-owner', w.owner),
                prop('waiver-expires', w.expires),
                prop('waiver-state', w.state),
                ...(w.ticket !== undefined ? [prop('waiver-ticket', w.ticket)] : []),
              ],
              'logged-by': [{ 'party-uuid': party }],
              'status-change': 'deviation-approved',
              remarks: `Declared at ${w.location.file}:${w.location.line}.`,
            },
          ],
        },
        ...related,
      };
    }
    return { ...base, status: 'open', ...remediation, ...related };
  }

  // Findings: one per control of each framework, with the fail-closed state mapping above.
  const findings: Json[] = [];
  const reviewed: Json[] = [];
  for (const name of frameworks) {
    const framework = FRAMEWORKS[name];
    for (const control of controlCoverage(result, name).controls) {
      const controlId = oscalControlId(framework, control.id);
      reviewed.push({ 'control-id': controlId });
      findings.push(finding(control, framework, controlId));
    }
  }

  function finding(control: ControlCoverageItem, framework: Framework, controlId: string): Json {
    const { state, reason } = stateOf(control.status);
    const addresses = [...new Set(control.refs.map((ref) => ref.address))];
    const relatedRisks = new Set<string>();
    for (const ref of control.refs) {
      const uuid = riskOf.get(`${ref.address}\u0000${ref.rule}`);
      if (uuid !== undefined) relatedRisks.add(uuid);
    }
    const c = control.checks;
    return {
      uuid: id('finding', controlId),
      title: line(`${framework.reference}${control.id} ${control.title}`),
      description: `${control.refs.length} checks of this run map to ${framework.reference}${control.id}: ${c.pass} pass, ${c.fail} fail, ${c.unknown} unknown, ${c.waived} waived.`,
      props: [prop('control-status', control.status), prop('framework', framework.name)],
      target: {
        type: 'objective-id',
        'target-id': controlId,
        title: line(`${framework.reference}${control.id}`),
        status: { state, reason, remarks: STATUS_REMARKS[control.status] },
      },
      ...(addresses.length > 0 ? { 'related-observations': addresses.map((a) => ({ 'observation-uuid': observationUuid(a) })) } : {}),
      ...(relatedRisks.size > 0 ? { 'related-risks': [...relatedRisks].map((uuid) => ({ 'risk-uuid': uuid })) } : {}),
    };
  }

  const s = result.summary;
  const configFiles = [...configFileSet].sort(compareStrings);
  yield* spliceJson((splice) => ({
    'assessment-results': {
      uuid: id('assessment-results', 'document'),
      metadata: {
        title: `driftwatch assessment results as of ${result.as_of}`,
        'last-modified': result.as_of,
        version: result.as_of,
        'oscal-version': OSCAL_VERSION,
        props: [prop('tool', `${result.tool.name} ${result.tool.version}`), prop('run-digest', `sha256:${digest}`)],
        roles: [
          {
            id: 'waiver-owner',
            title: 'Waiver owner',
            description: 'Approves a deviation (waiver) from a driftwatch check until its expiry.',
          },
        ],
        ...(parties.length > 0 ? { parties } : {}),
        ...(owners.size > 0
          ? { 'responsible-parties': [{ 'role-id': 'waiver-owner', 'party-uuids': [...owners].sort(compareStrings).map(partyUuid) }] }
          : {}),
      },
      'import-ap': {
        href: `#${planUuid}`,
        remarks: 'driftwatch has no separate assessment plan: the configuration and policy packs as evaluated are the plan (back-matter).',
      },
      results: [
        {
          uuid: id('result', 'run'),
          title: `driftwatch check as of ${result.as_of}`,
          description: `${s.resources} resources: ${s.compliant} compliant, ${s.drifted} drifted, ${s.unknown} unknown, ${s.waived} waived (exit code ${s.exit_code}).${result.snapshot ? ` ${snapshotLine(result.snapshot).replace(/^evaluated/, 'Evaluated')}.` : ''}`,
          start: result.as_of,
          end: result.as_of,
          props: [
            prop('resources', String(s.resources)),
            prop('compliant', String(s.compliant)),
            prop('drifted', String(s.drifted)),
            prop('unknown', String(s.unknown)),
            prop('waived', String(s.waived)),
            prop('exit-code', String(s.exit_code)),
            ...frameworks.map((f) => prop('framework', f)),
            ...(result.snapshot
              ? [prop('snapshot-observed-at', result.snapshot.observed_at), prop('snapshot-age', result.snapshot.age)]
              : []),
          ],
          ...(resourceCount > 0 ? { 'local-definitions': { 'inventory-items': splice(inventoryItems()) } } : {}),
          'reviewed-controls': {
            description: `Controls of ${frameworks.map((f) => FRAMEWORKS[f].title).join('; ')} that driftwatch's checks map to (docs/controls.md).`,
            'control-selections': [{ 'include-controls': reviewed }],
          },
          ...(resourceCount > 0 ? { observations: splice(observations()) } : {}),
          ...(risks.length > 0 ? { risks } : {}),
          ...(findings.length > 0 ? { findings } : {}),
        },
      ],
      'back-matter': {
        resources: [
          {
            uuid: planUuid,
            title: 'Configuration as evaluated (the assessment plan)',
            description:
              'The driftwatch configuration and policy packs of this run; in an evidence bundle they are under config/ and policies/.',
            ...(configFiles.length > 0
              ? { rlinks: configFiles.map((href) => ({ href: encodeURI(href), 'media-type': 'application/yaml' })) }
              : {}),
          },
        ],
      },
    },
  }));
  yield '\n';
}

export const oscalReporter: Reporter = streamingReporter('oscal', renderOscalChunks);

export function renderOscal(result: RunReport, options: Pick<ReportOptions, 'framework'> = {}): string {
  return oscalReporter.render(result, { color: false, ...options });
}
