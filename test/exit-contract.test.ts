import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_AS_OF, E2E_ENV, useE2eSession, useSimulator } from './helpers/e2e.js';
import { CLI, REPO_ROOT, runCli } from './helpers/run-cli.js';
import type { RunningSimulator } from '../src/simulator/server.js';

/** The exit-code contract (design.md §4, §12): interrupted, credentials, empty selection, timeouts, flags. */

const FIXTURES = join(REPO_ROOT, 'test/fixtures/first-contact');
const ONE_KMS = join(FIXTURES, 'one-kms.yaml');
const e2e = useE2eSession('driftwatch-exit-');
const hanging = useSimulator(join(FIXTURES, 'hang-world.yaml'));
const INTERRUPTED = 'interrupted before the run finished; no report was written';

let work = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'driftwatch-exit-work-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const cliEnv = { PATH: process.env.PATH ?? '', HOME: '/nonexistent-driftwatch-home', TZ: 'UTC', NO_COLOR: '1', ...E2E_ENV };

/** Waits until the simulator has received a request beyond the `before` it had already counted. */
async function untilRequested(simulator: RunningSimulator, before: number): Promise<void> {
  for (let i = 0; i < 400 && simulator.stats().total.requests <= before; i++) await new Promise((r) => setTimeout(r, 25));
  expect(simulator.stats().total.requests).toBeGreaterThan(before);
}

function exitOf(child: ReturnType<typeof spawn>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('interrupted runs exit 1 and write no report', () => {
  it('SIGINT without a terminal, while a request hangs', async () => {
    const out = join(work, 'interrupted.json');
    const before = hanging.simulator.stats().total.requests;
    const child = spawn(
      process.execPath,
      [CLI, 'check', ONE_KMS, '--endpoint', hanging.simulator.url, '--no-progress', '--out', `json=${out}`],
      { env: cliEnv },
    );
    const done = exitOf(child);
    await untilRequested(hanging.simulator, before);
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(INTERRUPTED);
    expect(run.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('SIGTERM too', async () => {
    const before = hanging.simulator.stats().total.requests;
    const child = spawn(process.execPath, [CLI, 'plan', ONE_KMS, '--endpoint', hanging.simulator.url, '--no-progress'], { env: cliEnv });
    const done = exitOf(child);
    await untilRequested(hanging.simulator, before);
    child.kill('SIGTERM');
    const run = await done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(INTERRUPTED);
  });

  // Ctrl-C typed into a real terminal (a pseudo-terminal from util-linux `script`), with the listr2 progress display on.
  it.runIf(spawnSync('script', ['--version']).status === 0)(
    "Ctrl-C in a terminal with the progress display (not listr2's 127)",
    async () => {
      const command = [process.execPath, CLI, 'check', ONE_KMS, '--endpoint', hanging.simulator.url].map((a) => `'${a}'`).join(' ');
      const before = hanging.simulator.stats().total.requests;
      const child = spawn('script', ['-qfec', `stty cols 100; exec ${command}`, '/dev/null'], {
        env: cliEnv,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const done = exitOf(child);
      await untilRequested(hanging.simulator, before);
      child.stdin?.write('\u0003');
      const run = await done;
      expect(run.stdout).toContain(INTERRUPTED);
      expect(run.code).toBe(1);
    },
  );
});

describe('credentials', () => {
  it('missing credentials are exit 1, named, before any request', async () => {
    const run = await runCli(['check', ONE_KMS, '--endpoint', e2e.simulator.url, '--no-progress'], {
      env: { E2E_TC_MAIN_ID: 'AKIDE2EMAIN0001' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no usable credentials for provider tencentcloud\.main/);
    expect(run.stdout).toBe('');
  });

  it('a key the cloud does not know is exit 1, not unknown (3)', async () => {
    const run = await runCli(['check', ONE_KMS, '--endpoint', e2e.simulator.url, '--no-progress'], {
      env: { ...E2E_ENV, E2E_TC_MAIN_ID: 'AKIDUNKNOWN0000' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused the credentials of tencentcloud\.main \(AuthFailure\.SecretIdNotFound/);
    expect(run.stderr).not.toContain('e2e-tencent-secret-main');
  });

  it('a secret that does not belong to the key is exit 1', async () => {
    const run = await runCli(['check', ONE_KMS, '--endpoint', e2e.simulator.url, '--no-progress'], {
      env: { ...E2E_ENV, E2E_TC_MAIN_KEY: 'not-the-secret' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/AuthFailure\.SignatureFailure/);
    expect(run.stderr).not.toContain('not-the-secret');
  });
});

describe('an empty selection', () => {
  it('is exit 1 unless --allow-empty', async () => {
    const empty = join(FIXTURES, 'empty.yaml');
    const run = await runCli(['check', empty, '--endpoint', e2e.simulator.url, '--no-progress'], { env: E2E_ENV });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/selects no resources/);
    expect(run.stderr).toContain('--allow-empty');
    const allowed = await runCli(['check', empty, '--endpoint', e2e.simulator.url, '--no-progress', '--allow-empty'], { env: E2E_ENV });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('Check: 0 compliant, 0 drifted, 0 unknown, 0 waived.');
  });
});

describe('timeouts', () => {
  it('--timeout bounds each attempt: a hung endpoint gives unknown (3) in seconds, not minutes', async () => {
    const run = await runCli(
      ['check', ONE_KMS, '--endpoint', hanging.simulator.url, '--no-progress', '--timeout', '200ms', '--format', 'json'],
      { env: E2E_ENV, timeoutMs: 20_000 },
    );
    expect(run.code).toBe(3);
    const result = JSON.parse(run.stdout) as { resources: { error: { code: string } | null }[] };
    expect(['DW_TIMEOUT', 'DW_DEADLINE']).toContain(result.resources[0]?.error?.code);
  });

  it("a provider's timeout: does the same", async () => {
    const run = await runCli(['check', join(FIXTURES, 'slow-provider.yaml'), '--endpoint', hanging.simulator.url, '--no-progress'], {
      env: E2E_ENV,
      timeoutMs: 20_000,
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/DW_TIMEOUT|DW_DEADLINE/);
  });

  it('--run-timeout ends the whole run', async () => {
    const run = await runCli(['check', ONE_KMS, '--endpoint', hanging.simulator.url, '--no-progress', '--run-timeout', '500ms'], {
      env: E2E_ENV,
      timeoutMs: 20_000,
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('DW_DEADLINE');
  });

  it('a malformed duration is a usage error', async () => {
    const run = await runCli(['check', ONE_KMS, '--timeout', '10 seconds']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--timeout: expected a duration such as 500ms, 10s, 2m or 1h, got '10 seconds'");
  });
});

describe('flags', () => {
  it('a repeated single-value flag is an error, not last-wins', async () => {
    const run = await runCli(['check', ONE_KMS, '--format', 'json', '--format', 'text']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('check: --format was given more than once');
  });

  it('two --out to one path are an error', async () => {
    const run = await runCli(['plan', ONE_KMS, '--out', 'json=same.out', '--out', 'sarif=./same.out']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--out: json=same.out and sarif=./same.out write to the same file');
  });

  it('repeatable flags still repeat', async () => {
    const run = await runCli(
      [
        'plan',
        ONE_KMS,
        '--endpoint',
        e2e.simulator.url,
        '--as-of',
        E2E_AS_OF,
        '--no-progress',
        '--target',
        'tencentcloud_kms_service.gz',
        '--target',
        'tencentcloud_kms_service.gz',
      ],
      { env: E2E_ENV },
    );
    expect(run.code).toBe(0);
  });
});

describe('reader-facing output of a real run', () => {
  it('--tz shows Beijing time beside UTC; description: travels into text and JSON', async () => {
    const run = await runCli(
      [
        'plan',
        ONE_KMS,
        '--endpoint',
        e2e.simulator.url,
        '--as-of',
        '2029-12-15T00:00:00Z',
        '--no-progress',
        '--tz',
        'Asia/Shanghai',
        '--out',
        `json=${join(work, 'tz.json')}`,
      ],
      { env: E2E_ENV },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('as of 2029-12-15T00:00:00Z (2029-12-15 08:00:00 UTC+08:00 (Asia/Shanghai))');
    expect(run.stdout).toMatch(/Legend: ~ differs \(expected -> actual\)/);
    const saved = JSON.parse(await readFile(join(work, 'tz.json'), 'utf8')) as {
      resources: { checks: { rule: string; description?: string }[] }[];
    };
    expect(saved.resources[0]?.checks.find((c) => c.rule === 'edition')?.description).toBe('Key policies assume the Ultimate edition');
    const configured = join(work, 'tz-config.yaml');
    await writeFile(configured, `${await readFile(ONE_KMS, 'utf8')}report: { tz: America/New_York }\n`);
    const fromConfig = await runCli(
      ['plan', configured, '--endpoint', e2e.simulator.url, '--as-of', '2029-12-15T00:00:00Z', '--no-progress'],
      { env: E2E_ENV },
    );
    expect(fromConfig.stdout).toContain('(2029-12-14 19:00:00 UTC-05:00 (America/New_York))');
    const flagWins = await runCli(
      ['plan', configured, '--endpoint', e2e.simulator.url, '--as-of', '2029-12-15T00:00:00Z', '--no-progress', '--tz', 'UTC'],
      { env: E2E_ENV },
    );
    expect(flagWins.stdout).toContain('(2029-12-15 00:00:00 UTC+00:00 (UTC))');
    await writeFile(configured, `${await readFile(ONE_KMS, 'utf8')}report: { tz: Mars/Olympus }\n`);
    const badConfig = await runCli(['validate', configured]);
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toMatch(/tz-config\.yaml:\d+:\d+: report\.tz: unknown time zone 'Mars\/Olympus'/);
    const bad = await runCli(['plan', ONE_KMS, '--tz', 'Mars/Olympus']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--tz: unknown time zone 'Mars/Olympus'");
  });
});
