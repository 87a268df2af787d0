import type { JsonValue } from '../model/json.js';
import { INVALID, finite } from './accepted.js';
import { cachedInstant, equalsTyped } from './cache.js';
import { describeList, describeValue, outcome, unknown } from './definition.js';
import type { EvaluationContext, OperandCheck, OperatorDefinition, OperatorOutcome } from './definition.js';

/** `equals`, `not_equals`, `in`, `not_in`: type-aware equality (timestamps compare as instants). */

function timestampOperandProblem(ctx: EvaluationContext): OperatorOutcome | undefined {
  if (ctx.timestamp && cachedInstant(ctx.expected, ctx.cache) === undefined) {
    return unknown(`operand of ${ctx.op} for ${ctx.name} must be an ISO date or date-time with a zone, got ${describeValue(ctx.expected)}`);
  }
  return undefined;
}

function compared(ctx: EvaluationContext, negate: boolean): OperatorOutcome {
  const problem = timestampOperandProblem(ctx);
  if (problem !== undefined) return problem;
  const { name, shown, expected } = ctx;
  const eq = equalsTyped(expected, ctx.actual as JsonValue, ctx.timestamp, ctx.cache);
  if (eq === undefined) return unknown(`${name} is ${shown}, which cannot be compared with ${describeValue(expected)} (different types)`);
  return negate
    ? outcome(
        !eq,
        `${name} is ${shown}, not ${describeValue(expected)}`,
        `${name} is ${shown}, expected anything but ${describeValue(expected)}`,
      )
    : outcome(eq, `${name} is ${shown}`, `${name} is ${shown}, expected ${describeValue(expected)}`);
}

function member(ctx: EvaluationContext, negate: boolean): OperatorOutcome {
  const { name, shown, expected, op } = ctx;
  if (!Array.isArray(expected)) return unknown(`operand of ${op} for ${name} must be a list, got ${describeValue(expected)}`);
  let comparable = false;
  let found = false;
  for (const candidate of expected) {
    const eq = equalsTyped(candidate, ctx.actual as JsonValue, ctx.timestamp, ctx.cache);
    if (eq !== undefined) comparable = true;
    if (eq === true) {
      found = true;
      break;
    }
  }
  if (!comparable) return unknown(`${name} is ${shown}, which cannot be compared with ${describeList(expected)} (different types)`);
  return negate
    ? outcome(
        !found,
        `${name} is ${shown}, none of ${describeList(expected)}`,
        `${name} is ${shown}, expected none of ${describeList(expected)}`,
      )
    : outcome(
        found,
        `${name} is ${shown}, one of ${describeList(expected)}`,
        `${name} is ${shown}, expected one of ${describeList(expected)}`,
      );
}

function checkList(check: OperandCheck): void {
  const { op, operand } = check;
  if (!Array.isArray(operand)) {
    check.problem('operator-type', `'${op}' needs a list, e.g. ${op}: [a, b]`);
    return;
  }
  if (operand.length === 0) check.problem('operator-type', `'${op}' needs at least one value`);
  operand.forEach((item, i) => check.checkValue(item, [op, i]));
}

const LIST_KINDS = ['boolean', 'integer', 'string'] as const;
const ALL_KINDS = ['boolean', 'integer', 'string', 'timestamp'] as const;
const NO_TIMESTAMP_LISTS = 'use before, after or not_within';

export const equals: OperatorDefinition = {
  summary: 'equals `V` (timestamps compare as instants)',
  family: 'value',
  kinds: ALL_KINDS,
  operand: 'value',
  operandSchema: (value) => value,
  checkOperand: (check) => check.checkValue(check.operand, [check.op]),
  evaluate: (ctx) => compared(ctx, false),
  short: (e, show) => show.value(e),
  long: (e, show) => show.value(e),
  accepts: (e, attribute) => finite([e], attribute, false),
};

export const notEquals: OperatorDefinition = {
  summary: 'differs from `V`',
  family: 'value',
  kinds: ALL_KINDS,
  operand: 'value',
  operandSchema: (value) => value,
  checkOperand: (check) => check.checkValue(check.operand, [check.op]),
  evaluate: (ctx) => compared(ctx, true),
  short: (e, show) => `≠ ${show.value(e)}`,
  long: (e, show) => `not ${show.value(e)}`,
  accepts: (e, attribute) => finite([e], attribute, true),
};

export const inList: OperatorDefinition = {
  summary: 'equals one of the listed values',
  family: 'value',
  kinds: LIST_KINDS,
  operand: 'list',
  wrongKindHint: NO_TIMESTAMP_LISTS,
  operandSchema: (value) => ({ type: 'array', minItems: 1, items: value }),
  checkOperand: checkList,
  evaluate: (ctx) => member(ctx, false),
  short: (e, show) => `in ${show.value(e)}`,
  long: (e, show) => `one of ${show.value(e)}`,
  accepts: (e, attribute) => (Array.isArray(e) ? finite(e, attribute, false) : INVALID),
};

export const notIn: OperatorDefinition = {
  summary: 'equals none of them',
  family: 'value',
  kinds: LIST_KINDS,
  operand: 'list',
  wrongKindHint: NO_TIMESTAMP_LISTS,
  operandSchema: (value) => ({ type: 'array', minItems: 1, items: value }),
  checkOperand: checkList,
  evaluate: (ctx) => member(ctx, true),
  short: (e, show) => `not in ${show.value(e)}`,
  long: (e, show) => `none of ${show.value(e)}`,
  accepts: (e, attribute) => (Array.isArray(e) ? finite(e, attribute, true) : INVALID),
};
