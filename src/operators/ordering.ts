import { quoteValue } from '../model/clip.js';
import { INVALID, bound, discrete, numberOperand } from './accepted.js';
import type { Accepted } from './accepted.js';
import { describeValue, outcome, unknown } from './definition.js';
import type { OperandCheck, OperatorDefinition } from './definition.js';
import type { JsonValue } from '../model/json.js';
import type { AttributeSpec } from '../model/resource-types.js';

/** `at_least`, `at_most`, `greater_than`, `less_than`: ordered numbers (`at_least` ≥, `at_most` ≤, `greater_than` >, `less_than` <). */

interface Comparison {
  readonly summary: string;
  readonly symbol: string;
  readonly ascii: string;
  readonly side: 'lo' | 'hi';
  readonly inclusive: boolean;
  holds(actual: number, expected: number): boolean;
}

function checkNumber(check: OperandCheck): void {
  const { op, operand, attribute } = check;
  const ok = typeof operand === 'number' && (attribute === undefined ? Number.isFinite(operand) : Number.isInteger(operand));
  if (!ok)
    check.problem('operator-type', `'${op}' needs ${attribute === undefined ? 'a number' : 'a whole number'}, not ${quoteValue(operand)}`);
}

function interval(c: Comparison, expected: JsonValue, attribute: AttributeSpec | undefined): Accepted {
  const n = numberOperand(expected, attribute);
  if (n === undefined) return INVALID;
  const b = bound(n, c.inclusive, c.side, discrete(attribute));
  return c.side === 'lo' ? { kind: 'interval', lo: b } : { kind: 'interval', hi: b };
}

function comparison(c: Comparison): OperatorDefinition {
  return {
    summary: c.summary,
    family: 'kind',
    kinds: ['integer'],
    operand: 'number',
    operandSchema: () => ({ type: 'integer' }),
    checkOperand: checkNumber,
    evaluate: ({ op, name, expected, actual }) => {
      if (typeof expected !== 'number' || !Number.isFinite(expected)) {
        return unknown(`operand of ${op} for ${name} must be a number, got ${describeValue(expected)}`);
      }
      if (typeof actual !== 'number' || !Number.isFinite(actual)) {
        return unknown(`${name} is ${describeValue(actual)}, which is not a number`);
      }
      const phrase = op.replace('_', ' ');
      return outcome(
        c.holds(actual, expected),
        `${name} is ${actual}, ${phrase} ${expected}`,
        `${name} is ${actual}, expected ${phrase} ${expected}`,
      );
    },
    short: (e, show) => `${c.symbol} ${show.value(e)}`,
    long: (e, show) => `${c.ascii} ${show.value(e)}`,
    accepts: (e, attribute) => interval(c, e, attribute),
  };
}

export const atLeast = comparison({ summary: 'is ≥ `N`', symbol: '≥', ascii: '>=', side: 'lo', inclusive: true, holds: (a, e) => a >= e });
export const atMost = comparison({ summary: 'is ≤ `N`', symbol: '≤', ascii: '<=', side: 'hi', inclusive: true, holds: (a, e) => a <= e });
export const greaterThan = comparison({
  summary: 'is > `N`',
  symbol: '>',
  ascii: '>',
  side: 'lo',
  inclusive: false,
  holds: (a, e) => a > e,
});
export const lessThan = comparison({ summary: 'is < `N`', symbol: '<', ascii: '<', side: 'hi', inclusive: false, holds: (a, e) => a < e });
