import { describe, expect, it } from 'vitest';
import { emptyResult, sampleResult } from '../../test/fixtures/results/sample-result.js';
import { builders, observation, scenarioObservations, scenarioState, SCENARIO_NOW } from '../../test/fixtures/results/scenario.js';
import { evaluate } from '../engine/evaluate.js';
import type { RunResult } from '../model/run-result.js';
import { REPORTERS } from './index.js';
import { renderText } from './text.js';

const scenario = evaluate({ state: scenarioState, observations: scenarioObservations, now: SCENARIO_NOW, toolVersion: '0.1.0' });
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const ESC = '\u001b';

function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines[lines.length - 1] ?? '';
}

describe('text report', () => {
  it('renders the scenario (no color)', () => {
    expect(renderText(scenario, { color: false })).toMatchSnapshot();
  });

  it('renders the scenario (color)', () => {
    const colored = renderText(scenario, { color: true });
    expect(colored).toMatchSnapshot();
    expect(colored).toMatch(ANSI);
    // Color changes only the styling, never the words.
    expect(colored.replace(ANSI, '')).toBe(renderText(scenario, { color: false }));
  });

  it('renders the hand-built sample with escaped vendor text (verbose)', () => {
    expect(renderText(sampleResult, { color: false, verbose: true })).toMatchSnapshot();
  });

  it('never emits color when color is off', () => {
    for (const r of [scenario, sampleResult, emptyResult]) expect(renderText(r, { color: false })).not.toContain(ESC);
  });

  it('ends with the exact summary line', () => {
    expect(lastLine(renderText(scenario, { color: true }))).toBe('Check: 1 compliant, 3 drifted, 3 unknown, 2 waived.');
    expect(lastLine(renderText(emptyResult, { color: false }))).toBe('Check: 0 compliant, 0 drifted, 0 unknown, 0 waived.');
    expect(renderText(scenario, { color: false }).endsWith('waived.\n')).toBe(true);
  });

  it('shows drift as terraform-style ~ lines, expected -> actual, and counts unchanged checks', () => {
    const text = renderText(scenario, { color: false });
    expect(text).toContain('# tencentcloud_kms_service.prod-sh has drifted\n  ~ edition             = "ultimate" -> "basic"');
    expect(text).toContain('~ expires_at          = not within 30d -> "2026-12-05T00:00:00Z"');
    expect(text).toContain('    1 check unchanged');
    expect(text).toContain('# alicloud_kms_instance.main does not exist');
    expect(text).not.toContain('prod-gz');
  });

  it('explains unverifiable resources with code, request id and hint', () => {
    const text = renderText(scenario, { color: false });
    expect(text).toContain(
      '# tencentcloud_tcss_subscription.default could not be verified\n  ! AuthFailure.UnauthorizedOperation: CAM denied tcss:DescribePurchaseStateInfo (request req-tcss-0009)\n    hint: Grant QcloudTCSSReadOnlyAccess to the credentials.',
    );
    expect(text).toContain("? status: unknown value 'Migrating' reported for status");
  });

  it('lists waived checks with owner and expiry and flags expired, expiring and unused waivers', () => {
    const text = renderText(scenario, { color: false });
    expect(text).toContain('waived until 2027-01-31 by pki-team@example.com');
    expect(text).toMatch(/! waiver for alicloud_cas_private_ca\.sub certificates_remaining .* expired 2026-11-01/);
    expect(text).toMatch(/! waiver for alicloud_kms_instance\.backup \* .* expires soon: 2026-11-30/);
    expect(text).toMatch(/! waiver for tencentcloud_kms_service\.old edition .* matches no failing check/);
  });

  it('diffs structured values line by line', () => {
    const b = builders();
    const r = b.resource('alicloud_kms_instance', 'tags', [b.expectation('raw.Echo.tags', 'equals', ['pci', 'prod', 'eu'])]);
    const result = evaluate({
      state: { files: [], providers: [], policies: [], waivers: [], resources: [r] },
      observations: [observation(r.address, 'ok', { tags: ['pci', 'staging', 'eu'] })],
      now: SCENARIO_NOW,
      toolVersion: '0.1.0',
    });
    expect(renderText(result, { color: false })).toContain(
      [
        '  ~ raw.Echo.tags = # medium, examples/main.yaml:1:9',
        '        [',
        '          "pci",',
        '      -   "prod",',
        '      +   "staging",',
        '          "eu"',
        '        ]',
      ].join('\n'),
    );
  });

  it('keeps vendor text from repainting the terminal or breaking the layout', () => {
    const hostile: RunResult = {
      ...sampleResult,
      resources: sampleResult.resources.map((r) =>
        r.error ? { ...r, error: { ...r.error, message: 'denied\u001b[2J\u001b[31m\r\nsecond line' } } : r,
      ),
    };
    const text = renderText(hostile, { color: false });
    expect(text).not.toContain(ESC);
    expect(text).toContain('denied[2J[31m\n    second line');
  });

  describe('never reads as "in sync" while anything is unknown', () => {
    const FORBIDDEN = /in sync|no changes|up[- ]to[- ]date|all (resources )?(are )?compliant|matches the desired state/i;
    const b = builders();
    const r = b.resource('alicloud_kms_instance', 'a', [b.expectation('status', 'equals', 'Connected')]);
    const only = (observations: Parameters<typeof evaluate>[0]['observations']): RunResult =>
      evaluate({
        state: { files: [], providers: [], policies: [], waivers: [], resources: [r] },
        observations,
        now: SCENARIO_NOW,
        toolVersion: '0.1.0',
      });

    it.each([
      ['no observation', only([])],
      [
        'an API error',
        only([
          observation(
            r.address,
            'error',
            {},
            { kind: 'timeout', code: 'DW_TIMEOUT', message: 'timed out', request_id: null, retryable: true },
          ),
        ]),
      ],
      ['a null field', only([observation(r.address, 'ok', { status: null })])],
      ['an unknown enum value', only([observation(r.address, 'ok', { status: 'Frozen' })])],
      ['the scenario', scenario],
    ])('%s', (_name, result) => {
      expect(result.summary.unknown).toBeGreaterThan(0);
      for (const options of [{ color: false }, { color: true }, { color: false, verbose: true }]) {
        const text = renderText(result, options);
        expect(text).not.toMatch(FORBIDDEN);
        expect(text).toContain('could not be verified');
      }
    });

    it('says so when everything was verified', () => {
      const text = renderText(only([observation(r.address, 'ok', { status: 'Connected' })]), { color: false });
      expect(text).toContain('All 1 resource verified');
      expect(lastLine(text)).toBe('Check: 1 compliant, 0 drifted, 0 unknown, 0 waived.');
    });
  });

  it('is registered under its name and is pure', () => {
    expect(REPORTERS.text.name).toBe('text');
    expect(REPORTERS.text.render(scenario, { color: false })).toBe(renderText(scenario, { color: false }));
    expect(renderText(scenario, { color: false })).toBe(renderText(scenario, { color: false }));
  });
});
