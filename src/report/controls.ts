import type { CheckResult, CheckStatus, RunReport } from '../model/run-result.js';
import { compareStrings } from '../model/order.js';

/**
 * Control frameworks and the per-control summary behind `--framework NAME`.
 *
 * A policy rule names the controls it supports in `controls:` as text. A reference belongs to a
 * framework when it starts with the framework's `reference` prefix followed by a control id of
 * the framework's shape, e.g. `GB/T 22239-2019 8.1.4.8` or `ISO/IEC 27001:2022 A.8.24`. Any
 * other text (NIST, CIS, a free-form note) is kept in the reports but does not count here.
 *
 * Which rule maps to which control, and the source of every mapping, is documented in
 * docs/controls.md; the catalog below only names the controls so reports can show titles.
 */

export type FrameworkName = 'mlps' | 'iso27001';

export interface FrameworkControl {
  /** The control id as the standard writes it (`8.1.4.8`, `A.8.24`). */
  readonly id: string;
  readonly title: string;
}

export interface Framework {
  readonly name: FrameworkName;
  readonly title: string;
  /** Prefix of a `controls:` reference to this framework, including the separating space. */
  readonly reference: string;
  /** Shape of a control id after the prefix. */
  readonly idPattern: RegExp;
  /** Token prefix for OSCAL control ids (OSCAL tokens cannot start with a digit). */
  readonly oscalPrefix: string;
  /** The controls the built-in packs map to, in the standard's order. */
  readonly controls: readonly FrameworkControl[];
}

export const FRAMEWORKS: Readonly<Record<FrameworkName, Framework>> = {
  mlps: {
    name: 'mlps',
    title: 'GB/T 22239-2019 (MLPS 2.0 / 等保 2.0), level 3 general requirements',
    reference: 'GB/T 22239-2019 ',
    idPattern: /^\d+(?:\.\d+)+$/,
    oscalPrefix: 'gbt22239-',
    controls: [
      { id: '8.1.2.2', title: '通信传输 Communication transmission' },
      { id: '8.1.4.3', title: '安全审计 Security audit (computing environment)' },
      { id: '8.1.4.4', title: '入侵防范 Intrusion prevention (computing environment)' },
      { id: '8.1.4.5', title: '恶意代码防范 Malicious code prevention' },
      { id: '8.1.4.8', title: '数据保密性 Data confidentiality' },
    ],
  },
  iso27001: {
    name: 'iso27001',
    title: 'ISO/IEC 27001:2022 Annex A',
    reference: 'ISO/IEC 27001:2022 ',
    idPattern: /^A\.\d+\.\d+$/,
    oscalPrefix: 'iso27001-',
    controls: [
      { id: 'A.8.6', title: 'Capacity management' },
      { id: 'A.8.7', title: 'Protection against malware' },
      { id: 'A.8.15', title: 'Logging' },
      { id: 'A.8.24', title: 'Use of cryptography' },
    ],
  },
};

export const FRAMEWORK_NAMES = Object.keys(FRAMEWORKS) as FrameworkName[];

export function isFrameworkName(name: string): name is FrameworkName {
  return Object.hasOwn(FRAMEWORKS, name);
}

/** The control id a reference names in `framework`, or undefined when it names another framework. */
export function controlIdOf(reference: string, framework: Framework): string | undefined {
  if (!reference.startsWith(framework.reference)) return undefined;
  const id = reference.slice(framework.reference.length).trim();
  return framework.idPattern.test(id) ? id : undefined;
}

/**
 * `not_satisfied` when a mapped check failed; otherwise `unknown` when one could not be verified
 * (never `satisfied`: there is no positive evidence); otherwise `waived` when a failure is
 * accepted by a waiver; `satisfied` only when every mapped check passed. `not_assessed`: no check
 * of this run maps to the control.
 */
export type ControlStatus = 'satisfied' | 'not_satisfied' | 'unknown' | 'waived' | 'not_assessed';

export interface ControlCheckRef {
  readonly address: string;
  readonly rule: string;
  readonly status: CheckStatus;
}

export interface ControlCoverageItem {
  readonly id: string;
  readonly title: string;
  readonly status: ControlStatus;
  readonly checks: { readonly pass: number; readonly fail: number; readonly unknown: number; readonly waived: number };
  /** Every check of the run mapped to this control, sorted by address then rule. */
  readonly refs: readonly ControlCheckRef[];
}

export interface ControlCoverage {
  readonly framework: FrameworkName;
  readonly title: string;
  readonly summary: {
    readonly controls: number;
    readonly satisfied: number;
    readonly not_satisfied: number;
    readonly unknown: number;
    readonly waived: number;
    readonly not_assessed: number;
  };
  readonly controls: readonly ControlCoverageItem[];
}

function statusOf(counts: ControlCoverageItem['checks']): ControlStatus {
  if (counts.fail > 0) return 'not_satisfied';
  if (counts.unknown > 0) return 'unknown';
  if (counts.waived > 0) return 'waived';
  if (counts.pass > 0) return 'satisfied';
  return 'not_assessed';
}

/** The per-control summary of a run for one framework. Pure; controls in the catalog's order, then others by id. */
export function controlCoverage(result: RunReport, name: FrameworkName): ControlCoverage {
  const framework = FRAMEWORKS[name];
  const refs = new Map<string, ControlCheckRef[]>();
  for (const control of framework.controls) refs.set(control.id, []);
  for (const r of result.resources) {
    for (const c of r.checks) {
      for (const id of controlsOfCheck(c, framework)) {
        let list = refs.get(id);
        if (list === undefined) refs.set(id, (list = []));
        list.push({ address: r.address, rule: c.rule, status: c.status });
      }
    }
  }
  const catalog = new Map(framework.controls.map((c) => [c.id, c.title]));
  const ids = [...framework.controls.map((c) => c.id), ...[...refs.keys()].filter((id) => !catalog.has(id)).sort(compareStrings)];
  const controls = ids.map((id): ControlCoverageItem => {
    const list = (refs.get(id) ?? []).sort((a, b) => compareStrings(a.address, b.address) || compareStrings(a.rule, b.rule));
    const checks = { pass: 0, fail: 0, unknown: 0, waived: 0 };
    for (const ref of list) checks[ref.status]++;
    return { id, title: catalog.get(id) ?? id, status: statusOf(checks), checks, refs: list };
  });
  const summary = { controls: controls.length, satisfied: 0, not_satisfied: 0, unknown: 0, waived: 0, not_assessed: 0 };
  for (const c of controls) summary[c.status]++;
  return { framework: name, title: framework.title, summary, controls };
}

/** The distinct control ids of `framework` that a check names. */
function controlsOfCheck(check: CheckResult, framework: Framework): string[] {
  const out = new Set<string>();
  for (const reference of check.controls ?? []) {
    const id = controlIdOf(reference, framework);
    if (id !== undefined) out.add(id);
  }
  return [...out];
}

export const CONTROL_STATUS_LABEL: Readonly<Record<ControlStatus, string>> = {
  satisfied: 'satisfied',
  not_satisfied: 'not satisfied',
  unknown: 'unknown',
  waived: 'waived',
  not_assessed: 'not assessed',
};

/** One line for text and Markdown: `Controls (mlps): 2 satisfied, 1 not satisfied, …`. */
export function coverageSummaryLine(coverage: ControlCoverage): string {
  const s = coverage.summary;
  return `Controls (${coverage.framework}): ${s.satisfied} satisfied, ${s.not_satisfied} not satisfied, ${s.unknown} unknown, ${s.waived} waived, ${s.not_assessed} not assessed.`;
}
