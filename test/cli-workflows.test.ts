import { describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { E2E_AS_OF, E2E_ENV, E2E_FIXTURES, useE2eSession, useSimulator } from './helpers/e2e.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';
import type { RunResult } from '../src/model/run-result.js';

/** The three workflows of design.md §1 through the built CLI: PR review, nightly run, audit evidence. */
const CONFIG = [
  join(E2E_FIXTURES, 'providers.yaml'),
  join(E2E_FIXTURES, 'drifted', 'main.yaml'),
  join(E2E_FIXTURES, 'unknown', 'main.yaml'),
];

const e2e = useE2eSession('driftwatch-workflows-');

describe('audit evidence through the CLI', () => {
  it('writes a signed bundle that evidence verify accepts, and rejects after tampering', async () => {
    const bundle = join(e2e.work, 'bundle');
    const key = join(REPO_ROOT, 'test/fixtures/evidence/signing-key.pem');
    const run = await runCli(
      [
        'check',
        ...CONFIG,
        '--endpoint',
        e2e.simulator.url,
        '--as-of',
        E2E_AS_OF,
        '--no-progress',
        '--evidence',
        bundle,
        '--format',
        'json',
      ],
      {
        env: { ...E2E_ENV, DRIFTWATCH_EVIDENCE_KEY_FILE: key },
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Evidence bundle: .*signed ed25519/);
    const files = await readdir(bundle, { recursive: true });
    expect(files).toEqual(expect.arrayContaining(['manifest.json', 'manifest.sig', 'result.json']));
    const everything = (await Promise.all(files.map((f) => readFile(join(bundle, f)).catch(() => Buffer.alloc(0))))).map(String).join('\n');
    for (const secret of [E2E_ENV.E2E_TC_MAIN_KEY, E2E_ENV.E2E_ALI_MAIN_KEY, E2E_ENV.E2E_TC_DENIED_KEY])
      expect(everything).not.toContain(secret);
    expect(everything).toContain('AuthFailure.UnauthorizedOperation');

    const pub = join(REPO_ROOT, 'test/fixtures/evidence/signing-key.pub.pem');
    const ok = await runCli(['evidence', 'verify', bundle, '--public-key', pub]);
    expect(ok.stdout).toMatch(/^Verified \d+ files; signature OK \(ed25519/);
    expect(ok.code).toBe(0);

    const wrongKey = await runCli([
      'evidence',
      'verify',
      bundle,
      '--public-key',
      join(REPO_ROOT, 'test/fixtures/evidence/other-key.pub.pem'),
    ]);
    expect(wrongKey.code).toBe(1);

    const result = join(bundle, 'result.json');
    await writeFile(result, (await readFile(result, 'utf8')).replace('"drifted"', '"compliant"'));
    const tampered = await runCli(['evidence', 'verify', bundle, '--public-key', pub]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/result\.json/);
  });

  it('refuses --evidence without a signing key before making any request', async () => {
    const before = e2e.simulator.stats().total.requests;
    const run = await runCli(
      ['check', ...CONFIG, '--endpoint', e2e.simulator.url, '--no-progress', '--evidence', join(e2e.work, 'unsigned')],
      { env: E2E_ENV },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/DRIFTWATCH_EVIDENCE_KEY/);
    expect(e2e.simulator.stats().total.requests).toBe(before);
  });
});

describe('pull-request review and nightly formats', () => {
  it('re-renders a saved result in every format; SARIF validates against the 2.1.0 schema', async () => {
    const saved = join(e2e.work, 'result.json');
    const run = await runCli(
      [
        'check',
        ...CONFIG,
        '--endpoint',
        e2e.simulator.url,
        '--as-of',
        E2E_AS_OF,
        '--no-progress',
        '--out',
        `json=${saved}`,
        '--format',
        'junit',
      ],
      { env: E2E_ENV },
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^<\?xml/);

    const sarif = await runCli(['report', '--from', saved, '--format', 'sarif']);
    expect(sarif.code).toBe(0);
    const schema = JSON.parse(await readFile(join(REPO_ROOT, 'test/fixtures/vendor/sarif-schema-2.1.0.json'), 'utf8')) as object;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(JSON.parse(sarif.stdout)), JSON.stringify(validate.errors)).toBe(true);

    const github = await runCli(['report', '--from', saved, '--format', 'github']);
    expect(github.stdout).toMatch(/^::error file=.*drifted\/main\.yaml,line=\d+,col=\d+/m);
    expect(github.stdout).toMatch(/^::warning /m);

    const markdown = await runCli(['report', '--from', saved, '--format', 'markdown']);
    expect(markdown.stdout).toMatch(/\| *drifted *\|/i);

    const text = await runCli(['report', '--from', saved]);
    expect(text.stdout).toMatch(/Check: 0 compliant, 6 drifted, 4 unknown, 0 waived\.\n$/);

    const json = await runCli(['report', '--from', saved, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(await readFile(saved, 'utf8')) as RunResult);
  });

  it('refuses a run result of another format_version with a clear message', async () => {
    const future = join(e2e.work, 'future.json');
    await writeFile(future, JSON.stringify({ format_version: '2', resources: [] }));
    const run = await runCli(['report', '--from', future]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/format.*2/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('import', () => {
  it('writes a configuration of what is live that validate accepts', async () => {
    const out = join(e2e.work, 'imported.yaml');
    const run = await runCli(
      [
        'import',
        join(E2E_FIXTURES, 'providers.yaml'),
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
    expect(run.stderr).toMatch(/warning: alicloud_kms_instance\.kst-denied left out: Forbidden\.RAM/);
    expect(run.stderr).toMatch(/Imported 2 alicloud_kms_instance resources/);
    expect(run.code).toBe(3);
    const yaml = await readFile(out, 'utf8');
    expect(yaml).toMatch(/instance_id: kst-ok/);
    expect(yaml).toMatch(/status: Connected/);
    expect(yaml).toMatch(/not_within: 30d/);
    const validate = await runCli(['validate', out], { env: E2E_ENV });
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
  });

  it('names the type it does not know', async () => {
    const run = await runCli(['import', '--provider', 'alicloud', '--type', 'alicloud_kms_instanc']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/did you mean 'alicloud_kms_instance'/);
  });
});

describe('demo', () => {
  it('runs the README first command with no credentials and shows compliant, drifted, expiring and waived items', async () => {
    const run = await runCli(['demo', '--no-progress']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/has drifted/);
    expect(run.stdout).toMatch(/is within 30d of now/);
    expect(run.stdout).toMatch(/Check: 4 compliant, 2 drifted, 0 unknown, 1 waived\.\n$/);
  });
});

describe('adopting builtin:baseline with a waiver (examples/)', () => {
  const DEMO_ENV = {
    TENCENTCLOUD_SECRET_ID: 'AKIDSIMULATED0001',
    TENCENTCLOUD_SECRET_KEY: 'simulated-secret-0001',
    ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAISIMULATED0001',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'simulated-secret-0002',
  };
  const demo = useSimulator(join(REPO_ROOT, 'examples/simulator/world.yaml'));

  async function issuing(asOf: string): Promise<RunResult['resources'][number] | undefined> {
    const run = await runCli(
      ['check', 'examples', '--endpoint', demo.simulator.url, '--as-of', asOf, '--no-progress', '--format', 'json'],
      { env: DEMO_ENV },
    );
    expect(run.code).toBe(2);
    return (JSON.parse(run.stdout) as RunResult).resources.find((r) => r.address === 'alicloud_cas_private_ca.issuing');
  }

  it('waives the finding while the waiver is active and reports it again once it has expired', async () => {
    const active = await issuing('2027-03-31T23:59:59Z');
    expect(active?.status).toBe('waived');
    expect(active?.checks.find((c) => c.rule === 'certificates_remaining')).toMatchObject({
      status: 'waived',
      waiver: { owner: 'pki-team@example.com' },
    });

    const expired = await issuing('2027-04-01T00:00:00Z');
    expect(expired?.status).toBe('drifted');
    expect(expired?.checks.find((c) => c.rule === 'certificates_remaining')).toMatchObject({
      status: 'fail',
      waiver: { state: 'expired' },
    });
  });

  it('carries the baseline policy findings with rule id, severity, remediation and controls', async () => {
    const run = await runCli(
      ['check', 'examples', '--endpoint', demo.simulator.url, '--as-of', '2026-11-29', '--no-progress', '--format', 'json'],
      { env: DEMO_ENV },
    );
    const result = JSON.parse(run.stdout) as RunResult;
    const finding = result.resources.flatMap((r) => r.checks).find((c) => c.source === 'policy' && c.status === 'fail');
    expect(finding).toMatchObject({
      rule: expect.stringMatching(/[.-]/) as unknown,
      severity: expect.any(String) as unknown,
      remediation: expect.any(String) as unknown,
    });
    expect(finding?.controls?.length).toBeGreaterThan(0);
  });
});
