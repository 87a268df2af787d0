import { createOperatorCache, evaluateOperator } from '../operators/index.js';
import type { OperatorCache } from '../operators/index.js';
import { createWaiverApplier } from '../policy/waivers.js';
import type { WaiverApplier } from '../policy/waivers.js';
import type { PolicyChecks } from '../policy/policy-checks.js';
import type { DesiredState, Expectation, ResourceConfig, Severity } from '../model/desired-state.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { Observation, ObservationError, Observations } from '../model/observation.js';
import { observedValue } from '../model/observation.js';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';
import type { AttributeSpec } from '../model/resource-types.js';
import type { CheckResult, ResourceResult, ResourceStatus, RunReport, RunResult, RunSummary } from '../model/run-result.js';
import { formatInstant } from '../util/time.js';
import { compareStrings } from '../model/order.js';
import type { ObservedSeries } from '../model/series.js';
import type { ConsumptionForecast } from '../model/run-result.js';
import { checkFingerprint } from '../util/fingerprint.js';
import { forecastFor } from '../operators/index.js';

/**
 * The evaluation step of design.md §6: a pure, synchronous function of (desired state,
 * observations, now). No I/O and no clock — `now` is an input — so `--observed`, `report --from`
 * and the tests all get the same answer for the same inputs.
 */

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

/** Severity at which a resource that does not exist counts when it has no checks of its own. */
const ABSENT_DEFAULT_SEVERITY: Severity = 'high';

export interface EvaluateInput {
  readonly state: DesiredState;
  /** A list (looked up by address) or a source streamed in address order (a large snapshot). */
  readonly observations: Observations;
  readonly now: Date;
  /** Lowest severity of drift that makes the exit code 2; default `low` (all drift). */
  readonly failOn?: Severity;
  readonly toolVersion: string;
  /** `--target` addresses; when given (non-empty), only these resources are evaluated. */
  readonly targets?: readonly string[];
  readonly policyChecks?: PolicyChecks;
  /** The resource types whose attribute kinds guide the comparisons (default: the built-in ones). */
  readonly types?: TypeRegistry;
  /** With `--history`: past observations, for `runs_out_within` and the forecasts of counters that are used up. */
  readonly series?: ObservedSeries;
}

interface EvalContext {
  readonly now: Date;
  /** Provider reference → its default region, to tell which region a resource is read in. */
  readonly providerRegions: ReadonlyMap<string, string | undefined>;
  readonly cache: OperatorCache;
  readonly attributes: Map<string, Map<string, AttributeSpec>>;
  readonly types: TypeRegistry;
  readonly series: ObservedSeries | undefined;
}

function attributesOf(ctx: EvalContext, type: string): Map<string, AttributeSpec> {
  let map = ctx.attributes.get(type);
  if (map === undefined) {
    map = new Map((ctx.types.resourceType(type)?.attributes ?? []).map((a) => [a.name, a]));
    ctx.attributes.set(type, map);
  }
  return map;
}

function check(
  address: string,
  expectation: Expectation,
  actual: JsonValue,
  status: CheckResult['status'],
  message: string,
  forecast?: ConsumptionForecast,
): CheckResult {
  return {
    fingerprint: checkFingerprint(address, 'expect', expectation.attribute, expectation.attribute),
    rule: expectation.attribute,
    source: 'expect',
    operator: expectation.operator,
    expected: expectation.expected,
    actual,
    status,
    severity: expectation.severity,
    message,
    location: expectation.location,
    ...(expectation.description !== undefined ? { description: expectation.description } : {}),
    ...(forecast !== undefined ? { forecast } : {}),
  };
}

function notObservedError(resource: ResourceConfig): ObservationError {
  return {
    // No ErrorKind describes "never asked"; invalid_response is the closest (the observation set is incomplete).
    kind: 'invalid_response',
    code: 'DW_NOT_OBSERVED',
    message: `no observation was made for ${resource.address}`,
    request_id: null,
    retryable: false,
    hint: 'The snapshot does not contain this resource: record a new one with --save-observed, or run without --observed.',
  };
}

function errorWithoutDetail(): ObservationError {
  return {
    kind: 'invalid_response',
    code: 'DW_UNKNOWN_ERROR',
    message: 'the observation failed without an error description',
    request_id: null,
    retryable: false,
  };
}

function describeError(error: ObservationError): string {
  const request = error.request_id ? ` (request ${error.request_id})` : '';
  return `${error.code}: ${error.message}${request}`;
}

function forceStatus(checks: readonly CheckResult[], status: 'unknown' | 'fail', message: (c: CheckResult) => string): CheckResult[] {
  return checks.map((c) => ({ ...c, actual: null, status, message: message(c) }));
}

interface Evaluated {
  readonly resource: ResourceConfig;
  readonly observation: Observation | undefined;
  readonly error: ObservationError | null;
  readonly absent: boolean;
  readonly checks: readonly CheckResult[];
}

function mismatch(resource: ResourceConfig, message: string): ObservationError {
  return {
    kind: 'invalid_response',
    code: 'DW_OBSERVATION_MISMATCH',
    message: `the observation for ${resource.address} ${message}`,
    request_id: null,
    retryable: false,
    hint: 'The snapshot was recorded for a different configuration: record a new one with --save-observed.',
  };
}

/**
 * Why an observation cannot stand for this resource as configured now (a snapshot taken before a
 * pull request changed the type, provider, region or instance id), or undefined when it can.
 */
function scopeMismatch(
  resource: ResourceConfig,
  observation: Observation,
  providerRegion: string | undefined,
): ObservationError | undefined {
  if (observation.type !== resource.type) return mismatch(resource, `is of type ${observation.type}, not ${resource.type}`);
  const scope = observation.scope;
  if (!scope || observation.status === 'error') return undefined;
  const expected = {
    provider: resource.provider,
    region: resource.region ?? providerRegion ?? null,
    instance_id: resource.instanceId ?? null,
  };
  for (const key of ['provider', 'region', 'instance_id'] as const) {
    if (scope[key] !== expected[key]) {
      return mismatch(
        resource,
        `was read with ${key} ${JSON.stringify(scope[key])}, but the configuration now says ${JSON.stringify(expected[key])}`,
      );
    }
  }
  return undefined;
}

function evaluateResource(
  ctx: EvalContext,
  resource: ResourceConfig,
  observation: Observation | undefined,
  policyChecks: PolicyChecks | undefined,
): Evaluated {
  const policy = policyChecks ? [...policyChecks(resource, observation)].sort((a, b) => compareStrings(a.rule, b.rule)) : [];
  const wrongScope = observation ? scopeMismatch(resource, observation, ctx.providerRegions.get(resource.provider)) : undefined;

  if (observation === undefined || observation.status === 'error' || wrongScope) {
    const error = observation === undefined ? notObservedError(resource) : (wrongScope ?? observation.error ?? errorWithoutDetail());
    const why = describeError(error);
    const checks = [
      ...resource.expect.map((e) => check(resource.address, e, null, 'unknown', `${e.attribute} could not be verified: ${why}`)),
      ...forceStatus(policy, 'unknown', (c) => `${c.rule} could not be verified: ${why}`),
    ];
    return { resource, observation, error, absent: false, checks };
  }

  if (observation.status === 'absent') {
    const gone = `${resource.address} does not exist`;
    const checks = [
      ...resource.expect.map((e) => check(resource.address, e, null, 'fail', `${gone}; ${e.attribute} cannot meet the expectation`)),
      ...forceStatus(policy, 'fail', (c) => `${gone}; ${c.rule} cannot be satisfied`),
    ];
    return { resource, observation, error: observation.error, absent: true, checks };
  }

  const specs = attributesOf(ctx, resource.type);
  const checks: CheckResult[] = [];
  for (const e of resource.expect) {
    const isRaw = e.attribute.startsWith('raw.');
    const actual = observedValue(observation, e.attribute);
    const attribute = isRaw ? undefined : specs.get(e.attribute);
    const series = ctx.series?.(resource.address, e.attribute);
    const result = evaluateOperator({
      operator: e.operator,
      expected: e.expected,
      actual,
      attribute,
      now: ctx.now,
      name: e.attribute,
      cache: ctx.cache,
      ...(series !== undefined ? { series } : {}),
    });
    checks.push(
      check(
        resource.address,
        e,
        actual ?? null,
        result.status,
        result.message,
        forecastFor(attribute, e.operator, actual, series, ctx.now),
      ),
    );
  }
  for (const p of policy) checks.push(p);
  return { resource, observation, error: null, absent: false, checks };
}

function sortedObject(value: JsonObject): { [key: string]: JsonValue } {
  const keys = Object.keys(value);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = (keys[i - 1] as string) < (keys[i] as string);
  // Observations are read-only; one already in order is shared rather than copied.
  if (sorted) return value;
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).sort(compareStrings)) out[key] = value[key] as JsonValue;
  return out;
}

function resourceStatus(evaluated: Evaluated, checks: readonly CheckResult[]): ResourceStatus {
  let fail = false;
  let unknown = false;
  let waived = false;
  for (const c of checks) {
    if (c.status === 'fail') fail = true;
    else if (c.status === 'unknown') unknown = true;
    else if (c.status === 'waived') waived = true;
  }
  if (fail) return 'drifted';
  if (evaluated.absent) return waived ? 'waived' : 'drifted';
  if (unknown || evaluated.error !== null) return 'unknown';
  return waived ? 'waived' : 'compliant';
}

/** What every pass over the resources shares: the context, the selected resources in address order, the waivers. */
interface Prepared {
  readonly ctx: EvalContext;
  readonly resources: readonly ResourceConfig[];
  readonly observations: Observations;
  readonly byAddress: () => ReadonlyMap<string, Observation>;
  readonly policyChecks: PolicyChecks | undefined;
  readonly waivers: WaiverApplier;
}

function prepare(input: EvaluateInput): Prepared {
  const targets = input.targets !== undefined && input.targets.length > 0 ? new Set(input.targets) : undefined;
  const resources = input.state.resources
    .filter((r) => targets === undefined || targets.has(r.address))
    .sort((a, b) => compareStrings(a.address, b.address));
  let byAddress: Map<string, Observation> | undefined;
  const observations = input.observations;
  return {
    ctx: {
      now: input.now,
      providerRegions: new Map(input.state.providers.map((p) => [p.ref, p.region])),
      cache: createOperatorCache(),
      attributes: new Map(),
      types: input.types ?? BUILTIN_TYPES,
      series: input.series,
    },
    resources,
    observations,
    byAddress: () => {
      if (byAddress === undefined && isObservationList(observations)) {
        byAddress = new Map();
        for (const o of observations) if (!byAddress.has(o.address)) byAddress.set(o.address, o);
      }
      return byAddress ?? new Map();
    },
    policyChecks: input.policyChecks,
    waivers: createWaiverApplier(
      input.state.waivers.filter((w) => targets === undefined || targets.has(w.resource)),
      input.now,
    ),
  };
}

function isObservationList(observations: Observations): observations is readonly Observation[] {
  return Array.isArray(observations);
}

/** Each resource's observation, in the resources' order: looked up in a list, or merged from a sorted stream. */
function* observationsFor(prepared: Prepared): Generator<Observation | undefined, void, undefined> {
  const { observations, resources } = prepared;
  if (isObservationList(observations)) {
    const byAddress = prepared.byAddress();
    for (const r of resources) yield byAddress.get(r.address);
    return;
  }
  const stream = observations.sorted()[Symbol.iterator]();
  try {
    let next = stream.next();
    for (const r of resources) {
      while (next.done !== true && compareStrings(next.value.address, r.address) < 0) next = stream.next();
      yield next.done !== true && next.value.address === r.address ? next.value : undefined;
    }
  } finally {
    stream.return?.();
  }
}

/** One pass over the resources: evaluated, waived and shaped for the run result, one at a time. */
function* resultsOf(prepared: Prepared): Generator<ResourceResult, void, undefined> {
  const observations = observationsFor(prepared);
  for (const resource of prepared.resources) {
    const e = evaluateResource(prepared.ctx, resource, observations.next().value ?? undefined, prepared.policyChecks);
    const checks = prepared.waivers.apply({ address: resource.address, checks: e.checks }).checks;
    const status = resourceStatus(e, checks);
    const observed =
      e.observation !== undefined && e.observation.status === 'ok' && e.error === null ? sortedObject(e.observation.attributes) : {};
    const request_ids = e.observation?.request_ids ?? [];
    // Two literal shapes rather than a conditional spread: this runs once per resource.
    yield e.absent
      ? {
          address: resource.address,
          type: resource.type,
          status,
          absent: true,
          checks,
          error: e.error,
          request_ids,
          observed,
          location: resource.location,
        }
      : {
          address: resource.address,
          type: resource.type,
          status,
          checks,
          error: e.error,
          request_ids,
          observed,
          location: resource.location,
        };
  }
  observations.return();
}

/** The summary and exit code, counted one resource at a time. */
class Tally {
  private compliant = 0;
  private drifted = 0;
  private unknown = 0;
  private waived = 0;
  private driftAtThreshold = false;
  private anyUnknown = false;
  private resources = 0;

  constructor(private readonly failRank: number) {}

  add(r: ResourceResult): void {
    this.resources++;
    for (const c of r.checks) {
      if (c.status === 'fail') {
        if (SEVERITY_RANK[c.severity] >= this.failRank) this.driftAtThreshold = true;
      } else if (c.status === 'unknown') this.anyUnknown = true;
    }
    if (r.absent === true && r.checks.length === 0 && SEVERITY_RANK[ABSENT_DEFAULT_SEVERITY] >= this.failRank) this.driftAtThreshold = true;
    if (r.status === 'compliant') this.compliant++;
    else if (r.status === 'drifted') this.drifted++;
    else if (r.status === 'unknown') {
      this.unknown++;
      this.anyUnknown = true;
    } else this.waived++;
  }

  summary(): RunSummary {
    return {
      resources: this.resources,
      compliant: this.compliant,
      drifted: this.drifted,
      unknown: this.unknown,
      waived: this.waived,
      exit_code: this.driftAtThreshold ? 2 : this.anyUnknown ? 3 : 0,
    };
  }
}

function head(input: EvaluateInput, summary: RunSummary): Omit<RunResult, 'resources' | 'waivers'> {
  return {
    format_version: '1',
    tool: { name: 'driftwatch', version: input.toolVersion },
    as_of: formatInstant(input.now.getTime()),
    fail_on: input.failOn ?? 'low',
    summary,
  };
}

/** Evaluates the desired state against the observations. Pure and deterministic. */
export function evaluate(input: EvaluateInput): RunResult {
  const prepared = prepare(input);
  const tally = new Tally(SEVERITY_RANK[input.failOn ?? 'low']);
  const resources: ResourceResult[] = [];
  for (const r of resultsOf(prepared)) {
    tally.add(r);
    resources.push(r);
  }
  return { ...head(input, tally.summary()), resources, waivers: prepared.waivers.reports() };
}

/**
 * The same result, streamed: one pass counts the summary (and settles which waivers were used),
 * then each read of `resources` evaluates the resources again, one at a time, in address order.
 * Memory holds one resource's checks at a time however large the run — the cost is one more
 * evaluation per read, which is pure and deterministic, so every read yields the same results.
 */
export function evaluateStream(input: EvaluateInput): RunReport {
  const prepared = prepare(input);
  const tally = new Tally(SEVERITY_RANK[input.failOn ?? 'low']);
  for (const r of resultsOf(prepared)) tally.add(r);
  return {
    ...head(input, tally.summary()),
    resources: { [Symbol.iterator]: () => resultsOf(prepared) },
    waivers: prepared.waivers.reports(),
  };
}
