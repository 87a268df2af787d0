import type { Operator } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import type { AttributeSpec } from '../model/resource-types.js';
import type { SeriesPoint } from '../model/series.js';
import { cachedInstant, cachedText, kindOf } from './cache.js';
import { describeValue, unknown } from './definition.js';
import type { OperatorCache, OperatorDefinition, OperatorOutcome } from './definition.js';
import { OPERATOR_DEFINITIONS } from './registry.js';
import type { OperatorRegistry } from './registry.js';

/**
 * The operators of design.md §3, evaluated fail-closed: a value that is missing, null, of the
 * wrong type, or outside an enumerated attribute's known values is `unknown`, never `pass`
 * (and not `fail` either — drift is only claimed on positive evidence). Those checks are shared
 * here; each operator's own comparison is its definition's `evaluate` (boundaries are pinned by
 * operators.test.ts and described beside each definition).
 *
 * Timestamps are compared as instants (`2026-12-20T00:00:00+08:00` equals
 * `2026-12-19T16:00:00.000Z`), at millisecond resolution.
 */

export interface OperatorInput {
  readonly operator: Operator;
  /** The operand as written (after interpolation). */
  readonly expected: JsonValue;
  /** The observed value; undefined or null when the service did not report it. */
  readonly actual: JsonValue | undefined;
  /** The normalized attribute's spec; undefined for `raw.*` attributes (typed as plain JSON). */
  readonly attribute: AttributeSpec | undefined;
  readonly now: Date;
  /** Name used in messages; defaults to the attribute's name (pass it for `raw.*`). */
  readonly name?: string;
  readonly cache?: OperatorCache;
  /** Past observations of the attribute from the run history (`runs_out_within`); undefined without history. */
  readonly series?: readonly SeriesPoint[];
}

function expectedKindFor(attribute: AttributeSpec): string {
  switch (attribute.kind) {
    case 'boolean':
      return 'a boolean';
    case 'integer':
      return 'a number';
    case 'string':
      return 'a string';
    case 'timestamp':
      return 'a timestamp';
  }
}

/** Why an observed value cannot be judged against its attribute's declared type, if it cannot. */
function typeProblem(name: string, attribute: AttributeSpec, actual: JsonValue): string | undefined {
  const kind = kindOf(actual);
  let ok: boolean;
  switch (attribute.kind) {
    case 'boolean':
      ok = kind === 'boolean';
      break;
    case 'integer':
      ok = kind === 'number' && Number.isFinite(actual);
      break;
    case 'string':
      ok = kind === 'string';
      break;
    case 'timestamp':
      // Parsed (once, cached) by the caller; here only the JSON type is checked.
      ok = kind === 'string' || kind === 'number';
      break;
  }
  if (ok) return undefined;
  return `${name} was reported as ${kind} ${JSON.stringify(actual)}, expected ${expectedKindFor(attribute)}`;
}

/**
 * Evaluates one operator against one observed value. Pure; never throws on any JSON input.
 * `registry` is the built-in one except in tests that register an operator of their own.
 */
export function evaluateOperator(input: OperatorInput, registry: OperatorRegistry = OPERATOR_DEFINITIONS): OperatorOutcome {
  const { operator, expected, actual, attribute, cache, now, series } = input;
  const name = input.name ?? attribute?.name ?? 'value';
  const definition: OperatorDefinition | undefined = registry[operator];
  if (definition === undefined) return unknown(`unknown operator '${operator}' for ${name}`);
  const timestamp = attribute?.kind === 'timestamp';
  // One context object per check (no spreads): this runs once per check of 100,000-resource runs.
  if (definition.judgesMissing === true)
    return definition.evaluate({
      op: operator,
      expected,
      actual,
      attribute,
      name,
      now,
      cache,
      timestamp,
      at: undefined,
      shown: '',
      series,
    });
  if (actual === undefined || actual === null) return unknown(`${name} was not reported`);

  // The observed instant, parsed once for typed timestamps; operators parse raw values on demand.
  let at: number | undefined;
  if (attribute !== undefined) {
    const problem = typeProblem(name, attribute, actual);
    if (problem !== undefined) return unknown(problem);
    if (attribute.values !== undefined && typeof actual === 'string' && !attribute.values.includes(actual)) {
      return unknown(`unknown value '${actual}' reported for ${name}`);
    }
    if (timestamp) {
      at = cachedInstant(actual, cache);
      if (at === undefined) return unknown(`${name} was reported as ${JSON.stringify(actual)}, which is not a timestamp`);
    }
  }
  const shown = at !== undefined ? cachedText(at, cache) : describeValue(actual);
  return definition.evaluate({ op: operator, expected, actual, attribute, name, now, cache, timestamp, at, shown, series });
}
