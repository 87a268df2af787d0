import type { Operator } from '../model/desired-state.js';
import type { AttributeSpec } from '../model/resource-types.js';
import type { OperatorDefinition } from './definition.js';
import { equals, inList, notEquals, notIn } from './equality.js';
import { after, before, notWithin } from './instants.js';
import { matches } from './matches.js';
import { atLeast, atMost, greaterThan, lessThan } from './ordering.js';
import { present } from './present.js';
import { runsOutWithin } from './runs-out.js';

/** Operators by name, for consumers that also accept a registry extended in a test. */
export type OperatorRegistry = Readonly<Record<string, OperatorDefinition>>;

/**
 * Every operator of design.md §3 by name (Vitest-reporters style): the configuration and policy
 * schemas, the semantic checks, the evaluator, the reports and `--compare` all read this map. The
 * `satisfies` makes a name added to `Operator` (model/desired-state.ts, the run-result contract)
 * fail to compile until its definition is listed here. The order is the documented order.
 */
export const OPERATOR_DEFINITIONS = {
  equals,
  not_equals: notEquals,
  in: inList,
  not_in: notIn,
  at_least: atLeast,
  at_most: atMost,
  greater_than: greaterThan,
  less_than: lessThan,
  not_within: notWithin,
  before,
  after,
  matches,
  present,
  runs_out_within: runsOutWithin,
} as const satisfies Readonly<Record<Operator, OperatorDefinition>>;

export const OPERATORS = Object.keys(OPERATOR_DEFINITIONS) as readonly Operator[];

export function isOperator(name: string): name is Operator {
  return Object.hasOwn(OPERATOR_DEFINITIONS, name);
}

/**
 * The operators an attribute of this kind accepts, in schema order: the value operators first,
 * then the kind's own (raw attributes, untyped, accept all in registry order).
 */
export function operatorsFor(attribute: AttributeSpec | undefined, registry: OperatorRegistry = OPERATOR_DEFINITIONS): readonly string[] {
  const names = Object.keys(registry);
  if (attribute === undefined) return names;
  const applies = (name: string): boolean => (registry[name] as OperatorDefinition).kinds.includes(attribute.kind);
  const family =
    (f: OperatorDefinition['family']) =>
    (name: string): boolean =>
      (registry[name] as OperatorDefinition).family === f;
  return [...names.filter(family('value')).filter(applies), ...names.filter(family('kind')).filter(applies)];
}
