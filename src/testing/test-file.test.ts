import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../model/location.js';
import { runTestFiles } from './runner.js';
import { createTestFileValidator, parseTestFile } from './test-file.js';

const validator = createTestFileValidator();

function parse(text: string) {
  return parseTestFile(text, 'x.test.yaml', '/abs/dir/x.test.yaml', validator);
}

const INLINE = `version: 1
as_of: 2026-11-22
tests:
  - name: inline
    env: { REGION: cn-hangzhou }
    configuration:
      providers:
        alicloud:
          prod: { region: "\${env.REGION}" }
      resources:
        alicloud_kms_instance:
          main: { provider: alicloud.prod, instance_id: kst-1, expect: { status: Connected } }
    observations:
      alicloud_kms_instance.main:
        attributes: { status: Connected }
        raw: { SaleStatus: on_sale }
    expect:
      alicloud_kms_instance.main: compliant
`;

describe('parseTestFile', () => {
  it('parses cases with defaults, inline configuration and observations', () => {
    const { suite, diagnostics } = parse(INLINE);
    expect(diagnostics).toEqual([]);
    const c = suite?.cases[0];
    expect(c?.asOf.toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(c?.configuration.kind).toBe('inline');
    expect(c?.observations.get('alicloud_kms_instance.main')?.observation).toMatchObject({
      status: 'ok',
      attributes: { status: 'Connected' },
      raw: { SaleStatus: 'on_sale' },
    });
    expect(c?.expect).toEqual([
      {
        key: 'alicloud_kms_instance.main',
        address: 'alicloud_kms_instance.main',
        outcome: 'compliant',
        location: { file: 'x.test.yaml', line: 18, column: 7 },
      },
    ]);
  });

  it('reports schema and semantic problems located, all at once', () => {
    const text = `version: 1
as_of: 2026-13-01
configuration: ./c.yaml
tests:
  - name: a
    expect: { alicloud_kms_instance.main: drifted }
    observations:
      alicloud_kms_instanse.main: { absent: true }
      alicloud_kms_instance.main: { absent: true, error: Boom }
  - name: a
    expect: { "alicloud_kms_instance.main/x.y": drifted }
    colour: red
`;
    expect(parse(text).diagnostics.map(formatDiagnostic)).toEqual([
      "x.test.yaml:2:8: malformed as_of '2026-13-01'; write an ISO date or date-time with a zone (e.g. 2026-11-22 or 2026-11-22T03:00:00Z)",
      "x.test.yaml:8:7: observation for 'alicloud_kms_instanse.main': unknown resource type 'alicloud_kms_instanse'; did you mean 'alicloud_kms_instance'?",
      "x.test.yaml:9:7: observation for 'alicloud_kms_instance.main' needs exactly one of attributes, absent: true, or error (has absent, error)",
      "x.test.yaml:11:49: 'drifted' is not an outcome of a check; expected one of: pass, fail, unknown, waived, not_applicable",
      "x.test.yaml:12:5: unknown key 'colour' in test #2 (a)",
    ]);
  });

  it('requires a configuration and names duplicate cases', () => {
    const text = `version: 1
as_of: 2026-11-22
tests:
  - { name: a, expect: { alicloud_kms_instance.main: drifted } }
  - { name: b, configuration: ./c.yaml, expect: { alicloud_kms_instance.main: drifted } }
  - { name: b, configuration: ./c.yaml, expect: { alicloud_kms_instance.main: drifted } }
`;
    expect(parse(text).diagnostics.map(formatDiagnostic)).toEqual([
      "x.test.yaml:4:5: test #1 (a) has no configuration; set 'configuration' in the test or at the top of the file",
      "x.test.yaml:6:13: duplicate test name 'b'; first used at x.test.yaml:5:13",
    ]);
  });
});

describe('running inline configurations', () => {
  it('evaluates an inline configuration with its own expectations and env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-test-'));
    writeFileSync(join(dir, 'x.test.yaml'), INLINE);
    const run = await runTestFiles([join(dir, 'x.test.yaml')], { cwd: dir });
    expect(run.files[0]?.cases[0]).toMatchObject({
      status: 'pass',
      rows: [{ key: 'alicloud_kms_instance.main', expected: 'compliant', actual: 'compliant' }],
    });
  });

  it('reports inline configuration errors at their position in the test file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-test-'));
    writeFileSync(
      join(dir, 'x.test.yaml'),
      INLINE.replace('status: Connected } }', 'stauts: Connected } }').replace('{ REGION: cn-hangzhou }', '{ OTHER: x }'),
    );
    const run = await runTestFiles([join(dir, 'x.test.yaml')], { cwd: dir });
    const c = run.files[0]?.cases[0];
    expect(c?.status).toBe('error');
    expect(c?.diagnostics.map(formatDiagnostic)).toEqual([
      "x.test.yaml:9:27: environment variable 'REGION' is not set (used as ${env.REGION})",
      "x.test.yaml:12:74: unknown attribute 'stauts' for alicloud_kms_instance; did you mean 'status'?",
    ]);
    expect(run.exitCode).toBe(1);
  });
});

describe('parseTestFile on arbitrary input', () => {
  it('never throws, and either yields cases or explains why', async () => {
    const fc = await import('fast-check');
    const testCase = fc.record(
      {
        name: fc.oneof(fc.string(), fc.jsonValue()),
        as_of: fc.oneof(fc.constantFrom('2026-11-22', 'bad'), fc.jsonValue()),
        configuration: fc.oneof(fc.constant('./c.yaml'), fc.jsonValue()),
        observations: fc.oneof(
          fc.jsonValue(),
          fc.dictionary(
            fc.constantFrom('alicloud_kms_instance.a', 'nope.b', 'x'),
            fc.oneof(
              fc.jsonValue(),
              fc.record({ attributes: fc.jsonValue(), absent: fc.jsonValue(), error: fc.jsonValue() }, { requiredKeys: [] }),
            ),
          ),
        ),
        expect: fc.oneof(
          fc.jsonValue(),
          fc.dictionary(
            fc.constantFrom('alicloud_kms_instance.a', 'alicloud_kms_instance.a/r.x', 'bad key'),
            fc.oneof(fc.constantFrom('pass', 'drifted'), fc.jsonValue()),
          ),
        ),
      },
      { requiredKeys: [] },
    );
    const doc = fc.oneof(
      fc.jsonValue(),
      fc.record({ version: fc.constant(1), tests: fc.oneof(fc.array(testCase, { maxLength: 3 }), fc.jsonValue()) }),
    );
    fc.assert(
      fc.property(doc, (value) => {
        const result = parse(JSON.stringify(value) ?? 'null');
        if (result.suite === undefined) expect(result.diagnostics.length).toBeGreaterThan(0);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
