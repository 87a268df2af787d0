import { UsageError } from '../model/errors.js';
import type { JsonValue } from '../model/json.js';

/**
 * Instants in driftwatch are epoch milliseconds. Everything that compares times goes through
 * `parseInstant` so that a timestamp means the same instant whatever unit or zone it arrived in
 * and whatever the TZ of the machine running the check (zone-less date-times are refused rather
 * than read as local time).
 */

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * Epoch numbers below this are read as seconds, above as milliseconds. 1e11 s is the year 5138
 * and 1e11 ms is March 1973, so every plausible expiry date falls on the right side; only raw
 * vendor fields reach this path (normalizers already emit ISO strings).
 */
const SECONDS_THRESHOLD = 1e11;
const MAX_DATE_MS = 8.64e15;

function utcDay(y: number, m: number, d: number): number | undefined {
  const ms = Date.UTC(y, m - 1, d);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return ms;
}

function parseIsoString(s: string): { ms: number; dateOnly: boolean } | undefined {
  const date = DATE.exec(s);
  if (date) {
    const ms = utcDay(Number(date[1]), Number(date[2]), Number(date[3]));
    return ms === undefined ? undefined : { ms, dateOnly: true };
  }
  const dt = DATE_TIME.exec(s);
  if (!dt) return undefined;
  const day = utcDay(Number(dt[1]), Number(dt[2]), Number(dt[3]));
  const hour = Number(dt[4]);
  const minute = Number(dt[5]);
  const second = Number(dt[6] ?? 0);
  if (day === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  // Sub-millisecond digits are truncated: instants are compared at millisecond resolution.
  const millis = dt[7] === undefined ? 0 : Number(dt[7].slice(0, 3).padEnd(3, '0'));
  const zone = dt[8] ?? 'Z';
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  return { ms: day + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis, dateOnly: false };
}

/**
 * The instant a JSON value denotes, or undefined when it is not a timestamp driftwatch can read.
 * Accepts ISO dates (`2027-01-31`, start of that day UTC), ISO date-times with a zone (`Z` or
 * `±hh:mm`, any fraction of a second), and epoch numbers (seconds or milliseconds, see
 * SECONDS_THRESHOLD). Zone-less date-times are refused: they would mean a different instant on
 * every machine.
 */
export function parseInstant(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'string') return parseIsoString(value)?.ms;
  if (typeof value === 'number' && Number.isFinite(value)) {
    const ms = Math.abs(value) < SECONDS_THRESHOLD ? value * 1000 : value;
    // Outside the range a Date can hold, the number is not a timestamp (and could not be shown).
    return Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
  }
  return undefined;
}

/**
 * The end of a waiver's validity, exclusive. A date-only expiry (`2027-01-31`) lasts through the
 * whole of that day in UTC, so the waiver stops applying at 2027-02-01T00:00:00Z; a date-time
 * expiry stops applying at that instant.
 */
export function expiryEnd(expires: string): number | undefined {
  const parsed = parseIsoString(expires);
  if (!parsed) return undefined;
  return parsed.dateOnly ? parsed.ms + DAY_MS : parsed.ms;
}

/** ISO-8601 UTC, without a fraction when it is zero: `2026-11-22T03:00:00Z`. */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/**
 * Parses `--as-of`: an ISO date (start of that day UTC) or a date-time with a zone. Anything else
 * is a usage error, because a silently misread "now" would make every expiry check wrong.
 */
export function parseAsOf(text: string): Date {
  const parsed = parseIsoString(text.trim());
  if (!parsed) {
    throw new UsageError(
      `--as-of ${JSON.stringify(text)} is not a timestamp`,
      'Use an ISO date (2026-11-22, meaning 00:00 UTC) or a date-time with a zone (2026-11-22T03:00:00Z, 2026-11-22T11:00:00+08:00).',
    );
  }
  return new Date(parsed.ms);
}
