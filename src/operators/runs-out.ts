import { quoteValue } from '../model/clip.js';
import { parseDuration } from '../util/duration.js';
import { cachedDuration } from './cache.js';
import { describeValue, unknown } from './definition.js';
import type { OperatorDefinition } from './definition.js';
import { consumptionForecast, forecastText } from './forecast.js';

/**
 * `runs_out_within: D` on a counter that is used up: fails when, at the rate it was used over the
 * history window, it reaches zero within `D` of now (a counter at zero has run out already). The
 * rate comes from the run history (`--history`), so without history, or with fewer than two
 * observations a day apart, the check is unknown with that reason — never a pass. A counter that
 * is not going down passes: nothing is being used up.
 */
export const runsOutWithin: OperatorDefinition = {
  summary:
    'at the rate it was used over the run history (`--history`), does **not** reach zero within `D`; unknown with fewer than two observations a day apart',
  family: 'kind',
  kinds: ['integer'],
  operand: 'duration',
  needsHistory: true,
  operandSchema: () => ({ type: 'string', pattern: '^[1-9][0-9]{0,5}[mhdw]$', description: 'A duration: 30d, 2w, 12h.' }),
  checkOperand: ({ operand, problem }) => {
    if (typeof operand !== 'string' || parseDuration(operand) === undefined) {
      problem(
        'malformed-duration',
        `malformed duration ${quoteValue(operand)} for runs_out_within; write a positive whole number and a unit m, h, d or w (e.g. 30d, 2w)`,
      );
    }
  },
  evaluate: ({ name, expected, actual, cache, now, series }) => {
    const window = typeof expected === 'string' ? cachedDuration(expected, cache) : undefined;
    if (window === undefined)
      return unknown(`operand of runs_out_within for ${name} must be a duration such as 30d, got ${describeValue(expected)}`);
    if (typeof actual !== 'number' || !Number.isFinite(actual))
      return unknown(`${name} is ${describeValue(actual)}, which is not a number`);
    if (series === undefined)
      return unknown(`${name} is ${actual}; runs_out_within needs the run history to know the rate (run with --history DIR)`);
    const forecast = consumptionForecast(series, actual, now);
    if (forecast.rate_per_day === null) return unknown(`${name} is ${actual}; ${forecastText(forecast)}`);
    const text = `${name} is ${actual}, ${forecastText(forecast)}`;
    if (forecast.runs_out_at === null) return { status: 'pass', message: text };
    return Date.parse(forecast.runs_out_at) <= now.getTime() + window
      ? { status: 'fail', message: `${text}, within ${expected as string}` }
      : { status: 'pass', message: `${text}, not within ${expected as string}` };
  },
  short: (e, show) => `runs out within ${show.value(e)}`,
  long: (e, show) => `not running out within ${show.text(e)}`,
  // The operand limits the rate of use, not the value: every single value is accepted.
  accepts: () => ({ kind: 'any' }),
};
