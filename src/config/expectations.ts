import { quoteValue } from '../model/clip.js';
import type { AttributeSpec } from '../model/resource-types.js';
import type { JsonValue } from '../model/json.js';
import { SEVERITIES } from '../model/desired-state.js';
import type { Operator, Severity } from '../model/desired-state.js';
import type { PathSegment } from '../util/load-yaml.js';
import { suggestion } from '../util/did-you-mean.js';
import { isIsoDateOrDateTime } from '../util/iso-date.js';
// Not the operators' index: it also loads evaluation, which loading a configuration never runs (start-up, issue 17).
import { kindName as kindWords } from '../operators/definition.js';
import type { OperatorDefinition } from '../operators/definition.js';
import { OPERATOR_DEFINITIONS } from '../operators/registry.js';
import type { OperatorRegistry } from '../operators/registry.js';

export interface ExpectationProblem {
  /** Relative to the attribute's value node. */
  readonly path: readonly PathSegment[];
  readonly part: 'key' | 'value';
  readonly rule: string;
  readonly message: string;
}

export interface ParsedExpectation {
  readonly operator: Operator;
  readonly expected: JsonValue;
  readonly severity: Severity;
  readonly description?: string;
}

export interface ExpectationResult {
  readonly expectation: ParsedExpectation | undefined;
  readonly problems: readonly ExpectationProblem[];
}

function kindName(attribute: AttributeSpec): string {
  return kindWords(attribute.kind);
}

function show(value: JsonValue): string {
  return quoteValue(value);
}

/** Checks one equality operand against the attribute's type and known values. */
function checkValue(
  value: JsonValue,
  attribute: AttributeSpec | undefined,
  name: string,
  path: readonly PathSegment[],
  problems: ExpectationProblem[],
): void {
  const problem = (rule: string, message: string): void => void problems.push({ path, part: 'value', rule, message });
  if (value === null || typeof value === 'object') {
    problem(
      'operator-type',
      `expected value for '${name}' must be a single value, not ${value === null ? 'empty' : Array.isArray(value) ? 'a list' : 'a map'}`,
    );
    return;
  }
  if (attribute === undefined) return;
  switch (attribute.kind) {
    case 'boolean':
      if (typeof value !== 'boolean') problem('operator-type', `'${name}' is a boolean: expected true or false, not ${show(value)}`);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value))
        problem('operator-type', `'${name}' is an integer: expected a whole number, not ${show(value)}`);
      return;
    case 'timestamp':
      if (typeof value !== 'string' || !isIsoDateOrDateTime(value)) {
        problem(
          'malformed-date',
          `'${name}' is a timestamp: expected an ISO date or date-time with a zone (e.g. 2027-01-31 or 2027-01-31T00:00:00Z), not ${show(value)}`,
        );
      }
      return;
    case 'string':
      if (typeof value !== 'string') {
        problem('operator-type', `'${name}' is a string: expected a string, not ${show(value)}`);
        return;
      }
      if (attribute.values && !attribute.values.includes(value)) {
        problem(
          'unknown-enum-value',
          `unknown value '${value}' for '${name}'; expected one of: ${attribute.values.join(', ')}${suggestion(value, attribute.values)}`,
        );
      }
      return;
  }
}

/** Why an operator does not apply to an attribute of this kind, if it does not (the definition's `kinds`). */
function operatorMismatch(op: string, definition: OperatorDefinition, attribute: AttributeSpec, name: string): string | undefined {
  if (definition.kinds.includes(attribute.kind)) return undefined;
  if (definition.family === 'kind') {
    return `'${op}' needs ${definition.kinds.map(kindWords).join(' or ')} attribute; '${name}' is ${kindName(attribute)}`;
  }
  return `'${op}' does not apply to ${attribute.kind} attribute '${name}'${definition.wrongKindHint ? `; ${definition.wrongKindHint}` : ''}`;
}

/**
 * Reads one `expect` entry: a scalar (shorthand for equals) or a map with exactly one operator
 * plus optional severity and description. `attribute` is undefined for `raw.*` attributes.
 */
export function parseExpectation(
  value: JsonValue,
  attribute: AttributeSpec | undefined,
  name: string,
  registry: OperatorRegistry = OPERATOR_DEFINITIONS,
): ExpectationResult {
  const problems: ExpectationProblem[] = [];
  if (value === null) {
    problems.push({
      path: [],
      part: 'key',
      rule: 'schema',
      message: `expectation for '${name}' is empty; write a value (equals) or { OPERATOR: VALUE }`,
    });
    return { expectation: undefined, problems };
  }
  if (Array.isArray(value)) {
    problems.push({
      path: [],
      part: 'value',
      rule: 'operator-type',
      message: `a list is not an expectation for '${name}'; write { in: [...] }`,
    });
    return { expectation: undefined, problems };
  }
  if (typeof value !== 'object') {
    checkValue(value, attribute, name, [], problems);
    return { expectation: problems.length ? undefined : { operator: 'equals', expected: value, severity: 'medium' }, problems };
  }
  const operators: Operator[] = [];
  for (const key of Object.keys(value)) {
    // A test may register an operator of its own; the built-in registry holds exactly `Operator`.
    if (Object.hasOwn(registry, key)) operators.push(key as Operator);
    else if (key !== 'severity' && key !== 'description') {
      const names = Object.keys(registry);
      problems.push({
        path: [key],
        part: 'key',
        rule: 'schema',
        message: `unknown operator '${key}' in expectation for '${name}'${suggestion(key, [...names, 'severity', 'description']) || `; operators: ${names.join(', ')}`}`,
      });
    }
  }
  if (operators.length === 0 && problems.length === 0) {
    problems.push({
      path: [],
      part: 'key',
      rule: 'schema',
      message: `expectation for '${name}' needs one operator: ${Object.keys(registry).join(', ')}`,
    });
  }
  if (operators.length > 1) {
    problems.push({
      path: [],
      part: 'key',
      rule: 'schema',
      message: `expectation for '${name}' has ${operators.length} operators (${operators.join(', ')}); use exactly one`,
    });
  }
  const severity = value.severity ?? 'medium';
  if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity)) {
    problems.push({
      path: ['severity'],
      part: 'value',
      rule: 'schema',
      message: `severity must be one of: ${SEVERITIES.join(', ')}${typeof severity === 'string' ? suggestion(severity, SEVERITIES) : ''}`,
    });
  }
  const description = value.description;
  if (description !== undefined && typeof description !== 'string') {
    problems.push({
      path: ['description'],
      part: 'value',
      rule: 'schema',
      message: `description of expectation '${name}' must be a string`,
    });
  }
  const op = operators[0];
  if (op !== undefined && operators.length === 1) {
    const definition = registry[op] as OperatorDefinition;
    const mismatch = attribute ? operatorMismatch(op, definition, attribute, name) : undefined;
    if (mismatch) problems.push({ path: [op], part: 'key', rule: 'operator-type', message: mismatch });
    else {
      definition.checkOperand({
        op,
        operand: value[op] ?? null,
        attribute,
        name,
        problem: (rule, message, path = [op]) => void problems.push({ path, part: 'value', rule, message }),
        checkValue: (item, path) => checkValue(item, attribute, name, path, problems),
      });
    }
  }
  if (problems.length > 0 || op === undefined) return { expectation: undefined, problems };
  return {
    expectation: {
      operator: op,
      expected: value[op] ?? null,
      severity: severity as Severity,
      ...(typeof description === 'string' ? { description } : {}),
    },
    problems,
  };
}
