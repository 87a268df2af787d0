import { describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus, ResourceResult, RunResult } from '../model/run-result.js';
import { controlCoverage, controlIdOf, FRAMEWORKS } from './controls.js';

function check(rule: string, status: CheckStatus, controls: string[]): CheckResult {
  return {
    rule,
    source: 'policy',
    operator: 'equals',
    expected: true,
    actual: status === 'unknown' ? null : true,
    status,
    severity: 'high',
    message: rule,
    location: { file: 'p.yaml', line: 1, column: 1 },
    controls,
  };
}

function run(checks: CheckResult[]): RunResult {
  const resource: ResourceResult = {
    address: 'alicloud_kms_instance.a',
    type: 'alicloud_kms_instance',
    status: 'drifted',
    checks,
    error: null,
    request_ids: [],
    observed: {},
    location: { file: 'm.yaml', line: 1, column: 1 },
  };
  return {
    format_version: '1',
    tool: { name: 'driftwatch', version: '0' },
    as_of: '2026-11-29T00:00:00Z',
    summary: { resources: 1, compliant: 0, drifted: 1, unknown: 0, waived: 0, exit_code: 2 },
    resources: [resource],
  };
}

describe('control coverage', () => {
  it('reads references of the framework only, by prefix and id shape', () => {
    expect(controlIdOf('GB/T 22239-2019 8.1.4.8', FRAMEWORKS.mlps)).toBe('8.1.4.8');
    expect(controlIdOf('GB/T 22239-2019 (MLPS 2.0)', FRAMEWORKS.mlps)).toBeUndefined();
    expect(controlIdOf('ISO/IEC 27001:2022 A.8.24', FRAMEWORKS.mlps)).toBeUndefined();
    expect(controlIdOf('ISO/IEC 27001:2022 A.8.24', FRAMEWORKS.iso27001)).toBe('A.8.24');
    expect(controlIdOf('ISO27001:A.8.24', FRAMEWORKS.iso27001)).toBeUndefined();
  });

  it('is satisfied only when every mapped check passed; a failure wins, then unknown, then waived', () => {
    const ref = (id: string): string[] => [`GB/T 22239-2019 ${id}`];
    const coverage = controlCoverage(
      run([
        check('a.pass', 'pass', ref('8.1.2.2')),
        check('b.pass', 'pass', ref('8.1.4.8')),
        check('b.fail', 'fail', ref('8.1.4.8')),
        check('b.unknown', 'unknown', ref('8.1.4.8')),
        check('c.pass', 'pass', ref('8.1.4.3')),
        check('c.unknown', 'unknown', ref('8.1.4.3')),
        check('c.waived', 'waived', ref('8.1.4.3')),
        check('d.waived', 'waived', ref('8.1.4.4')),
        check('d.pass', 'pass', ref('8.1.4.4')),
        check('e.custom', 'pass', ref('8.1.10.9')),
      ]),
      'mlps',
    );
    const status = Object.fromEntries(coverage.controls.map((c) => [c.id, c.status]));
    expect(status).toEqual({
      '8.1.2.2': 'satisfied',
      '8.1.4.3': 'unknown',
      '8.1.4.4': 'waived',
      '8.1.4.5': 'not_assessed',
      '8.1.4.8': 'not_satisfied',
      '8.1.10.9': 'satisfied',
    });
    expect(coverage.summary).toEqual({ controls: 6, satisfied: 2, not_satisfied: 1, unknown: 1, waived: 1, not_assessed: 1 });
    expect(coverage.controls.find((c) => c.id === '8.1.4.8')?.checks).toEqual({ pass: 1, fail: 1, unknown: 1, waived: 0 });
    // A control the catalog does not name keeps its id as the title.
    expect(coverage.controls.at(-1)).toMatchObject({ id: '8.1.10.9', title: '8.1.10.9' });
  });

  it('an unknown check alone never makes a control satisfied', () => {
    const coverage = controlCoverage(run([check('x.unknown', 'unknown', ['ISO/IEC 27001:2022 A.8.24'])]), 'iso27001');
    expect(coverage.controls.find((c) => c.id === 'A.8.24')?.status).toBe('unknown');
    expect(coverage.summary.satisfied).toBe(0);
  });
});
