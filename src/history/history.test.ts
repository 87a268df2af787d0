import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult, RunResult } from '../model/run-result.js';
import type { JsonValue } from '../model/json.js';
import { checkFingerprint } from '../util/fingerprint.js';
import {
  annotateChanges,
  applyRetention,
  diffResults,
  openLedger,
  recordFileName,
  recordOf,
  renderTrends,
  sparkline,
  trendsOf,
} from './index.js';
import type { Ledger } from './index.js';

const LOCATION = { file: 'main.yaml', line: 3, column: 5 };
const CA = 'alicloud_cas_private_ca.root';
const KMS = 'tencentcloud_kms_service.gz';

function check(address: string, rule: string, status: CheckResult['status']): CheckResult {
  return {
    fingerprint: checkFingerprint(address, 'expect', rule, rule),
    rule,
    source: 'expect',
    operator: 'equals',
    expected: true,
    actual: false,
    status,
    severity: 'high',
    message: `${rule} is ${status}`,
    location: LOCATION,
  };
}

/** A run at `asOf` whose checks have the given statuses; the CA reports `remaining` certificates. */
function run(asOf: string, statuses: Record<string, CheckResult['status']>, remaining = 500): RunResult {
  const checks = Object.entries(statuses).map(([key, status]) => {
    const [address, rule] = key.split(' ') as [string, string];
    return { address, c: check(address, rule, status) };
  });
  const addresses = [...new Set([CA, KMS, ...checks.map((c) => c.address)])];
  return {
    format_version: '1',
    tool: { name: 'driftwatch', version: '0.0.0-test' },
    as_of: asOf,
    fail_on: 'low',
    summary: {
      resources: addresses.length,
      compliant: 0,
      drifted: 0,
      unknown: 0,
      waived: 0,
      exit_code: checks.some(({ c }) => c.status === 'fail') ? 2 : 0,
    },
    resources: addresses.map((address) => ({
      address,
      type: address.split('.')[0] as string,
      status: 'compliant',
      checks: checks.filter((c) => c.address === address).map((c) => c.c),
      error: null,
      request_ids: [],
      observed: observedOf(address, remaining),
      location: LOCATION,
    })),
  };
}

function observedOf(address: string, remaining: number): Record<string, JsonValue> {
  return address === CA ? { certificates_remaining: remaining, status: 'USED', certificate_expires_at: '2030-01-01T00:00:00Z' } : {};
}

let dir: string;
const warnings: string[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'driftwatch-history-'));
  warnings.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = (asOf: string): Promise<Ledger> => openLedger(dir, { now: new Date(asOf), warn: (m) => warnings.push(m) });

/** What the CLI does per run: open, annotate against the previous record, record. */
async function nightly(result: RunResult, failOnNew = false): Promise<RunResult> {
  const ledger = await open(result.as_of);
  const annotated = annotateChanges(result, ledger.previous?.record.findings ?? [], {
    failOnNew,
    records: ledger.entries.length,
    previousAsOf: ledger.previous?.record.as_of,
  });
  await writeFile(join(dir, recordFileName(annotated.as_of)), JSON.stringify(recordOf(annotated, 'sha256:test')));
  return annotated;
}

const changeOf = (r: RunResult, address: string, rule: string): CheckResult | undefined =>
  r.resources.find((x) => x.address === address)?.checks.find((c) => c.rule === rule);

describe('the history ledger', () => {
  it('marks a finding new, then persisting with its first-seen time, then lists it resolved', async () => {
    const first = await nightly(run('2026-12-01T03:00:00Z', { [`${KMS} edition`]: 'fail', [`${KMS} auto_renew`]: 'pass' }));
    expect(changeOf(first, KMS, 'edition')).toMatchObject({
      change: 'new',
      first_seen: '2026-12-01T03:00:00Z',
      last_seen: '2026-12-01T03:00:00Z',
    });
    expect(changeOf(first, KMS, 'auto_renew')?.change).toBeUndefined();
    expect(first.history).toEqual({ previous_as_of: null, records: 0, new: 1, persisting: 0, resolved: 0 });

    const second = await nightly(run('2026-12-02T03:00:00Z', { [`${KMS} edition`]: 'fail', [`${KMS} auto_renew`]: 'fail' }));
    expect(changeOf(second, KMS, 'edition')).toMatchObject({
      change: 'persisting',
      first_seen: '2026-12-01T03:00:00Z',
      last_seen: '2026-12-02T03:00:00Z',
    });
    expect(changeOf(second, KMS, 'auto_renew')).toMatchObject({ change: 'new', first_seen: '2026-12-02T03:00:00Z' });

    const third = await nightly(run('2026-12-03T03:00:00Z', { [`${KMS} edition`]: 'pass', [`${KMS} auto_renew`]: 'unknown' }));
    expect(third.resolved).toEqual([
      {
        fingerprint: checkFingerprint(KMS, 'expect', 'edition', 'edition'),
        address: KMS,
        rule: 'edition',
        source: 'expect',
        severity: 'high',
        previous_status: 'fail',
        first_seen: '2026-12-01T03:00:00Z',
        resolved_at: '2026-12-03T03:00:00Z',
      },
    ]);
    // Failing last night and unknown tonight is a new unknown, not persisting drift.
    expect(changeOf(third, KMS, 'auto_renew')?.change).toBe('new');
    expect(third.history).toMatchObject({ previous_as_of: '2026-12-02T03:00:00Z', records: 2, new: 1, persisting: 0, resolved: 1 });
  });

  it('does not call a finding resolved when its check was not evaluated at all', async () => {
    await nightly(run('2026-12-01T03:00:00Z', { [`${KMS} edition`]: 'fail' }));
    const next = await nightly(run('2026-12-02T03:00:00Z', {}));
    expect(next.resolved).toEqual([]);
  });

  it('does not call a finding resolved when its check is now waived: the risk was accepted, not fixed', async () => {
    await nightly(run('2026-12-01T03:00:00Z', { [`${KMS} edition`]: 'fail' }));
    const waived = await nightly(run('2026-12-02T03:00:00Z', { [`${KMS} edition`]: 'waived' }));
    expect(waived.resolved).toEqual([]);
    expect(waived.history).toMatchObject({ resolved: 0 });
  });

  it('with --fail-on-new exits 2 only for new drift', async () => {
    const first = await nightly(run('2026-12-01T03:00:00Z', { [`${KMS} edition`]: 'fail' }), true);
    expect(first.summary.exit_code).toBe(2);
    const second = await nightly(run('2026-12-02T03:00:00Z', { [`${KMS} edition`]: 'fail' }), true);
    expect(second.summary.exit_code).toBe(0);
    expect(second.history?.fail_on_new).toBe(true);
    const third = await nightly(run('2026-12-03T03:00:00Z', { [`${KMS} edition`]: 'fail', [`${KMS} auto_renew`]: 'unknown' }), true);
    expect(third.summary.exit_code).toBe(3);
    const fourth = await nightly(run('2026-12-04T03:00:00Z', { [`${KMS} edition`]: 'fail', [`${CA} status`]: 'fail' }), true);
    expect(fourth.summary.exit_code).toBe(2);
  });

  it('skips corrupt and foreign files with a warning and never merges them', async () => {
    await nightly(run('2026-12-01T03:00:00Z', { [`${KMS} edition`]: 'fail' }));
    await writeFile(join(dir, 'run-20261202T030000Z-deadbeef.json'), '{"driftwatch_history":1,"as_of":"2026-12-02T03:0');
    await writeFile(join(dir, 'notes.json'), '{"hello":"world"}');
    await writeFile(
      join(dir, 'run-20261202T040000Z-0badf00d.json'),
      JSON.stringify({
        driftwatch_history: 1,
        as_of: '2026-12-02T04:00:00Z',
        tool_version: 'x',
        config_digest: 'y',
        summary: { resources: 1, compliant: 1, drifted: 0, unknown: 0, waived: 0 },
        findings: [{ fingerprint: 'x' }],
        resolved: [],
        values: {},
      }),
    );
    await writeFile(join(dir, 'README.txt'), 'not json, not even named .json');
    const ledger = await open('2026-12-03T03:00:00Z');
    expect(ledger.entries).toHaveLength(1);
    expect(ledger.previous?.record.as_of).toBe('2026-12-01T03:00:00Z');
    expect(warnings).toEqual(
      [
        'history: skipped notes.json: foreign file: not a driftwatch history record',
        'history: skipped run-20261202T030000Z-deadbeef.json: corrupt record: not valid JSON (a truncated or damaged record)',
        'history: skipped run-20261202T040000Z-0badf00d.json: corrupt record: a finding has no address',
      ].sort(),
    );
  });

  it('compares with the latest record at or before the as-of time (a rerun of an older date)', async () => {
    await nightly(run('2026-12-01T03:00:00Z', { [`${KMS} edition`]: 'fail' }));
    await nightly(run('2026-12-05T03:00:00Z', {}));
    const ledger = await open('2026-12-03T00:00:00Z');
    expect(ledger.previous?.record.as_of).toBe('2026-12-01T03:00:00Z');
  });

  it('keeps the shards of one ledger apart: each compares with its own previous run', async () => {
    const shard = (index: number, r: RunResult): RunResult => ({
      ...r,
      shard: { index, count: 2, accounts: [], config_digest: 'sha256:x' },
    });
    await nightly(shard(1, run('2026-12-01T03:00:00Z', { [`${KMS} edition`]: 'fail' })));
    await nightly(shard(2, run('2026-12-01T03:05:00Z', {})));
    const whole = await open('2026-12-02T03:00:00Z');
    expect(whole.entries).toEqual([]);
    expect(warnings).toEqual([]);
    const first = await openLedger(dir, { now: new Date('2026-12-02T03:00:00Z'), warn: (m) => warnings.push(m), scope: 'shard 1/2' });
    expect(first.previous?.record.findings.map((f) => f.rule)).toEqual(['edition']);
  });

  it('removes records older than the retention, and nothing else', async () => {
    for (const day of ['01', '10', '20']) await nightly(run(`2026-11-${day}T03:00:00Z`, {}));
    await writeFile(join(dir, 'keep-me.json'), '{}');
    expect(await applyRetention(dir, new Date('2026-11-21T00:00:00Z'), 15 * 86_400_000)).toBe(1);
    const left = await readdir(dir);
    expect(left.filter((f) => f.startsWith('run-202611'))).toHaveLength(2);
    expect(left).toContain('keep-me.json');
    expect(left.some((f) => f.startsWith('run-20261101'))).toBe(false);
  });

  it("keeps each resource's numbers and instants, not its strings, and no passing check", async () => {
    await nightly(run('2026-12-01T03:00:00Z', { [`${KMS} edition`]: 'fail', [`${KMS} auto_renew`]: 'pass' }, 480));
    const [file] = (await readdir(dir)).filter((f) => f.startsWith('run-'));
    const record = JSON.parse(await readFile(join(dir, file as string), 'utf8')) as { values: unknown; findings: { rule: string }[] };
    expect(record.values).toEqual({ [CA]: { certificates_remaining: 480, certificate_expires_at: '2030-01-01T00:00:00Z' } });
    expect(record.findings.map((f) => f.rule)).toEqual(['edition']);
  });

  it('gives the past observations of a counter as a series, oldest first, before the as-of time only', async () => {
    await nightly(run('2026-12-01T03:00:00Z', {}, 500));
    await nightly(run('2026-12-02T03:00:00Z', {}, 488));
    await nightly(run('2026-12-04T03:00:00Z', {}, 460));
    const ledger = await open('2026-12-03T03:00:00Z');
    expect(ledger.series(CA, 'certificates_remaining')).toEqual([
      { at: Date.parse('2026-12-01T03:00:00Z'), value: 500 },
      { at: Date.parse('2026-12-02T03:00:00Z'), value: 488 },
    ]);
    expect(ledger.series(CA, 'status')).toEqual([]);
  });
});

describe('diff of two saved results', () => {
  it('marks NEW against OLD as a history would', () => {
    const older = run('2026-12-01T03:00:00Z', { [`${KMS} edition`]: 'fail', [`${KMS} auto_renew`]: 'fail' });
    const newer = run('2026-12-02T03:00:00Z', { [`${KMS} edition`]: 'fail', [`${KMS} auto_renew`]: 'pass', [`${CA} status`]: 'fail' });
    const diffed = diffResults(older, newer);
    expect(changeOf(diffed, KMS, 'edition')?.change).toBe('persisting');
    expect(changeOf(diffed, CA, 'status')?.change).toBe('new');
    expect(diffed.resolved?.map((f) => f.rule)).toEqual(['auto_renew']);
  });
});

describe('history trends', () => {
  it('counts per run, open findings by age and mean time to resolve per rule', async () => {
    await nightly(run('2026-12-01T03:00:00Z', { [`${KMS} edition`]: 'fail', [`${KMS} auto_renew`]: 'fail' }));
    await nightly(run('2026-12-03T03:00:00Z', { [`${KMS} edition`]: 'pass', [`${KMS} auto_renew`]: 'fail' }));
    await nightly(run('2026-12-11T03:00:00Z', { [`${KMS} edition`]: 'pass', [`${KMS} auto_renew`]: 'fail' }));
    const trends = trendsOf((await open('2026-12-11T03:00:00Z')).entries);
    expect(trends.runs.map((r) => r.findings)).toEqual([2, 1, 1]);
    expect(trends.open).toEqual([
      { address: KMS, rule: 'auto_renew', severity: 'high', status: 'fail', first_seen: '2026-12-01T03:00:00Z', age_days: 10 },
    ]);
    expect(trends.age_bands['7-30d']).toBe(1);
    expect(trends.time_to_resolve).toEqual([{ rule: 'edition', resolved: 1, mean_days: 2 }]);
    const text = renderTrends(trends, 'hist');
    expect(text).toContain('History: 3 runs in hist, 2026-12-01T03:00:00Z to 2026-12-11T03:00:00Z');
    expect(text).toContain('edition: 2d over 1 resolved');
  });

  it('draws a sparkline scaled to the largest value', () => {
    expect(sparkline([0, 4, 8])).toBe('▁▅█');
    expect(sparkline([0, 0])).toBe('▁▁');
  });
});
