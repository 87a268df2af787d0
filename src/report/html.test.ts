import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../model/run-result.js';
import { emptyResult, sampleResult } from '../../test/fixtures/results/sample-result.js';
import { renderHtml } from './html.js';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

describe('HTML report', () => {
  it('is one self-contained file: no external reference, inline style and script pinned by CSP hashes', () => {
    const html = renderHtml(sampleResult);
    expect(html).not.toMatch(/\b(?:src|href)="(?!#)/);
    // URLs may appear as escaped text from the run, never as something the page loads.
    expect(html).not.toMatch(/="(?:https?:)?\/\//);
    expect(html).not.toMatch(/url\(|@import/);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(csp).toContain(`style-src 'sha256-${sha256(style)}'`);
    expect(csp).toContain(`script-src 'sha256-${sha256(script)}'`);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).not.toMatch(/ style="/);
    // The filters stay hidden without JavaScript: author display rules must not override [hidden].
    expect(style).toContain('[hidden]{display:none!important}');
    expect(html).toContain('<form id="filters" class="filters" hidden');
  });

  it('escapes every value from the run', () => {
    const hostile = '<img src=x onerror=alert(1)>"&';
    const result: RunResult = {
      ...sampleResult,
      resources: sampleResult.resources.map((r, i) =>
        i === 0 ? { ...r, checks: r.checks.map((c) => ({ ...c, message: hostile, actual: hostile, rule: hostile })) } : r,
      ),
    };
    const html = renderHtml(result);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&amp;'.replace('&quot;', '"'));
  });

  it('shows a trend only when earlier runs are given, never an invented one', () => {
    expect(renderHtml(sampleResult)).not.toContain('id="trend-h"');
    const html = renderHtml(sampleResult, {
      color: false,
      history: [
        { as_of: '2026-11-20T03:00:00Z', summary: { compliant: 3, drifted: 1, unknown: 0, waived: 0 } },
        { as_of: '2026-11-21T03:00:00Z', summary: { compliant: 2, drifted: 2, unknown: 0, waived: 0 } },
      ],
    });
    expect(html).toContain('id="trend-h"');
    expect(html).toContain('<time datetime="2026-11-20T03:00:00Z">');
    expect(html.match(/<tr><td><time/g)).toHaveLength(3);
  });

  it('shows the controls table only with a framework', () => {
    expect(renderHtml(sampleResult)).not.toContain('id="controls-h"');
    expect(renderHtml(sampleResult, { color: false, framework: 'iso27001' })).toContain('Controls: ISO/IEC 27001:2022 Annex A');
  });

  it('renders an empty run', () => {
    expect(renderHtml(emptyResult)).toContain('No resources were checked.');
  });
});
