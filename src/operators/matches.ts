import { clipText, quoteValue } from '../model/clip.js';
import { compileLinearRegex } from '../model/linear-regex.js';
import { INVALID } from './accepted.js';
import { cachedRegex } from './cache.js';
import { describeValue, outcome, unknown } from './definition.js';
import type { OperatorDefinition } from './definition.js';

/**
 * `matches: RE`: an RE2-syntax pattern tested as written (unanchored unless anchored). Validation
 * and evaluation use the same linear-time engine, so a pattern valid at `validate` is valid at run time.
 */
export const matches: OperatorDefinition = {
  summary:
    'matches the regular expression `RE` (RE2 syntax, unanchored unless you write `^…$`; linear-time, so no lookaround or backreferences)',
  family: 'kind',
  kinds: ['string'],
  operand: 'pattern',
  operandSchema: () => ({ type: 'string', description: 'A JavaScript regular expression (unanchored unless you anchor it).' }),
  checkOperand: ({ operand, problem }) => {
    if (typeof operand !== 'string') {
      problem('operator-type', `'matches' needs a regular expression string, not ${quoteValue(operand)}`);
      return;
    }
    const compiled = compileLinearRegex(operand);
    if (compiled.error !== undefined) problem('bad-regex', `invalid regular expression for matches: ${clipText(compiled.error)}`);
  },
  evaluate: ({ name, expected, actual, cache }) => {
    if (typeof expected !== 'string')
      return unknown(`operand of matches for ${name} must be a regular expression, got ${describeValue(expected)}`);
    const re = cachedRegex(expected, cache);
    if (re === null) return unknown(`operand of matches for ${name} is not a valid regular expression: /${expected}/`);
    if (typeof actual !== 'string') return unknown(`${name} is ${describeValue(actual)}, which is not a string and cannot be matched`);
    return outcome(
      re.test(actual),
      `${name} ${describeValue(actual)} matches /${expected}/`,
      `${name} is ${describeValue(actual)}, expected to match /${expected}/`,
    );
  },
  short: (e, show) => (typeof e === 'string' ? `matches /${show.text(e)}/` : `matches ${show.value(e)}`),
  long: (e, show) => `matches /${show.text(e)}/`,
  accepts: (e) => (typeof e === 'string' ? { kind: 'pattern', source: e } : INVALID),
};
