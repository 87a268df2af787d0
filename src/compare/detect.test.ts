import { describe, expect, it } from 'vitest';
import { COMPARE_NOW, absent, ok, sideFrom } from '../../test/helpers/compare-sides.js';
import type { ControlChange } from '../model/comparison.js';
import type { Observation } from '../model/observation.js';
import { detectChanges } from './detect.js';

const MAIN = `version: 1
policies: [./policies/team.yaml]
providers:
  tencentcloud:
    intl: { region: ap-guangzhou, site: intl, credentials: env }
  alicloud:
    prod: { region: cn-hangzhou }
resources:
  tencentcloud_kms_service:
    gz:
      provider: tencentcloud.intl
      labels: { env: prod }
      expect:
        edition: ultimate
        auto_renew: { equals: true, severity: high }
        expires_at: { not_within: 30d, severity: high }
        cmk_remaining: { at_least: 100 }
  alicloud_cas_private_ca:
    root:
      provider: alicloud.prod
      instance_id: cas-1
      expect:
        status: USED
waivers:
  - resource: tencentcloud_kms_service.gz
    rule: cmk_remaining
    reason: rollout
    owner: pki@example.com
    expires: 2027-01-31
`;

const TEAM = `version: 1
rules:
  - id: kms.ultimate
    title: KMS is Ultimate
    severity: high
    resource_type: tencentcloud_kms_service
    where: { labels: { env: [prod, staging] } }
    assert:
      edition: { equals: ultimate }
    remediation: Upgrade.
  - id: kms.renew
    title: KMS renews
    severity: medium
    resource_type: tencentcloud_kms_service
    assert:
      auto_renew: { equals: true }
      cmk_remaining: { at_least: 5 }
    remediation: Turn on.
`;

const SNAPSHOT: readonly Observation[] = [
  ok('tencentcloud_kms_service.gz', { edition: 'ultimate', auto_renew: true, expires_at: '2027-06-30T00:00:00Z', cmk_remaining: 50 }),
  ok('alicloud_cas_private_ca.root', { status: 'USED' }),
];

type Edit = readonly [string, string];

function apply(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const [from, to] of edits) {
    if (!out.includes(from)) throw new Error(`fixture has no ${JSON.stringify(from)}`);
    out = out.replace(from, to);
  }
  return out;
}

async function changes(
  main: readonly Edit[],
  team: readonly Edit[] = [],
  observations: readonly Observation[] = SNAPSHOT,
): Promise<ControlChange[]> {
  const base = await sideFrom({ 'main.yaml': MAIN, 'policies/team.yaml': TEAM });
  const head = await sideFrom({ 'main.yaml': apply(MAIN, main), 'policies/team.yaml': apply(TEAM, team) });
  return detectChanges(base, head, observations, COMPARE_NOW);
}

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`no ${needle}`);
  return index + 1;
}

function only(list: readonly ControlChange[]): ControlChange {
  expect(list, JSON.stringify(list, null, 2)).toHaveLength(1);
  return list[0] as ControlChange;
}

describe('weakening detector', () => {
  it('reports nothing when nothing changed', async () => {
    expect(await changes([])).toEqual([]);
  });

  it('a relaxed threshold (at_least 100 → 10) weakens, located at the head line', async () => {
    const c = only(await changes([['cmk_remaining: { at_least: 100 }', 'cmk_remaining: { at_least: 10 }']]));
    expect(c).toMatchObject({
      effect: 'weakens',
      kind: 'expectation_changed',
      resource: 'tencentcloud_kms_service.gz',
      rule: 'cmk_remaining',
      before: { at_least: 100 },
      after: { at_least: 10 },
    });
    expect(c.location).toEqual({ file: 'main.yaml', line: lineOf(MAIN, 'cmk_remaining'), column: 9 });
    expect(c.base_location?.line).toBe(lineOf(MAIN, 'cmk_remaining'));
  });

  it('a raised threshold tightens', async () => {
    expect(only(await changes([['at_least: 100', 'at_least: 500']]))).toMatchObject({ effect: 'tightens', kind: 'expectation_changed' });
  });

  it('not_within 30d → 7d weakens; 2w ↔ 14d is neutral', async () => {
    expect(only(await changes([['not_within: 30d', 'not_within: 7d']]))).toMatchObject({
      effect: 'weakens',
      before: { not_within: '30d' },
      after: { not_within: '7d' },
    });
    const base = await sideFrom({ 'main.yaml': apply(MAIN, [['not_within: 30d', 'not_within: 2w']]), 'policies/team.yaml': TEAM });
    const head = await sideFrom({ 'main.yaml': apply(MAIN, [['not_within: 30d', 'not_within: 14d']]), 'policies/team.yaml': TEAM });
    expect(only(detectChanges(base, head, SNAPSHOT, COMPARE_NOW))).toMatchObject({ effect: 'neutral', kind: 'expectation_changed' });
  });

  it('`in` gaining a value weakens', async () => {
    expect(only(await changes([['edition: ultimate', 'edition: { in: [ultimate, basic] }']]))).toMatchObject({
      effect: 'weakens',
      after: { in: ['ultimate', 'basic'] },
    });
  });

  it('removing an equals check weakens, at the resource in head and the check in base', async () => {
    const c = only(await changes([['        edition: ultimate\n', '']]));
    expect(c).toMatchObject({
      effect: 'weakens',
      kind: 'expectation_removed',
      rule: 'edition',
      before: { equals: 'ultimate' },
      after: null,
    });
    expect(c.location?.line).toBe(lineOf(MAIN, '    gz:'));
    expect(c.base_location?.line).toBe(lineOf(MAIN, 'edition: ultimate'));
  });

  it('adding a check tightens', async () => {
    expect(
      only(await changes([['        status: USED\n', '        status: USED\n        certificates_remaining: { at_least: 10 }\n']])),
    ).toMatchObject({
      effect: 'tightens',
      kind: 'expectation_added',
      rule: 'certificates_remaining',
    });
  });

  it('severity lowered weakens, raised tightens', async () => {
    expect(only(await changes([['{ equals: true, severity: high }', '{ equals: true, severity: low }']]))).toMatchObject({
      effect: 'weakens',
      kind: 'severity_changed',
      before: 'high',
      after: 'low',
    });
    expect(only(await changes([['{ equals: true, severity: high }', '{ equals: true, severity: critical }']]))).toMatchObject({
      effect: 'tightens',
      kind: 'severity_changed',
    });
  });

  it('a change that is neither: a description, or a check moved to a different attribute', async () => {
    expect(await changes([['{ equals: true, severity: high }', '{ equals: true, severity: high, description: must renew }']])).toEqual([]);
    const moved = await changes([['        status: USED\n', '        ca_type: ROOT\n']]);
    expect(moved.map((c) => [c.effect, c.kind, c.rule])).toEqual([
      ['weakens', 'expectation_removed', 'status'],
      ['tightens', 'expectation_added', 'ca_type'],
    ]);
  });

  const REMOVE_CA = [
    '  alicloud_cas_private_ca:\n    root:\n      provider: alicloud.prod\n      instance_id: cas-1\n      expect:\n        status: USED\n',
    '',
  ] as const;

  it('removing a resource that still exists in the snapshot weakens, located in base', async () => {
    const c = only(await changes([REMOVE_CA]));
    expect(c).toMatchObject({ effect: 'weakens', kind: 'resource_removed', resource: 'alicloud_cas_private_ca.root' });
    expect(c.location).toBeUndefined();
    expect(c.base_location).toEqual({ file: 'main.yaml', line: lineOf(MAIN, '    root:'), column: 5 });
  });

  it('removing a resource the snapshot shows gone is neutral; one it does not show gone weakens (fail closed)', async () => {
    const gone = [SNAPSHOT[0] as Observation, absent('alicloud_cas_private_ca.root')];
    expect(only(await changes([REMOVE_CA], [], gone))).toMatchObject({ effect: 'neutral', kind: 'resource_removed' });
    const unseen = only(await changes([REMOVE_CA], [], [SNAPSHOT[0] as Observation]));
    expect(unseen).toMatchObject({ effect: 'weakens', kind: 'resource_removed' });
    expect(unseen.message).toContain('the snapshot does not show it gone');
  });

  it('adding a resource tightens', async () => {
    const c = only(
      await changes([
        [
          'waivers:\n',
          '  alicloud_kms_instance:\n    main:\n      provider: alicloud.prod\n      instance_id: kst-1\n      expect:\n        status: Connected\nwaivers:\n',
        ],
      ]),
    );
    expect(c).toMatchObject({ effect: 'tightens', kind: 'resource_added', resource: 'alicloud_kms_instance.main' });
  });

  it('dropping a policy pack weakens, located at the base policies entry', async () => {
    const c = only(await changes([['policies: [./policies/team.yaml]\n', '']]));
    expect(c).toMatchObject({ effect: 'weakens', kind: 'policy_pack_removed', before: './policies/team.yaml' });
    expect(c.message).toContain('kms.ultimate, kms.renew');
    expect(c.base_location?.line).toBe(2);
  });

  it('removing a policy rule weakens; adding one tightens', async () => {
    const renew = TEAM.slice(TEAM.indexOf('  - id: kms.renew'));
    expect(only(await changes([], [[renew, '']]))).toMatchObject({ effect: 'weakens', kind: 'rule_removed', rule: 'kms.renew' });
    const extra = renew.replace('kms.renew', 'kms.extra');
    expect(only(await changes([], [[renew, `${renew}${extra}`]]))).toMatchObject({
      effect: 'tightens',
      kind: 'rule_added',
      rule: 'kms.extra',
    });
  });

  it('a narrowed where weakens and names the resource it no longer covers; a widened one tightens', async () => {
    const narrowed = only(await changes([], [['env: [prod, staging]', 'env: [staging]']]));
    expect(narrowed).toMatchObject({ effect: 'weakens', kind: 'rule_where_changed', rule: 'kms.ultimate' });
    expect(narrowed.message).toContain('no longer applies to tencentcloud_kms_service.gz');
    expect(narrowed.location).toEqual({ file: 'policies/team.yaml', line: lineOf(TEAM, 'id: kms.ultimate'), column: 9 });
    expect(only(await changes([], [['env: [prod, staging]', 'env: [prod, staging, dev]']]))).toMatchObject({
      effect: 'tightens',
      kind: 'rule_where_changed',
    });
    expect(only(await changes([], [['    where: { labels: { env: [prod, staging] } }\n', '']]))).toMatchObject({
      effect: 'tightens',
      kind: 'rule_where_changed',
    });
  });

  it('a narrowed where weakens even when no configured resource is affected yet', async () => {
    expect(only(await changes([], [['env: [prod, staging]', 'env: [prod]']]))).toMatchObject({
      effect: 'weakens',
      kind: 'rule_where_changed',
    });
  });

  it('a label change that takes a resource out of a rule weakens', async () => {
    expect(only(await changes([['labels: { env: prod }', 'labels: { env: dev }']]))).toMatchObject({
      effect: 'weakens',
      kind: 'rule_no_longer_applies',
      resource: 'tencentcloud_kms_service.gz',
      rule: 'kms.ultimate',
    });
  });

  it('policy rule: severity lowered, assertion relaxed, assertion removed, precondition added', async () => {
    expect(only(await changes([], [['severity: high', 'severity: low']]))).toMatchObject({
      effect: 'weakens',
      kind: 'severity_changed',
      rule: 'kms.ultimate',
    });
    expect(only(await changes([], [['cmk_remaining: { at_least: 5 }', 'cmk_remaining: { at_least: 1 }']]))).toMatchObject({
      effect: 'weakens',
      kind: 'assertion_changed',
      rule: 'kms.renew',
    });
    expect(only(await changes([], [['      cmk_remaining: { at_least: 5 }\n', '']]))).toMatchObject({
      effect: 'weakens',
      kind: 'assertion_removed',
      rule: 'kms.renew',
    });
    const when = only(
      await changes(
        [],
        [['    assert:\n      auto_renew', '    when:\n      edition: { equals: ultimate }\n    assert:\n      auto_renew']],
      ),
    );
    expect(when).toMatchObject({ effect: 'weakens', kind: 'precondition_added', rule: 'kms.renew' });
  });

  it('waivers: added or extended weakens; shortened or removed tightens; a new reason is neutral', async () => {
    const WAIVER =
      '  - resource: tencentcloud_kms_service.gz\n    rule: cmk_remaining\n    reason: rollout\n    owner: pki@example.com\n    expires: 2027-01-31\n';
    const extended = only(await changes([['expires: 2027-01-31', 'expires: 2027-06-30']]));
    expect(extended).toMatchObject({ effect: 'weakens', kind: 'waiver_expiry_changed', before: '2027-01-31', after: '2027-06-30' });
    expect(extended.location?.line).toBe(lineOf(MAIN, '- resource: tencentcloud_kms_service.gz'));
    expect(only(await changes([['expires: 2027-01-31', 'expires: 2026-12-24']]))).toMatchObject({
      effect: 'tightens',
      kind: 'waiver_expiry_changed',
    });
    expect(only(await changes([['reason: rollout', 'reason: rollout (SEC-1)']]))).toMatchObject({
      effect: 'neutral',
      kind: 'waiver_details_changed',
    });
    const added = only(await changes([[WAIVER, `${WAIVER}${WAIVER.replace('cmk_remaining', 'edition')}`]]));
    expect(added).toMatchObject({ effect: 'weakens', kind: 'waiver_added', resource: 'tencentcloud_kms_service.gz', rule: 'edition' });
    expect(only(await changes([[`waivers:\n${WAIVER}`, '']]))).toMatchObject({ effect: 'tightens', kind: 'waiver_removed' });
  });

  it('lists weakenings first', async () => {
    const list = await changes([
      ['at_least: 100', 'at_least: 500'],
      ['not_within: 30d', 'not_within: 7d'],
    ]);
    expect(list.map((c) => c.effect)).toEqual(['weakens', 'tightens']);
  });
});
