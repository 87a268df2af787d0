/**
 * Configuration loading at scale (issue 17, design.md §9): `driftwatch validate DIR` of N resources
 * with 10 expectations each, split into files of 1,000 resources like a fleet's configuration. Each
 * size runs the built CLI in a fresh process under /usr/bin/time, BENCH_CONFIG_RUNS times (default
 * 3; the median counts): wall seconds, CPU seconds (user + system: what the run cost, whatever else
 * the shared machine was doing) and peak RSS. Targets: 100,000 resources in ≤ 3 s, and linear —
 * the time per resource at 100,000 no more than 1.25× the time per resource at 10,000.
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
import { loadavg } from 'node:os';
import { CLI, RESULTS_DIR, median, mib, publish, record, round, selected, verdictOf } from './report.js';

const SIZES = (process.env.BENCH_CONFIG_SIZES ?? '2000,10000,30000,100000').split(',').map(Number);
const BASELINE = process.env.BENCH_BASELINE_CLI;
const BASELINE_MAX = Number(process.env.BENCH_BASELINE_MAX ?? 30_000);
const RUNS = Number(process.env.BENCH_CONFIG_RUNS ?? 3);
const TARGET_100K_SECONDS = 3;
/** Linear: at 100,000 resources, at most this many times the time per resource at 10,000. */
const LINEAR_FACTOR = 1.25;
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
  const head = [
    'version: 1',
    'providers:',
    '  tencentcloud:',
    '    prod: { region: ap-guangzhou, credentials: { profile: prod } }',
    '  alicloud:',
    '    prod: { region: cn-hangzhou, credentials: { profile: prod } }',
  ];
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
    const count =
      Math.floor(resources / RESOURCE_TYPES.length) + (RESOURCE_TYPES.indexOf(spec) < resources % RESOURCE_TYPES.length ? 1 : 0);
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

interface Run {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly maxRssMiB: number;
  readonly exitCode: number;
}

function timeValidate(cli: string, dir: string): Run {
  const run = spawnSync('/usr/bin/time', ['-f', 'DWTIME %e %U %S %M', process.execPath, cli, 'validate', dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const m = /DWTIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(run.stderr);
  if (!m) throw new Error(`no timing from /usr/bin/time: ${run.stderr.slice(0, 2000)}`);
  return {
    wallSeconds: Number(m[1]),
    cpuSeconds: round(Number(m[2]) + Number(m[3]), 2),
    maxRssMiB: mib(Number(m[4]) * 1024),
    exitCode: run.status ?? -1,
  };
}

/** Medians of wall and CPU time over the runs, the fastest wall time, and the largest peak RSS. */
interface Summary {
  readonly wallSeconds: number;
  readonly minWallSeconds: number;
  readonly cpuSeconds: number;
  readonly maxRssMiB: number;
}

function summary(runs: readonly Run[]): Summary {
  return {
    wallSeconds: median(runs.map((r) => r.wallSeconds)),
    minWallSeconds: Math.min(...runs.map((r) => r.wallSeconds)),
    cpuSeconds: round(median(runs.map((r) => r.cpuSeconds)), 2),
    maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)),
  };
}

describe('configuration loading at scale', () => {
  it.runIf(selected('config-load'))('validate N resources × 10 expectations', () => {
    const rows: { resources: number; after: Summary; [k: string]: unknown }[] = [];
    for (const resources of SIZES) {
      const files = generate(resources);
      const loadBefore = loadavg()[0] ?? 0;
      const afterRuns: Run[] = [];
      const beforeRuns: Run[] = [];
      for (let i = 0; i < RUNS; i++) {
        afterRuns.push(timeValidate(CLI, files.dir));
        if (BASELINE !== undefined && resources <= BASELINE_MAX) beforeRuns.push(timeValidate(BASELINE, files.dir));
      }
      for (const r of [...afterRuns, ...beforeRuns]) expect(r.exitCode).toBe(0);
      const after = summary(afterRuns);
      const before = beforeRuns.length > 0 ? summary(beforeRuns) : undefined;
      rows.push({
        resources,
        expectations: resources * EXPECTATIONS,
        configMiB: files.mib,
        loadAverage: [round(loadBefore, 2), round(loadavg()[0] ?? 0, 2)],
        after,
        ...(before ? { before, speedup: round(before.wallSeconds / after.wallSeconds, 1) } : {}),
        microsecondsPerResource: round((after.wallSeconds * 1e6) / resources, 0),
        cpuMicrosecondsPerResource: round((after.cpuSeconds * 1e6) / resources, 0),
      });
      if (process.env.BENCH_KEEP !== '1') rmSync(files.dir, { recursive: true, force: true });
    }
    const at = (n: number): Summary | undefined => rows.find((r) => r.resources === n)?.after;
    const at10k = at(10_000);
    const at100k = at(100_000);
    record('config-load', {
      expectationsPerResource: EXPECTATIONS,
      resourcesPerFile: PER_FILE,
      runsPerSize: RUNS,
      command: 'node dist/cli/main.js validate DIR',
      ...(BASELINE ? { baseline: BASELINE, baselineUpTo: BASELINE_MAX } : {}),
      rows,
      targets: {
        ...(at100k
          ? {
              validate100kWithin3s: {
                target: TARGET_100K_SECONDS,
                wallSeconds: at100k.wallSeconds,
                met: at100k.wallSeconds <= TARGET_100K_SECONDS,
              },
            }
          : {}),
        ...(at10k && at100k
          ? {
              linear: {
                factor: LINEAR_FACTOR,
                // Per resource, 100,000 over 10,000 (the same work ten times: 1 is linear, and below 1 the start-up is spread).
                wallPerResource100kOver10k: round(at100k.wallSeconds / 10 / at10k.wallSeconds, 2),
                cpuPerResource100kOver10k: round(at100k.cpuSeconds / 10 / at10k.cpuSeconds, 2),
                met: at100k.cpuSeconds / 10 <= LINEAR_FACTOR * at10k.cpuSeconds,
              },
            }
          : {}),
      },
    });
    const rowText = (r: (typeof rows)[number]): string =>
      `| ${r.resources.toLocaleString('en-US')} | ${r.after.wallSeconds} s (fastest ${r.after.minWallSeconds} s) | ${r.after.cpuSeconds} s | ${r.after.maxRssMiB} MiB |`;
    publish(
      'config-load',
      [
        `\`node dist/cli/main.js validate DIR\`, ${EXPECTATIONS} expectations per resource, ${PER_FILE} resources per file, ${RUNS} runs per size (medians).`,
        '',
        '| resources | wall | CPU | peak RSS |',
        '| --- | --- | --- | --- |',
        ...rows.map(rowText),
        '',
        '| target | |',
        '| --- | --- |',
        ...(at100k
          ? [
              `| 100,000 resources in ≤ ${TARGET_100K_SECONDS} s | ${at100k.wallSeconds} s: ${verdictOf(at100k.wallSeconds <= TARGET_100K_SECONDS)} |`,
            ]
          : []),
        ...(at10k && at100k
          ? [
              `| linear (CPU per resource at 100,000 ≤ ${LINEAR_FACTOR}× that at 10,000) | ${round(at100k.cpuSeconds / 10 / at10k.cpuSeconds, 2)}×: ${verdictOf(at100k.cpuSeconds / 10 <= LINEAR_FACTOR * at10k.cpuSeconds)} |`,
            ]
          : []),
      ].join('\n'),
    );
  });
});
