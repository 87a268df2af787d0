import { describe, expect, it } from 'vitest';
import { UsageError } from '../model/errors.js';
import { expiryEnd, formatInstant, parseAsOf, parseInstant } from './time.js';

describe('parseInstant', () => {
  it.each([
    ['2027-01-31', Date.UTC(2027, 0, 31)],
    ['2027-01-31T00:00:00Z', Date.UTC(2027, 0, 31)],
    ['2027-01-31T08:00:00+08:00', Date.UTC(2027, 0, 31)],
    ['2027-01-31T08:00:00+0800', Date.UTC(2027, 0, 31)],
    ['2027-01-30T19:00:00-05:00', Date.UTC(2027, 0, 31)],
    ['2027-01-31T00:00:00.5Z', Date.UTC(2027, 0, 31) + 500],
    ['2027-01-31T00:00:00.123456789Z', Date.UTC(2027, 0, 31) + 123],
    [1_893_456_000, Date.UTC(2030, 0, 1)],
    [1_893_456_000_000, Date.UTC(2030, 0, 1)],
  ] as const)('%s', (input, expected) => {
    expect(parseInstant(input)).toBe(expected);
  });

  it.each(['2027-01-31 00:00:00', '2027-02-30', '2027-01-31T24:00:00Z', 'tomorrow', '', '2027-1-3'])('refuses %j', (input) => {
    expect(parseInstant(input)).toBeUndefined();
  });

  it('refuses non-timestamps', () => {
    expect(parseInstant(true)).toBeUndefined();
    expect(parseInstant(null)).toBeUndefined();
    expect(parseInstant(Number.NaN)).toBeUndefined();
    expect(parseInstant(-8_640_000_000_000_001)).toBeUndefined();
  });
});

describe('expiryEnd', () => {
  it('a date-only expiry lasts through the end of that day UTC', () => {
    expect(expiryEnd('2027-01-31')).toBe(Date.UTC(2027, 1, 1));
  });
  it('a date-time expiry ends at that instant', () => {
    expect(expiryEnd('2027-01-31T12:00:00+08:00')).toBe(Date.UTC(2027, 0, 31, 4));
  });
  it('is undefined for garbage', () => {
    expect(expiryEnd('end of January')).toBeUndefined();
  });
});

describe('formatInstant', () => {
  it('drops a zero fraction and keeps others', () => {
    expect(formatInstant(Date.UTC(2026, 10, 22, 3))).toBe('2026-11-22T03:00:00Z');
    expect(formatInstant(Date.UTC(2026, 10, 22, 3) + 7)).toBe('2026-11-22T03:00:00.007Z');
  });
});

describe('parseAsOf', () => {
  it('accepts dates and zoned date-times', () => {
    expect(parseAsOf('2026-11-22').toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(parseAsOf('2026-11-22T11:00:00+08:00').toISOString()).toBe('2026-11-22T03:00:00.000Z');
  });
  it('refuses a local time with a usage error that says what to write', () => {
    expect(() => parseAsOf('2026-11-22 11:00')).toThrow(UsageError);
    expect(() => parseAsOf('yesterday')).toThrow(/--as-of "yesterday" is not a timestamp/);
  });
});
