import { parseInstant } from './time.js';

/** The spellings a configuration may use: `T` or a space, seconds and fraction optional, zone `Z` or `±hh:mm`. */
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Whether `s` is an ISO-8601 calendar date (`2027-01-31`) or a date-time with an explicit zone
 * (`2027-01-31T12:00:00Z`, `…+08:00`). A zone is required because a local time would mean
 * different instants on different machines.
 *
 * The spelling is a subset of what the evaluator reads, and the calendar and range checks are the
 * evaluator's own (src/engine/time.ts), so an operand that validates is never `unknown` at run time
 * for its format.
 */
export function isIsoDateOrDateTime(s: string): boolean {
  return (DATE.test(s) || DATE_TIME.test(s)) && parseInstant(s) !== undefined;
}
