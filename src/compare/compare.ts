import { evaluate } from '../engine/evaluate.js';
import type { Comparison, VerdictTransition } from '../model/comparison.js';
import type { Severity } from '../model/desired-state.js';
import type { Observation } from '../model/observation.js';
import { compareStrings } from '../model/order.js';
import type { RunResult } from '../model/run-result.js';
import type { ObservedSeries } from '../model/series.js';
import { createPolicyChecks } from '../policy/policy-checks.js';
import { detectChanges } from './detect.js';
import type { CompareSide } from './detect.js';

export type { CompareSide } from './detect.js';

export interface CompareInput {
  readonly base: CompareSide;
  readonly head: CompareSide;
  /** How the base is named in reports: `ref:<REF>` or the path given to --compare. */
  readonly baseLabel: string;
  readonly observations: readonly Observation[];
  readonly now: Date;
  readonly failOn?: Severity;
  readonly toolVersion: string;
  readonly targets?: readonly string[];
  /** With `--history`: past observations, so both sides forecast alike. */
  readonly series?: ObservedSeries;
}

function evaluateSide(side: CompareSide, input: CompareInput): RunResult {
  return evaluate({
    state: side.state,
    observations: input.observations,
    now: input.now,
    ...(side.packs.length > 0
      ? { policyChecks: createPolicyChecks(side.packs, { now: input.now, ...(input.series ? { series: input.series } : {}) }) }
      : {}),
    ...(input.series ? { series: input.series } : {}),
    ...(input.failOn ? { failOn: input.failOn } : {}),
    toolVersion: input.toolVersion,
    ...(input.targets ? { targets: input.targets } : {}),
  });
}

/**
 * `--compare` (design.md §12): both configurations, each with its own policy packs and waivers,
 * evaluated by the same pure `evaluate` against the same observations and as-of; returns head's
 * run result (its verdicts and exit code unchanged) with the `comparison` block added.
 */
export function compare(input: CompareInput): RunResult {
  const before = evaluateSide(input.base, input);
  const after = evaluateSide(input.head, input);
  const statusBefore = new Map(before.resources.map((r) => [r.address, r.status]));
  const statusAfter = new Map(after.resources.map((r) => [r.address, r.status]));
  const addresses = [...new Set([...statusBefore.keys(), ...statusAfter.keys()])].sort(compareStrings);
  const transitions: VerdictTransition[] = [];
  for (const address of addresses) {
    const b = statusBefore.get(address) ?? null;
    const a = statusAfter.get(address) ?? null;
    if (b !== a) transitions.push({ address, before: b, after: a });
  }
  const targets = input.targets && input.targets.length > 0 ? new Set(input.targets) : undefined;
  const changes = detectChanges(input.base, input.head, input.observations, input.now).filter(
    (c) => targets === undefined || c.resource === undefined || targets.has(c.resource),
  );
  const comparison: Comparison = {
    base: input.baseLabel,
    summary: { before: before.summary, after: after.summary },
    transitions,
    added: addresses.filter((a) => !statusBefore.has(a)),
    removed: addresses.filter((a) => !statusAfter.has(a)),
    weakenings: changes.filter((c) => c.effect === 'weakens').length,
    tightenings: changes.filter((c) => c.effect === 'tightens').length,
    changes,
  };
  return { ...after, comparison };
}
