import type { DesiredState, ResourceConfig } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import type { Observation } from '../model/observation.js';
import { observedValue } from '../model/observation.js';
import { attributeSpec, resourceType } from '../resources/registry.js';
import type { CheckResult, ConsumptionForecast } from '../model/run-result.js';
import type { ObservedSeries } from '../model/series.js';
import { checkFingerprint } from '../util/fingerprint.js';
import { OPERATOR_DEFINITIONS, createOperatorCache, evaluateOperator, forecastFor } from '../operators/index.js';
import type { OperatorCache, OperatorOutcome } from '../operators/index.js';
import type { PolicyAssertion, PolicyPack, PolicyRule } from './policy-pack.js';
import { compileSelector } from './selector.js';
import type { ResourceMatcher } from './selector.js';

/**
 * The seam for policy packs: returns the policy findings for one resource. Called for every
 * evaluated resource with its observation (undefined when none was made). Whatever it returns
 * for a resource that could not be observed is forced to `unknown`, and for a resource that
 * does not exist to `fail`, so a policy engine cannot accidentally pass what nobody saw.
 */
export type PolicyChecks = (resource: ResourceConfig, observation: Observation | undefined) => readonly CheckResult[];

/**
 * Turns policy packs into the `policyChecks` seam of `evaluate` (engine/evaluate.ts).
 *
 * Semantics (documented in docs/policies.md, pinned by policy-checks.test.ts):
 * - A rule applies to a resource of its `resource_type` that its `where` selector matches.
 * - `when` preconditions are evaluated like assertions. If any is known to FAIL, the rule does
 *   not apply and yields no finding (an AND with a known false is false, whatever the others
 *   say). Otherwise, if any is UNKNOWN, every assertion of the rule is `unknown` — fail closed:
 *   a rule nobody could show to be irrelevant is not silently skipped.
 * - Each asserted attribute yields one CheckResult (`source: 'policy'`, `rule` = the rule id)
 *   located at the resource (SARIF points at the resource the finding is about) and carrying
 *   the rule's title, severity, remediation and controls.
 * - A rule asserting an operator that needs the run history (`runs_out_within`) applies only to
 *   runs with history; without it the rule yields nothing (operators/definition.ts `needsHistory`).
 * - For a resource that was not observed, could not be observed, or does not exist, the
 *   preconditions cannot be read: every rule matching by type and selector yields its checks,
 *   and `evaluate` forces them to `unknown` (error) or `fail` (absent).
 */

export interface PolicyCheckOptions {
  /** The evaluation's "now" (`--as-of`), for `not_within` and friends. */
  readonly now: Date;
  /** With `--history`: past observations, for `runs_out_within` and forecasts. */
  readonly series?: ObservedSeries;
}

interface CompiledRule {
  readonly rule: PolicyRule;
  readonly matches: ResourceMatcher;
}

function finding(
  rule: PolicyRule,
  assertion: PolicyAssertion,
  resource: ResourceConfig,
  actual: JsonValue | undefined,
  outcome: OperatorOutcome,
  forecast?: ConsumptionForecast,
): CheckResult {
  return {
    fingerprint: checkFingerprint(resource.address, 'policy', rule.id, assertion.attribute),
    rule: rule.id,
    source: 'policy',
    operator: assertion.operator,
    expected: assertion.expected,
    actual: actual ?? null,
    status: outcome.status,
    severity: rule.severity,
    message: `[${rule.id}] ${rule.title}: ${outcome.message}`,
    location: resource.location,
    title: rule.title,
    remediation: rule.remediation,
    controls: rule.controls,
    ...(forecast !== undefined ? { forecast } : {}),
  };
}

interface Judging {
  readonly now: Date;
  readonly cache: OperatorCache;
  readonly series: ObservedSeries | undefined;
}

function judge(
  assertion: PolicyAssertion,
  resource: ResourceConfig,
  observation: Observation,
  ctx: Judging,
): { actual: JsonValue | undefined; outcome: OperatorOutcome; forecast: ConsumptionForecast | undefined } {
  const spec = resourceType(resource.type);
  const isRaw = assertion.attribute.startsWith('raw.');
  const actual = observedValue(observation, assertion.attribute);
  const attribute = isRaw || spec === undefined ? undefined : attributeSpec(spec, assertion.attribute);
  const series = ctx.series?.(resource.address, assertion.attribute);
  const outcome = evaluateOperator({
    operator: assertion.operator,
    expected: assertion.expected,
    actual,
    attribute,
    now: ctx.now,
    name: assertion.attribute,
    cache: ctx.cache,
    ...(series !== undefined ? { series } : {}),
  });
  return { actual, outcome, forecast: forecastFor(attribute, assertion.operator, actual, series, ctx.now) };
}

/** A rule asserting a forecast (an operator that needs history) applies only to runs with history. */
function appliesWithout(rule: PolicyRule): boolean {
  return ![...rule.when, ...rule.assert].some((a) => OPERATOR_DEFINITIONS[a.operator].needsHistory === true);
}

function evaluateRule(rule: PolicyRule, resource: ResourceConfig, observation: Observation | undefined, ctx: Judging): CheckResult[] {
  if (ctx.series === undefined && !appliesWithout(rule)) return [];
  if (observation === undefined || observation.status !== 'ok' || observation.type !== resource.type) {
    // evaluate() replaces status and message with what happened to the observation.
    const outcome: OperatorOutcome = { status: 'unknown', message: `${resource.address} could not be observed` };
    return rule.assert.map((a) => finding(rule, a, resource, undefined, outcome));
  }
  const unknownPreconditions: string[] = [];
  for (const condition of rule.when) {
    const { outcome } = judge(condition, resource, observation, ctx);
    if (outcome.status === 'fail') return [];
    if (outcome.status === 'unknown') unknownPreconditions.push(outcome.message);
  }
  if (unknownPreconditions.length > 0) {
    const why = `precondition could not be verified (${unknownPreconditions.join('; ')})`;
    return rule.assert.map((a) => finding(rule, a, resource, observedValue(observation, a.attribute), { status: 'unknown', message: why }));
  }
  return rule.assert.map((a) => {
    const { actual, outcome, forecast } = judge(a, resource, observation, ctx);
    return finding(rule, a, resource, actual, outcome, forecast);
  });
}

/** Builds the `policyChecks` function for one evaluation from the loaded packs. */
export function createPolicyChecks(packs: readonly PolicyPack[], options: PolicyCheckOptions): PolicyChecks {
  const byType = new Map<string, CompiledRule[]>();
  for (const pack of packs) {
    for (const rule of pack.rules) {
      const compiled: CompiledRule = { rule, matches: compileSelector(rule.where) };
      const list = byType.get(rule.resourceType);
      if (list) list.push(compiled);
      else byType.set(rule.resourceType, [compiled]);
    }
  }
  // One cache per evaluation (src/operators/cache.ts): a rule shared by many resources compiles once.
  const ctx: Judging = { now: options.now, cache: createOperatorCache(), series: options.series };
  return (resource, observation) => {
    const rules = byType.get(resource.type);
    if (rules === undefined) return [];
    const out: CheckResult[] = [];
    for (const { rule, matches } of rules) {
      if (!matches(resource)) continue;
      out.push(...evaluateRule(rule, resource, observation, ctx));
    }
    return out;
  };
}

/**
 * The one call `plan`/`check` need: loads the policy files the configuration names (throwing a
 * ConfigError with every located problem) and returns the `policyChecks` for `evaluate`, or
 * undefined when the configuration names no policies.
 */
export async function loadPolicyChecks(
  state: DesiredState,
  options: { readonly cwd: string; readonly now: Date; readonly series?: ObservedSeries },
): Promise<PolicyChecks | undefined> {
  if (state.policies.length === 0) return undefined;
  // Loaded lazily: YAML and ajv cost start-up time that a run without policies should not pay.
  const { loadValidPolicyPacks } = await import('./policy-file.js');
  const packs = await loadValidPolicyPacks(state.policies, { cwd: options.cwd });
  return createPolicyChecks(packs, { now: options.now, ...(options.series ? { series: options.series } : {}) });
}
