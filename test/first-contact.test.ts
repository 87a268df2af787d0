import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_ENV, E2E_FIXTURES, useE2eSession } from './helpers/e2e.js';
import { CLI, REPO_ROOT, runCli } from './helpers/run-cli.js';
import { COMMANDS } from '../src/cli/registry.js';

/** What a new user types first: help, init, list, completion, validate --format json, import, the simulator. */

const e2e = useE2eSession('driftwatch-first-');
let work = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'driftwatch-first-work-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('help', () => {
  it('help, help COMMAND and COMMAND --help print the same text, with examples', async () => {
    const top = await runCli(['help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Usage: driftwatch <command> [options]');
    for (const name of ['check', 'init', 'list', 'completion']) expect(top.stdout).toContain(`  ${name} `);
    const viaHelp = await runCli(['help', 'check']);
    const viaFlag = await runCli(['check', '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaHelp.stdout).toContain('Examples:\n  driftwatch check config/');
  });

  it('every command has examples in its --help', async () => {
    for (const command of COMMANDS) {
      expect(command.examples?.length ?? 0, `${command.name} has no examples`).toBeGreaterThan(0);
      const run = await runCli([...command.name.split(' '), '--help']);
      expect(run.code, command.name).toBe(0);
      expect(run.stdout, command.name).toContain('\nExamples:\n');
    }
  });

  it('evidence --help and help evidence list the evidence commands', async () => {
    for (const args of [
      ['evidence', '--help'],
      ['help', 'evidence'],
    ]) {
      const run = await runCli(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage: driftwatch evidence <command>');
      expect(run.stdout).toContain('evidence verify');
    }
    const bare = await runCli(['evidence']);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('evidence verify');
  });

  it('help of an unknown command suggests the closest', async () => {
    const run = await runCli(['help', 'chek']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("help: unknown command 'chek'; did you mean 'check'?");
  });
});

describe('init', () => {
  it('scaffolds a commented configuration that validates, and never overwrites without --force', async () => {
    const dir = join(work, 'init-template');
    const run = await runCli(['init', dir]);
    expect(run.code).toBe(0);
    const providers = await readFile(join(dir, 'providers.yaml'), 'utf8');
    expect(providers).toMatch(/^# yaml-language-server: \$schema=/);
    expect(providers).toContain('timeout: 30s');
    expect(await readFile(join(dir, 'resources.yaml'), 'utf8')).toContain('tencentcloud_kms_service:');
    const valid = await runCli(['validate', dir]);
    expect(valid.stderr).toBe('');
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain('2 resources');
    const again = await runCli(['init', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exist');
    expect((await runCli(['init', dir, '--force', '--cloud', 'alicloud'])).code).toBe(0);
    expect((await runCli(['validate', dir])).code).toBe(0);
  });

  it('--import fills the resources from the live accounts', async () => {
    const dir = join(work, 'init-import');
    const env = {
      TENCENTCLOUD_SECRET_ID: E2E_ENV.E2E_TC_MAIN_ID,
      TENCENTCLOUD_SECRET_KEY: E2E_ENV.E2E_TC_MAIN_KEY,
      ALIBABA_CLOUD_ACCESS_KEY_ID: E2E_ENV.E2E_ALI_MAIN_ID,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: E2E_ENV.E2E_ALI_MAIN_KEY,
    };
    const run = await runCli(['init', dir, '--import', '--endpoint', e2e.simulator.url], { env });
    expect(run.stderr).toContain('Imported');
    const kms = await readFile(join(dir, 'alicloud_kms_instance.yaml'), 'utf8');
    expect(kms).toContain('instance_id: kst-ok');
    expect(kms).not.toMatch(/^version:/m);
    expect(kms).not.toMatch(/^providers:/m);
    const valid = await runCli(['validate', dir]);
    expect(valid.stderr).toBe('');
    expect(valid.code).toBe(0);
  });
});

describe('list', () => {
  it('types, attributes TYPE (kind, unit, known values) and rules [PACK]', async () => {
    const types = await runCli(['list', 'types']);
    expect(types.code).toBe(0);
    expect(types.stdout).toMatch(/tencentcloud_kms_service\s+tencentcloud\s+kms GetServiceStatus \(2019-01-18\)/);
    const attrs = await runCli(['list', 'attributes', 'tencentcloud_tcss_subscription']);
    expect(attrs.stdout).toMatch(
      /state\s+string\s+one of the known values\s+trial_available \| purchase_only \| trial_active \| pro_active \| pro_expired/,
    );
    expect(attrs.stdout).toMatch(/expires_at\s+timestamp\s+instant/);
    const json = JSON.parse((await runCli(['list', 'attributes', 'alicloud_kms_instance', '--format', 'json'])).stdout) as {
      attributes: { name: string; unit: string }[];
    };
    expect(json.attributes.find((a) => a.name === 'log_storage_gb')?.unit).toBe('GB');
    const rules = await runCli(['list', 'rules', 'builtin:baseline']);
    expect(rules.code).toBe(0);
    expect(rules.stdout).toMatch(/^RULE\s+SEVERITY/);
    expect(rules.stdout).toContain('builtin:baseline');
    const all = await runCli(['list', 'rules']);
    expect(all.stdout).toContain('builtin:strict');
  });

  it('a typo gets a suggestion and exit 1', async () => {
    const run = await runCli(['list', 'attributes', 'alicloud_kms_instnce']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("did you mean 'alicloud_kms_instance'?");
    expect((await runCli(['list', 'typs'])).stderr).toContain("did you mean 'types'?");
  });
});

describe('completion', () => {
  it('bash completes commands, flags and flag values', async () => {
    const run = await runCli(['completion', 'bash']);
    expect(run.code).toBe(0);
    const script = join(work, 'driftwatch.bash');
    await writeFile(script, run.stdout);
    const complete = (words: string[]): string[] => {
      const r = spawnSync(
        'bash',
        [
          '--norc',
          '-c',
          `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _driftwatch; printf '%s\\n' "\${COMPREPLY[@]}"`,
          'x',
          script,
        ],
        { encoding: 'utf8', cwd: work },
      );
      expect(r.stderr).toBe('');
      return r.stdout.split('\n').filter(Boolean);
    };
    expect(complete(['driftwatch', 'pl'])).toEqual(['plan']);
    expect(complete(['driftwatch', 'check', '--fail'])).toEqual(['--fail-on', '--fail-on-weakening', '--fail-on-new']);
    expect(complete(['driftwatch', 'check', '--format', 'ja'])).toEqual([]);
    expect(complete(['driftwatch', 'check', '--format', 'ju'])).toEqual(['junit']);
    expect(complete(['driftwatch', 'list', 'at'])).toEqual(['attributes']);
    expect(complete(['driftwatch', 'evidence', 've'])).toEqual(['verify']);
    expect(complete(['driftwatch', 'evidence', 'verify', '--pub'])).toEqual(['--public-key']);
  });

  it.each(['zsh', 'fish'] as const)(
    '%s prints a script naming every command (syntax-checked when the shell is installed)',
    async (shell) => {
      const run = await runCli(['completion', shell]);
      expect(run.code).toBe(0);
      for (const command of COMMANDS) expect(run.stdout).toContain(command.name.split(' ').at(-1) as string);
      if (spawnSync(shell, ['-c', 'true']).status === 0) {
        const file = join(work, `driftwatch.${shell}`);
        await writeFile(file, run.stdout);
        expect(spawnSync(shell, ['-n', file], { encoding: 'utf8' }).status).toBe(0);
      }
    },
  );

  it('an unknown shell is exit 1', async () => {
    const run = await runCli(['completion', 'powershell']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("unsupported shell 'powershell'");
  });
});

describe('validate', () => {
  it('--format json gives every diagnostic with file, line, column and code', async () => {
    const run = await runCli(['validate', 'test/fixtures/config/broken', '--format', 'json']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as {
      valid: boolean;
      diagnostics: { file: string; line: number; column: number; code: string; severity: string; message: string }[];
    };
    expect(out.valid).toBe(false);
    expect(out.diagnostics.length).toBeGreaterThan(0);
    for (const d of out.diagnostics) {
      expect(d.file).toMatch(/main\.yaml$/);
      expect(d.line).toBeGreaterThan(0);
      expect(d.column).toBeGreaterThan(0);
      expect(d.code).toMatch(/^[a-z-]+$/);
    }
    const ok = JSON.parse((await runCli(['validate', 'examples', '--format', 'json'])).stdout) as {
      valid: boolean;
      summary: { resources: number };
    };
    expect(ok).toMatchObject({ valid: true, summary: { resources: 7 } });
  });

  it('warns about waivers that expired or expire within 14 days', async () => {
    const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const dir = join(work, 'waivers');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'main.yaml'),
      [
        'version: 1',
        'providers: { tencentcloud: { main: { region: ap-guangzhou } } }',
        'resources:',
        '  tencentcloud_kms_service:',
        '    gz: { provider: tencentcloud.main, expect: { edition: ultimate, auto_renew: true, service_enabled: true } }',
        'waivers:',
        `  - { resource: tencentcloud_kms_service.gz, rule: edition, reason: r, owner: a@example.com, expires: ${day(-3)} }`,
        `  - { resource: tencentcloud_kms_service.gz, rule: auto_renew, reason: r, owner: b@example.com, expires: ${day(5)} }`,
        `  - { resource: tencentcloud_kms_service.gz, rule: service_enabled, reason: r, owner: c@example.com, expires: ${day(90)} }`,
        '',
      ].join('\n'),
    );
    const run = await runCli(['validate', dir]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/main\.yaml:7:5: warning: waiver for tencentcloud_kms_service\.gz edition \(owner a@example\.com\) expired/);
    expect(run.stderr).toMatch(
      /main\.yaml:8:5: warning: waiver for tencentcloud_kms_service\.gz auto_renew \(owner b@example\.com\) expires .* \(in [56] days, within 14 days\)/,
    );
    expect(run.stderr).not.toContain('c@example.com');
    const json = JSON.parse((await runCli(['validate', dir, '--format', 'json'])).stdout) as { diagnostics: { code: string }[] };
    expect(json.diagnostics.map((d) => d.code)).toEqual(['waiver-expired', 'waiver-expiring']);
  });

  it('refuses UTF-16 and other non-UTF-8 input with exactly that message', async () => {
    const dir = join(work, 'encodings');
    await mkdir(dir, { recursive: true });
    const yaml = 'version: 1\nresources: {}\n';
    await writeFile(join(dir, 'utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(yaml, 'utf16le')]));
    const utf16 = await runCli(['validate', join(dir, 'utf16.yaml')]);
    expect(utf16.code).toBe(1);
    expect(utf16.stderr).toContain('utf16.yaml:1:1: the file is UTF-16, not UTF-8');
    await writeFile(join(dir, 'latin1.yaml'), Buffer.from('version: 1\n# caf\xe9\nresources: {}\n', 'latin1'));
    const latin1 = await runCli(['validate', join(dir, 'latin1.yaml')]);
    expect(latin1.code).toBe(1);
    expect(latin1.stderr).toContain('latin1.yaml:1:1: the file is not UTF-8 (invalid byte 0xe9 at line 2, column 6)');
    await writeFile(join(dir, 'snapshot.json'), Buffer.from('{"x": "\xff"}', 'latin1'));
    const snapshot = await runCli(['plan', 'examples', '--observed', join(dir, 'snapshot.json')]);
    expect(snapshot.code).toBe(1);
    expect(snapshot.stderr).toContain('the file is not UTF-8');
  });
});

describe('import --output into an existing configuration directory', () => {
  it('writes only resources and skips instances already declared, saying so', async () => {
    const dir = join(work, 'existing');
    await mkdir(dir, { recursive: true });
    await cp(join(E2E_FIXTURES, 'providers.yaml'), join(dir, 'providers.yaml'));
    await cp(join(E2E_FIXTURES, 'compliant/main.yaml'), join(dir, 'main.yaml'));
    const out = join(dir, 'imported.yaml');
    const run = await runCli(
      [
        'import',
        dir,
        '--provider',
        'alicloud.main',
        '--type',
        'alicloud_kms_instance',
        '--region',
        'cn-hangzhou',
        '--endpoint',
        e2e.simulator.url,
        '--output',
        out,
      ],
      { env: E2E_ENV },
    );
    expect(run.stderr).toMatch(/skipped alicloud_kms_instance kst-ok: already declared as alicloud_kms_instance\.ok \(.*main\.yaml:\d+\)/);
    const text = await readFile(out, 'utf8');
    expect(text).not.toMatch(/^version:/m);
    expect(text).not.toMatch(/^providers:/m);
    expect(text).not.toContain('kst-ok');
    expect(text).toContain('instance_id: kst-drift');
    const valid = await runCli(['validate', dir], { env: E2E_ENV });
    expect(valid.stderr).toBe('');
    expect(valid.code).toBe(0);
  });
});

describe('simulator', () => {
  // `| true` closes the pipe before the simulator prints anything, so every stdout write fails with
  // EPIPE — the worst case of `| head -1` (where only the lines after the first are lost).
  it('keeps serving when the reader of its output goes away, and prints a loopback URL when bound to 0.0.0.0', async () => {
    const child = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" simulator --port 0 --host 0.0.0.0 | true`], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    try {
      const url = await new Promise<string>((resolve) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          const match = /listening on (http:\/\/\S+)/.exec(stderr);
          if (match?.[1]) resolve(match[1]);
        });
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(stderr).toContain('bound to 0.0.0.0');
      await new Promise((r) => setTimeout(r, 300));
      // An unsigned request gets the vendor's error envelope: the server is up and answering.
      const response = await fetch(`${url}/`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(await response.text()).toMatch(/Error|Code/);
      expect(stderr).not.toMatch(/EPIPE|stopped/);
    } finally {
      // The shell's process group: sh and the simulator it started (both ours).
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    }
  });
});
