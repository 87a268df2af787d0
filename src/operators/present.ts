import { quoteValue } from '../model/clip.js';
import { INVALID } from './accepted.js';
import { describeValue, outcome, unknown } from './definition.js';
import type { OperatorDefinition } from './definition.js';

/**
 * `present: true|false`: whether the service reported the attribute at all. The only operator that
 * judges a missing value; a vendor `null` ("no valid value could be obtained") says nothing about
 * presence, so it is unknown either way.
 */
export const present: OperatorDefinition = {
  summary: 'was reported / was not reported at all (a `null` from the service is unknown, not absent)',
  family: 'value',
  kinds: ['boolean', 'integer', 'string', 'timestamp'],
  operand: 'boolean',
  judgesMissing: true,
  operandSchema: () => ({ type: 'boolean', description: 'true: the attribute must have a value; false: it must be absent.' }),
  checkOperand: ({ operand, problem }) => {
    if (typeof operand !== 'boolean') problem('operator-type', `'present' needs true or false, not ${quoteValue(operand)}`);
  },
  evaluate: ({ name, expected, actual }) => {
    if (typeof expected !== 'boolean')
      return unknown(`operand of present for ${name} must be true or false, got ${describeValue(expected)}`);
    if (actual === null) return unknown(`${name} was reported as null (the service could not provide it)`);
    const isPresent = actual !== undefined;
    if (expected) return outcome(isPresent, `${name} is present`, `${name} was not reported, expected it to be present`);
    return outcome(!isPresent, `${name} is absent`, `${name} is present (${describeValue(actual)}), expected it to be absent`);
  },
  short: (e) => (e === false ? 'absent' : 'present'),
  long: (e) => (e === false ? '(absent)' : '(present)'),
  accepts: (e) => (e === true ? { kind: 'any' } : e === false ? { kind: 'absent' } : INVALID),
};
