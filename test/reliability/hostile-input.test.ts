/**
 * Issue 18: a security review's attacks on driftwatch, each one a reproduction that failed on the
 * first release — hand-edited snapshots, forged evidence directories, signature files with
 * trailing data, YAML alias bombs, catastrophic regexes and globs, deep vendor values, huge
 * configuration values, secrets interpolated into the configuration, vendor strings carrying
 * terminal escapes. Each is run the way a user would meet it (the built CLI, or the public
 * function the CLI calls) and must end in a clear refusal or `unknown`, never `compliant`,
 * a crash, a hang or a leak.
 */
import { mkdir, readdir, readFile, stat, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateOperator } from '../../src/operators/index.js';
import { compileSelector } from '../../src/policy/selector.js';
import { parseVendorJson, VendorJsonError } from '../../src/providers/vendor-json.js';
import type { RunResult } from '../../src/model/run-result.js';
import type { ResourceConfig } from '../../src/model/desired-state.js';
import { E2E_AS_OF, E2E_ENV, E2E_FIXTURES, useE2eSession } from '../helpers/e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { startSimulator } from '../../src/simulator/server.js';
import { worldFromObject } from '../../src/simulator/world.js';
import { configFor, faultWorkload } from './fault-world.js';

const e2e = useE2eSession('dw-hostile-');
const HMAC = 'hostile-test-hmac-secret-0123456789abcdef';
const CONFIG = [join(E2E_FIXTURES, 'providers.yaml'), join(E2E_FIXTURES, 'compliant', 'main.yaml')];

function noStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at [^\n]+:\d+:\d+/);
}

/** A snapshot of the compliant scenario, saved live (signed when `sign`). */
async function saveSnapshot(name: string, sign: boolean): Promise<string> {
  const path = join(e2e.work, name);
  const run = await runCli(
    ['check', ...CONFIG, '--endpoint', e2e.simulator.url, '--as-of', E2E_AS_OF, '--no-progress', '--save-observed', path],
    {
      env: { ...E2E_ENV, ...(sign ? { DRIFTWATCH_EVIDENCE_HMAC_KEY: HMAC } : {}) },
    },
  );
  expect(run.code, run.stderr).toBe(0);
  return path;
}

type SnapshotJson = { observed_at: string; observations: Record<string, unknown>[]; signature?: { signature: string } };

async function edit(path: string, name: string, change: (s: SnapshotJson) => void): Promise<string> {
  const data = JSON.parse(await readFile(path, 'utf8')) as SnapshotJson;
  change(data);
  const out = join(e2e.work, name);
  await writeFile(out, `${JSON.stringify(data, null, 2)}\n`);
  return out;
}

function offline(snapshot: string, extra: string[] = [], env: Record<string, string> = {}): ReturnType<typeof runCli> {
  return runCli(['check', ...CONFIG, '--observed', snapshot, '--as-of', E2E_AS_OF, '--format', 'json', ...extra], { env });
}

describe('snapshots a pull request could carry', () => {
  it('observed_at moved to 2099 is unknown, never compliant', async () => {
    const future = await edit(await saveSnapshot('live.json', false), 'future.json', (s) => {
      s.observed_at = '2099-01-01T00:00:00.000Z';
      for (const o of s.observations) o.observed_at = '2099-01-01T00:00:00.000Z';
    });
    const run = await offline(future);
    const result = JSON.parse(run.stdout) as RunResult;
    expect(run.code).toBe(3);
    expect(result.summary.compliant).toBe(0);
    for (const r of result.resources) expect(r.error?.code).toBe('DW_SNAPSHOT_FUTURE');
  });

  it('observed_at moved to 2001 is unknown under --max-age, with the age in the message and every header', async () => {
    const old = await edit(await saveSnapshot('live2.json', false), 'old.json', (s) => {
      s.observed_at = '2001-01-01T00:00:00.000Z';
      for (const o of s.observations) o.observed_at = '2001-01-01T00:00:00.000Z';
    });
    const run = await offline(old, ['--max-age', '7d']);
    const result = JSON.parse(run.stdout) as RunResult;
    expect(run.code).toBe(3);
    expect(result.summary.compliant).toBe(0);
    for (const r of result.resources)
      for (const c of r.checks)
        expect(c.message).toMatch(/was observed \d+d( \d+h)? ago \(2001-01-01T00:00:00.000Z\), more than --max-age 7d/);
    expect(result.snapshot).toMatchObject({ observed_at: '2001-01-01T00:00:00.000Z' });
    const text = await runCli(['check', ...CONFIG, '--observed', old, '--as-of', E2E_AS_OF, '--max-age', '7d']);
    expect(text.stdout).toMatch(/Snapshot: evaluated from a snapshot observed 2001-01-01T00:00:00.000Z, \d+d( \d+h)? old\./);
  });

  it('a null or deleted scope is refused with exit 1', async () => {
    const live = await saveSnapshot('live3.json', false);
    for (const [name, change] of [
      ['null-scope.json', (s: SnapshotJson): void => void s.observations.forEach((o) => (o.scope = null))],
      ['no-scope.json', (s: SnapshotJson): void => void s.observations.forEach((o) => delete o.scope)],
    ] as const) {
      const run = await offline(await edit(live, name, change));
      expect(run.code, name).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/scope/);
      noStack(run.stderr);
    }
  });

  it('with a key, a signed snapshot verifies, and an unsigned or tampered one is refused (exit 1)', async () => {
    const signed = await saveSnapshot('signed.json', true);
    const keyFile = join(e2e.work, 'snapshot.key');
    await writeFile(keyFile, `${HMAC}\n`);
    const ok = await offline(signed, ['--observed-key', keyFile]);
    expect(ok.code, ok.stderr).toBe(0);
    const viaEnv = await offline(signed, [], { DRIFTWATCH_OBSERVED_HMAC_KEY: HMAC });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);

    const tampered = await edit(signed, 'tampered.json', (s) => {
      const o = s.observations[0] as { attributes: Record<string, unknown> };
      o.attributes = { ...o.attributes, status: 'Connected', edition: 'ultimate' };
      s.observed_at = '2026-11-28T00:00:00.000Z';
    });
    const refused = await offline(tampered, ['--observed-key', keyFile]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/signature does not verify/);
    const unsigned = await edit(signed, 'unsigned.json', (s) => delete s.signature);
    const refusedUnsigned = await offline(unsigned, ['--observed-key', keyFile]);
    expect(refusedUnsigned.code).toBe(1);
    expect(refusedUnsigned.stderr).toMatch(/not signed/);
    for (const run of [refused, refusedUnsigned]) noStack(run.stderr);
  });
});

describe('evidence directories and signature files', () => {
  it('never deletes a directory of user files with a forged, unsigned manifest.json, even with --force', async () => {
    const dir = join(e2e.work, 'user-files');
    await mkdir(dir);
    await writeFile(join(dir, 'thesis.txt'), 'precious');
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify({
        format: 'driftwatch-evidence-manifest',
        format_version: '1',
        files: [{ path: 'thesis.txt', size: 8, sha256: '0'.repeat(64) }],
      }),
    );
    for (const extra of [[], ['--force']]) {
      const run = await runCli(
        ['check', ...CONFIG, '--endpoint', e2e.simulator.url, '--as-of', E2E_AS_OF, '--no-progress', '--evidence', dir, ...extra],
        {
          env: { ...E2E_ENV, DRIFTWATCH_EVIDENCE_HMAC_KEY: HMAC },
        },
      );
      expect(run.code, extra.join(' ')).toBe(1);
      expect(run.stderr).toMatch(/refusing/);
      expect((await readdir(dir)).sort()).toEqual(['manifest.json', 'thesis.txt']);
      expect(await readFile(join(dir, 'thesis.txt'), 'utf8')).toBe('precious');
    }
  });

  it('replaces a previous bundle only with --force, and a signature with trailing data or split base64 fails verification', async () => {
    const dir = join(e2e.work, 'bundle');
    const args = ['check', ...CONFIG, '--endpoint', e2e.simulator.url, '--as-of', E2E_AS_OF, '--no-progress', '--evidence', dir];
    const env = { ...E2E_ENV, DRIFTWATCH_EVIDENCE_HMAC_KEY: HMAC };
    expect((await runCli(args, { env })).code).toBe(0);
    expect((await runCli(args, { env })).code).toBe(1);
    expect((await runCli([...args, '--force'], { env })).code).toBe(0);
    const verify = (): ReturnType<typeof runCli> =>
      runCli(['evidence', 'verify', dir, '--hmac-key-env', 'DRIFTWATCH_EVIDENCE_HMAC_KEY'], { env });
    expect((await verify()).code).toBe(0);
    const sigPath = join(dir, 'manifest.sig');
    const original = await readFile(sigPath, 'utf8');
    const sig = JSON.parse(original) as { signature: string };
    for (const forged of [
      `${original}garbage`,
      original.replace(sig.signature, `${sig.signature.slice(0, 10)}\\n${sig.signature.slice(10)}`),
      original.replace(sig.signature, `${sig.signature}AAAA`.replace(/=/g, '')),
    ]) {
      await writeFile(sigPath, forged);
      expect((await verify()).code, forged).toBe(1);
    }
    await writeFile(sigPath, original);
  });

  it('--out over an existing file keeps its mode', async () => {
    const out = join(e2e.work, 'private.json');
    await writeFile(out, '{}');
    await chmod(out, 0o600);
    const run = await runCli(
      ['check', ...CONFIG, '--endpoint', e2e.simulator.url, '--as-of', E2E_AS_OF, '--no-progress', '--out', `json=${out}`],
      { env: E2E_ENV },
    );
    expect(run.code).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect((await readdir(e2e.work)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('removes temporaries a killed run left behind on the next write', async () => {
    const out = join(e2e.work, 'report.txt');
    // A pid that cannot be running (above the Linux maximum).
    const stale = join(e2e.work, `.report.txt.99999999.0123456789ab.tmp`);
    await writeFile(stale, 'half');
    const run = await runCli(
      ['check', ...CONFIG, '--endpoint', e2e.simulator.url, '--as-of', E2E_AS_OF, '--no-progress', '--out', `text=${out}`],
      { env: E2E_ENV },
    );
    expect(run.code).toBe(0);
    expect((await readdir(e2e.work)).filter((f) => f.startsWith('.report.txt.'))).toEqual([]);
  });
});

describe('denial of service', () => {
  it('a YAML alias bomb is refused quickly with a located error', async () => {
    const laughs = ['version: 1', 'l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      laughs.push(
        `l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const file = join(e2e.work, 'bomb.yaml');
    await writeFile(file, `${laughs.join('\n')}\n`);
    const run = await runCli(['validate', file], { timeoutMs: 20_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bomb\.yaml:\d+:\d+: YAML aliases expand to more than 100000 nodes/);
  }, 30_000);

  it('a catastrophic matches: pattern finishes (linear-time engine)', () => {
    const outcome = evaluateOperator({
      operator: 'matches',
      expected: '^(a+)+$',
      actual: `${'a'.repeat(5_000)}!`,
      attribute: undefined,
      now: new Date(0),
      name: 'x',
    });
    expect(outcome.status).toBe('fail');
  }, 20_000);

  it('a catastrophic where.name glob finishes', () => {
    const match = compileSelector({ name: ['*a*a*a*a*a*a*a*a*b'] });
    const resource = {
      address: 't.x',
      type: 't',
      name: 'a'.repeat(5_000),
      provider: 'alicloud.p',
      labels: {},
      expect: [],
      location: { file: 'f', line: 1, column: 1 },
    } as unknown as ResourceConfig;
    expect(match(resource)).toBe(false);
  }, 20_000);

  it('a vendor value nested 100,000 levels deep is an invalid answer, not a stack overflow', () => {
    const body = `{"Response":{"RequestId":"r","Deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    expect(() => parseVendorJson(body)).toThrow(VendorJsonError);
  });

  it('a 10 MB configuration value is not echoed whole', async () => {
    const file = join(e2e.work, 'huge.yaml');
    await writeFile(
      file,
      `version: 1\nproviders:\n  tencentcloud:\n    p: { region: ap-guangzhou, site: "${'x'.repeat(10 * 1024 * 1024)}" }\n`,
    );
    const run = await runCli(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.stderr.length).toBeLessThan(4_000);
    expect(run.stderr).toMatch(/characters\)/);
  }, 60_000);
});

describe('secrets in the configuration', () => {
  it('refuses ${env.NAME} of credential variables and never echoes an interpolated value', async () => {
    const file = join(e2e.work, 'interp.yaml');
    await writeFile(
      file,
      [
        'version: 1',
        'providers:',
        '  tencentcloud:',
        '    a: { region: "${env.TENCENTCLOUD_SECRET_KEY}" }',
        '    b: { region: "${env.MY_API_TOKEN}" }',
        '    c: { region: "${env.E2E_TC_MAIN_KEY}", credentials: { env: { id: E2E_TC_MAIN_ID, secret: E2E_TC_MAIN_KEY } } }',
        '    d: { region: ap-guangzhou, site: "${env.SITE_VALUE}" }',
        '',
      ].join('\n'),
    );
    const secretish = 'interpolated-value-that-must-not-print';
    const run = await runCli(['validate', file], {
      env: { TENCENTCLOUD_SECRET_KEY: 'tc-secret-interp-0001', MY_API_TOKEN: 'token-interp-0002', ...E2E_ENV, SITE_VALUE: secretish },
    });
    expect(run.code).toBe(1);
    for (const name of ['TENCENTCLOUD_SECRET_KEY', 'MY_API_TOKEN', 'E2E_TC_MAIN_KEY'])
      expect(run.stderr).toMatch(new RegExp(`\\$\\{env\\.${name}\\} names a credential variable`));
    expect(run.stderr).toContain('${env.SITE_VALUE}');
    for (const value of ['tc-secret-interp-0001', 'token-interp-0002', E2E_ENV.E2E_TC_MAIN_KEY, secretish])
      expect(run.stderr).not.toContain(value);
  });

  it('credential variables are redacted in offline runs (report --from)', async () => {
    const result = join(e2e.work, 'leaky-result.json');
    const live = await runCli(['check', ...CONFIG, '--endpoint', e2e.simulator.url, '--as-of', E2E_AS_OF, '--format', 'json'], {
      env: E2E_ENV,
    });
    const data = JSON.parse(live.stdout) as RunResult;
    const canary = 'offline-canary-secret-value-42';
    const leaky = {
      ...data,
      resources: data.resources.map((r, i) =>
        i === 0 ? { ...r, checks: r.checks.map((c) => ({ ...c, message: `${c.message} ${canary}` })) } : r,
      ),
    };
    await writeFile(result, JSON.stringify(leaky));
    const run = await runCli(['report', '--from', result, '--format', 'text'], { env: { ALIBABA_CLOUD_ACCESS_KEY_SECRET: canary } });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(canary);
    expect(run.stdout).not.toContain(canary.slice(2, 20));
  });
});

describe('vendor strings in every output', () => {
  it('control characters and bidi overrides from a vendor answer reach no output, --debug included', async () => {
    const workload = faultWorkload(1, 1, { seed: 3, error_rate: 0, reset_rate: 0, hang_rate: 0 });
    const accounts = (workload.world.accounts as Record<string, unknown>[]).map((a) => ({ ...a }));
    const evil = 'Denied\u001b[2J\u001b]0;pwned\u0007 \u202eelif\u202c \u0085end';
    const tc = accounts[0] as Record<string, unknown>;
    tc.kms = {
      'ap-guangzhou': { ServiceEnabled: true, InvalidType: 1, UserLevel: 1, force_error: { code: `AuthFailure\u001b[31m`, message: evil } },
    };
    const ali = accounts[1] as Record<string, unknown>;
    ali.ca_instances = [{ InstanceId: 'cas-soak000', Type: 'ROOT', Status: `USED\u202e`, CertTotalCount: 500, CertIssuedCount: 20 }];
    const sim = await startSimulator({ world: worldFromObject({ ...workload.world, accounts }) });
    try {
      const { text, env } = configFor(workload);
      const config = join(e2e.work, 'vendor-strings.yaml');
      await writeFile(config, text);
      const outputs: string[] = [];
      for (const format of ['text', 'json', 'markdown', 'github', 'sarif', 'junit']) {
        const out = join(e2e.work, `vendor.${format}`);
        const run = await runCli(
          ['check', config, '--debug', '--endpoint', sim.url, '--as-of', E2E_AS_OF, '--format', format, '--out', `${format}=${out}`],
          { env },
        );
        expect(run.code, run.stderr).not.toBe(1);
        expect(run.stderr).toMatch(/^debug: /m);
        outputs.push(run.stdout, run.stderr, await readFile(out, 'utf8'));
      }
      const all = outputs.join('\n');
      expect(all).toMatch(/Denied/);
      // eslint-disable-next-line no-control-regex
      expect(all).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    } finally {
      await sim.close();
    }
  }, 60_000);
});

describe('hand-edited machine inputs in every output', () => {
  it('report --from strips control characters and bidi overrides a run result was edited to carry', async () => {
    const live = await runCli(['check', ...CONFIG, '--endpoint', e2e.simulator.url, '--as-of', E2E_AS_OF, '--format', 'json'], {
      env: E2E_ENV,
    });
    const data = JSON.parse(live.stdout) as RunResult;
    const edited = {
      ...data,
      resources: data.resources.map((r) => ({
        ...r,
        checks: r.checks.map((c) => ({ ...c, message: `${c.message}\u001b]0;owned\u0007\u202e` })),
      })),
    };
    const file = join(e2e.work, 'escapes.json');
    await writeFile(file, JSON.stringify(edited));
    for (const format of ['text', 'markdown', 'json']) {
      const run = await runCli(['report', '--from', file, '--format', format]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout, format).not.toMatch(
        // eslint-disable-next-line no-control-regex
        /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\\u001b|\\u202e/,
      );
    }
  });
});
