import { clipText, quoteValue } from '../model/clip.js';
import { compileLinearRegex } from '../model/linear-regex.js';
import type { AttributeSpec } from '../model/resource-types.js';
import type { JsonValue } from '../model/json.js';
import { OPERATORS, SEVERITIES } from '../model/desired-state.js';
import type { Operator, Severity } from '../model/desired-state.js';
import type { PathSegment } from '../util/load-yaml.js';
import { suggestion } from '../util/did-you-mean.js';
import { parseDuration } from '../util/duration.js';
import { isIsoDateOrDateTime } from '../util/iso-date.js';
import { INTEGER_OPERATORS, TIMESTAMP_OPERATORS } from './schema.js';

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

const OPERATOR_SET = new Set<string>(OPERATORS);

function kindName(attribute: AttributeSpec): string {
  return attribute.kind === 'integer' ? 'an integer' : `a ${attribute.kind}`;
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
    problem('operator-type', `expected value for '${name}' must be a single value, not ${value === null ? 'empty' : Array.isArray(value) ? 'a list' : 'a map'}`);
    return;
  }
  if (attribute === undefined) return;
  switch (attribute.kind) {
    case 'boolean':
      if (typeof value !== 'boolean') problem('operator-type', `'${name}' is a boolean: expected true or false, not ${show(value)}`);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) problem('operator-type', `'${name}' is an integer: expected a whole number, not ${show(value)}`);
      return;
    case 'timestamp':
      if (typeof value !== 'string' || !isIsoDateOrDateTime(value)) {
        problem('malformed-date', `'${name}' is a timestamp: expected an ISO date or date-time with a zone (e.g. 2027-01-31 or 2027-01-31T00:00:00Z), not ${show(value)}`);
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

function checkOperand(
  op: Operator,
  operand: JsonValue,
  attribute: AttributeSpec | undefined,
  name: string,
  problems: ExpectationProblem[],
): void {
  const path = [op];
  const problem = (rule: string, message: string): void => void problems.push({ path, part: 'value', rule, message });
  switch (op) {
    case 'equals':
    case 'not_equals':
      checkValue(operand, attribute, name, path, problems);
      return;
    case 'in':
    case 'not_in':
      if (!Array.isArray(operand)) {
        problem('operator-type', `'${op}' needs a list, e.g. ${op}: [a, b]`);
        return;
      }
      if (operand.length === 0) problem('operator-type', `'${op}' needs at least one value`);
      operand.forEach((item, i) => checkValue(item, attribute, name, [op, i], problems));
      return;
    case 'at_least':
    case 'at_most':
    case 'greater_than':
    case 'less_than': {
      const ok = typeof operand === 'number' && (attribute === undefined ? Number.isFinite(operand) : Number.isInteger(operand));
      if (!ok) problem('operator-type', `'${op}' needs ${attribute === undefined ? 'a number' : 'a whole number'}, not ${show(operand)}`);
      return;
    }
    case 'not_within':
      if (typeof operand !== 'string' || parseDuration(operand) === undefined) {
        problem('malformed-duration', `malformed duration ${show(operand)} for not_within; write a positive whole number and a unit m, h, d or w (e.g. 90m, 12h, 30d, 2w)`);
      }
      return;
    case 'before':
    case 'after':
      if (typeof operand !== 'string' || !isIsoDateOrDateTime(operand)) {
        problem('malformed-date', `malformed date ${show(operand)} for ${op}; write an ISO date or date-time with a zone (e.g. 2027-01-31 or 2027-01-31T00:00:00Z)`);
      }
      return;
    case 'matches':
      if (typeof operand !== 'string') {
        problem('operator-type', `'matches' needs a regular expression string, not ${show(operand)}`);
        return;
      }
      {
        // The evaluator's engine (src/policy/linear-regex.ts): a pattern valid here is valid there.
        const compiled = compileLinearRegex(operand);
        if (compiled.error !== undefined) problem('bad-regex', `invalid regular expression for matches: ${clipText(compiled.error)}`);
      }
      return;
    case 'present':
      if (typeof operand !== 'boolean') problem('operator-type', `'present' needs true or false, not ${show(operand)}`);
      return;
  }
}

/** Why an operator does not apply to an attribute of this kind, if it does not. */
function operatorMismatch(op: Operator, attribute: AttributeSpec, name: string): string | undefined {
  if (INTEGER_OPERATORS.includes(op) && attribute.kind !== 'integer') {
    return `'${op}' needs an integer attribute; '${name}' is ${kindName(attribute)}`;
  }
  if (TIMESTAMP_OPERATORS.includes(op) && attribute.kind !== 'timestamp') {
    return `'${op}' needs a timestamp attribute; '${name}' is ${kindName(attribute)}`;
  }
  if (op === 'matches' && attribute.kind !== 'string') return `'matches' needs a string attribute; '${name}' is ${kindName(attribute)}`;
  if ((op === 'in' || op === 'not_in') && attribute.kind === 'timestamp') {
    return `'${op}' does not apply to timestamp attribute '${name}'; use before, after or not_within`;
  }
  return undefined;
}

/**
 * Reads one `expect` entry: a scalar (shorthand for equals) or a map with exactly one operator
 * plus optional severity and description. `attribute` is undefined for `raw.*` attributes.
 */
export function parseExpectation(value: JsonValue, attribute: AttributeSpec | undefined, name: string): ExpectationResult {
  const problems: ExpectationProblem[] = [];
  if (value === null) {
    problems.push({ path: [], part: 'key', rule: 'schema', message: `expectation for '${name}' is empty; write a value (equals) or { OPERATOR: VALUE }` });
    return { expectation: undefined, problems };
  }
  if (Array.isArray(value)) {
    problems.push({ path: [], part: 'value', rule: 'operator-type', message: `a list is not an expectation for '${name}'; write { in: [...] }` });
    return { expectation: undefined, problems };
  }
  if (typeof value !== 'object') {
    checkValue(value, attribute, name, [], problems);
    return { expectation: problems.length ? undefined : { operator: 'equals', expected: value, severity: 'medium' }, problems };
  }
  const operators: Operator[] = [];
  for (const key of Object.keys(value)) {
    if (OPERATOR_SET.has(key)) operators.push(key as Operator);
    else if (key !== 'severity' && key !== 'description') {
      problems.push({
        path: [key],
        part: 'key',
        rule: 'schema',
        message: `unknown operator '${key}' in expectation for '${name}'${suggestion(key, [...OPERATORS, 'severity', 'description']) || `; operators: ${OPERATORS.join(', ')}`}`,
      });
    }
  }
  if (operators.length === 0 && problems.length === 0) {
    problems.push({ path: [], part: 'key', rule: 'schema', message: `expectation for '${name}' needs one operator: ${OPERATORS.join(', ')}` });
  }
  if (operators.length > 1) {
    problems.push({ path: [], part: 'key', rule: 'schema', message: `expectation for '${name}' has ${operators.length} operators (${operators.join(', ')}); use exactly one` });
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
    problems.push({ path: ['description'], part: 'value', rule: 'schema', message: `description of expectation '${name}' must be a string` });
  }
  const op = operators[0];
  if (op !== undefined && operators.length === 1) {
    const mismatch = attribute ? operatorMismatch(op, attribute, name) : undefined;
    if (mismatch) problems.push({ path: [op], part: 'key', rule: 'operator-type', message: mismatch });
    else checkOperand(op, value[op] ?? null, attribute, name, problems);
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
