/**
 * Evaluation at scale (design.md §9): N resources × 20 checks from a saved snapshot to JSON output.
 * Each resource has up to 10 expectations in the configuration and the rest of its 20 checks from
 * the rules of a team policy pack (a map cannot name an attribute twice, and at fleet scale the
 * shared checks live in policies).
 *
 * Two measurements per size, each in a fresh Node process running the built dist/ (so the RSS is
 * the tool's own, not the benchmark runner's):
 *  - engine: load the configuration (reported separately), then the timed part the budget is
 *    about — read and validate the snapshot, evaluate, stream the JSON report to a file;
 *  - cli: `driftwatch check DIR --observed SNAPSHOT --format json` end to end, under /usr/bin/time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSnapshot, serializeSnapshot } from '../src/engine/snapshot.js';
import type { JsonObject, JsonValue } from '../src/model/json.js';
import type { Observation } from '../src/model/observation.js';
import { RESOURCE_TYPES } from '../src/resources/registry.js';
import type { AttributeSpec, ResourceTypeSpec } from '../src/model/resource-types.js';
import { CLI, REPO_ROOT, RESULTS_DIR, mib, record, round, selected } from './report.js';

const AS_OF = '2026-11-29T00:00:00Z';
const CHECKS_PER_RESOURCE = 20;
const SIZES = (process.env.BENCH_EVAL_SIZES ?? '10000,50000,100000').split(',').map(Number);
const WORK = join(RESULTS_DIR, 'eval-scale');
const REGIONS: Readonly<Record<string, string>> = { tencentcloud: 'ap-guangzhou', alicloud: 'cn-hangzhou' };

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

/** Writes config/ (providers, resources), the policy pack and the snapshot; returns the paths. */
function generate(resources: number): { configDir: string; snapshot: string; snapshotMiB: number; configMiB: number } {
  const dir = join(WORK, String(resources));
  rmSync(dir, { recursive: true, force: true });
  const configDir = join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  // A map cannot name an attribute twice: up to 10 expectations, the rest of the 20 from policy rules.
  const expectCount = (spec: ResourceTypeSpec): number => Math.min(CHECKS_PER_RESOURCE / 2, spec.attributes.length);

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
    const file = join(configDir, `resources-${String(files++).padStart(4, '0')}.yaml`);
    writeFileSync(file, `version: 1\nresources:\n  ${type}:\n${body.join('\n')}\n`);
    configBytes += statSync(file).size;
    body = [];
  };
  const observations: Observation[] = [];
  for (const spec of RESOURCE_TYPES) {
    const count =
      Math.floor(resources / RESOURCE_TYPES.length) + (RESOURCE_TYPES.indexOf(spec) < resources % RESOURCE_TYPES.length ? 1 : 0);
    const attributes: JsonObject = Object.fromEntries(spec.attributes.map((a) => [a.name, sampleValue(a)]));
    for (let i = 0; i < count; i++) {
      if (i % 1000 === 0) flush(spec.name);
      const name = `r${i}`;
      const instanceId = instanceIdFor(spec, i);
      body.push(`    ${name}:`, `      provider: ${spec.cloud}.prod`);
      if (instanceId) body.push(`      instance_id: ${instanceId}`);
      body.push('      expect:');
      for (let n = 0; n < expectCount(spec); n++) {
        const a = spec.attributes[n] as AttributeSpec;
        body.push(`        ${a.name}: ${assertion(a, n)}`);
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
      observations.push({
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
      });
    }
    flush(spec.name);
  }
  const snapshot = join(dir, 'snapshot.json');
  writeFileSync(snapshot, serializeSnapshot(createSnapshot(observations, { toolVersion: 'bench', observedAt: AS_OF })));
  return { configDir, snapshot, snapshotMiB: mib(statSync(snapshot).size), configMiB: mib(configBytes) };
}

/** The engine run in a fresh process, from dist/: timed phases and the process's peak RSS. */
const ENGINE_DRIVER = `
const [dist, configDir, snapshotPath, outPath, asOf] = process.argv.slice(1);
const { openSync, writeSync, closeSync, readFileSync } = await import('node:fs');
const { loadValidConfig } = await import(dist + 'config/load-config.js');
const { loadPolicyChecks } = await import(dist + 'policy/policy-checks.js');
const { parseSnapshot } = await import(dist + 'engine/snapshot.js');
const { evaluate } = await import(dist + 'engine/evaluate.js');
const { renderJsonChunks } = await import(dist + 'report/json.js');
const now = new Date(asOf);
const t0 = performance.now();
const state = await loadValidConfig([configDir], { cwd: configDir, env: {} });
const policyChecks = await loadPolicyChecks(state, { cwd: configDir, now });
const t1 = performance.now();
const rssAfterConfig = process.memoryUsage.rss();
const snapshot = parseSnapshot(readFileSync(snapshotPath, 'utf8'), snapshotPath);
const t2 = performance.now();
const result = evaluate({ state, observations: snapshot.observations, now, toolVersion: 'bench', policyChecks });
const t3 = performance.now();
const fd = openSync(outPath, 'w');
for (const chunk of renderJsonChunks(result)) writeSync(fd, chunk);
closeSync(fd);
const t4 = performance.now();
let checks = 0;
for (const r of result.resources) checks += r.checks.length;
process.stdout.write(JSON.stringify({
  configMs: t1 - t0, snapshotMs: t2 - t1, evaluateMs: t3 - t2, renderMs: t4 - t3, budgetedMs: t4 - t1,
  rssAfterConfigKiB: Math.round(rssAfterConfig / 1024), maxRssKiB: process.resourceUsage().maxRSS,
  resources: result.resources.length, checks, summary: result.summary,
}));
`;

interface EngineMeasure {
  configMs: number;
  snapshotMs: number;
  evaluateMs: number;
  renderMs: number;
  budgetedMs: number;
  rssAfterConfigKiB: number;
  maxRssKiB: number;
  resources: number;
  checks: number;
  summary: Record<string, number>;
}

function runEngine(configDir: string, snapshot: string, out: string): EngineMeasure {
  const stdout = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', ENGINE_DRIVER, join(REPO_ROOT, 'dist/'), configDir, snapshot, out, AS_OF],
    {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as EngineMeasure;
}

function runCli(
  configDir: string,
  snapshot: string,
  out: string,
): { wallSeconds: number; maxRssMiB: number; exitCode: number | null; outputMiB: number } {
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
      'json',
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

describe('evaluation at scale from a saved snapshot', () => {
  it.runIf(selected('eval-scale'))('N resources × 20 checks → JSON', () => {
    const rows: Record<string, unknown>[] = [];
    for (const resources of SIZES) {
      const files = generate(resources);
      const out = join(WORK, String(resources), 'result.json');
      const engine = runEngine(files.configDir, files.snapshot, out);
      expect(engine.resources).toBe(resources);
      expect(engine.checks).toBe(resources * CHECKS_PER_RESOURCE);
      const cli = runCli(files.configDir, files.snapshot, out);
      // Drift is present, so the contract says exit 2 — anything else means the run failed.
      expect(cli.exitCode).toBe(2);
      rows.push({
        resources,
        checks: engine.checks,
        configMiB: files.configMiB,
        snapshotMiB: files.snapshotMiB,
        engine: {
          budgetedSeconds: round(engine.budgetedMs / 1000),
          snapshotSeconds: round(engine.snapshotMs / 1000),
          evaluateSeconds: round(engine.evaluateMs / 1000),
          renderSeconds: round(engine.renderMs / 1000),
          configLoadSeconds: round(engine.configMs / 1000),
          rssAfterConfigMiB: mib(engine.rssAfterConfigKiB * 1024),
          maxRssMiB: mib(engine.maxRssKiB * 1024),
        },
        cli,
        summary: engine.summary,
      });
      if (process.env.BENCH_KEEP !== '1') rmSync(join(WORK, String(resources)), { recursive: true, force: true });
    }
    const at100k = rows.find((r) => r.resources === 100_000) as
      { engine: { budgetedSeconds: number; maxRssMiB: number }; cli: { wallSeconds: number; maxRssMiB: number } } | undefined;
    record('eval-scale', {
      checksPerResource: CHECKS_PER_RESOURCE,
      rows,
      ...(at100k
        ? {
            targets: {
              engineUnder3s: at100k.engine.budgetedSeconds < 3,
              engineUnder256MiB: at100k.engine.maxRssMiB < 256,
              cliUnder3s: at100k.cli.wallSeconds < 3,
              cliUnder256MiB: at100k.cli.maxRssMiB < 256,
            },
          }
        : {}),
    });
  });
});
