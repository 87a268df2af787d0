import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshot, serializeSnapshot } from '../src/engine/snapshot.js';
import type { Observation } from '../src/model/observation.js';
import type { RunResult } from '../src/model/run-result.js';
import { ok } from './helpers/compare-sides.js';
import { runCli } from './helpers/run-cli.js';

const AS_OF = '2026-12-01T00:00:00Z';

const MAIN = `version: 1
policies: [../policies/team.yaml]
providers:
  alicloud:
    prod: { region: cn-hangzhou }
resources:
  alicloud_cas_private_ca:
    root:
      provider: alicloud.prod
      instance_id: cas-1
      expect:
        status: USED
        certificates_remaining: { at_least: 100 }
  alicloud_kms_instance:
    main:
      provider: alicloud.prod
      instance_id: kst-1
      expect:
        status: Connected
`;

const TEAM = `version: 1
rules:
  - id: kms.connected
    title: KMS instance is connected
    severity: high
    resource_type: alicloud_kms_instance
    assert:
      status: { equals: Connected }
    remediation: Reconnect the instance.
`;

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmpdir(),
};

let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, env: GIT_ENV, encoding: 'utf8' });
}

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'driftwatch-compare-repo-'));
  await mkdir(join(repo, 'config'));
  await mkdir(join(repo, 'policies'));
  await writeFile(join(repo, 'config', 'main.yaml'), MAIN);
  await writeFile(join(repo, 'policies', 'team.yaml'), TEAM);
  // Snapshots record the scope each observation was read in (--observed refuses one without).
  const scoped = (o: Observation, instance: string): Observation => ({
    ...o,
    scope: { provider: 'alicloud.prod', region: 'cn-hangzhou', instance_id: instance },
  });
  const observations = [
    scoped(ok('alicloud_cas_private_ca.root', { status: 'USED', certificates_remaining: 50 }), 'cas-1'),
    scoped(ok('alicloud_kms_instance.main', { status: 'Connected' }), 'kst-1'),
  ];
  await writeFile(
    join(repo, 'snapshot.json'),
    serializeSnapshot(createSnapshot(observations, { toolVersion: '0.0.0-test', observedAt: AS_OF })),
  );
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  // The pull request: the CA threshold relaxed below what is observed, and the team pack dropped
  // (its file deleted from the work tree, so the base can only get it from git).
  await writeFile(
    join(repo, 'config', 'main.yaml'),
    MAIN.replace('at_least: 100', 'at_least: 10').replace('policies: [../policies/team.yaml]\n', ''),
  );
  await rm(join(repo, 'policies', 'team.yaml'));
});

afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

function plan(...args: string[]): ReturnType<typeof runCli> {
  return runCli(['plan', 'config', '--observed', 'snapshot.json', '--as-of', AS_OF, ...args], { cwd: repo });
}

describe('plan --compare-ref (a git revision as base)', () => {
  it('reads the base with git show, reports the transitions and the weakenings at their lines', async () => {
    const run = await plan('--compare-ref', 'main', '--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as RunResult;
    const c = result.comparison;
    expect(c?.base).toBe('ref:main');
    expect(c?.transitions).toEqual([{ address: 'alicloud_cas_private_ca.root', before: 'drifted', after: 'compliant' }]);
    expect(c?.summary.before).toMatchObject({ compliant: 1, drifted: 1, exit_code: 2 });
    expect(c?.summary.after).toMatchObject({ compliant: 2, drifted: 0, exit_code: 0 });
    expect(c?.changes.map((x) => [x.effect, x.kind])).toEqual([
      ['weakens', 'policy_pack_removed'],
      ['weakens', 'expectation_changed'],
    ]);
    // Base locations carry the repository's file names, not the temporary tree's.
    expect(c?.changes[0]?.base_location).toEqual({ file: join('config', 'main.yaml'), line: 2, column: 12 });
    expect(c?.changes[1]?.location).toEqual({ file: join('config', 'main.yaml'), line: 12, column: 9 });
    // No checkout: the work tree still holds the change.
    expect(await readFile(join(repo, 'config', 'main.yaml'), 'utf8')).toContain('at_least: 10 }');
    expect(git('status', '--porcelain')).toContain('policies/team.yaml');
  });

  it('--fail-on-weakening exits 2; GitHub annotations point at the changed line', async () => {
    const run = await plan('--compare-ref', 'main', '--fail-on-weakening', '--format', 'github');
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      '::error file=config/main.yaml,line=12,col=9,title=weakens a control%3A expectation changed alicloud_cas_private_ca.root certificates_remaining::',
    );
    expect(run.stdout).toContain(
      '::error file=config/main.yaml,line=2,col=12,title=weakens a control%3A policy pack removed::policy pack ../policies/team.yaml was dropped',
    );
  });

  it('check keeps the head verdict as its exit code without --fail-on-weakening', async () => {
    const run = await runCli(
      ['check', 'config', '--observed', 'snapshot.json', '--as-of', AS_OF, '--compare-ref', 'main', '--format', 'markdown'],
      { cwd: repo },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('#### This change weakens 2 controls');
  });

  it('no weakening: --fail-on-weakening keeps the head verdict', async () => {
    // plan exits 0 whatever it finds, except for a weakening under --fail-on-weakening.
    const run = await plan('--compare-ref', 'HEAD', '--fail-on-weakening');
    expect(run.code).toBe(2);
    const same = await runCli(
      ['check', 'config', '--observed', 'snapshot.json', '--as-of', AS_OF, '--compare', 'config', '--fail-on-weakening'],
      { cwd: repo },
    );
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('This change weakens no control.');
  });

  it('an unknown revision is a usage error (exit 1) that names it', async () => {
    const run = await plan('--compare-ref', 'no-such-branch');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("unknown revision 'no-such-branch'");
    expect(run.stdout).toBe('');
  });

  it('a revision that looks like an option is refused', async () => {
    const run = await plan('--compare-ref=--output=/tmp/x');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is not a git revision');
  });
});

describe('plan --compare PATH', () => {
  it('compares with a directory and reports its locations as given', async () => {
    const base = join(repo, 'base');
    await mkdir(base, { recursive: true });
    await writeFile(
      join(base, 'main.yaml'),
      MAIN.replace('policies: [../policies/team.yaml]\n', '').replace('status: Connected', 'status: { in: [Connected] }'),
    );
    const run = await plan('--compare', 'base', '--format', 'json');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as RunResult;
    expect(result.comparison?.base).toBe('base');
    expect(result.comparison?.changes.map((x) => [x.effect, x.kind, x.rule])).toEqual([
      ['weakens', 'expectation_changed', 'certificates_remaining'],
      ['neutral', 'expectation_changed', 'status'],
    ]);
    await rm(base, { recursive: true });
  });

  it('flag misuse is a usage error', async () => {
    const both = await plan('--compare', 'config', '--compare-ref', 'main');
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--compare and --compare-ref cannot be used together');
    const alone = await plan('--fail-on-weakening');
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('--fail-on-weakening needs a base to compare with');
  });

  it('an invalid base configuration is reported as such, located', async () => {
    const base = join(repo, 'broken');
    await mkdir(base, { recursive: true });
    await writeFile(join(base, 'main.yaml'), 'version: 1\nresourcez: {}\n');
    const run = await plan('--compare', 'broken');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(join('broken', 'main.yaml'));
    expect(run.stderr).toContain('base configuration (--compare) is invalid');
    await rm(base, { recursive: true });
  });
});
