/**
 * Configuration loading at scale (issue 17, design.md §9): `driftwatch validate DIR` of N resources
 * with 10 expectations each, split into files of 1,000 resources like a fleet's configuration. Each
 * size runs the built CLI in a fresh process under /usr/bin/time (wall seconds, peak RSS).
 *
 * "Before and after in one run": with BENCH_BASELINE_CLI=/path/to/old/dist/cli/main.js (a build of
 * the commit before the one-pass reader), each size also runs that CLI, interleaved with the
 * current one, up to BENCH_BASELINE_MAX resources (default 30,000: the old loader needs minutes
 * beyond that, and the machine is shared).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESOURCE_TYPES } from '../src/resources/registry.js';
import type { AttributeSpec } from '../src/model/resource-types.js';
import { CLI, RESULTS_DIR, mib, record, round, selected } from './report.js';

const SIZES = (process.env.BENCH_CONFIG_SIZES ?? '2000,10000,30000,100000').split(',').map(Number);
const BASELINE = process.env.BENCH_BASELINE_CLI;
const BASELINE_MAX = Number(process.env.BENCH_BASELINE_MAX ?? 30_000);
const EXPECTATIONS = 10;
const PER_FILE = 1000;
const WORK = join(RESULTS_DIR, 'config-load');

function assertion(a: AttributeSpec, n: number): string {
  switch (a.kind) {
    case 'boolean':
      return n % 2 === 0 ? 'true' : '{ equals: true, severity: high }';
    case 'integer':
      return ['{ at_least: 100 }', '{ at_most: 100000 }', '{ greater_than: 0, severity: low }'][n % 3] ?? '{ at_least: 1 }';
    case 'timestamp':
      return n % 2 === 0 ? '{ not_within: 30d, severity: high }' : "{ after: '2027-01-01T00:00:00Z' }";
    default: {
      const v = JSON.stringify(a.values?.[0] ?? 'value-1');
      return n % 2 === 0 ? v : `{ in: [${v}] }`;
    }
  }
}

/** Writes DIR/main.yaml (providers) and DIR/resources-NNNN.yaml; returns the directory and its size. */
function generate(resources: number): { dir: string; mib: number } {
  const dir = join(WORK, String(resources));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const head = ['version: 1', 'providers:', '  tencentcloud:', '    prod: { region: ap-guangzhou, credentials: { profile: prod } }', '  alicloud:', '    prod: { region: cn-hangzhou, credentials: { profile: prod } }'];
  writeFileSync(join(dir, 'main.yaml'), `${head.join('\n')}\n`);
  let bytes = statSync(join(dir, 'main.yaml')).size;
  let files = 0;
  let body: string[] = [];
  const flush = (type: string): void => {
    if (body.length === 0) return;
    const file = join(dir, `resources-${String(files++).padStart(4, '0')}.yaml`);
    writeFileSync(file, `version: 1\nresources:\n  ${type}:\n${body.join('\n')}\n`);
    bytes += statSync(file).size;
    body = [];
  };
  for (const spec of RESOURCE_TYPES) {
    const count = Math.floor(resources / RESOURCE_TYPES.length) + (RESOURCE_TYPES.indexOf(spec) < resources % RESOURCE_TYPES.length ? 1 : 0);
    const expectCount = Math.min(EXPECTATIONS, spec.attributes.length);
    for (let i = 0; i < count; i++) {
      if (i % PER_FILE === 0) flush(spec.name);
      body.push(`    r${i}:`, `      provider: ${spec.cloud}.prod`);
      if (spec.name === 'alicloud_kms_instance') body.push(`      instance_id: kst-cfg${i}`);
      if (spec.name === 'alicloud_cas_private_ca') body.push(`      instance_id: cas-cfg${i}`);
      body.push('      expect:');
      for (let n = 0; n < expectCount; n++) {
        const a = spec.attributes[n] as AttributeSpec;
        body.push(`        ${a.name}: ${assertion(a, n)}`);
      }
    }
    flush(spec.name);
  }
  return { dir, mib: mib(bytes) };
}

function timeValidate(cli: string, dir: string): { wallSeconds: number; maxRssMiB: number; exitCode: number } {
  const run = spawnSync('/usr/bin/time', ['-f', 'DWTIME %e %M', process.execPath, cli, 'validate', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const m = /DWTIME ([\d.]+) (\d+)/.exec(run.stderr);
  if (!m) throw new Error(`no timing from /usr/bin/time: ${run.stderr.slice(0, 2000)}`);
  return { wallSeconds: Number(m[1]), maxRssMiB: mib(Number(m[2]) * 1024), exitCode: run.status ?? -1 };
}

describe('configuration loading at scale', () => {
  it.runIf(selected('config-load'))('validate N resources × 10 expectations', () => {
    const rows: Record<string, unknown>[] = [];
    for (const resources of SIZES) {
      const files = generate(resources);
      const after = timeValidate(CLI, files.dir);
      expect(after.exitCode).toBe(0);
      const before = BASELINE !== undefined && resources <= BASELINE_MAX ? timeValidate(BASELINE, files.dir) : undefined;
      if (before) expect(before.exitCode).toBe(0);
      rows.push({
        resources,
        expectations: resources * EXPECTATIONS,
        configMiB: files.mib,
        after,
        ...(before ? { before, speedup: round(before.wallSeconds / after.wallSeconds, 1) } : {}),
        microsecondsPerResource: round((after.wallSeconds * 1e6) / resources, 0),
      });
      if (process.env.BENCH_KEEP !== '1') rmSync(files.dir, { recursive: true, force: true });
    }
    const at100k = rows.find((r) => r.resources === 100_000) as { after: { wallSeconds: number } } | undefined;
    record('config-load', {
      expectationsPerResource: EXPECTATIONS,
      resourcesPerFile: PER_FILE,
      ...(BASELINE ? { baseline: BASELINE, baselineUpTo: BASELINE_MAX } : {}),
      rows,
      ...(at100k ? { targets: { validate100kWithin3s: at100k.after.wallSeconds <= 3 } } : {}),
    });
  });
});
