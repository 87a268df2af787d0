const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function validDay(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * Accepts a subset of what the evaluator parses (src/engine/time.ts), so an operand that
 * validates is never `unknown` at run time for its format.
 *
 * Whether `s` is an ISO-8601 calendar date (`2027-01-31`) or a date-time with an explicit zone
 * (`2027-01-31T12:00:00Z`, `…+08:00`). A zone is required because a local time would mean
 * different instants on different machines.
 */
export function isIsoDateOrDateTime(s: string): boolean {
  const date = DATE.exec(s);
  if (date) return validDay(Number(date[1]), Number(date[2]), Number(date[3]));
  const dt = DATE_TIME.exec(s);
  if (!dt) return false;
  if (!validDay(Number(dt[1]), Number(dt[2]), Number(dt[3]))) return false;
  const zone = dt[7] ?? 'Z';
  const zoneOk = zone === 'Z' || (Number(zone.slice(1, 3)) < 24 && Number(zone.slice(4, 6)) < 60);
  return Number(dt[4]) < 24 && Number(dt[5]) < 60 && Number(dt[6] ?? 0) < 60 && zoneOk;
}
