import { describe, expect, it } from 'vitest';
import type { CheckResult, ResourceResult, RunResult } from '../model/run-result.js';
import { REPORTERS, REPORT_FORMATS } from './index.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

/** What a reader of any format sees: the expectation's description, reader-zone times, symbols. */

const location = { file: 'config/main.yaml', line: 7, column: 9 };

function check(over: Partial<CheckResult>): CheckResult {
  return {
    rule: 'expires_at',
    source: 'expect',
    operator: 'not_within',
    expected: '30d',
    actual: '2026-12-19T16:00:00.000Z',
    status: 'fail',
    severity: 'high',
    message: 'expires_at 2026-12-19T16:00:00Z is within 30d of now (2026-11-29T00:00:00Z)',
    location,
    description: 'Renewal needs two weeks of procurement lead time',
    ...over,
  };
}

function resource(over: Partial<ResourceResult>): ResourceResult {
  return {
    address: 'tencentcloud_tcss_subscription.prod',
    type: 'tencentcloud_tcss_subscription',
    status: 'drifted',
    checks: [check({})],
    error: null,
    request_ids: ['req-1'],
    observed: {},
    location: { file: 'config/main.yaml', line: 3, column: 5 },
    ...over,
  };
}

function result(resources: ResourceResult[]): RunResult {
  const drifted = resources.filter((r) => r.status === 'drifted').length;
  const unknown = resources.filter((r) => r.status === 'unknown').length;
  return {
    format_version: '1',
    tool: { name: 'driftwatch', version: '0.1.0' },
    as_of: '2026-11-29T00:00:00Z',
    summary: { resources: resources.length, compliant: 0, drifted, unknown, waived: 0, exit_code: drifted > 0 ? 2 : unknown > 0 ? 3 : 0 },
    resources,
  };
}

describe('reports for readers', () => {
  it.each(REPORT_FORMATS)("%s shows an expectation's description", (format) => {
    const drifted = result([resource({})]);
    expect(REPORTERS[format].render(drifted, { color: false })).toContain('Renewal needs two weeks of procurement lead time');
  });

  it.each(REPORT_FORMATS)('%s shows the description of an unknown check too', (format) => {
    const unknown = result([
      resource({ status: 'unknown', checks: [check({ status: 'unknown', actual: null, message: 'expires_at was not reported' })] }),
    ]);
    expect(REPORTERS[format].render(unknown, { color: false })).toContain('Renewal needs two weeks of procurement lead time');
  });

  it('text: --tz adds the reader-zone time beside UTC, for as-of and timestamp values', () => {
    const text = renderText(result([resource({})]), { color: false, timeZone: 'Asia/Shanghai' });
    expect(text).toContain('as of 2026-11-29T00:00:00Z (2026-11-29 08:00:00 UTC+08:00 (Asia/Shanghai))');
    expect(text).toContain('"2026-12-19T16:00:00.000Z" (2026-12-20 00:00:00 UTC+08:00 (Asia/Shanghai))');
    expect(renderText(result([resource({})]), { color: false })).not.toContain('Asia/Shanghai');
  });

  it('markdown: --tz shows the as-of time in the reader zone', () => {
    const md = renderMarkdown(result([resource({})]), { timeZone: 'America/New_York' });
    expect(md).toContain('(`2026-11-28 19:00:00 UTC-05:00 (America/New_York)`)');
  });

  it('markdown never claims an exit code (plan exits 0 on drift)', () => {
    const md = REPORTERS.markdown.render(result([resource({})]), { color: false });
    expect(md).not.toMatch(/exit code/i);
    expect(md).toContain('failing on low and above');
  });

  it('text: a missing instance is ∅, never Terraform\'s destroy "-", and the legend names the symbols used', () => {
    const absent = resource({ address: 'alicloud_kms_instance.gone', absent: true, checks: [], status: 'drifted' });
    const text = renderText(result([absent, resource({})]), { color: false });
    const lines = text.split('\n');
    expect(lines[1]).toBe('Legend: ~ differs (expected -> actual), ∅ does not exist');
    expect(text).toContain('  ∅ alicloud_kms_instance.gone');
    expect(lines.some((l) => /^\s+- alicloud_kms_instance\.gone/.test(l))).toBe(false);
    expect(lines.filter((l) => l.startsWith('Legend:'))).toHaveLength(1);
  });

  it('text: no legend when nothing needs one', () => {
    const clean = result([resource({ status: 'compliant', checks: [check({ status: 'pass' })] })]);
    expect(renderText(clean, { color: false })).not.toContain('Legend:');
  });
});
