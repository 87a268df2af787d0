/**
 * Evaluation at scale (issue 17, design.md §9): N resources × 20 checks from a saved snapshot to a
 * report, in a fresh Node process running the built dist/ for every measurement (so each peak RSS
 * is the tool's own, not the benchmark runner's).
 *
 * Two shapes of configuration, both 20 checks per resource:
 *  - `mixed`: up to 10 expectations per resource in the configuration, the rest from the rules of
 *    a team policy pack (a map cannot name an attribute twice) — the issue's 100,000 × 20 case;
 *  - `policy`: resources carry only their identity and every check comes from the policy pack —
 *    how a fleet of a million resources is configured, and the 1,000,000 → JUnit case.
 * 2% of the resources drift and 1% are unknown (an InternalError observation), so every report
 * path runs. The configuration is a directory of files of 1,000 resources each.
 *
 * Per size and shape:
 *  - engine: in one process, load the configuration (timed apart), then the part the budget is
 *    about — open the snapshot, evaluate, render the report to a file (streamed, as `check` does);
 *  - I/O floor (JSON only): in another process, `JSON.parse` of the snapshot file plus serializing
 *    the same result objects (`JSON.stringify` per resource) to the same file — the engine's time
 *    is held to ≤ 3× it;
 *  - cli: `driftwatch check DIR --observed SNAPSHOT --format F` end to end under /usr/bin/time.
 *
 * `npm run bench` writes the tables into docs/benchmarks.md (section `eval-scale`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { observationSeparator, serializeObservation, snapshotHead, snapshotTail } from '../src/engine/snapshot.js';
import type { JsonObject, JsonValue } from '../src/model/json.js';
import type { Observation } from '../src/model/observation.js';
import { compareStrings } from '../src/model/order.js';
import { RESOURCE_TYPES } from '../src/resources/registry.js';
import type { AttributeSpec, ResourceTypeSpec } from '../src/model/resource-types.js';
import { CLI, REPO_ROOT, RESULTS_DIR, mib, publish, record, round, selected, verdictOf } from './report.js';

const AS_OF = '2026-11-29T00:00:00Z';
const CHECKS_PER_RESOURCE = 20;
const SIZES = (process.env.BENCH_EVAL_SIZES ?? '10000,100000,1000000').split(',').map(Number);
/** Sizes at which the JSON report is also written (1,000,000 × 20 as JSON is 13 GB of output). */
const JSON_MAX = Number(process.env.BENCH_EVAL_JSON_MAX ?? 100_000);
const WORK = join(RESULTS_DIR, 'eval-scale');
const REGIONS: Readonly<Record<string, string>> = { tencentcloud: 'ap-guangzhou', alicloud: 'cn-hangzhou' };

type Shape = 'mixed' | 'policy';
type Format = 'json' | 'junit';

function sampleValue(a: AttributeSpec): JsonValue {
  switch (a.kind) {
    case 'boolean':
      return true;
    case 'integer':
      return 500;
    case 'timestamp':
      return '2030-06-30T00:00:00Z';
    default:
      return a.values?.[0] ?? 'value-1';
  }
}

/** One check on an attribute, as YAML flow text: the n-th variant for its kind. */
function assertion(a: AttributeSpec, n: number): string {
  const v = sampleValue(a);
  switch (a.kind) {
    case 'boolean':
      return n % 2 === 0 ? 'true' : '{ equals: true, severity: high }';
    case 'integer':
      return ['{ at_least: 100 }', '{ at_most: 100000 }', '{ greater_than: 0, severity: low }'][n % 3] ?? '{ at_least: 1 }';
    case 'timestamp':
      return n % 2 === 0 ? '{ not_within: 30d, severity: high }' : "{ after: '2027-01-01T00:00:00Z' }";
    default:
      return n % 2 === 0 ? JSON.stringify(v) : `{ in: [${JSON.stringify(v)}] }`;
  }
}

function instanceIdFor(spec: ResourceTypeSpec, i: number): string | undefined {
  if (spec.name === 'alicloud_kms_instance') return `kst-eval${i}`;
  if (spec.name === 'alicloud_cas_private_ca') return `cas-eval${i}`;
  return undefined;
}

interface Generated {
  readonly configDir: string;
  readonly snapshot: string;
  readonly snapshotMiB: number;
  readonly configMiB: number;
}

/** Writes config/ (providers, resources), the policy pack and the snapshot (streamed, canonical); returns the paths. */
function generate(resources: number, shape: Shape): Generated {
  const dir = join(WORK, `${shape}-${resources}`);
  rmSync(dir, { recursive: true, force: true });
  const configDir = join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  // A map cannot name an attribute twice: up to 10 expectations, the rest of the 20 from policy rules.
  const expectCount = (spec: ResourceTypeSpec): number =>
    shape === 'policy' ? 0 : Math.min(CHECKS_PER_RESOURCE / 2, spec.attributes.length);

  const policy: string[] = [
    'version: 1',
    'name: eval-scale',
    'description: Shared rules, with the expectations 20 checks per resource.',
    'rules:',
  ];
  for (const spec of RESOURCE_TYPES) {
    for (let n = 0; n < CHECKS_PER_RESOURCE - expectCount(spec); n++) {
      const a = spec.attributes[(n + expectCount(spec)) % spec.attributes.length] as AttributeSpec;
      policy.push(
        `  - id: ${spec.name}.rule-${n}`,
        `    title: Rule ${n} for ${spec.name}`,
        '    severity: medium',
        `    resource_type: ${spec.name}`,
        '    assert:',
        `      ${a.name}: ${assertion(a, n + 1).replace(/, severity: [a-z]+/, '')}`,
        '    remediation: Fix it in the console.',
      );
    }
  }
  writeFileSync(join(dir, 'team-policy.yaml'), `${policy.join('\n')}\n`);

  const head = [
    'version: 1',
    'policies: [../team-policy.yaml]',
    'providers:',
    '  tencentcloud:',
    '    prod: { region: ap-guangzhou, credentials: { profile: prod } }',
    '  alicloud:',
    '    prod: { region: cn-hangzhou, credentials: { profile: prod } }',
  ];
  writeFileSync(join(configDir, 'main.yaml'), `${head.join('\n')}\n`);
  let configBytes = statSync(join(configDir, 'main.yaml')).size;
  // A large fleet is a directory of files (merged like *.tf), 1,000 resources each.
  let body: string[] = [];
  let files = 0;
  const flush = (type: string): void => {
    if (body.length === 0) return;
    const file = join(configDir, `resources-${String(files++).padStart(5, '0')}.yaml`);
    writeFileSync(file, `version: 1\nresources:\n  ${type}:\n${body.join('\n')}\n`);
    configBytes += statSync(file).size;
    body = [];
  };
  // The snapshot is written as it is generated, in address order, in the layout --save-observed writes.
  const snapshot = join(dir, 'snapshot.json');
  const fd = openSync(snapshot, 'w');
  writeSync(fd, snapshotHead('bench', AS_OF));
  let written = 0;
  const width = String(resources).length;
  for (const spec of [...RESOURCE_TYPES].sort((a, b) => compareStrings(a.name, b.name))) {
    const count =
      Math.floor(resources / RESOURCE_TYPES.length) + (RESOURCE_TYPES.indexOf(spec) < resources % RESOURCE_TYPES.length ? 1 : 0);
    const attributes: JsonObject = Object.fromEntries(spec.attributes.map((a) => [a.name, sampleValue(a)]));
    for (let i = 0; i < count; i++) {
      if (i % 1000 === 0) flush(spec.name);
      const name = `r${String(i).padStart(width, '0')}`;
      const instanceId = instanceIdFor(spec, i);
      body.push(`    ${name}:`, `      provider: ${spec.cloud}.prod`);
      if (instanceId) body.push(`      instance_id: ${instanceId}`);
      if (expectCount(spec) > 0) {
        body.push('      expect:');
        for (let n = 0; n < expectCount(spec); n++) {
          const a = spec.attributes[n] as AttributeSpec;
          body.push(`        ${a.name}: ${assertion(a, n)}`);
        }
      }
      // 2% drift and 1% unknown (an API error), so every report path is exercised.
      let observed = attributes;
      if (i % 50 === 7) {
        const first = spec.attributes[0] as AttributeSpec;
        observed = {
          ...attributes,
          [first.name]: first.kind === 'boolean' ? false : first.kind === 'integer' ? 0 : (first.values?.[1] ?? 'drifted-value'),
        };
      }
      const failed = i % 100 === 13;
      const observation: Observation = {
        address: `${spec.name}.${name}`,
        type: spec.name,
        // What --save-observed records: the provider, region and instance each observation was read for.
        scope: { provider: `${spec.cloud}.prod`, region: REGIONS[spec.cloud] ?? null, instance_id: instanceId ?? null },
        status: failed ? 'error' : 'ok',
        attributes: failed ? {} : observed,
        raw: failed ? null : { RequestId: `req-${i}` },
        request_ids: [`req-${spec.name}-${i}`],
        observed_at: AS_OF,
        error: failed
          ? { kind: 'transient', code: 'InternalError', message: 'An internal error occurred.', request_id: `req-${i}`, retryable: true }
          : null,
      };
      writeSync(fd, observationSeparator(written++) + serializeObservation(observation));
    }
    flush(spec.name);
  }
  writeSync(fd, snapshotTail(written, undefined));
  closeSync(fd);
  return { configDir, snapshot, snapshotMiB: mib(statSync(snapshot).size), configMiB: mib(configBytes) };
}

/**
 * The engine in a fresh process, from dist/: the configuration loaded first (timed apart, and its
 * retained heap measured after a full GC), then the budgeted part — open the snapshot, evaluate
 * (streamed), render the report to a file — and the process's peak RSS.
 */
const ENGINE_DRIVER = `
const [dist, configDir, snapshotPath, outPath, asOf, format] = process.argv.slice(1);
const { openSync, writeSync, closeSync } = await import('node:fs');
const { loadValidConfig } = await import(dist + 'config/load-config.js');
const { loadPolicyChecks } = await import(dist + 'policy/policy-checks.js');
const { openSnapshotFile } = await import(dist + 'engine/snapshot-stream.js');
const { evaluateStream } = await import(dist + 'engine/evaluate.js');
const { REPORTERS } = await import(dist + 'report/index.js');
const now = new Date(asOf);
const t0 = performance.now();
const state = await loadValidConfig([configDir], { cwd: configDir, env: {} });
const policyChecks = await loadPolicyChecks(state, { cwd: configDir, now });
const t1 = performance.now();
globalThis.gc();
const configHeap = process.memoryUsage().heapUsed;
const rssAfterConfig = process.memoryUsage.rss();
const t2 = performance.now();
const snapshot = openSnapshotFile(snapshotPath, { requireScope: true });
const t3 = performance.now();
const result = evaluateStream({ state, observations: snapshot.observations, now, toolVersion: 'bench', policyChecks });
const t4 = performance.now();
const fd = openSync(outPath, 'w');
let pending = '';
for (const chunk of REPORTERS[format].renderChunks(result, { color: false })) {
  pending += chunk;
  if (pending.length > 1 << 16) { writeSync(fd, pending); pending = ''; }
}
writeSync(fd, pending);
closeSync(fd);
const t5 = performance.now();
process.stdout.write(JSON.stringify({
  configMs: t1 - t0, snapshotMs: t3 - t2, tallyMs: t4 - t3, renderMs: t5 - t4, engineMs: t5 - t2,
  configHeapKiB: Math.round(configHeap / 1024), rssAfterConfigKiB: Math.round(rssAfterConfig / 1024),
  maxRssKiB: process.resourceUsage().maxRSS, resources: state.resources.length, summary: result.summary,
}));
`;

/**
 * The I/O floor in a fresh process: JSON.parse of the snapshot file, plus serializing the result
 * objects (JSON.stringify per resource, 2-space) to the same file. Only those two are timed; the
 * evaluation that produces the objects is not.
 */
const FLOOR_DRIVER = `
const [dist, configDir, snapshotPath, outPath, asOf] = process.argv.slice(1);
const { openSync, writeSync, closeSync, readFileSync } = await import('node:fs');
const { loadValidConfig } = await import(dist + 'config/load-config.js');
const { loadPolicyChecks } = await import(dist + 'policy/policy-checks.js');
const { evaluateStream } = await import(dist + 'engine/evaluate.js');
const now = new Date(asOf);
const state = await loadValidConfig([configDir], { cwd: configDir, env: {} });
const policyChecks = await loadPolicyChecks(state, { cwd: configDir, now });
const t0 = performance.now();
const snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8'));
const parseMs = performance.now() - t0;
const result = evaluateStream({ state, observations: snapshot.observations, now, toolVersion: 'bench', policyChecks });
const fd = openSync(outPath, 'w');
let serializeMs = 0;
let pending = '';
for (const r of result.resources) {
  const t = performance.now();
  pending += JSON.stringify(r, null, 2) + ',\\n';
  if (pending.length > 1 << 16) { writeSync(fd, pending); pending = ''; }
  serializeMs += performance.now() - t;
}
const t = performance.now();
writeSync(fd, pending);
closeSync(fd);
serializeMs += performance.now() - t;
process.stdout.write(JSON.stringify({ parseMs, serializeMs }));
`;

interface EngineMeasure {
  configMs: number;
  snapshotMs: number;
  tallyMs: number;
  renderMs: number;
  engineMs: number;
  configHeapKiB: number;
  rssAfterConfigKiB: number;
  maxRssKiB: number;
  resources: number;
  summary: Record<string, number>;
}

function driver<T>(script: string, args: readonly string[]): T {
  const stdout = execFileSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=16384', '--input-type=module', '-e', script, join(REPO_ROOT, 'dist/'), ...args],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as T;
}

interface CliMeasure {
  wallSeconds: number;
  maxRssMiB: number;
  exitCode: number | null;
  outputMiB: number;
}

function runCli(configDir: string, snapshot: string, out: string, format: Format): CliMeasure {
  // GNU time: elapsed seconds and peak RSS (KiB) on its own line of stderr.
  const run = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      'DWTIME %e %M',
      'sh',
      '-c',
      `exec "$0" "$@" > ${JSON.stringify(out)}`,
      process.execPath,
      CLI,
      'check',
      configDir,
      '--observed',
      snapshot,
      '--format',
      format,
      '--as-of',
      AS_OF,
      '--no-progress',
    ],
    { cwd: configDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const m = /DWTIME ([\d.]+) (\d+)/.exec(run.stderr);
  if (!m) throw new Error(`no timing from /usr/bin/time: ${run.stderr.slice(0, 2000)}`);
  const exitCode = /Command exited with non-zero status (\d+)/.exec(run.stderr)?.[1];
  return {
    wallSeconds: Number(m[1]),
    maxRssMiB: mib(Number(m[2]) * 1024),
    exitCode: exitCode === undefined ? 0 : Number(exitCode),
    outputMiB: mib(statSync(out).size),
  };
}

interface Row {
  resources: number;
  shape: Shape;
  format: Format;
  snapshotMiB: number;
  configMiB: number;
  engine: {
    configLoadSeconds: number;
    configHeapMiB: number;
    rssAfterConfigMiB: number;
    snapshotOpenSeconds: number;
    countSeconds: number;
    renderSeconds: number;
    engineSeconds: number;
    maxRssMiB: number;
  };
  floor?: { parseSeconds: number; serializeSeconds: number; seconds: number; engineRatio: number };
  cli: CliMeasure;
}

function measure(resources: number, shape: Shape, files: Generated, format: Format): Row {
  const out = join(WORK, `${shape}-${resources}`, `result.${format}`);
  const engine = driver<EngineMeasure>(ENGINE_DRIVER, [files.configDir, files.snapshot, out, AS_OF, format]);
  expect(engine.resources).toBe(resources);
  const floor =
    format === 'json'
      ? driver<{ parseMs: number; serializeMs: number }>(FLOOR_DRIVER, [files.configDir, files.snapshot, `${out}.floor`, AS_OF])
      : undefined;
  rmSync(`${out}.floor`, { force: true });
  const cli = runCli(files.configDir, files.snapshot, out, format);
  // Drift is present, so the contract says exit 2 — anything else means the run failed.
  expect(cli.exitCode).toBe(2);
  rmSync(out, { force: true });
  const floorSeconds = floor ? (floor.parseMs + floor.serializeMs) / 1000 : undefined;
  return {
    resources,
    shape,
    format,
    snapshotMiB: files.snapshotMiB,
    configMiB: files.configMiB,
    engine: {
      configLoadSeconds: round(engine.configMs / 1000),
      configHeapMiB: mib(engine.configHeapKiB * 1024),
      rssAfterConfigMiB: mib(engine.rssAfterConfigKiB * 1024),
      snapshotOpenSeconds: round(engine.snapshotMs / 1000),
      countSeconds: round(engine.tallyMs / 1000),
      renderSeconds: round(engine.renderMs / 1000),
      engineSeconds: round(engine.engineMs / 1000),
      maxRssMiB: mib(engine.maxRssKiB * 1024),
    },
    ...(floor && floorSeconds !== undefined
      ? {
          floor: {
            parseSeconds: round(floor.parseMs / 1000),
            serializeSeconds: round(floor.serializeMs / 1000),
            seconds: round(floorSeconds),
            engineRatio: round(engine.engineMs / 1000 / floorSeconds, 2),
          },
        }
      : {}),
    cli,
  };
}

const n = (value: number): string => value.toLocaleString('en-US');

function tables(rows: readonly Row[]): string {
  const growth = [
    '| resources × 20 | shape | format | config load | configuration heap | engine (snapshot + evaluate + render) | I/O floor | engine ÷ floor | CLI wall | CLI peak RSS | engine peak RSS |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${n(r.resources)} | ${r.shape} | ${r.format} | ${r.engine.configLoadSeconds} s | ${r.engine.configHeapMiB} MiB | ${r.engine.engineSeconds} s (${r.engine.snapshotOpenSeconds} + ${r.engine.countSeconds} + ${r.engine.renderSeconds}) | ${r.floor ? `${r.floor.seconds} s` : '—'} | ${r.floor ? `${r.floor.engineRatio}×` : '—'} | ${r.cli.wallSeconds} s | ${r.cli.maxRssMiB} MiB | ${r.engine.maxRssMiB} MiB |`,
    ),
  ];
  const targets: string[] = ['| target | measured | |', '| --- | --- | --- |'];
  const json100k = rows.find((r) => r.resources === 100_000 && r.shape === 'mixed' && r.format === 'json');
  if (json100k) {
    targets.push(
      `| 100,000 × 20, snapshot → JSON: peak RSS ≤ 256 MB | ${json100k.cli.maxRssMiB} MiB (configuration: ${json100k.engine.configHeapMiB} MiB of heap after loading) | ${verdictOf(json100k.cli.maxRssMiB * 1.048576 <= 256)} |`,
      `| 100,000 × 20: engine ≤ 3× the I/O floor | ${json100k.floor?.engineRatio ?? '—'}× (${json100k.engine.engineSeconds} s vs ${json100k.floor?.seconds ?? '—'} s) | ${verdictOf((json100k.floor?.engineRatio ?? Infinity) <= 3)} |`,
      `| 100,000 × 20: ≤ 10 s end to end | ${json100k.cli.wallSeconds} s (configuration ${json100k.engine.configLoadSeconds} s) | ${verdictOf(json100k.cli.wallSeconds <= 10)} |`,
    );
  }
  const junit1m = rows.find((r) => r.resources === 1_000_000 && r.format === 'junit');
  if (junit1m) {
    targets.push(
      `| 1,000,000 × 20, snapshot → JUnit: peak RSS ≤ 300 MB | ${junit1m.cli.maxRssMiB} MiB (configuration: ${junit1m.engine.configHeapMiB} MiB of heap after loading) | ${verdictOf(junit1m.cli.maxRssMiB * 1.048576 <= 300)} |`,
    );
  }
  // What the run holds beyond the loaded configuration, as the fleet grows (flat would be constant).
  const junit = rows.filter((r) => r.format === 'junit' && r.shape === 'policy');
  const beyond = junit.map((r) => `${n(r.resources)}: ${round(r.cli.maxRssMiB - r.engine.configHeapMiB, 1)} MiB`);
  if (beyond.length > 1)
    targets.push(`| flat: CLI peak RSS beyond the configuration's heap (JUnit, policy shape) | ${beyond.join(', ')} | |`);
  return `${growth.join('\n')}\n\n${targets.join('\n')}\n`;
}

describe('evaluation at scale from a saved snapshot', () => {
  it.runIf(selected('eval-scale'))('N resources × 20 checks → JSON and JUnit', () => {
    const rows: Row[] = [];
    for (const resources of SIZES) {
      for (const shape of ['mixed', 'policy'] as const) {
        // The mixed shape is the issue's JSON case; a million resources are configured by policy.
        const formats: Format[] = shape === 'mixed' ? (resources <= JSON_MAX ? ['json'] : []) : ['junit'];
        if (formats.length === 0) continue;
        const files = generate(resources, shape);
        for (const format of formats) rows.push(measure(resources, shape, files, format));
        if (process.env.BENCH_KEEP !== '1') rmSync(join(WORK, `${shape}-${resources}`), { recursive: true, force: true });
      }
    }
    record('eval-scale', { checksPerResource: CHECKS_PER_RESOURCE, rows });
    publish('eval-scale', tables(rows));
  });
});
