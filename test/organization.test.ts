import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../src/simulator/server.js';
import type { RunningSimulator } from '../src/simulator/server.js';
import { worldFromObject } from '../src/simulator/world.js';
import type { RunResult } from '../src/model/run-result.js';
import { ORG_ENV, memberUin, orgConfig, orgWorld } from './helpers/org.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

/**
 * Issue 13 end to end, through the built CLI against the simulator: 50 member accounts fanned out
 * from one provider block, each read through an assumed role; one member's role does not trust the
 * security account; shards 1/3..3/3 merged give the single run's verdict.
 */
const MEMBERS = 50;
const UNTRUSTING = [7];
const DRIFTED = [3, 42];
const AS_OF = '2026-12-01T00:00:00Z';

let simulator: RunningSimulator;
let work: string;
let config: string;

beforeAll(async () => {
  simulator = await startSimulator({ world: worldFromObject(orgWorld({ members: MEMBERS, untrusting: UNTRUSTING, drifted: DRIFTED })) });
  work = await mkdtemp(join(tmpdir(), 'driftwatch-org-'));
  config = join(work, 'org.yaml');
  await writeFile(config, orgConfig(MEMBERS));
});

afterAll(async () => {
  await simulator.close();
  await rm(work, { recursive: true, force: true });
});

function check(extra: readonly string[]): ReturnType<typeof runCli> {
  return runCli(['check', config, '--endpoint', simulator.url, '--as-of', AS_OF, '--no-progress', ...extra], { env: ORG_ENV });
}

describe('50 accounts from one configuration, through assumed roles', () => {
  let whole: RunResult;

  it('validate --expand lists every account and region', async () => {
    const run = await runCli(['validate', config, '--expand'], { env: ORG_ENV });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Valid: 1 file, ${MEMBERS} providers, ${MEMBERS * 2} resources, 0 waivers.`);
    expect(run.stdout).toContain(
      `tencentcloud.org[${memberUin(1)}] (account ${memberUin(1)}) region ap-guangzhou assumes qcs::cam::uin/${memberUin(1)}:roleName/driftwatch-audit`,
    );
    expect(run.stdout).toContain(
      `tencentcloud_kms_service.kms[${memberUin(50)}/ap-shanghai] -> tencentcloud.org[${memberUin(50)}] ap-shanghai`,
    );
  });

  it('checks every account; a role that does not trust the source makes only that account unknown', async () => {
    const run = await check(['--format', 'json']);
    expect(run.code).toBe(2);
    whole = JSON.parse(run.stdout) as RunResult;
    expect(whole.summary).toEqual({ resources: 100, compliant: 94, drifted: 4, unknown: 2, waived: 0, exit_code: 2 });
    const unknown = whole.resources.filter((r) => r.status === 'unknown').map((r) => r.address);
    expect(unknown).toEqual([
      `tencentcloud_kms_service.kms[${memberUin(7)}/ap-guangzhou]`,
      `tencentcloud_kms_service.kms[${memberUin(7)}/ap-shanghai]`,
    ]);
    const error = whole.resources.find((r) => r.status === 'unknown')?.error;
    expect(error?.kind).toBe('permission');
    expect(error?.code).toBe('DW_ROLE_CREDENTIALS');
    expect(error?.message).toContain(`assuming role qcs::cam::uin/${memberUin(7)}:roleName/driftwatch-audit`);
    expect(error?.message).toContain('UnauthorizedOperation');
    expect(error?.hint).toMatch(/trust policy/);
    expect(run.stdout + run.stderr).not.toContain(ORG_ENV.ORG_TC_KEY);
  });

  it('--shard 1/3..3/3 then merge gives the same statuses, summary and exit code, no account split', async () => {
    const files: string[] = [];
    const seen = new Map<string, number>();
    for (const i of [1, 2, 3]) {
      const out = join(work, `shard-${i}.json`);
      const run = await check(['--shard', `${i}/3`, '--out', `json=${out}`, '--format', 'text']);
      expect([0, 2, 3]).toContain(run.code);
      const shard = JSON.parse(await readFile(out, 'utf8')) as RunResult;
      expect(shard.shard).toMatchObject({ index: i, count: 3 });
      for (const r of shard.resources) {
        const account = /\[(\d+)\//.exec(r.address)?.[1] ?? '';
        expect(seen.get(account) ?? i, `account ${account} split across shards`).toBe(i);
        seen.set(account, i);
      }
      files.push(out);
    }
    expect(seen.size).toBe(MEMBERS);
    const merged = await runCli(['merge', ...files, '--format', 'json']);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(whole.summary.exit_code);
    const result = JSON.parse(merged.stdout) as RunResult;
    expect(result.summary).toEqual(whole.summary);
    expect(result.resources.map((r) => [r.address, r.status])).toEqual(whole.resources.map((r) => [r.address, r.status]));
    expect(result.shard).toBeUndefined();

    const text = await runCli(['merge', ...files]);
    expect(text.stdout).toMatch(/Check: 94 compliant, 4 drifted, 2 unknown, 0 waived\./);
  });

  it('evidence bundles of the shards merge into one verified bundle with the single-run result', async () => {
    const key = join(REPO_ROOT, 'test/fixtures/evidence/signing-key.pem');
    const pub = join(REPO_ROOT, 'test/fixtures/evidence/signing-key.pub.pem');
    const env = { ...ORG_ENV, DRIFTWATCH_EVIDENCE_KEY_FILE: key };
    const bundles: string[] = [];
    for (const i of [1, 2, 3]) {
      const bundle = join(work, `evidence-${i}`);
      const run = await runCli(
        ['check', config, '--endpoint', simulator.url, '--as-of', AS_OF, '--no-progress', '--shard', `${i}/3`, '--evidence', bundle],
        { env },
      );
      expect([0, 2, 3]).toContain(run.code);
      bundles.push(bundle);
    }
    const unverified = await runCli(['merge', ...bundles, '--evidence', join(work, 'merged')], { env });
    expect(unverified.code).toBe(1);
    expect(unverified.stderr).toMatch(/verified before they are merged/);
    const merged = join(work, 'merged');
    const run = await runCli(['merge', ...bundles, '--evidence', merged, '--public-key', pub, '--format', 'json'], { env });
    expect(run.stderr).toMatch(/Evidence bundle: .*signed ed25519/);
    expect(run.code).toBe(whole.summary.exit_code);
    const verify = await runCli(['evidence', 'verify', merged, '--public-key', pub]);
    expect(verify.code).toBe(0);
    const result = JSON.parse(await readFile(join(merged, 'result.json'), 'utf8')) as RunResult;
    expect(result.summary).toEqual(whole.summary);
    expect(result.resources.map((r) => [r.address, r.status])).toEqual(whole.resources.map((r) => [r.address, r.status]));
  });

  it('snapshots of the shards merge into one that evaluates to the single-run verdict', async () => {
    const snapshots: string[] = [];
    for (const i of [1, 2, 3]) {
      const snapshot = join(work, `snapshot-${i}.json`);
      await check(['--shard', `${i}/3`, '--save-observed', snapshot]);
      snapshots.push(snapshot);
    }
    const merged = await runCli(['merge', ...snapshots]);
    expect(merged.code).toBe(0);
    const all = join(work, 'all.snapshot.json');
    await writeFile(all, merged.stdout);
    const replay = await runCli(['check', config, '--observed', all, '--as-of', AS_OF, '--format', 'json'], { env: ORG_ENV });
    const result = JSON.parse(replay.stdout) as RunResult;
    expect(result.summary).toEqual(whole.summary);
    const twice = await runCli(['merge', snapshots[0] ?? '', snapshots[0] ?? '']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/is observed in both/);
  });

  it('merge refuses overlapping shards, a missing shard and different as_of', async () => {
    const [one, two, three] = [1, 2, 3].map((i) => join(work, `shard-${i}.json`)) as [string, string, string];
    const twice = await runCli(['merge', one, one, two]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/both shard 1\/3/);
    const missing = await runCli(['merge', one, two]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/shard 3\/3 missing/);
    const other = join(work, 'other-as-of.json');
    await writeFile(other, (await readFile(three, 'utf8')).replace(AS_OF, '2026-12-02T00:00:00Z'));
    const different = await runCli(['merge', one, two, other]);
    expect(different.code).toBe(1);
    expect(different.stderr).toMatch(/has as_of 2026-12-02T00:00:00Z/);
  });

  it('keeps session tokens and secrets out of every output, --debug and snapshots included', async () => {
    const snapshot = join(work, 'snapshot.json');
    const run = await check(['--debug', '--save-observed', snapshot, '--target', `tencentcloud_kms_service.kms`]);
    expect(run.code).toBe(2);
    const everything = `${run.stdout}\n${run.stderr}\n${await readFile(snapshot, 'utf8')}`;
    expect(everything).toContain('GetServiceStatus success');
    expect(everything).not.toContain('simulated-sts-token-');
    expect(everything).not.toContain(ORG_ENV.ORG_TC_KEY);
  });

  it('--shard needs --as-of and a valid I/N', async () => {
    const noAsOf = await runCli(['check', config, '--endpoint', simulator.url, '--shard', '1/3'], { env: ORG_ENV });
    expect(noAsOf.code).toBe(1);
    expect(noAsOf.stderr).toMatch(/--shard needs --as-of/);
    const bad = await check(['--shard', '4/3']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--shard: I must be 1 to 3, got 4/);
  });
});
