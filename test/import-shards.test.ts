import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../src/config/load-config.js';
import type { DesiredState } from '../src/model/desired-state.js';
import type { RunResult } from '../src/model/run-result.js';
import { startSimulator } from '../src/simulator/server.js';
import type { RunningSimulator } from '../src/simulator/server.js';
import { worldFromObject } from '../src/simulator/world.js';
import { ORG_ENV, memberUin, orgConfig, orgWorld } from './helpers/org.js';
import { runCli } from './helpers/run-cli.js';

/**
 * `import` over every account of a fanned-out provider (issue 13), through the built CLI against the
 * simulator: one run, and shards 1/3..3/3 each writing its own file into one configuration
 * directory, give the same resources; each account is imported by exactly one shard — the shard
 * that `check --shard` gives it.
 */
const MEMBERS = 7;
const AS_OF = '2026-12-01T00:00:00Z';
/** A member whose role does not trust the security account: left out, named, in whichever run reads it. */
const DENIED = 5;

let simulator: RunningSimulator;
let work: string;

/** The organization's provider block without resources: what `import` fills in. */
const providersOnly = stringify({ ...(parse(orgConfig(MEMBERS)) as object), resources: {} });

beforeAll(async () => {
  simulator = await startSimulator({ world: worldFromObject(orgWorld({ members: MEMBERS, drifted: [2], untrusting: [DENIED] })) });
  work = await mkdtemp(join(tmpdir(), 'driftwatch-import-shards-'));
  for (const dir of ['whole', 'sharded']) {
    await mkdir(join(work, dir));
    await writeFile(join(work, dir, 'org.yaml'), providersOnly);
  }
});

afterAll(async () => {
  await simulator.close();
  await rm(work, { recursive: true, force: true });
});

function importKms(dir: string, extra: readonly string[]): ReturnType<typeof runCli> {
  return runCli(
    [
      'import',
      join(work, dir),
      '--provider',
      'tencentcloud.org',
      '--type',
      'tencentcloud_kms_service',
      '--endpoint',
      simulator.url,
      ...extra,
    ],
    { env: ORG_ENV },
  );
}

/** The imported resources of a configuration directory, as loaded: what a later `check` would read. */
async function imported(dir: string): Promise<DesiredState['resources']> {
  const loaded = await loadConfig([join(work, dir)], { cwd: work, env: ORG_ENV });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return loaded.state.resources;
}

function comparable(resources: DesiredState['resources']): unknown[] {
  return resources
    .map((r) => ({
      address: r.address,
      provider: r.provider,
      region: r.region,
      expect: r.expect.map((e) => [e.attribute, e.operator, e.expected]),
    }))
    .sort((a, b) => a.address.localeCompare(b.address));
}

describe('import over a fanned-out provider', () => {
  it('reads every account in one run into one file of the configuration directory', async () => {
    const run = await importKms('whole', ['--output', join(work, 'whole', 'kms.yaml')]);
    expect(run.stderr).toContain(`Imported ${(MEMBERS - 1) * 2} tencentcloud_kms_service resources`);
    expect(run.stderr).toContain(
      `warning: tencentcloud_kms_service.ap-shanghai of tencentcloud.org[${memberUin(DENIED)}] left out: DW_ROLE_CREDENTIALS`,
    );
    expect(run.code).toBe(3);
    const text = await readFile(join(work, 'whole', 'kms.yaml'), 'utf8');
    // Written on the provider as declared, with the account; no provider block, no second version.
    const doc = parse(text) as {
      version?: number;
      providers?: unknown;
      resources: { tencentcloud_kms_service: Record<string, { provider: string; account: string; region: string }> };
    };
    expect(doc.version).toBeUndefined();
    expect(doc.providers).toBeUndefined();
    expect(doc.resources.tencentcloud_kms_service[`org-${memberUin(2)}-ap-shanghai`]).toMatchObject({
      provider: 'tencentcloud.org',
      account: memberUin(2),
      region: 'ap-shanghai',
    });
    expect(text).not.toContain(ORG_ENV.ORG_TC_KEY);
    const resources = await imported('whole');
    expect(resources).toHaveLength((MEMBERS - 1) * 2);
    const drifted = resources.find((r) => r.address === `tencentcloud_kms_service.org-${memberUin(2)}-ap-guangzhou`);
    expect(drifted?.expect.find((e) => e.attribute === 'edition')?.expected).toBe('basic');
  });

  it('--shard 1/3..3/3 into one directory gives the same resources, each account in the shard check gives it', async () => {
    const shardOf = new Map<string, number>();
    for (const i of [1, 2, 3]) {
      const file = join(work, 'sharded', `kms-${i}.yaml`);
      // Regions named (the whole run reads the provider's `regions`, as check does): the same two.
      const run = await importKms('sharded', [
        '--region',
        'ap-guangzhou',
        '--region',
        'ap-shanghai',
        '--shard',
        `${i}/3`,
        '--output',
        file,
      ]);
      expect(run.code).toBe(run.stderr.includes(memberUin(DENIED)) ? 3 : 0);
      expect(run.stderr).toMatch(new RegExp(`Shard ${i}/3: \\d+ of ${MEMBERS} providers to read`));
      const doc = parse(await readFile(file, 'utf8')) as { resources: { tencentcloud_kms_service?: Record<string, { account: string }> } };
      for (const r of Object.values(doc.resources.tencentcloud_kms_service ?? {})) {
        expect(shardOf.get(r.account) ?? i, `account ${r.account} split across shards`).toBe(i);
        shardOf.set(r.account, i);
      }
      const check = await runCli(
        ['check', join(work, 'whole'), '--endpoint', simulator.url, '--as-of', AS_OF, '--shard', `${i}/3`, '--format', 'json'],
        { env: ORG_ENV },
      );
      const accounts = (JSON.parse(check.stdout) as RunResult).shard?.accounts.map((a) => a.replace(/^tencentcloud:/, '')) ?? [];
      expect(
        [...shardOf]
          .filter(([, s]) => s === i)
          .map(([a]) => a)
          .sort(),
      ).toEqual(accounts.filter((a) => a !== memberUin(DENIED)).sort());
    }
    expect(shardOf.size).toBe(MEMBERS - 1);
    expect(comparable(await imported('sharded'))).toEqual(comparable(await imported('whole')));
    // The directory of shard files is one configuration that checks.
    const check = await runCli(['check', join(work, 'sharded'), '--endpoint', simulator.url, '--as-of', AS_OF, '--format', 'json'], {
      env: ORG_ENV,
    });
    const result = JSON.parse(check.stdout) as RunResult;
    // Imported expectations are the values read: every account, drifted edition included, is compliant.
    expect(result.summary).toMatchObject({ resources: (MEMBERS - 1) * 2, compliant: (MEMBERS - 1) * 2, unknown: 0 });
  });

  it('without a configuration of its own, each account becomes a provider block and names carry the account', async () => {
    const dir = join(work, 'standalone');
    await mkdir(dir);
    await copyFile(join(work, 'whole', 'org.yaml'), join(work, 'org-only.yaml'));
    const run = await runCli(
      [
        'import',
        join(work, 'org-only.yaml'),
        '--provider',
        'tencentcloud.org',
        '--type',
        'tencentcloud_kms_service',
        '--region',
        'ap-guangzhou',
        '--endpoint',
        simulator.url,
        '--shard',
        '2/3',
      ],
      { env: ORG_ENV },
    );
    expect([0, 3]).toContain(run.code);
    const doc = parse(run.stdout) as {
      version: number;
      providers: { tencentcloud: Record<string, { credentials: { assume_role: { role_arn: string } } }> };
      resources: { tencentcloud_kms_service: Record<string, { provider: string }> };
    };
    expect(doc.version).toBe(1);
    const aliases = Object.keys(doc.providers.tencentcloud);
    expect(aliases.length).toBeGreaterThan(0);
    for (const alias of aliases) {
      const account = alias.replace(/^org-/, '');
      expect(doc.providers.tencentcloud[alias]?.credentials.assume_role.role_arn).toBe(
        `qcs::cam::uin/${account}:roleName/driftwatch-audit`,
      );
      expect(doc.resources.tencentcloud_kms_service[`${alias}-ap-guangzhou`]?.provider).toBe(`tencentcloud.${alias}`);
    }
    await writeFile(join(dir, 'imported.yaml'), run.stdout);
    const loaded = await loadConfig([dir], { cwd: dir, env: ORG_ENV });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('refuses --shard without a configuration, and names a provider that is not there', async () => {
    const bare = await runCli([
      'import',
      '--provider',
      'tencentcloud',
      '--type',
      'tencentcloud_kms_service',
      '--region',
      'ap-guangzhou',
      '--shard',
      '1/2',
    ]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/--shard needs a configuration PATH/);
    const typo = await runCli(
      ['import', join(work, 'whole', 'org.yaml'), '--provider', 'tencentcloud.orgg', '--type', 'tencentcloud_kms_service'],
      { env: ORG_ENV },
    );
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/no provider tencentcloud\.orgg in the configuration; did you mean tencentcloud\.org\?/);
  });
});
