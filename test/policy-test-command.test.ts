import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/context.js';
import type { ParsedInput } from '../src/cli/command.js';
import { testCommand } from '../src/cli/commands/test.js';
import { Redactor } from '../src/model/redactor.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/policy/', import.meta.url));

function context(cwd: string): { ctx: CliContext; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    argv: [],
    env: {},
    cwd,
    stdout: { write: (t: string) => void (stdout += t), isTTY: false },
    stderr: { write: (t: string) => void (stderr += t), isTTY: false },
    color: false,
    debug: false,
    now: () => {
      throw new Error('driftwatch test must not read the clock');
    },
    redactor: new Redactor(),
    signal: new AbortController().signal,
  };
  return { ctx, out: () => stdout, err: () => stderr };
}

function input(positionals: string[], flags: ParsedInput['flags'] = {}): ParsedInput {
  return { positionals, flags };
}

describe('driftwatch test', () => {
  it('passes a passing suite (snapshot, inline observations, selectors, preconditions) with exit 0', async () => {
    const { ctx, out } = context(FIXTURES);
    const code = await testCommand.run(ctx, input(['passing']));
    expect(out()).toBe(
      [
        'PASS passing/team.test.yaml › the recorded snapshot is compliant',
        'PASS passing/team.test.yaml › the production quota rule selects only production CAs',
        'PASS passing/team.test.yaml › an unknown CA type makes the rollover rule unknown',
        'Tests: 3 passed, 0 failed (3 cases in 1 file).',
        '',
      ].join('\n'),
    );
    expect(code).toBe(0);
  });

  it('fails a failing suite with exit 1 and shows a diff of expected against actual outcomes', async () => {
    const { ctx, out } = context(FIXTURES);
    const code = await testCommand.run(ctx, input(['failing/team.test.yaml']));
    expect(code).toBe(1);
    const text = out();
    expect(text).toContain('PASS failing/team.test.yaml › still passes');
    expect(text).toContain('FAIL failing/team.test.yaml › expects the wrong outcome (failing/team.test.yaml:10:11)');
    const lines = text.split('\n').map((l) => l.trimEnd());
    const diff = lines.slice(lines.findIndex((l) => l.includes('+ actual')) + 2);
    expect(diff.slice(0, 5)).toEqual([
      '      alicloud_cas_private_ca.dev-root: compliant',
      '    - alicloud_cas_private_ca.prod-root: compliant',
      '    - alicloud_cas_private_ca.prod-root/team.prod-ca-quota: pass',
      '    + alicloud_cas_private_ca.prod-root: drifted',
      '    + alicloud_cas_private_ca.prod-root/team.prod-ca-quota: fail',
    ]);
    expect(text).toContain(
      'fail: [team.prod-ca-quota] Production CAs keep at least 200 certificates in reserve: certificates_remaining is 150, expected at least 200',
    );
    expect(text).toContain('Tests: 1 passed, 1 failed (2 cases in 1 file).');
  });

  it('reports every problem of an invalid test file located, without running it', async () => {
    const { ctx, out } = context(FIXTURES);
    const code = await testCommand.run(ctx, input(['invalid/bad.test.yaml']));
    expect(code).toBe(1);
    expect(out()).toBe(
      [
        'ERROR invalid/bad.test.yaml: invalid test file (3 errors)',
        "    invalid/bad.test.yaml:7:42: 'complaint' is not an outcome of a resource; expected one of: compliant, drifted, unknown, waived; did you mean 'compliant'?",
        '    invalid/bad.test.yaml:8:5: test #2 (no clock) has no as_of; pin "now" with as_of (here or at the top of the file) so the test does not depend on the clock',
        "    invalid/bad.test.yaml:11:37: unknown attribute 'certificates_left' for alicloud_cas_private_ca; put vendor fields under raw",
        'Tests: 0 passed, 0 failed, 1 error (0 cases in 1 file).',
        '',
      ].join('\n'),
    );
  });

  it('errors on expectations naming a resource or rule that does not exist (a typo must not pass)', async () => {
    const { ctx, out } = context(FIXTURES);
    expect(await testCommand.run(ctx, input(['invalid/unknown-rule.test.yaml']))).toBe(1);
    expect(out()).toContain(
      "invalid/unknown-rule.test.yaml:8:7: alicloud_cas_private_ca.prod-root has no expectation or policy rule 'team.prod-ca-qouta'; did you mean 'team.prod-ca-quota'?",
    );
    expect(out()).toContain(
      "invalid/unknown-rule.test.yaml:9:7: no resource alicloud_cas_private_ca.prod-rot in the configuration; did you mean 'alicloud_cas_private_ca.prod-root'?",
    );
  });

  it('discovers ./policies/tests and ./tests when no PATH is given, and says so when there are none', async () => {
    const found = context(`${FIXTURES}discover`);
    expect(await testCommand.run(found.ctx, input([]))).toBe(0);
    expect(found.out()).toContain('PASS policies/tests/team.test.yaml › the recorded snapshot is compliant');
    const none = context(`${FIXTURES}config`);
    await expect(testCommand.run(none.ctx, input([]))).rejects.toMatchObject({
      code: 'DW_USAGE',
      message: 'test: no test files (*.test.yaml, *.test.yml) found in ./policies/tests and ./tests',
    });
    await expect(testCommand.run(none.ctx, input(['nope']))).rejects.toMatchObject({
      code: 'DW_USAGE',
      message: 'test: no such file or directory: nope',
    });
  });

  it('runs the built-in packs’ tests with --builtin, filters by name, and prints JSON', async () => {
    const { ctx, out } = context(FIXTURES);
    expect(await testCommand.run(ctx, input([], { builtin: true, filter: 'waiver', format: 'json' }))).toBe(0);
    const run = JSON.parse(out()) as { kind: string; summary: { cases: number; passed: number }; exitCode: number };
    expect(run.kind).toBe('driftwatch-test-results');
    expect(run.summary).toMatchObject({ cases: 1, passed: 1 });
    const nothing = context(FIXTURES);
    expect(await testCommand.run(nothing.ctx, input(['passing'], { filter: 'no such case' }))).toBe(1);
    expect(nothing.err()).toBe("no test case name contains 'no such case'\n");
  });
});

describe('driftwatch test with a world file', () => {
  it('serves the world with the simulator on loopback and observes it through the providers', async () => {
    const { ctx, out } = context(FIXTURES);
    const code = await testCommand.run(ctx, input(['world']));
    expect(out()).toBe(
      [
        'PASS world/team.test.yaml › the simulated CAs, observed through the simulator',
        "PASS world/team.test.yaml › inline observations replace the world's for their resource",
        'Tests: 2 passed, 0 failed (2 cases in 1 file).',
        '',
      ].join('\n'),
    );
    expect(code).toBe(0);
    expect(out()).not.toContain('policy-test-secret-0001');
  });
});
