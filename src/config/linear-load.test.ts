import { describe, expect, it } from 'vitest';
import { buildState } from './build-state.js';
import { collect } from './collect.js';
import { interpolateTree } from './interpolate.js';
import { SEMANTIC_RULES } from './semantic-rules.js';
import { validateSchema } from './validate-schema.js';
import { parseYaml } from '../util/load-yaml.js';
import type { EntryPositions, YamlSource } from '../util/load-yaml.js';

/**
 * Configuration loading is linear (issue 17), pinned by counting, not timing: positions come from
 * the one-pass reader's table, read by index while walking, so a valid configuration never asks
 * `locate` to search its way down a path, and the reads per resource do not grow with the number
 * of resources in the file (one file, so every resource sits in one map: a search would show).
 */

const EXPECT = [
  'service_enabled: true',
  'service_state: normal',
  'edition: { in: [ultimate] }',
  'auto_renew: { equals: true, severity: high }',
  "expires_at: { not_within: 30d, description: 'renewal window' }",
  'cmk_count: { at_least: 1 }',
  'cmk_limit: { at_most: 100000 }',
  'data_key_hosting: false',
  'sync_allowed: { not_equals: false }',
  'subscription: { matches: "^pro" }',
];

function configuration(resources: number): string {
  const lines = [
    'version: 1',
    'providers:',
    '  tencentcloud:',
    '    prod: { region: ap-guangzhou, credentials: { profile: prod } }',
    'resources:',
    '  tencentcloud_kms_service:',
  ];
  for (let i = 0; i < resources; i++) {
    lines.push(
      `    r${i}:`,
      '      provider: tencentcloud.prod',
      "      labels: { team: 'security' }",
      '      expect:',
      ...EXPECT.map((e) => `        ${e}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

interface Counts {
  locate: number;
  reads: number;
}

/** `positions`, counting every read, also of the positions it hands out. */
function countingPositions(positions: EntryPositions, counts: Counts): EntryPositions {
  return {
    key: (index) => {
      counts.reads += 1;
      return positions.key(index);
    },
    value: (index) => {
      counts.reads += 1;
      return positions.value(index);
    },
    child: (index) => {
      counts.reads += 1;
      const child = positions.child(index);
      return child && countingPositions(child, counts);
    },
  };
}

/** Loads `text` phase by phase as loadConfig does, counting the position lookups. */
function load(text: string): Counts & { resources: number; expectations: number } {
  const parsed = parseYaml(text, 'big.yaml');
  const read = parsed.source;
  if (!read) throw new Error(JSON.stringify(parsed.diagnostics));
  const counts: Counts = { locate: 0, reads: 0 };
  const source: YamlSource = {
    ...read,
    locate: (path, part) => {
      counts.locate += 1;
      return read.locate(path, part);
    },
    positions: countingPositions(read.positions, counts),
  };
  const interpolated = interpolateTree(source, {});
  expect(interpolated.diagnostics).toEqual([]);
  expect(validateSchema(interpolated.value)).toEqual([]);
  const collected = collect([{ source, value: interpolated.value }]);
  const built = buildState(collected);
  const diagnostics = [...built.diagnostics, ...SEMANTIC_RULES.flatMap((rule) => rule.check({ collected, state: built.state }))];
  expect(diagnostics).toEqual([]);
  return {
    ...counts,
    resources: built.state.resources.length,
    expectations: built.state.resources.reduce((n, r) => n + r.expect.length, 0),
  };
}

describe('configuration loading is linear', () => {
  it('locates every node of a valid configuration by index, never by searching a path', () => {
    const small = load(configuration(100));
    const large = load(configuration(1000));
    expect(large.resources).toBe(1000);
    expect(large.expectations).toBe(1000 * EXPECT.length);
    expect(small.locate).toBe(0);
    expect(large.locate).toBe(0);
    // The same reads per resource at 100 and at 1,000: a constant per resource plus a constant —
    // its name, its map, its provider's value, its `expect` map and each expectation's name.
    const perResource = (large.reads - small.reads) / 900;
    expect(perResource).toBe(4 + EXPECT.length);
    expect(small.reads - 100 * perResource).toBe(large.reads - 1000 * perResource);
  });

  it('still locates what it reports inside a large file exactly', () => {
    const text = configuration(1000).replace('    r999:\n      provider: tencentcloud.prod', '    r999:\n      provider: tencentcloud.prd');
    const parsed = parseYaml(text, 'big.yaml');
    const source = parsed.source;
    if (!source) throw new Error('not parsed');
    const collected = collect([{ source, value: source.value }]);
    const built = buildState(collected);
    const problems = SEMANTIC_RULES.flatMap((rule) => rule.check({ collected, state: built.state }));
    const line = text.split('\n').indexOf('      provider: tencentcloud.prd') + 1;
    expect(problems).toEqual([
      {
        location: { file: 'big.yaml', line, column: 17 },
        message: "unknown provider 'tencentcloud.prd' for tencentcloud_kms_service.r999; did you mean 'tencentcloud.prod'?",
        rule: 'unknown-provider',
        severity: 'error',
      },
    ]);
  });
});
