import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const BROKEN = join(ROOT, 'test/fixtures/config/broken');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI in a child process, as a user or a CI job would. */
function cli(args: string[], cwd = ROOT): Run {
  if (!existsSync(CLI)) throw new Error(`${CLI} does not exist: run \`npm run build\` first (\`npm test\` does it before vitest)`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-driftwatch-home', TZ: 'UTC', NO_COLOR: '1' },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('driftwatch validate (built CLI)', () => {
  // Issue 11 adds ca.root-can-issue-intermediate to builtin:baseline (12 → 13 rules).
  it('accepts the examples and summarises them on stdout', () => {
    const r = cli(['validate', 'examples/']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Valid: 3 files, 3 providers, 7 resources, 1 waiver, 1 policy pack (15 rules).\n');
    expect(r.code).toBe(0);
  });

  it('reads the current directory when no path is given', () => {
    const r = cli(['validate'], join(ROOT, 'examples'));
    expect(r.stdout).toBe('Valid: 3 files, 3 providers, 7 resources, 1 waiver, 1 policy pack (15 rules).\n');
    expect(r.code).toBe(0);
  });

  it('prints every error of a broken file as file:line:column: message and exits 1', () => {
    const r = cli(['validate', 'main.yaml'], BROKEN);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        "main.yaml:6:7: unknown key 'regoin' in provider tencentcloud.prod; did you mean 'region'?",
        "main.yaml:9:5: tencentcloud_kms_service.gz needs a region: set 'region' on it or on provider tencentcloud.prod",
        "main.yaml:12:9: unknown attribute 'editon' for tencentcloud_kms_service; did you mean 'edition'?",
        "main.yaml:13:35: tencentcloud_kms_service.gz: malformed duration '30days' for not_within; write a positive whole number and a unit m, h, d or w (e.g. 90m, 12h, 30d, 2w)",
        'Error: configuration is invalid: 4 errors',
        '',
      ].join('\n'),
    );
  });

  it('names file paths relative to the working directory and never prints a stack trace', () => {
    const r = cli(['validate', 'test/fixtures/config/broken', 'no/such/dir']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no/such/dir:1:1: cannot read configuration: no such file or directory\n');
    expect(r.stderr).toContain("test/fixtures/config/broken/main.yaml:6:7: unknown key 'regoin'");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toContain('bug');
  });

  it('locates YAML syntax errors', () => {
    const r = cli(['validate', 'test/fixtures/config/syntax-error.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^test\/fixtures\/config\/syntax-error\.yaml:5:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a \}$/m,
    );
  });

  it('prints usage for --help and exits 0', () => {
    const r = cli(['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: driftwatch validate [PATH...]');
    expect(r.stdout).toContain('without network or credentials');
  });

  it('keeps YAML, ajv and the config loader off the --version path (cold start)', () => {
    // Walk the static imports of the built entry point: lazy `import()` calls are not followed.
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = [CLI];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const code = readFileSync(file, 'utf8');
      for (const m of code.matchAll(/^\s*import\s+(?:[^'"()]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
        else packages.add(spec);
      }
    }
    expect([...seen].filter((f) => f.includes('/dist/config/'))).toEqual([]);
    expect([...packages].filter((p) => p === 'yaml' || p.startsWith('ajv'))).toEqual([]);
    const r = cli(['--version']);
    expect(r.code).toBe(0);
  });
});
