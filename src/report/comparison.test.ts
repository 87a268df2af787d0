import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPARE_NOW, PROVIDERS, ok, sideFrom } from '../../test/helpers/compare-sides.js';
import { compare } from '../compare/compare.js';
import { parseRunResult } from '../engine/run-result-io.js';
import { parseInstant } from '../util/time.js';
import type { RunResult } from '../model/run-result.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarifLog } from './sarif.js';
import { renderText } from './text.js';

const BASE = `${PROVIDERS}resources:
  tencentcloud_kms_service:
    gz:
      provider: tencentcloud.intl
      expect:
        edition: ultimate
        expires_at: { not_within: 30d, severity: high }
`;
const HEAD = BASE.replace('not_within: 30d', 'not_within: 7d').replace(
  '        edition: ultimate\n',
  '        edition: ultimate\n        auto_renew: true\n',
);
const EXPIRES_LINE = HEAD.split('\n').findIndex((l) => l.includes('expires_at')) + 1;

let result: RunResult;
let unchanged: RunResult;
let transition: RunResult;

beforeAll(async () => {
  const observations = [ok('tencentcloud_kms_service.gz', { edition: 'ultimate', auto_renew: false, expires_at: '2026-12-20T00:00:00Z' })];
  const base = await sideFrom({ 'main.yaml': BASE });
  result = compare({
    base,
    head: await sideFrom({ 'main.yaml': HEAD }),
    baseLabel: 'ref:origin/main',
    observations,
    now: COMPARE_NOW,
    toolVersion: '0.0.0-test',
  });
  const relaxedOnly = await sideFrom({ 'main.yaml': BASE.replace('not_within: 30d', 'not_within: 7d') });
  transition = compare({ base, head: relaxedOnly, baseLabel: 'base/', observations, now: COMPARE_NOW, toolVersion: '0.0.0-test' });
  unchanged = compare({ base, head: base, baseLabel: 'ref:origin/main', observations, now: COMPARE_NOW, toolVersion: '0.0.0-test' });
});

describe('comparison in every report format', () => {
  it('markdown: a "this change weakens N controls" section with the located weakening, then the summaries', () => {
    const md = renderMarkdown(result);
    expect(md).toContain('### Change impact (compared with `ref:origin/main`)');
    expect(md).toContain('#### This change weakens 1 control\n');
    expect(md).toContain(
      `| \`main.yaml:${EXPIRES_LINE}:9\` | expectation changed | tencentcloud\\_kms\\_service.gz expects expires\\_at: not\\_within: 30d → not\\_within: 7d: accepts values it used to reject (relaxed) |`,
    );
    expect(md).toContain('| Before | 0 | 1 | 0 | 0 | 2 |\n| After | 0 | 1 | 0 | 0 | 2 |');
    expect(md).toContain('<summary>Tightening and neutral changes (1)</summary>');
    // The impact comes before the resource details.
    expect(md.indexOf('Change impact')).toBeLessThan(md.indexOf('### Drifted'));
    expect(renderMarkdown(unchanged)).toContain('**This change weakens no control.**');
  });

  it('github: an error annotation at the changed line, and a warning verdict', () => {
    const lines = renderGithub(result).trimEnd().split('\n');
    expect(lines).toContain(
      `::error file=main.yaml,line=${EXPIRES_LINE},col=9,title=weakens a control%3A expectation changed tencentcloud_kms_service.gz expires_at::` +
        'tencentcloud_kms_service.gz expects expires_at: not_within: 30d → not_within: 7d: accepts values it used to reject (relaxed)',
    );
    expect(lines).toContain(
      '::warning title=driftwatch%3A compared with ref%3Aorigin/main::This change weakens 1 control. 0 resource(s) change verdict.',
    );
    expect(renderGithub(unchanged)).toContain(
      '::notice title=driftwatch%3A compared with ref%3Aorigin/main::This change weakens no control.',
    );
  });

  it('sarif: a control-weakened result located at the changed line', () => {
    const log = renderSarifLog(result) as {
      runs: {
        results: {
          ruleId: string;
          level: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }[];
        tool: { driver: { rules: { id: string }[] } };
      }[];
    };
    const run = log.runs[0];
    const weakened = run?.results.filter((r) => r.ruleId === 'driftwatch/control-weakened') ?? [];
    expect(weakened).toHaveLength(1);
    expect(weakened[0]?.level).toBe('error');
    expect(weakened[0]?.locations[0]?.physicalLocation).toMatchObject({
      artifactLocation: { uri: 'main.yaml' },
      region: { startLine: EXPIRES_LINE },
    });
    expect(run?.tool.driver.rules.map((r) => r.id)).toContain('driftwatch/control-weakened');
    expect(JSON.stringify(renderSarifLog(unchanged))).not.toContain('control-weakened');
  });

  it('text: transitions, before/after and the weakening with its location', () => {
    const text = renderText(result, { color: false });
    expect(text).toContain('Compared with ref:origin/main:');
    expect(text).toContain(
      '  No resource changes verdict.\n  Before: 0 compliant, 1 drifted, 0 unknown, 0 waived (exit 2)\n  After:  0 compliant, 1 drifted, 0 unknown, 0 waived (exit 2)',
    );
    expect(text).toContain('This change weakens 1 control.');
    expect(text).toContain(
      `  ! main.yaml:${EXPIRES_LINE}:9: tencentcloud_kms_service.gz expects expires_at: not_within: 30d → not_within: 7d`,
    );
    expect(text).toContain('Tightens (1):\n  + main.yaml:');
    // The verdict and summary stay the last lines.
    expect(text.trimEnd().split('\n').at(-1)).toBe('Check: 0 compliant, 1 drifted, 0 unknown, 0 waived.');
  });

  it('json: validates against the run-result schema and re-renders byte-identically', () => {
    const json = renderJson(result);
    const schema = JSON.parse(readFileSync(new URL('../../schemas/run-result.schema.json', import.meta.url), 'utf8')) as Record<
      string,
      unknown
    >;
    const validate = new Ajv({
      allErrors: true,
      strict: true,
      strictTypes: false,
      formats: { 'date-time': (s: string) => parseInstant(s) !== undefined },
    }).compile(schema);
    const parsed = JSON.parse(json) as { comparison: { weakenings: number; changes: { location: unknown }[] } };
    expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
    expect(parsed.comparison.weakenings).toBe(1);
    expect(parsed.comparison.changes[0]?.location).toEqual({ file: 'main.yaml', line: EXPIRES_LINE, column: 9 });
    const reread = parseRunResult(json, 'result.json');
    expect(renderJson(reread)).toBe(json);
    expect(renderMarkdown(reread)).toBe(renderMarkdown(result));
  });

  it('verdict transitions in text and markdown', () => {
    expect(renderText(transition, { color: false })).toContain(
      'Compared with base/:\n  ~ tencentcloud_kms_service.gz: drifted -> compliant\n',
    );
    expect(renderMarkdown(transition)).toContain(
      '#### Verdict changes (1)\n\n| Resource | Before | After |\n| --- | --- | --- |\n| `tencentcloud_kms_service.gz` | drifted | compliant |\n',
    );
    expect(renderGithub(transition)).toContain('This change weakens 1 control. 1 resource(s) change verdict.');
  });

  it('a run without --compare renders exactly as before (no comparison anywhere)', () => {
    const { comparison: _omit, ...plain } = result;
    expect(renderJson(plain)).not.toContain('"comparison"');
    expect(renderText(plain, { color: false })).not.toContain('Compared with');
    expect(renderGithub(plain)).not.toContain('weakens');
  });
});
