import { describe, expect, it } from 'vitest';
import type { AttributeSpec } from '../model/resource-types.js';
import type { SeriesPoint } from '../model/series.js';
import { consumptionForecast, daysUntilText, forecastFor, forecastText } from './forecast.js';
import { evaluateOperator } from './evaluate.js';

const DAY = 86_400_000;
const NOW = new Date('2026-12-15T00:00:00Z');
const REMAINING: AttributeSpec = { name: 'certificates_remaining', kind: 'integer', description: '', consumed: true };

/** `values` observed once a day, ending the day before NOW. */
function daily(values: readonly number[]): SeriesPoint[] {
  return values.map((value, i) => ({ at: NOW.getTime() - (values.length - i) * DAY, value }));
}

describe('consumption forecast', () => {
  it('projects the run-out date at the rate of use', () => {
    // 12 a day for 14 days, 180 left now: 15 more days.
    const past = daily(Array.from({ length: 14 }, (_, i) => 180 + 12 * (14 - i)));
    const f = consumptionForecast(past, 180, NOW);
    expect(f).toEqual({ observations: 15, window_days: 14, rate_per_day: 12, runs_out_at: '2026-12-30T00:00:00Z' });
    expect(forecastText(f)).toBe('at 12/day over the last 14 days: runs out 2026-12-30');
  });

  it('is unknown with fewer than two observations a day apart, saying why', () => {
    expect(consumptionForecast([], 100, NOW)).toMatchObject({
      rate_per_day: null,
      runs_out_at: null,
      unknown_reason: expect.stringContaining('has only this run') as unknown,
    });
    const hourAgo = [{ at: NOW.getTime() - 3_600_000, value: 120 }];
    expect(consumptionForecast(hourAgo, 100, NOW).unknown_reason).toContain('has 2 spanning 1h');
  });

  it('says a counter that does not go down is not being used up, and ignores points outside the window', () => {
    const f = consumptionForecast(daily([100, 120, 140]), 160, NOW);
    expect(f.runs_out_at).toBeNull();
    expect(forecastText(f)).toBe('not being used up over the last 3 days (-20/day)');
    const old = [{ at: NOW.getTime() - 40 * DAY, value: 1000 }, ...daily([100])];
    expect(consumptionForecast(old, 100, NOW)).toMatchObject({ observations: 2, rate_per_day: 0 });
  });

  it('a rate so slow that the counter lasts past the horizon does not run out (and never overflows a Date)', () => {
    const f = consumptionForecast(daily([1e9 + 10, 1e9 + 5]), 1e9, NOW);
    expect(f).toMatchObject({ rate_per_day: 5, runs_out_at: null });
    expect(forecastText(f)).toBe('at 5/day over the last 2 days: does not run out within 100 years');
    const crawl = consumptionForecast([{ at: NOW.getTime() - 20 * DAY, value: 1e9 }], 1e9 - 1, NOW);
    expect(crawl.runs_out_at).toBeNull();
  });

  it('a counter at zero has run out now', () => {
    expect(consumptionForecast(daily([10]), 0, NOW).runs_out_at).toBe('2026-12-15T00:00:00Z');
  });

  it('is attached only with history, to consumed counters and runs_out_within checks', () => {
    expect(forecastFor(REMAINING, 'at_least', 100, undefined, NOW)).toBeUndefined();
    expect(forecastFor(REMAINING, 'at_least', 100, [], NOW)).toBeDefined();
    expect(forecastFor({ ...REMAINING, consumed: undefined as never }, 'at_least', 100, [], NOW)).toBeUndefined();
    expect(forecastFor(undefined, 'runs_out_within', 100, [], NOW)).toBeDefined();
  });

  it('words instants in whole days from now', () => {
    expect(daysUntilText(NOW.getTime() + 12.5 * DAY, NOW.getTime())).toBe('expires in 12 days');
    expect(daysUntilText(NOW.getTime() - 3 * DAY, NOW.getTime())).toBe('expired 3 days ago');
    expect(daysUntilText(NOW.getTime() + 1000, NOW.getTime(), 'is')).toBe('is within a day');
  });
});

describe('runs_out_within', () => {
  const judge = (actual: number, series: readonly SeriesPoint[] | undefined, operand = '30d'): ReturnType<typeof evaluateOperator> =>
    evaluateOperator({
      operator: 'runs_out_within',
      expected: operand,
      actual,
      attribute: REMAINING,
      now: NOW,
      ...(series ? { series } : {}),
    });

  it('fails when the projection falls inside the window, passes when beyond it', () => {
    const past = daily([300, 290, 280, 270, 260, 250, 240, 230, 220, 210]); // 10 a day
    expect(judge(200, past).status).toBe('fail'); // 20 days left
    expect(judge(200, past).message).toBe(
      'certificates_remaining is 200, at 10/day over the last 10 days: runs out 2027-01-04, within 30d',
    );
    expect(judge(200, past, '2w').status).toBe('pass');
  });

  it('is unknown without history or with too little of it — never a pass', () => {
    expect(judge(200, undefined)).toMatchObject({ status: 'unknown', message: expect.stringContaining('--history') as unknown });
    expect(judge(200, []).status).toBe('unknown');
  });

  it('passes for a counter that is not being used up', () => {
    expect(judge(200, daily([200, 200])).status).toBe('pass');
  });

  it('is unknown for a value that is not a number, and checks its operand', () => {
    expect(
      evaluateOperator({ operator: 'runs_out_within', expected: '30d', actual: 'x', attribute: undefined, now: NOW, series: [] }).status,
    ).toBe('unknown');
    expect(judge(200, daily([300, 250]), 'soon').status).toBe('unknown');
  });
});
