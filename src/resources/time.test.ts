import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromBeijingLocal, fromIsoUtc, fromUnixMillis, fromUnixSeconds } from './time.js';

describe('fromUnixSeconds', () => {
  it('converts the KMS doc example (Unix seconds)', () => {
    expect(fromUnixSeconds(1603701385)).toBe('2020-10-26T08:36:25.000Z');
  });
  it('treats 0 as no date, not 1970', () => {
    expect(fromUnixSeconds(0)).toBeUndefined();
  });
  it('refuses a millisecond value in the seconds field (it would land after the year 3000)', () => {
    expect(fromUnixSeconds(1893456000000)).toBeUndefined();
    expect(fromUnixSeconds(1893456000)).toBe('2030-01-01T00:00:00.000Z');
  });
  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e16, Number.MAX_SAFE_INTEGER])('refuses %s', (n) => {
    expect(fromUnixSeconds(n)).toBeUndefined();
  });
});

describe('fromUnixMillis', () => {
  it('converts the CAS doc examples (Unix milliseconds)', () => {
    expect(fromUnixMillis(1792944000000)).toBe('2026-10-25T16:00:00.000Z');
    expect(fromUnixMillis(1637251200000)).toBe('2021-11-18T16:00:00.000Z');
    expect(fromUnixMillis(1635177600000)).toBe('2021-10-25T16:00:00.000Z');
  });
  it.each([0, -5, 2.5, 8.64e15 + 1, Number.NaN])('refuses %s', (n) => {
    expect(fromUnixMillis(n)).toBeUndefined();
  });
  // Issue 11 changes this behaviour: a seconds value in a milliseconds field (January 1970) was
  // converted as is; an implausible unit is now unknown.
  it('refuses a value in the wrong unit (seconds in a milliseconds field lands in 1970)', () => {
    expect(fromUnixMillis(1603701385)).toBeUndefined();
  });
  it('accepts the edges of the plausible window (1990 to before 3000)', () => {
    expect(fromUnixMillis(Date.UTC(1990, 0, 1))).toBe('1990-01-01T00:00:00.000Z');
    expect(fromUnixMillis(Date.UTC(3000, 0, 1) - 1)).toBe('2999-12-31T23:59:59.999Z');
    expect(fromUnixMillis(Date.UTC(3000, 0, 1))).toBeUndefined();
    expect(fromUnixMillis(Date.UTC(1989, 11, 31))).toBeUndefined();
  });
});

describe('fromIsoUtc', () => {
  it('converts the Alibaba KMS examples', () => {
    expect(fromIsoUtc('2023-10-05T16:00:00Z')).toBe('2023-10-05T16:00:00.000Z');
    expect(fromIsoUtc('2023-09-05T12:44:20Z')).toBe('2023-09-05T12:44:20.000Z');
  });
  it('honours an explicit offset and fractions', () => {
    expect(fromIsoUtc('2024-10-24T18:29:13+08:00')).toBe('2024-10-24T10:29:13.000Z');
    expect(fromIsoUtc('2024-10-24T00:00:00.1239-01:30')).toBe('2024-10-24T01:30:00.123Z');
  });
  it.each([
    '',
    'xx',
    '2023-10-05 16:00:00',
    '2023-10-05T16:00:00',
    '2023-02-30T00:00:00Z',
    '2023-10-05T24:00:00Z',
    '2023-10-05T16:00:00+25:00',
    '2023-10-05',
  ])('refuses %j', (s) => {
    expect(fromIsoUtc(s)).toBeUndefined();
  });
});

describe('fromBeijingLocal', () => {
  it('reads TCSS times as UTC+8', () => {
    expect(fromBeijingLocal('2024-12-24 13:01:18')).toBe('2024-12-24T05:01:18.000Z');
    expect(fromBeijingLocal('2024-09-24 13:01:18')).toBe('2024-09-24T05:01:18.000Z');
  });
  it('puts Beijing midnight on the previous UTC day (expiries land on …T16:00:00Z)', () => {
    expect(fromBeijingLocal('2026-12-20 00:00:00')).toBe('2026-12-19T16:00:00.000Z');
    expect(fromBeijingLocal('2025-01-01 00:00:00')).toBe('2024-12-31T16:00:00.000Z');
  });
  it('has no daylight saving (a summer date is still +8)', () => {
    expect(fromBeijingLocal('2026-07-01 12:00:00')).toBe('2026-07-01T04:00:00.000Z');
  });
  it.each([
    'xx',
    '',
    '0000-00-00 00:00:00',
    '2024-02-30 00:00:00',
    '2024-12-24 25:00:00',
    '2024-12-24 13:01',
    '2024-12-24T13:01:18Z',
    ' 2024-12-24 13:01:18',
  ])('refuses %j', (s) => {
    expect(fromBeijingLocal(s)).toBeUndefined();
  });
  it('round-trips every instant written in Beijing local time (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
        const whole = ms - (ms % 1000);
        const local = new Date(whole + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
        expect(fromBeijingLocal(local)).toBe(new Date(whole).toISOString());
      }),
      { seed: 20261129, numRuns: 500 },
    );
  });
  it('never throws on arbitrary strings (seeded)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = fromBeijingLocal(s);
        expect(out === undefined || !Number.isNaN(Date.parse(out))).toBe(true);
        const iso = fromIsoUtc(s);
        expect(iso === undefined || !Number.isNaN(Date.parse(iso))).toBe(true);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});
