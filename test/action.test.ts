import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './helpers/run-cli.js';

/**
 * action.yml, run step by step as the GitHub runner runs a composite action
 * (scripts/run-action-locally.mjs): install, validate, plan on a snapshot, SARIF, annotations,
 * the Markdown comment body, and the verdict.
 */

const RUNNER = join(REPO_ROOT, 'scripts/run-action-locally.mjs');
const OBSERVED = join(REPO_ROOT, 'test/fixtures/action/observed.json');

interface ActionReport {
  success: boolean;
  steps: { id: string; outcome: string; outputs?: Record<string, string>; uses?: string; with?: Record<string, string> }[];
  annotations: { level: string; file?: string; line?: string; message: string }[];
  outputs: Record<string, string>;
  summary: string;
}

let work = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'driftwatch-action-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function runAction(
  name: string,
  inputs: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string; report: () => Promise<ActionReport> }> {
  const report = join(work, `${name}.json`);
  const args = [RUNNER, '--workspace', REPO_ROOT, '--runner-temp', join(work, `${name}-temp`), '--report', report];
  for (const [k, v] of Object.entries(inputs)) args.push('--input', `${k}=${v}`);
  return new Promise((resolve) => {
    // The package is installed from this checkout (a directory spec, linked); its prepare script
    // must not rebuild dist/ under the running tests.
    const env = { ...process.env, npm_config_ignore_scripts: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
    execFile(process.execPath, args, { env, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stdout,
        stderr,
        report: async () => JSON.parse(await readFile(report, 'utf8')) as ActionReport,
      });
    });
  });
}

const INPUTS = { driftwatch: REPO_ROOT, config: 'examples', observed: OBSERVED, args: '--as-of 2026-11-29T00:00:00Z' };

describe('the GitHub Action, run locally as the runner would', () => {
  it('validates, plans on the snapshot, writes SARIF and the comment, annotates, and fails on drift', { timeout: 300_000 }, async () => {
    const run = await runAction('drift', INPUTS);
    expect(run.code, run.stderr).toBe(1);
    const report = await run.report();
    expect(report.success).toBe(false);
    const byId = Object.fromEntries(report.steps.map((s) => [s.id, s]));
    expect(byId.install?.outcome).toBe('success');
    expect(byId.validate?.outcome).toBe('success');
    expect(byId.plan?.outcome).toBe('success');
    expect(byId.plan?.outputs?.['exit-code']).toBe('2');
    expect(byId.verdict?.outcome).toBe('failure');
    expect(run.stdout).toContain('driftwatch: drift found.');

    const upload = report.steps.find((s) => s.uses !== undefined);
    expect(upload?.uses).toBe('github/codeql-action/upload-sarif@v3');
    expect(upload?.with?.sarif_file).toBe(report.outputs.sarif);
    const sarif = JSON.parse(await readFile(report.outputs.sarif as string, 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results.length).toBeGreaterThan(0);

    const comment = await readFile(report.outputs.comment as string, 'utf8');
    expect(comment).toMatch(/^<!-- driftwatch-report -->\n## driftwatch: drift found/);
    expect(comment).not.toMatch(/exit code/i);
    expect(report.summary).toBe(comment);

    const errors = report.annotations.filter((a) => a.level === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((a) => a.file?.startsWith('examples/') && Number(a.line) > 0)).toBe(true);
    expect(report.outputs['exit-code']).toBe('2');
    const result = JSON.parse(await readFile(report.outputs.result as string, 'utf8')) as { summary: { drifted: number } };
    expect(result.summary.drifted).toBe(2);
  });

  it('with fail-on-drift false and no SARIF upload, the job passes and reports the code', { timeout: 300_000 }, async () => {
    const run = await runAction('report-only', { ...INPUTS, 'fail-on-drift': 'false', 'upload-sarif': 'false' });
    expect(run.code, run.stderr).toBe(0);
    const report = await run.report();
    expect(report.outputs['exit-code']).toBe('2');
    expect(report.steps.find((s) => s.uses !== undefined)?.outcome).toBe('skipped');
  });

  it('an invalid configuration fails at validate and skips the rest', { timeout: 300_000 }, async () => {
    const run = await runAction('invalid', { ...INPUTS, config: 'test/fixtures/config/broken' });
    expect(run.code).toBe(1);
    const report = await run.report();
    const byId = Object.fromEntries(report.steps.map((s) => [s.id, s]));
    expect(byId.validate?.outcome).toBe('failure');
    expect(byId.plan?.outcome).toBe('skipped');
    expect(byId.verdict?.outcome).toBe('skipped');
  });
});

describe('example workflows (examples/ci)', () => {
  interface Workflow {
    jobs: Record<string, { steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }>;
  }
  interface Action {
    inputs: Record<string, { required?: boolean; default?: string }>;
  }

  it('the pull-request workflow gives the action only inputs it has, and every required one', async () => {
    const action = parse(await readFile(join(REPO_ROOT, 'action.yml'), 'utf8')) as Action;
    const workflow = parse(await readFile(join(REPO_ROOT, 'examples/ci/pull-request.yml'), 'utf8')) as Workflow;
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const step = steps.find((s) => s.uses?.includes('/driftwatch@'));
    expect(step).toBeDefined();
    const given = Object.keys(step?.with ?? {});
    for (const name of given) expect(Object.keys(action.inputs)).toContain(name);
    for (const [name, spec] of Object.entries(action.inputs))
      if (spec.required && spec.default === undefined) expect(given).toContain(name);
  });

  it('the nightly workflow runs check with JUnit, evidence and a snapshot, and uploads them', async () => {
    const workflow = parse(await readFile(join(REPO_ROOT, 'examples/ci/nightly.yml'), 'utf8')) as Workflow;
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const check = steps.find((s) => s.run?.includes('driftwatch check'))?.run ?? '';
    for (const flag of ['--out junit=driftwatch.xml', '--save-observed observed.json', '--evidence', '--timeout'])
      expect(check).toContain(flag);
    const uploaded = steps.filter((s) => s.uses?.startsWith('actions/upload-artifact')).map((s) => (s.with as { name: string }).name);
    expect(uploaded).toEqual(['driftwatch-junit', 'driftwatch-evidence', 'driftwatch-snapshot']);
    const pr = await readFile(join(REPO_ROOT, 'examples/ci/pull-request.yml'), 'utf8');
    expect(pr).toContain('--workflow nightly.yml');
    expect(pr).toContain('--name driftwatch-snapshot');
  });
});
