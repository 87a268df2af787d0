import { describe, expect, it } from 'vitest';
import { sampleResult } from '../../test/fixtures/results/sample-result.js';
import type { CheckResult, RunResult } from '../model/run-result.js';
import { diffResults } from '../history/index.js';
import { REPORTERS } from './index.js';

/**
 * Every format carries what the history says (README "Nightly runs"): the sample result compared
 * with a previous run in which one of its drifts already failed and one check that passes now failed.
 */

function withStatus(result: RunResult, address: string, rule: string, status: CheckResult['status']): RunResult {
  return {
    ...result,
    resources: result.resources.map((r) =>
      r.address !== address ? r : { ...r, checks: r.checks.map((c) => (c.rule === rule ? { ...c, status } : c)) },
    ),
  };
}

const failing = sampleResult.resources.flatMap((r) =>
  r.checks.filter((c) => c.status === 'fail').map((c) => ({ address: r.address, rule: c.rule })),
);
const passing = sampleResult.resources.flatMap((r) =>
  r.checks.filter((c) => c.status === 'pass').map((c) => ({ address: r.address, rule: c.rule })),
)[0] as { address: string; rule: string };

// The previous run: only `persisting` failed among today's failures, and `passing` failed then.
let previous: RunResult = { ...sampleResult, as_of: '2026-11-21T03:00:00Z' };
for (const f of failing.slice(1)) previous = withStatus(previous, f.address, f.rule, 'pass');
previous = withStatus(previous, passing.address, passing.rule, 'fail');
const annotated = diffResults(previous, sampleResult);
const render = (format: 'text' | 'junit' | 'sarif' | 'markdown' | 'json'): string => REPORTERS[format].render(annotated, { color: false });

describe('history in every format', () => {
  it('annotates the sample as expected', () => {
    expect(annotated.resolved?.map((f) => [f.address, f.rule])).toEqual([[passing.address, passing.rule]]);
    expect(annotated.history).toMatchObject({ previous_as_of: '2026-11-21T03:00:00Z', persisting: 2 });
  });

  it('text marks new drift, dates persisting drift and lists what was resolved', () => {
    const text = render('text');
    expect(text).toContain('History: ');
    expect(text).toContain('new since the last run');
    expect(text).toContain('open since 2026-11-21');
    expect(text).toContain('Resolved since the last run (1):');
    expect(text).toContain(`${passing.address} ${passing.rule}`);
  });

  it('JUnit puts change and first-seen in testcase properties', () => {
    const xml = render('junit');
    expect(xml).toContain('<property name="change" value="new"/>');
    expect(xml).toContain('<property name="change" value="persisting"/>');
    expect(xml).toContain('<property name="first_seen" value="2026-11-21T03:00:00Z"/>');
  });

  it('SARIF sets baselineState new, unchanged and absent', () => {
    const log = JSON.parse(render('sarif')) as {
      runs: {
        results: { baselineState?: string; kind?: string; suppressions?: unknown; properties: { status: string; severity?: string } }[];
      }[];
    };
    // Every unsuppressed finding of a check says whether it is new (a resource without checks has no fingerprint).
    const findings =
      log.runs[0]?.results.filter(
        (r) => r.suppressions === undefined && r.properties.severity !== undefined && r.properties.status !== 'pass',
      ) ?? [];
    expect(findings.length).toBeGreaterThan(2);
    for (const r of findings) expect(['new', 'unchanged']).toContain(r.baselineState);
    const states = new Set(log.runs[0]?.results.map((r) => r.baselineState).filter((s) => s !== undefined));
    expect(states).toEqual(new Set(['new', 'unchanged', 'absent']));
    expect(log.runs[0]?.results.filter((r) => r.baselineState === 'absent').every((r) => r.kind === 'pass')).toBe(true);
  });

  it('Markdown has "New since last run" and "Resolved since last run"', () => {
    const md = render('markdown');
    expect(md).toContain('### New since last run (');
    expect(md).toContain('### Resolved since last run (1)');
    expect(md).toContain(' · new |');
  });

  it('JSON carries the fields and re-renders byte for byte', () => {
    const json = JSON.parse(render('json')) as RunResult;
    expect(json.history).toEqual(annotated.history);
    expect(json.resolved).toEqual(annotated.resolved);
    expect(json.resources.flatMap((r) => r.checks).filter((c) => c.change !== undefined).length).toBeGreaterThan(1);
  });
});
