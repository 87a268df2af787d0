import type { Operator } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import type { AttributeSpec } from '../model/resource-types.js';
import type { ConsumptionForecast } from '../model/run-result.js';
import type { SeriesPoint } from '../model/series.js';
import { formatInstant } from '../util/time.js';

/**
 * When a counter that is used up (certificates a CA may still issue, keys left in a quota) reaches
 * zero at the rate it has been used: the least-squares slope of its observations over the last
 * FORECAST_WINDOW_DAYS, this run's value included, projected from this run's value. A rate needs at
 * least two observations at least a day apart; anything less is unknown, with that reason — never a
 * guess. A counter that did not go down (or went up: a CA was topped up) is not being used up.
 */

const FORECAST_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;
/**
 * A projection further out than this is "does not run out": a very slow rate would otherwise put
 * the date past what a Date can hold (year 275760) and end the run with a RangeError.
 */
const HORIZON_YEARS = 100;
const HORIZON_MS = HORIZON_YEARS * 365.25 * DAY_MS;

export function consumptionForecast(past: readonly SeriesPoint[], current: number, now: Date): ConsumptionForecast {
  const nowMs = now.getTime();
  const from = nowMs - FORECAST_WINDOW_DAYS * DAY_MS;
  // A record of this very instant (a run repeated with the same --as-of) would count this value twice.
  const points = [...past.filter((p) => p.at >= from && p.at < nowMs && Number.isFinite(p.value)), { at: nowMs, value: current }];
  const first = points[0] as SeriesPoint;
  const spanMs = nowMs - first.at;
  const window_days = round(spanMs / DAY_MS, 2);
  if (points.length < 2 || spanMs < DAY_MS) {
    const have = points.length < 2 ? 'only this run' : `${points.length} spanning ${round(spanMs / 3_600_000, 1)}h`;
    return {
      observations: points.length,
      window_days,
      rate_per_day: null,
      runs_out_at: null,
      unknown_reason: `needs at least two observations a day or more apart in the last ${FORECAST_WINDOW_DAYS} days (has ${have})`,
    };
  }
  const rate = -slopePerMs(points) * DAY_MS;
  // `|| 0` turns the -0 of a flat series into 0.
  const rate_per_day = round(rate, 3) || 0;
  let runsOut: number | null = null;
  if (current <= 0) runsOut = nowMs;
  else if (rate > 0 && (current / rate) * DAY_MS <= HORIZON_MS) runsOut = nowMs + (current / rate) * DAY_MS;
  return {
    observations: points.length,
    window_days,
    rate_per_day,
    runs_out_at: runsOut === null ? null : formatInstant(Math.round(runsOut)),
  };
}

/**
 * The forecast a check carries: with history, for a counter that is used up or a `runs_out_within`
 * check whose value was observed; otherwise none (the check result stays as it was without history).
 */
export function forecastFor(
  attribute: AttributeSpec | undefined,
  operator: Operator,
  actual: JsonValue | undefined,
  series: readonly SeriesPoint[] | undefined,
  now: Date,
): ConsumptionForecast | undefined {
  if (series === undefined || typeof actual !== 'number' || !Number.isFinite(actual)) return undefined;
  if (attribute?.consumed !== true && operator !== 'runs_out_within') return undefined;
  return consumptionForecast(series, actual, now);
}

function slopePerMs(points: readonly SeriesPoint[]): number {
  // Times relative to the first point keep the sums well inside double precision.
  const t0 = (points[0] as SeriesPoint).at;
  const n = points.length;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.at - t0;
    sy += p.value;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    const dx = p.at - t0 - mx;
    num += dx * (p.value - my);
    den += dx * dx;
  }
  return den === 0 ? 0 : num / den;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `at 12/day over the last 14 days: runs out 2027-01-04` — what the text and Markdown reports show beside the value. */
export function forecastText(f: ConsumptionForecast): string {
  if (f.rate_per_day === null) return `no forecast: ${f.unknown_reason ?? 'rate unknown'}`;
  const over = `over the last ${formatDays(f.window_days)}`;
  if (f.runs_out_at === null && f.rate_per_day > 0)
    return `at ${formatRate(f.rate_per_day)}/day ${over}: does not run out within ${HORIZON_YEARS} years`;
  if (f.runs_out_at === null) return `not being used up ${over} (${formatRate(f.rate_per_day)}/day)`;
  return `at ${formatRate(f.rate_per_day)}/day ${over}: runs out ${f.runs_out_at.slice(0, 10)}`;
}

function formatRate(rate: number): string {
  return Math.abs(rate) >= 10 ? String(Math.round(rate)) : String(round(rate, 1));
}

function formatDays(days: number): string {
  const whole = Math.round(days);
  return whole === 1 ? '1 day' : `${whole} days`;
}

/** `expires in 12 days` / `expired 3 days ago` / `expires within a day`: whole days from now to an instant. */
export function daysUntilText(atMs: number, nowMs: number, verb: 'expires' | 'is' = 'expires'): string {
  const days = Math.trunc((atMs - nowMs) / DAY_MS);
  const past = verb === 'expires' ? 'expired' : 'was';
  if (atMs < nowMs) return days === 0 ? `${past} within the last day` : `${past} ${-days} ${-days === 1 ? 'day' : 'days'} ago`;
  return days === 0 ? `${verb} within a day` : `${verb} in ${days} ${days === 1 ? 'day' : 'days'}`;
}
