import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { E2E_AS_OF, E2E_ENV, E2E_FIXTURES, useE2eSession } from './helpers/e2e.js';
import { runCli } from './helpers/run-cli.js';
import type { RunResult } from '../src/model/run-result.js';

const e2e = useE2eSession('driftwatch-e2e-');

function check(scenarios: string[], extra: string[] = []): ReturnType<typeof runCli> {
  const paths = [join(E2E_FIXTURES, 'providers.yaml'), ...scenarios.map((s) => join(E2E_FIXTURES, s, 'main.yaml'))];
  return runCli(['check', ...paths, '--endpoint', e2e.simulator.url, '--as-of', E2E_AS_OF, '--no-progress', ...extra], { env: E2E_ENV });
}

function statuses(result: RunResult): Record<string, string> {
  return Object.fromEntries(result.resources.map((r) => [r.address, r.status]));
}

describe('check against the simulator', () => {
  it('exits 0 when every resource of the four types is compliant', async () => {
    const run = await check(['compliant'], ['--format', 'json']);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as RunResult;
    expect(statuses(result)).toEqual({
      'alicloud_cas_private_ca.ok': 'compliant',
      'alicloud_kms_instance.ok': 'compliant',
      'tencentcloud_kms_service.gz': 'compliant',
      'tencentcloud_tcss_subscription.main': 'compliant',
    });
    expect(result.summary).toMatchObject({ resources: 4, compliant: 4, drifted: 0, unknown: 0, exit_code: 0 });
    expect(run.code).toBe(0);
    for (const r of result.resources) expect(r.request_ids.length).toBeGreaterThan(0);
  });

  it('exits 2 with drifted and absent resources, naming what differs', async () => {
    const run = await check(['drifted'], ['--format', 'json']);
    const result = JSON.parse(run.stdout) as RunResult;
    expect(statuses(result)).toEqual({
      'alicloud_cas_private_ca.low': 'drifted',
      'alicloud_cas_private_ca.missing': 'drifted',
      'alicloud_kms_instance.drift': 'drifted',
      'alicloud_kms_instance.missing': 'drifted',
      'tencentcloud_kms_service.sh': 'drifted',
      'tencentcloud_tcss_subscription.main': 'drifted',
    });
    const missing = result.resources.find((r) => r.address === 'alicloud_kms_instance.missing');
    expect(missing?.absent).toBe(true);
    const edition = result.resources.find((r) => r.address === 'tencentcloud_kms_service.sh')?.checks[0];
    expect(edition).toMatchObject({ rule: 'edition', status: 'fail', expected: 'ultimate', actual: 'basic' });
    expect(run.code).toBe(2);
  });

  it('exits 3 when resources could not be verified, with the vendor code and request id', async () => {
    const run = await check(['unknown'], ['--format', 'json']);
    const result = JSON.parse(run.stdout) as RunResult;
    expect(Object.values(statuses(result))).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
    const tencent = result.resources.find((r) => r.address === 'tencentcloud_kms_service.denied');
    expect(tencent?.error).toMatchObject({ code: 'AuthFailure.UnauthorizedOperation', retryable: false });
    expect(tencent?.error?.request_id).toBeTruthy();
    const alibaba = result.resources.find((r) => r.address === 'alicloud_kms_instance.denied');
    expect(alibaba?.error).toMatchObject({ code: 'Forbidden.RAM' });
    for (const r of result.resources) for (const c of r.checks) expect(c.status).toBe('unknown');
    expect(run.code).toBe(3);
  });

  it('exits 2 when drift and unknowns are mixed', async () => {
    const run = await check(['drifted', 'unknown'], ['--format', 'json']);
    const result = JSON.parse(run.stdout) as RunResult;
    expect(result.summary).toMatchObject({ drifted: 6, unknown: 4, exit_code: 2 });
    expect(run.code).toBe(2);
  });

  it('honours --fail-on: drift below the threshold with nothing unknown exits 0', async () => {
    const run = await check(['drifted'], ['--format', 'json', '--fail-on', 'critical', '--target', 'tencentcloud_kms_service.sh']);
    const result = JSON.parse(run.stdout) as RunResult;
    expect(result.resources.map((r) => r.status)).toEqual(['drifted']);
    expect(run.code).toBe(0);
  });

  it('exits 1 on an invalid configuration and on usage errors, without a stack trace', async () => {
    const bad = await runCli(['check', join(E2E_FIXTURES, 'compliant', 'main.yaml'), '--no-progress'], { env: E2E_ENV });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/compliant\/main\.yaml:\d+:\d+: .*provider/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const usage = await runCli(['check', '--fail-on', 'urgent']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/--fail-on: unknown severity 'urgent'/);
    const target = await check(['compliant'], ['--target', 'alicloud_kms_instance.okk']);
    expect(target.code).toBe(1);
    expect(target.stderr).toMatch(/did you mean alicloud_kms_instance\.ok\?/);
  });

  it('plan exits 0 on drift unless --detailed-exitcode', async () => {
    const paths = [join(E2E_FIXTURES, 'providers.yaml'), join(E2E_FIXTURES, 'drifted', 'main.yaml')];
    const plain = await runCli(['plan', ...paths, '--endpoint', e2e.simulator.url, '--as-of', E2E_AS_OF], { env: E2E_ENV });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/# alicloud_kms_instance\.drift has drifted/);
    expect(plain.stdout).toMatch(/Check: 0 compliant, 6 drifted, 0 unknown, 0 waived\.\n$/);
    const detailed = await runCli(['plan', ...paths, '--endpoint', e2e.simulator.url, '--as-of', E2E_AS_OF, '--detailed-exitcode'], {
      env: E2E_ENV,
    });
    expect(detailed.code).toBe(2);
  });

  it('--save-observed then --observed reproduces the live result without network or credentials', async () => {
    const snapshot = join(e2e.work, 'observed.json');
    const live = await check(['drifted', 'unknown'], ['--format', 'json', '--save-observed', snapshot]);
    const text = await readFile(snapshot, 'utf8');
    for (const secret of Object.values(E2E_ENV).filter((v) => v.includes('secret'))) expect(text).not.toContain(secret);
    const paths = [
      join(E2E_FIXTURES, 'providers.yaml'),
      join(E2E_FIXTURES, 'drifted', 'main.yaml'),
      join(E2E_FIXTURES, 'unknown', 'main.yaml'),
    ];
    const offline = await runCli(['check', ...paths, '--observed', snapshot, '--as-of', E2E_AS_OF, '--format', 'json']);
    expect(offline.code).toBe(live.code);
    // Issue 18: a snapshot run also says when the snapshot was observed (additive `snapshot` field).
    const { snapshot: seen, ...offlineResult } = JSON.parse(offline.stdout) as RunResult;
    expect(offlineResult).toEqual(JSON.parse(live.stdout));
    expect(seen?.observed_at).toMatch(/^\d{4}-/);
    expect(typeof seen?.age).toBe('string');

    // A pull request that points a resource at another instance is not judged on the old instance's data.
    const moved = join(e2e.work, 'moved.yaml');
    await writeFile(moved, (await readFile(paths[1] as string, 'utf8')).replace('instance_id: kst-drift', 'instance_id: kst-other'));
    const stale = await runCli([
      'check',
      paths[0] as string,
      moved,
      paths[2] as string,
      '--observed',
      snapshot,
      '--as-of',
      E2E_AS_OF,
      '--format',
      'json',
    ]);
    const drift = (JSON.parse(stale.stdout) as RunResult).resources.find((r) => r.address === 'alicloud_kms_instance.drift');
    expect(drift).toMatchObject({ status: 'unknown', error: { code: 'DW_OBSERVATION_MISMATCH' } });
  });

  it('writes --out files atomically alongside stdout', async () => {
    const out = join(e2e.work, 'result.json');
    const run = await check(['compliant'], ['--out', `json=${out}`]);
    expect(run.stdout).toMatch(/Check: 4 compliant, 0 drifted, 0 unknown, 0 waived\./);
    const written = JSON.parse(await readFile(out, 'utf8')) as RunResult;
    expect(written.summary.compliant).toBe(4);
  });
});
