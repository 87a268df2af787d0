import { describe, expect, it } from 'vitest';
import type { Waiver } from '../model/desired-state.js';
import type { CheckResult, WaiverReport } from '../model/run-result.js';
import { createWaiverApplier, waiverTimeState } from './waivers.js';
import type { ResourceChecks } from './waivers.js';

/** The waivers applied to every resource of a run, then every waiver's state (as evaluate does). */
function applyWaivers(
  resources: readonly ResourceChecks[],
  waivers: readonly Waiver[],
  now: Date,
): { resources: ResourceChecks[]; waivers: WaiverReport[] } {
  const applier = createWaiverApplier(waivers, now);
  const out = resources.map((resource) => applier.apply(resource));
  return { resources: out, waivers: applier.reports() };
}

const LOC = { file: 'main.yaml', line: 1, column: 1 };

function check(rule: string, status: CheckResult['status']): CheckResult {
  return {
    rule,
    source: 'expect',
    operator: 'at_least',
    expected: 100,
    actual: 40,
    status,
    severity: 'medium',
    message: `${rule} message`,
    location: LOC,
  };
}

function waiver(rule: string, expires: string, line = 30, resource = 'alicloud_cas_private_ca.root'): Waiver {
  return {
    resource,
    rule,
    reason: 'rolling out (SEC-4411)',
    owner: 'pki-team@example.com',
    expires,
    location: { file: 'main.yaml', line, column: 5 },
  };
}

const ADDRESS = 'alicloud_cas_private_ca.root';

function applyOne(checks: CheckResult[], waivers: Waiver[], now: string) {
  const result = applyWaivers([{ address: ADDRESS, checks }], waivers, new Date(now));
  return { checks: result.resources[0]?.checks ?? [], reports: result.waivers };
}

describe('waiver lifecycle at the expiry boundary', () => {
  it('a date-only expiry applies through the last millisecond of that day (UTC)', () => {
    const { checks, reports } = applyOne(
      [check('certificates_remaining', 'fail')],
      [waiver('certificates_remaining', '2027-01-31')],
      '2027-01-31T23:59:59.999Z',
    );
    expect(checks[0]?.status).toBe('waived');
    expect(checks[0]?.waiver?.state).toBe('expiring');
    expect(reports[0]?.state).toBe('expiring');
  });

  it('stops applying at midnight after the date: the check fails again and names the waiver', () => {
    const { checks, reports } = applyOne(
      [check('certificates_remaining', 'fail')],
      [waiver('certificates_remaining', '2027-01-31')],
      '2027-02-01T00:00:00Z',
    );
    expect(checks[0]?.status).toBe('fail');
    expect(checks[0]?.waiver).toMatchObject({ state: 'expired', owner: 'pki-team@example.com', expires: '2027-01-31' });
    expect(reports[0]?.state).toBe('expired');
  });

  it('a date-time expiry ends exactly at that instant', () => {
    const w = [waiver('certificates_remaining', '2027-01-31T12:00:00+08:00')];
    expect(applyOne([check('certificates_remaining', 'fail')], w, '2027-01-31T03:59:59.999Z').checks[0]?.status).toBe('waived');
    expect(applyOne([check('certificates_remaining', 'fail')], w, '2027-01-31T04:00:00Z').checks[0]?.status).toBe('fail');
  });

  it('is active, not expiring, more than 14 days before its end', () => {
    // End of 2027-01-31 is 2027-02-01T00:00Z; 14 days before is 2027-01-18T00:00Z.
    expect(waiverTimeState({ expires: '2027-01-31' }, Date.parse('2027-01-17T23:59:59.999Z'))).toBe('active');
    expect(waiverTimeState({ expires: '2027-01-31' }, Date.parse('2027-01-18T00:00:00Z'))).toBe('expiring');
  });

  it('treats an unreadable expiry as expired (fail closed)', () => {
    expect(waiverTimeState({ expires: 'someday' }, 0)).toBe('expired');
  });
});

describe('applyWaivers', () => {
  it('waives only failing checks; an unknown check stays unknown', () => {
    const { checks, reports } = applyOne(
      [check('status', 'unknown'), check('certificates_remaining', 'fail'), check('ca_type', 'pass')],
      [waiver('*', '2027-06-30')],
      '2026-11-29T00:00:00Z',
    );
    expect(checks.map((c) => c.status)).toEqual(['unknown', 'waived', 'pass']);
    expect(checks[0]?.waiver).toBeUndefined();
    expect(reports[0]?.state).toBe('active');
  });

  it('matches by policy rule id as well as attribute name', () => {
    const { checks } = applyOne(
      [{ ...check('baseline.ca-capacity', 'fail'), source: 'policy' }],
      [waiver('baseline.ca-capacity', '2027-06-30')],
      '2026-11-29T00:00:00Z',
    );
    expect(checks[0]?.status).toBe('waived');
  });

  it('does not cross resources', () => {
    const result = applyWaivers(
      [
        { address: ADDRESS, checks: [check('certificates_remaining', 'fail')] },
        { address: 'alicloud_cas_private_ca.sub', checks: [check('certificates_remaining', 'fail')] },
      ],
      [waiver('certificates_remaining', '2027-06-30')],
      new Date('2026-11-29T00:00:00Z'),
    );
    expect(result.resources.map((r) => r.checks[0]?.status)).toEqual(['waived', 'fail']);
  });

  it('reports orphaned waivers as unused: unknown resource, unknown rule, or nothing failing', () => {
    const result = applyWaivers(
      [{ address: ADDRESS, checks: [check('certificates_remaining', 'pass'), check('status', 'fail')] }],
      [
        waiver('certificates_remaining', '2027-06-30', 30),
        waiver('no_such_rule', '2027-06-30', 31),
        waiver('*', '2027-06-30', 32, 'alicloud_cas_private_ca.gone'),
        waiver('status', '2027-06-30', 33),
      ],
      new Date('2026-11-29T00:00:00Z'),
    );
    expect(result.waivers.map((w) => [w.resource, w.rule, w.state])).toEqual([
      ['alicloud_cas_private_ca.gone', '*', 'unused'],
      ['alicloud_cas_private_ca.root', 'certificates_remaining', 'unused'],
      ['alicloud_cas_private_ca.root', 'no_such_rule', 'unused'],
      ['alicloud_cas_private_ca.root', 'status', 'active'],
    ]);
  });

  it('a waiver covering only an unknown check is not unused (nobody knows the drift is gone)', () => {
    const { reports } = applyOne([check('status', 'unknown')], [waiver('status', '2027-06-30')], '2026-11-29T00:00:00Z');
    expect(reports[0]?.state).toBe('active');
  });

  it('prefers a specific, unexpired waiver whatever the declaration order', () => {
    const ws = [
      waiver('*', '2027-06-30', 40),
      waiver('certificates_remaining', '2026-01-01', 41),
      waiver('certificates_remaining', '2027-03-01', 42),
    ];
    for (const order of [ws, [...ws].reverse(), [ws[1], ws[2], ws[0]] as Waiver[]]) {
      const { checks } = applyOne([check('certificates_remaining', 'fail')], order, '2026-11-29T00:00:00Z');
      expect(checks[0]?.status).toBe('waived');
      expect(checks[0]?.waiver?.location.line).toBe(42);
    }
  });

  it('does not modify its inputs', () => {
    const checks = [check('certificates_remaining', 'fail')];
    applyOne(checks, [waiver('certificates_remaining', '2027-06-30')], '2026-11-29T00:00:00Z');
    expect(checks[0]?.status).toBe('fail');
  });
});
