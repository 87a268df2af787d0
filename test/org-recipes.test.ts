import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import type { RunResult } from '../src/model/run-result.js';
import { startSimulator } from '../src/simulator/server.js';
import type { RunningSimulator } from '../src/simulator/server.js';
import { worldFromObject } from '../src/simulator/world.js';
import { ORG_ENV, orgConfig, orgWorld } from './helpers/org.js';
import { CLI, REPO_ROOT, runCli } from './helpers/run-cli.js';

/**
 * The README's organization recipes, run as written: the shell of the GitHub Actions steps (with the
 * `${{ … }}` expressions filled in as Actions would) and of the Kubernetes Indexed Job's containers
 * (with JOB_COMPLETION_INDEX set per pod), against the simulator, with `driftwatch`/`npx` on PATH
 * pointing at the built CLI. The merged verdict must equal a single run's.
 */
const MEMBERS = 6;
const RECIPES = join(REPO_ROOT, 'examples/recipes');

let simulator: RunningSimulator;
let work: string;
let shims: string;

beforeAll(async () => {
  simulator = await startSimulator({ world: worldFromObject(orgWorld({ members: MEMBERS, untrusting: [4], drifted: [2] })) });
  work = await mkdtemp(join(tmpdir(), 'driftwatch-recipes-'));
  shims = join(work, 'bin');
  await mkdir(shims);
  await writeFile(join(shims, 'driftwatch'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  await writeFile(
    join(shims, 'npx'),
    `#!/bin/sh\n[ "$1" = --yes ] && shift\n[ "$1" = driftwatch ] && shift\nexec "${process.execPath}" "${CLI}" "$@"\n`,
  );
  await chmod(join(shims, 'driftwatch'), 0o755);
  await chmod(join(shims, 'npx'), 0o755);
});

afterAll(async () => {
  await simulator.close();
  await rm(work, { recursive: true, force: true });
});

function sh(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'sh',
      ['-c', script],
      {
        cwd,
        env: { PATH: `${shims}:${process.env.PATH ?? ''}`, HOME: '/nonexistent', TZ: 'UTC', NO_COLOR: '1', ...ORG_ENV, ...env },
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

async function singleRun(configDir: string, asOf: string): Promise<RunResult> {
  const run = await runCli(['check', configDir, '--as-of', asOf, '--no-progress', '--format', 'json'], { env: ORG_ENV });
  return JSON.parse(run.stdout) as RunResult;
}

interface Step {
  name?: string;
  run?: string;
}

describe('GitHub Actions matrix recipe', () => {
  it('shards by matrix, then merges into the single-run verdict', async () => {
    const workflow = parse(await readFile(join(RECIPES, 'github-actions.yml'), 'utf8')) as {
      jobs: { shard: { strategy: { matrix: { shard: number[] } }; steps: Step[] }; verdict: { needs: string; steps: Step[] } };
    };
    const shards = workflow.jobs.shard.strategy.matrix.shard;
    expect(shards).toEqual([1, 2, 3]);
    expect(workflow.jobs.verdict.needs).toBe('shard');
    const check = workflow.jobs.shard.steps.find((s) => s.name?.startsWith('Check shard'))?.run ?? '';
    const merge = workflow.jobs.verdict.steps.find((s) => s.run?.includes('driftwatch merge'))?.run ?? '';
    expect(check).toContain(`/${shards.length} `);

    const repo = join(work, 'gha');
    await mkdir(join(repo, 'organization'), { recursive: true });
    await writeFile(join(repo, 'organization', 'org.yaml'), orgConfig(MEMBERS, simulator.url));
    const asOf = '2026-12-01T03:00:00Z';
    for (const shard of shards) {
      const script = check.replaceAll('${{ matrix.shard }}', String(shard)).replaceAll('${{ needs.as-of.outputs.as_of }}', asOf);
      const run = await sh(script, repo, {});
      expect(run.code, run.stderr).toBe(0);
    }
    expect((await readdir(repo)).filter((f) => f.startsWith('shard-')).sort()).toEqual(['shard-1.json', 'shard-2.json', 'shard-3.json']);
    const verdict = await sh(merge, repo, {});
    const whole = await singleRun(join(repo, 'organization'), asOf);
    expect(whole.summary.exit_code).toBe(2);
    expect(verdict.code).toBe(whole.summary.exit_code);
    expect(verdict.stdout).toContain('::error');
    expect(await readFile(join(repo, 'driftwatch.xml'), 'utf8')).toMatch(/^<\?xml/);
    expect(await readFile(join(repo, 'driftwatch.md'), 'utf8')).toContain('tencentcloud_kms_service.kms[200000000002/ap-guangzhou]');
  });
});

describe('Kubernetes Indexed Job recipe', () => {
  it('runs one shard per completion index, then the merge Job gives the single-run verdict', async () => {
    const docs = parseAllDocuments(await readFile(join(RECIPES, 'kubernetes-indexed-job.yaml'), 'utf8')).map(
      (d) => d.toJS() as Record<string, unknown>,
    );
    type Container = { env: { name: string; value: string }[]; command: string[]; args: string[] };
    type Job = {
      metadata: { name: string };
      spec: { completionMode?: string; completions?: number; parallelism?: number; template: { spec: { containers: Container[] } } };
    };
    const [shardsJob, mergeJob] = docs as unknown as [Job, Job];
    const container = shardsJob.spec.template.spec.containers[0] as Container;
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    expect(shardsJob.spec.completionMode).toBe('Indexed');
    expect(shardsJob.spec.completions).toBe(Number(env.SHARDS));
    expect(shardsJob.spec.parallelism).toBe(Number(env.SHARDS));
    expect(container.command).toEqual(['sh', '-c']);

    const root = join(work, 'k8s');
    await mkdir(join(root, 'config'), { recursive: true });
    await mkdir(join(root, 'results'));
    await writeFile(join(root, 'config', 'org.yaml'), orgConfig(MEMBERS, simulator.url));
    const paths = (script: string): string =>
      script.replaceAll('/config', join(root, 'config')).replaceAll('/results', join(root, 'results'));
    for (let index = 0; index < Number(env.SHARDS); index += 1) {
      const run = await sh(paths(container.args[0] ?? ''), root, { ...env, JOB_COMPLETION_INDEX: String(index) });
      expect(run.code, run.stderr).toBe(0);
    }
    const mergeContainer = mergeJob.spec.template.spec.containers[0] as Container;
    const verdict = await sh(
      paths(mergeContainer.args[0] ?? ''),
      root,
      Object.fromEntries(mergeContainer.env.map((e) => [e.name, e.value])),
    );
    const whole = await singleRun(join(root, 'config'), env.AS_OF ?? '');
    expect(verdict.code).toBe(whole.summary.exit_code);
    expect(verdict.stdout).toContain(
      `Check: ${whole.summary.compliant} compliant, ${whole.summary.drifted} drifted, ${whole.summary.unknown} unknown, 0 waived.`,
    );
  });
});
