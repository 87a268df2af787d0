/**
 * Issue 18: a run evaluated from a snapshot says, in the header of every report format, when the
 * snapshot was observed and how old it was — a reviewer must never mistake old data for live data.
 */
import { describe, expect, it } from 'vitest';
import { formatAge } from '../../src/model/run-result.js';
import type { RunResult } from '../../src/model/run-result.js';
import { REPORT_FORMATS, REPORTERS } from '../../src/report/index.js';
import { sampleResult } from '../fixtures/results/sample-result.js';

describe('snapshot header', () => {
  const result: RunResult = {
    ...sampleResult,
    snapshot: { observed_at: '2026-11-20T03:00:00.000Z', age: formatAge(2 * 86400 + 5 * 3600), age_seconds: 2 * 86400 + 5 * 3600 },
  };

  it.each(REPORT_FORMATS)('%s shows the observed time and the age', (format) => {
    const out = REPORTERS[format].render(result, { color: false });
    expect(out).toContain('2026-11-20T03:00:00.000Z');
    expect(out).toContain('2d 5h');
  });

  it('formats ages in the two largest units', () => {
    expect(formatAge(0)).toBe('0m');
    expect(formatAge(59 * 60)).toBe('59m');
    expect(formatAge(3 * 3600 + 60)).toBe('3h 1m');
    expect(formatAge(9463 * 86400)).toBe('9463d');
    expect(formatAge(-300)).toBe('-5m');
  });
});
