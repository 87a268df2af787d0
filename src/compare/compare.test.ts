import { describe, expect, it } from 'vitest';
import { COMPARE_NOW, PROVIDERS, absent, ok, sideFrom } from '../../test/helpers/compare-sides.js';
import type { Observation } from '../model/observation.js';
import type { RunResult } from '../model/run-result.js';
import { compare } from './compare.js';

function resource(name: string, expect: string): string {
  return `    ${name}:\n      provider: alicloud.prod\n      instance_id: kst-${name}\n      expect:\n${expect
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n')}\n`;
}

function config(resources: string, waivers = ''): string {
  return `${PROVIDERS}resources:\n  alicloud_kms_instance:\n${resources}${waivers ? `waivers:\n${waivers}` : ''}`;
}

const WAIVE_A =
  '  - resource: alicloud_kms_instance.a\n    rule: status\n    reason: migration\n    owner: sec@example.com\n    expires: 2027-01-31\n';

const OBSERVATIONS: readonly Observation[] = [
  ok('alicloud_kms_instance.a', { status: 'Disconnected', key_quota: 1000 }),
  ok('alicloud_kms_instance.b', { status: 'Connected', key_quota: 1000 }),
  ok('alicloud_kms_instance.c', { status: 'Connected' }),
  ok('alicloud_kms_instance.d', { status: 'Connected', key_quota: 1000 }),
  absent('alicloud_kms_instance.gone'),
];

async function run(base: string, head: string, observations: readonly Observation[] = OBSERVATIONS): Promise<RunResult> {
  return compare({
    base: await sideFrom({ 'main.yaml': base }),
    head: await sideFrom({ 'main.yaml': head }),
    baseLabel: 'ref:main',
    observations,
    now: COMPARE_NOW,
    toolVersion: '0.0.0-test',
  });
}

describe('compare: verdicts before and after on the same observations', () => {
  it('reports each verdict transition, added and removed resources, and both summaries', async () => {
    const base = config(
      resource('a', 'status: Connected') + // drifted → waived (a waiver is added)
        resource('b', 'status: Connected') + // compliant → drifted (head expects a bigger quota)
        resource('c', 'key_quota: { at_least: 10 }') + // unknown (not reported) → compliant (head checks status)
        resource('d', 'status: Disconnected') + // drifted → compliant (head fixes the expectation)
        resource('old', 'status: Connected'), // removed (not in the snapshot: not proven gone)
    );
    const head = config(
      resource('a', 'status: Connected') +
        resource('b', 'status: Connected\nkey_quota: { at_least: 5000 }') +
        resource('c', 'status: Connected') +
        resource('d', 'status: Connected') +
        resource('gone', 'status: Connected'), // added, and absent: drifted
      WAIVE_A,
    );
    const result = await run(base, head);
    const c = result.comparison;
    expect(c?.base).toBe('ref:main');
    expect(c?.transitions).toEqual([
      { address: 'alicloud_kms_instance.a', before: 'drifted', after: 'waived' },
      { address: 'alicloud_kms_instance.b', before: 'compliant', after: 'drifted' },
      { address: 'alicloud_kms_instance.c', before: 'unknown', after: 'compliant' },
      { address: 'alicloud_kms_instance.d', before: 'drifted', after: 'compliant' },
      { address: 'alicloud_kms_instance.gone', before: null, after: 'drifted' },
      { address: 'alicloud_kms_instance.old', before: 'unknown', after: null },
    ]);
    expect(c?.added).toEqual(['alicloud_kms_instance.gone']);
    expect(c?.removed).toEqual(['alicloud_kms_instance.old']);
    expect(c?.summary.before).toMatchObject({ resources: 5, compliant: 1, drifted: 2, unknown: 2, waived: 0, exit_code: 2 });
    expect(c?.summary.after).toMatchObject({ resources: 5, compliant: 2, drifted: 2, unknown: 0, waived: 1, exit_code: 2 });
    // The run result is head's: its verdicts, summary and exit code are what `check` reports.
    expect(result.summary).toEqual(c?.summary.after);
    expect(result.resources.map((r) => r.address)).not.toContain('alicloud_kms_instance.old');
    // c lost its quota check, d's expected status changed, a waiver was added, and `old` was
    // removed without the snapshot proving it gone: four weakenings.
    expect(c?.weakenings).toBe(4);
    expect(c?.changes.filter((x) => x.effect === 'weakens').map((x) => [x.kind, x.resource, x.rule])).toEqual([
      ['expectation_removed', 'alicloud_kms_instance.c', 'key_quota'],
      ['resource_removed', 'alicloud_kms_instance.old', undefined],
      ['expectation_changed', 'alicloud_kms_instance.d', 'status'],
      ['waiver_added', 'alicloud_kms_instance.a', 'status'],
    ]);
  });

  it('compliant → unknown when head checks what the snapshot does not report', async () => {
    const result = await run(
      config(resource('c', 'status: Connected')),
      config(resource('c', 'status: Connected\nkey_quota: { at_least: 1 }')),
    );
    expect(result.comparison?.transitions).toEqual([{ address: 'alicloud_kms_instance.c', before: 'compliant', after: 'unknown' }]);
    expect(result.summary.exit_code).toBe(3);
    expect(result.comparison?.summary.before.exit_code).toBe(0);
  });

  it('no verdict changes: an empty transition list, and the comparison still lists the control changes', async () => {
    const result = await run(config(resource('b', 'key_quota: { at_least: 100 }')), config(resource('b', 'key_quota: { at_least: 10 }')));
    expect(result.comparison?.transitions).toEqual([]);
    expect(result.comparison?.weakenings).toBe(1);
  });

  it('both sides run their own policy packs', async () => {
    const pack = (severity: string): string =>
      `version: 1\nrules:\n  - id: kms.connected\n    title: Connected\n    severity: ${severity}\n    resource_type: alicloud_kms_instance\n    assert:\n      status: { equals: Connected }\n    remediation: Fix.\n`;
    const withPack = `${PROVIDERS.replace('version: 1\n', 'version: 1\npolicies: [./policies/team.yaml]\n')}resources:\n  alicloud_kms_instance:\n${resource('a', 'key_quota: { at_least: 1 }')}`;
    const base = await sideFrom({ 'main.yaml': withPack, 'policies/team.yaml': pack('high') });
    const head = await sideFrom({ 'main.yaml': withPack.replace('policies: [./policies/team.yaml]\n', '') });
    const result = compare({ base, head, baseLabel: 'base', observations: OBSERVATIONS, now: COMPARE_NOW, toolVersion: '0.0.0-test' });
    expect(result.comparison?.transitions).toEqual([{ address: 'alicloud_kms_instance.a', before: 'drifted', after: 'compliant' }]);
    expect(result.comparison?.changes.map((c) => [c.effect, c.kind])).toEqual([['weakens', 'policy_pack_removed']]);
  });
});
