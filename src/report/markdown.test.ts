import { describe, expect, it } from 'vitest';
import type { CheckResult, ResourceResult, RunResult } from '../model/run-result.js';
import { emptyResult, sampleResult } from '../../test/fixtures/results/sample-result.js';
import { DEFAULT_MARKDOWN_MAX_LENGTH, MARKDOWN_MARKER, createMarkdownReporter, markdownReporter, renderMarkdown } from './markdown.js';

function drifted(i: number): ResourceResult {
  const check: CheckResult = {
    rule: 'edition',
    source: 'expect',
    operator: 'equals',
    expected: 'ultimate',
    actual: `basic-${'x'.repeat(150)}`,
    status: 'fail',
    severity: 'high',
    message: `edition is basic-${i}, expected ultimate`,
    location: { file: 'main.yaml', line: i + 1, column: 9 },
  };
  return {
    address: `tencentcloud_kms_service.r${String(i).padStart(5, '0')}`,
    type: 'tencentcloud_kms_service',
    status: 'drifted',
    checks: [check],
    error: null,
    request_ids: [],
    observed: {},
    location: { file: 'main.yaml', line: i + 1, column: 5 },
  };
}

function many(n: number): RunResult {
  const resources = Array.from({ length: n }, (_, i) => drifted(i));
  return { ...emptyResult, summary: { resources: n, compliant: 0, drifted: n, unknown: 0, waived: 0, exit_code: 2 }, resources };
}

/** Cells of the GFM table rows, split on pipes that are not escaped. */
function rowCells(line: string): string[] {
  return line.slice(1, -1).split(/(?<!\\)\|/);
}

describe('markdown reporter', () => {
  const md = renderMarkdown(sampleResult);

  it('matches the golden file', async () => {
    await expect(md).toMatchFileSnapshot('../../test/fixtures/results/golden/sample.md');
  });

  it('starts with the marker, a headline and the summary table', () => {
    expect(md.startsWith(`${MARKDOWN_MARKER}\n## driftwatch: drift found in 3 of 7 resources\n`)).toBe(true);
    expect(md).toContain('| Drifted | 3 |\n| Unknown | 1 |\n| Waived | 2 |\n| Compliant | 1 |\n| **Total** | **7** |');
  });

  it('shows drifted and unknown resources with expected vs actual, compliant ones collapsed', () => {
    const drift = md.indexOf('### Drifted (3)');
    const unknown = md.indexOf('### Unknown — could not be verified (1)');
    const compliant = md.indexOf('<details>\n<summary>Compliant (1)</summary>');
    expect(drift).toBeGreaterThan(0);
    expect(unknown).toBeGreaterThan(drift);
    expect(compliant).toBeGreaterThan(unknown);
    expect(md).toContain('| **fail** | `edition` | `ultimate` | `basic` | critical | `config/main.yaml:19:9` |');
    expect(md).toContain('#### `alicloud_kms_instance.main` — does not exist');
    expect(md).toContain('| **unknown** | `state` | `in ["pro_active","trial_active"]` | `(unknown)` | high |');
    expect(md).toContain('- `tencentcloud_kms_service.prod-gz` — 2 checks passed');
    expect(md.slice(compliant)).toContain('</details>');
  });

  it('lists waivers with their state, escaping table pipes', () => {
    expect(md).toContain('### Waivers (4)');
    const row = md.split('\n').find((l) => l.startsWith('| `alicloud_cas_private_ca.root` | `certificates_remaining` |'));
    expect(row).toBeDefined();
    expect(row).toContain("New CA is being rolled out (SEC-4411) \\| don't panic");
    expect(rowCells(row ?? '')).toHaveLength(6);
    expect(md).toContain('| **expired** |');
    expect(md).toContain('| **expiring** |');
    expect(md).toContain('| unused |');
  });

  it('never lets vendor text inject HTML or break a table row', () => {
    expect(md).not.toContain('<CAM>');
    expect(md).toContain('&lt;CAM&gt;');
    for (const line of md.split('\n').filter((l) => l.startsWith('| '))) expect(line.endsWith(' |')).toBe(true);
  });

  it('stays within the limit and says so when truncated, without cutting a block', () => {
    const big = many(2_000);
    const out = renderMarkdown(big);
    expect(out.length).toBeLessThanOrEqual(DEFAULT_MARKDOWN_MAX_LENGTH);
    expect(out).toMatch(
      /\*\*Report truncated\*\* to stay within 60,000 characters: \d+ of 2000 resources and 0 of 0 waivers are not shown\./,
    );
    const shown = (out.match(/^#### /gm) ?? []).length;
    expect(shown).toBeGreaterThan(10);
    expect(out).toContain(`${2000 - shown} of 2000 resources`);
    // Every table that was started was finished: a shown resource has its row.
    expect((out.match(/^\| \*\*fail\*\* /gm) ?? []).length).toBe(shown);
    const small = createMarkdownReporter({ maxLength: 5_000 }).render(big, { color: false });
    expect(small.length).toBeLessThanOrEqual(5_000);
    expect(small).toContain('**Report truncated** to stay within 5,000 characters');
  });

  it('does not add a truncation note when everything fits', () => {
    expect(md).not.toContain('truncated');
    expect(md.length).toBeLessThan(DEFAULT_MARKDOWN_MAX_LENGTH);
  });

  it('renders an empty run and is deterministic', () => {
    expect(renderMarkdown(emptyResult)).toContain('## driftwatch: no drift in 0 resources');
    expect(markdownReporter.render({ ...sampleResult, resources: [...sampleResult.resources].reverse() }, { color: false })).toBe(md);
  });
});
