import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { E2E_ENV, useE2eSession } from './helpers/e2e.js';
import { useLoopbackServer } from './helpers/loopback.js';
import { createRobotReceiver } from './helpers/robot-receiver.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';
import type { CliRun } from './helpers/run-cli.js';
import { startSimulator } from '../src/simulator/server.js';
import { parseWorld } from '../src/simulator/world.js';
import type { CheckResult, RunResult } from '../src/model/run-result.js';

/**
 * Nightly runs end to end: the CLI run night after night (`--as-of` advancing) against the
 * simulator, whose world changes between nights, with a history ledger and every notification
 * target pointed at a loopback receiver that verifies the vendors' signatures and payloads.
 */

const FIXTURES = join(REPO_ROOT, 'test/fixtures/nightly');
const SECRETS = { dingtalk: 'SECe2e-dingtalk-signing-secret', feishu: 'e2e-feishu-signing-secret' };
const receiver = createRobotReceiver(SECRETS);
const robots = useLoopbackServer(receiver.server);
const e2e = useE2eSession('driftwatch-nightly-');

function robotEnv(): Record<string, string> {
  const url = (path: string): string => new URL(path, robots.url).toString();
  return {
    ...E2E_ENV,
    E2E_DINGTALK_URL: url('/dingtalk?access_token=e2e-ding-token'),
    E2E_DINGTALK_SECRET: SECRETS.dingtalk,
    E2E_FEISHU_URL: url('/feishu'),
    E2E_FEISHU_SECRET: SECRETS.feishu,
    E2E_WECOM_URL: url('/wecom?key=e2e-wecom-key'),
    E2E_SLACK_URL: url('/slack'),
    E2E_WEBHOOK_URL: url('/webhook'),
    E2E_DOWN_URL: url('/down'),
  };
}

interface Night {
  readonly asOf: string;
  /** UserLevel: 0 basic (drift), 1 ultimate. */
  readonly edition: 0 | 1;
  readonly issued: number;
}

/** One nightly `check` against a simulator serving that night's world. */
async function night(
  n: Night,
  history: string | undefined,
  extra: readonly string[] = [],
  config = join(FIXTURES, 'main.yaml'),
): Promise<CliRun & { result: RunResult }> {
  const template = await readFile(join(FIXTURES, 'world.template.yaml'), 'utf8');
  const world = parseWorld(
    template.replace('UserLevel: EDITION', `UserLevel: ${n.edition}`).replace('CertIssuedCount: ISSUED', `CertIssuedCount: ${n.issued}`),
    'world.yaml',
  );
  const simulator = await startSimulator({ world, host: '127.0.0.1', port: 0 });
  try {
    const run = await runCli(
      [
        'check',
        config,
        '--endpoint',
        simulator.url,
        '--as-of',
        n.asOf,
        ...(history !== undefined ? ['--history', history] : []),
        '--no-progress',
        '--format',
        'json',
        ...extra,
      ],
      { env: robotEnv() },
    );
    if (run.stdout === '') throw new Error(`check exited ${run.code} without a result: ${run.stderr}`);
    return { ...run, result: JSON.parse(run.stdout) as RunResult };
  } finally {
    await simulator.close();
  }
}

function find(result: RunResult, address: string, rule: string): CheckResult {
  const c = result.resources.find((r) => r.address === address)?.checks.find((x) => x.rule === rule);
  if (c === undefined) throw new Error(`no check ${address} ${rule}`);
  return c;
}

const KMS = 'tencentcloud_kms_service.gz';
const CA = 'alicloud_cas_private_ca.issuing';

describe('nightly runs with --history and notifications', () => {
  it('tracks new → persisting → resolved, forecasts the CA running out, and notifies once per change', async () => {
    const history = join(e2e.work, 'ledger');
    const sarif = (i: number): string => join(e2e.work, `night-${i}.sarif`);
    const vendorsSent = (): string[] => receiver.received.map((r) => r.vendor);
    receiver.reset();

    // Night 1: KMS on the basic edition (new drift); the CA at 700 left has no rate yet (new unknown).
    const n1 = await night({ asOf: '2026-12-01T03:00:00Z', edition: 0, issued: 300 }, history, ['--out', `sarif=${sarif(1)}`]);
    expect(n1.code).toBe(2);
    expect(find(n1.result, KMS, 'edition')).toMatchObject({ status: 'fail', change: 'new', first_seen: '2026-12-01T03:00:00Z' });
    expect(find(n1.result, CA, 'team.ca-runway')).toMatchObject({ status: 'unknown', change: 'new' });
    expect(find(n1.result, CA, 'team.ca-runway').message).toContain('needs at least two observations a day or more apart');
    expect(n1.result.history).toMatchObject({ previous_as_of: null, records: 0, new: 2 });
    expect(vendorsSent()).toEqual(['dingtalk', 'feishu', 'wecom', 'slack', 'webhook']);
    expect(receiver.refused).toEqual([]);
    expect(n1.result.notifications?.map((o) => o.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    const sarif1 = JSON.parse(await readFile(sarif(1), 'utf8')) as { runs: { results: { ruleId: string; baselineState?: string }[] }[] };
    expect(sarif1.runs[0]?.results.find((r) => r.ruleId === 'tencentcloud_kms_service/edition')?.baselineState).toBe('new');

    // Night 2: same drift (persisting: --fail-on-new passes it); the CA issued 20 and has a rate now.
    receiver.reset();
    const n2 = await night({ asOf: '2026-12-02T03:00:00Z', edition: 0, issued: 320 }, history, [
      '--fail-on-new',
      '--out',
      `sarif=${sarif(2)}`,
    ]);
    expect(n2.code).toBe(0);
    expect(find(n2.result, KMS, 'edition')).toMatchObject({
      status: 'fail',
      change: 'persisting',
      first_seen: '2026-12-01T03:00:00Z',
      last_seen: '2026-12-02T03:00:00Z',
    });
    expect(find(n2.result, CA, 'team.ca-runway')).toMatchObject({
      status: 'pass',
      forecast: { rate_per_day: 20, runs_out_at: '2027-01-05T03:00:00Z' },
    });
    expect(find(n2.result, CA, 'certificates_remaining').forecast?.rate_per_day).toBe(20);
    const sarif2 = JSON.parse(await readFile(sarif(2), 'utf8')) as typeof sarif1;
    expect(sarif2.runs[0]?.results.find((r) => r.ruleId === 'tencentcloud_kms_service/edition')?.baselineState).toBe('unchanged');
    // The unknown of night 1 was resolved (verified again): slack listens to new drift only.
    expect(vendorsSent()).toEqual(['dingtalk', 'feishu', 'wecom', 'webhook']);

    // Night 3: the edition was fixed (resolved); a damaged ledger file is skipped with a warning.
    receiver.reset();
    await writeFile(join(history, 'run-20261202T120000Z-damaged.json'), '{"driftwatch_history":1,"as_of":');
    const n3 = await night({ asOf: '2026-12-03T03:00:00Z', edition: 1, issued: 340 }, history, [
      '--out',
      `sarif=${sarif(3)}`,
      '--out',
      `html=${join(e2e.work, 'night-3.html')}`,
    ]);
    expect(n3.code).toBe(0);
    expect(n3.stderr).toContain('warning: history: skipped run-20261202T120000Z-damaged.json: corrupt record');
    expect(n3.result.resolved?.map((f) => [f.address, f.rule, f.previous_status, f.first_seen])).toEqual([
      [KMS, 'edition', 'fail', '2026-12-01T03:00:00Z'],
    ]);
    const sarif3 = JSON.parse(await readFile(sarif(3), 'utf8')) as {
      runs: { results: { ruleId: string; baselineState?: string; kind?: string }[] }[];
    };
    expect(sarif3.runs[0]?.results.find((r) => r.ruleId === 'tencentcloud_kms_service/edition')).toMatchObject({
      baselineState: 'absent',
      kind: 'pass',
    });
    expect(vendorsSent()).toEqual(['dingtalk', 'feishu', 'wecom', 'webhook']);
    // The HTML report draws the recorded runs as its trend.
    expect(await readFile(join(e2e.work, 'night-3.html'), 'utf8')).toContain('id="trend-h"');
    const ding = receiver.received[0]?.body as { markdown: { text: string } };
    expect(ding.markdown.text).toContain(`[high] ${KMS} edition`);

    // Night 4: nothing changed — no message at all.
    receiver.reset();
    const n4 = await night({ asOf: '2026-12-04T03:00:00Z', edition: 1, issued: 360 }, history);
    expect(n4.code).toBe(0);
    expect(receiver.hits.size).toBe(0);
    expect(n4.result.notifications?.every((o) => o.status === 'skipped')).toBe(true);

    // Night 7: 580 left at 20 a day is 29 days — runs_out_within fails while at_least 100 still passes.
    receiver.reset();
    const n7 = await night({ asOf: '2026-12-07T03:00:00Z', edition: 1, issued: 420 }, history, ['--fail-on-new']);
    expect(n7.code).toBe(2);
    expect(find(n7.result, CA, 'certificates_remaining')).toMatchObject({ status: 'pass', actual: 580 });
    expect(find(n7.result, CA, 'team.ca-runway')).toMatchObject({
      status: 'fail',
      change: 'new',
      forecast: { rate_per_day: 20, runs_out_at: '2027-01-05T03:00:00Z' },
    });
    expect(vendorsSent()).toEqual(['dingtalk', 'feishu', 'wecom', 'slack', 'webhook']);
    const hook = receiver.received[4]?.body as { new_drift: unknown; report_url: string };
    expect(hook.new_drift).toEqual([{ severity: 'high', address: CA, rule: 'team.ca-runway' }]);
    expect(hook.report_url).toBe('https://ci.example.com/nightly/latest');

    // The text report of the same night shows the forecast beside the value and marks what is new.
    await writeFile(join(e2e.work, 'night-7.json'), n7.stdout);
    const text = await runCli(['report', '--from', join(e2e.work, 'night-7.json')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      'History: 1 new, 0 persisting, 0 resolved since the run of 2026-12-04T03:00:00Z; only new drift fails the run (--fail-on-new).',
    );
    expect(text.stdout).toContain('# high, test/fixtures/nightly/main.yaml:17:5, new since the last run');
    expect(text.stdout).toContain(`${CA} certificates_remaining = 580: at 20/day over the last 6 days: runs out 2027-01-05`);
    expect(text.stdout).not.toContain(`${CA} team.ca-runway = 580:`);
    const records = (await readdir(history)).filter((f) => /^run-\d{8}T\d{6}Z-[0-9a-f]{8}\.json$/.test(f));
    expect(records).toHaveLength(5);

    // Secrets and robot URLs appear nowhere: not in reports, not on stderr, not in the ledger.
    const everything =
      [n1, n2, n3, n4, n7].flatMap((r) => [r.stdout, r.stderr]).join('\n') +
      (await Promise.all(records.map((f) => readFile(join(history, f), 'utf8')))).join('\n');
    for (const secret of [SECRETS.dingtalk, SECRETS.feishu, 'e2e-ding-token', 'e2e-wecom-key']) expect(everything).not.toContain(secret);

    // `history` summarises the ledger.
    const summary = await runCli(['history', history], { env: robotEnv() });
    expect(summary.code).toBe(0);
    expect(summary.stdout).toContain('History: 5 runs in');
    expect(summary.stdout).toContain(`team.ca-runway (high) open 0d since 2026-12-07T03:00:00Z`);
    expect(summary.stdout).toContain('edition: 2d over 1 resolved');
    expect(summary.stderr).toContain('skipped run-20261202T120000Z-damaged.json');
  });

  it('reports a notification that cannot be delivered, without changing the verdict', async () => {
    const dir = join(e2e.work, 'down');
    await mkdir(dir, { recursive: true });
    const config = (await readFile(join(FIXTURES, 'main.yaml'), 'utf8')).replace(
      /notify:[\s\S]*$/,
      'notify:\n  - { type: webhook, url: "${env.E2E_DOWN_URL}" }\n',
    );
    await writeFile(join(dir, 'main.yaml'), config);
    await writeFile(join(dir, 'team.yaml'), await readFile(join(FIXTURES, 'team.yaml'), 'utf8'));
    const run = await night({ asOf: '2026-12-01T03:00:00Z', edition: 0, issued: 300 }, join(dir, 'ledger'), [], join(dir, 'main.yaml'));
    expect(run.code).toBe(2);
    expect(run.result.notifications).toEqual([
      { type: 'webhook', target: 'E2E_DOWN_URL', status: 'failed', attempts: 3, message: 'HTTP 500' },
    ]);
    expect(run.stderr).toContain(
      'warning: notify webhook (${env.E2E_DOWN_URL}) failed after 3 attempt(s): HTTP 500; the verdict is unchanged',
    );
  });

  it('builtin:baseline forecasts a private CA and a KMS key quota from a recorded history', async () => {
    const ledger = join(e2e.work, 'recorded');
    await cp(join(FIXTURES, 'recorded-ledger'), ledger, { recursive: true });
    // 14 recorded nights at 12 certificates a day; tonight 332 are left (668 of 1000 issued): 27.7 days.
    const run = await night({ asOf: '2026-11-29T03:00:00Z', edition: 1, issued: 668 }, ledger, [], join(FIXTURES, 'baseline.yaml'));
    expect(run.code).toBe(2);
    const ca = find(run.result, CA, 'ca.certificates-runway-30d');
    expect(ca).toMatchObject({ status: 'fail', change: 'new', forecast: { observations: 15, window_days: 14, rate_per_day: 12 } });
    expect(ca.message).toContain('certificates_remaining is 332, at 12/day over the last 14 days: runs out 2026-12-26, within 30d');
    // The absolute floor of the same pack (at least 10 left) is far from failing.
    expect(find(run.result, CA, 'ca.certificates-remaining').status).toBe('pass');
    // One key a day with 90 left is 90 days: the key-quota forecast passes.
    expect(find(run.result, KMS, 'tc-kms.key-quota-runway-30d')).toMatchObject({
      status: 'pass',
      forecast: { rate_per_day: 1, runs_out_at: '2027-02-27T03:00:00Z' },
    });
    expect(run.result.history).toMatchObject({ previous_as_of: '2026-11-28T03:00:00Z', records: 14 });
    // Without history the forecast rules do not apply at all (the rest of the pack does).
    const without = await night({ asOf: '2026-11-29T03:00:00Z', edition: 1, issued: 668 }, undefined, [], join(FIXTURES, 'baseline.yaml'));
    expect(without.code).toBe(0);
    expect(without.result.resources.flatMap((r) => r.checks.map((c) => c.rule)).filter((rule) => rule.includes('runway'))).toEqual([]);
    expect(without.result.history).toBeUndefined();
  });

  it('warns when the previous run in the ledger was of another configuration, and never for the same one', async () => {
    const ledger = join(e2e.work, 'ledger-digest');
    const dir = join(e2e.work, 'edited');
    await mkdir(dir, { recursive: true });
    const main = (await readFile(join(FIXTURES, 'main.yaml'), 'utf8')).replace(/notify:[\s\S]*$/, '');
    await writeFile(join(dir, 'main.yaml'), main);
    await writeFile(join(dir, 'team.yaml'), await readFile(join(FIXTURES, 'team.yaml'), 'utf8'));
    await night({ asOf: '2026-12-01T03:00:00Z', edition: 0, issued: 300 }, ledger, [], join(dir, 'main.yaml'));
    const same = await night({ asOf: '2026-12-02T03:00:00Z', edition: 0, issued: 320 }, ledger, [], join(dir, 'main.yaml'));
    expect(same.stderr).not.toContain('another configuration');
    await writeFile(join(dir, 'main.yaml'), main.replace('at_least: 100', 'at_least: 50'));
    const edited = await night({ asOf: '2026-12-03T03:00:00Z', edition: 0, issued: 340 }, ledger, [], join(dir, 'main.yaml'));
    expect(edited.stderr).toContain(
      'warning: history: the previous run (as of 2026-12-02T03:00:00Z) was of another configuration; new and resolved are relative to it',
    );
    expect(find(edited.result, KMS, 'edition').change).toBe('persisting');
  });

  it('diff compares two saved results without history', async () => {
    const a = join(e2e.work, 'diff-a.json');
    const b = join(e2e.work, 'diff-b.json');
    const first = await night({ asOf: '2026-12-01T03:00:00Z', edition: 0, issued: 300 }, join(e2e.work, 'diff-ledger-a'));
    const second = await night({ asOf: '2026-12-02T03:00:00Z', edition: 1, issued: 320 }, join(e2e.work, 'diff-ledger-b'));
    await writeFile(a, first.stdout);
    await writeFile(b, second.stdout);
    const diff = await runCli(['diff', a, b]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('Resolved since the last run (1):');
    expect(diff.stdout).toContain(`${KMS} edition (high): drift fixed, open since 2026-12-01`);
    const back = await runCli(['diff', b, a, '--format', 'json']);
    expect(back.code).toBe(2);
    expect(find(JSON.parse(back.stdout) as RunResult, KMS, 'edition').change).toBe('new');
  });
});
