import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../model/json.js';
import { formatDiagnostic } from '../model/location.js';
import { loadConfig } from './load-config.js';
import { sameValue, withoutRepeatedExpectations } from './repeated-expectations.js';
import { validateSchema } from './validate-schema.js';

/**
 * Loading a fleet's configuration one file at a time, with expectations that share what they
 * repeat (issue 17): the state reads as before, every expectation keeps its own location, and a
 * repeated expectation is reported wherever it is wrong.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'driftwatch-fleet-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PROVIDERS = `version: 1
providers:
  tencentcloud:
    prod: { region: ap-guangzhou }
`;

function kms(names: readonly string[], expect: readonly string[]): string {
  const lines = ['resources:', '  tencentcloud_kms_service:'];
  for (const name of names) {
    lines.push(`    ${name}:`, '      provider: tencentcloud.prod', '      expect:');
    for (const e of expect) lines.push(`        ${e}`);
  }
  return `${lines.join('\n')}\n`;
}

async function load(files: Record<string, string>, env: Record<string, string> = {}) {
  const sub = await mkdtemp(join(dir, 'c-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(sub, name), text);
  return loadConfig([sub], { cwd: sub, env });
}

describe('expectations of a fleet', () => {
  const EXPECT = ["edition: { in: [ultimate, basic], severity: high, description: 'the paid tiers' }", 'service_enabled: true'];

  it('read as plain expectations, each at its own line, sharing what they repeat', async () => {
    const { state, diagnostics } = await load({ 'a.yaml': PROVIDERS, 'b.yaml': kms(['r1', 'r2', 'r3'], EXPECT) });
    expect(diagnostics).toEqual([]);
    const [r1, r2, r3] = state.resources;
    expect(state.resources.map((r) => r.address)).toEqual([
      'tencentcloud_kms_service.r1',
      'tencentcloud_kms_service.r2',
      'tencentcloud_kms_service.r3',
    ]);
    // Lines: resources: 1, type 2, then 5 lines per resource, its expectations on the 4th and 5th.
    r3?.expect.forEach((e, i) => expect(e.location).toEqual({ file: 'b.yaml', line: 2 + 2 * 5 + 4 + i, column: 9 }));
    expect(r1?.expect[0]).toMatchObject({
      attribute: 'edition',
      operator: 'in',
      expected: ['ultimate', 'basic'],
      severity: 'high',
      description: 'the paid tiers',
      location: { file: 'b.yaml', line: 6, column: 9 },
    });
    expect(r1?.expect[1]?.description).toBeUndefined();
    expect(JSON.parse(JSON.stringify(r2?.expect[1]))).toEqual({
      attribute: 'service_enabled',
      operator: 'equals',
      expected: true,
      severity: 'medium',
      location: { file: 'b.yaml', line: 12, column: 9 },
    });
    // One list for all three resources, and one that nobody can change under the others.
    expect(r2?.expect[0]?.expected).toBe(r1?.expect[0]?.expected);
    expect(r3?.expect[0]?.expected).toBe(r1?.expect[0]?.expected);
    expect(Object.isFrozen(r1?.expect[0]?.expected)).toBe(true);
    expect(r1?.labels).toEqual({});
  });

  it('keeps positions past 4,096 columns and 262,144 lines exact (stored unpacked)', async () => {
    const wide = `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    r1: { provider: tencentcloud.prod, expect: {${' '.repeat(5000)}edition: ultimate } }\n`;
    const tall = `${'#\n'.repeat(2 ** 18)}resources:\n  tencentcloud_kms_service:\n    r2:\n      provider: tencentcloud.prod\n      expect:\n        edition: ultimate\n`;
    const { state, diagnostics } = await load({ 'a.yaml': wide, 'b.yaml': tall });
    expect(diagnostics).toEqual([]);
    expect(state.resources.map((r) => r.expect[0]?.location)).toEqual([
      { file: 'a.yaml', line: 7, column: (wide.split('\n')[6] ?? '').indexOf('edition') + 1 },
      { file: 'b.yaml', line: 2 ** 18 + 6, column: 9 },
    ]);
  });

  it('reports a repeated expectation that is wrong at every place it is written', async () => {
    // The schema accepts both (a string); the expectation checker rejects the date, the schema the kind.
    const wrong = ["expires_at: { before: 'not-a-date' }", 'cmk_count: { at_least: many }'];
    const { diagnostics } = await load({ 'a.yaml': PROVIDERS, 'b.yaml': kms(['r1', 'r2'], wrong) });
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^b\.yaml:6:31: tencentcloud_kms_service\.r1: .*not-a-date/),
      expect.stringMatching(/^b\.yaml:7:32: tencentcloud_kms_service\.r1: .at_least. needs a whole number/),
      expect.stringMatching(/^b\.yaml:11:31: tencentcloud_kms_service\.r2: .*not-a-date/),
      expect.stringMatching(/^b\.yaml:12:32: tencentcloud_kms_service\.r2: .at_least. needs a whole number/),
    ]);
  });

  it('checks each resource again after one that was wrong (nothing wrong is reused)', async () => {
    const { diagnostics } = await load({
      'a.yaml': PROVIDERS,
      'b.yaml': kms(['r1'], ['edition: { in: [gold] }']) + kms(['r2'], ['edition: { in: [ultimate] }']).split('\n').slice(2).join('\n'),
    });
    expect(diagnostics.map((d) => `${d.location.line}:${d.rule}`)).toEqual(['6:unknown-enum-value']);
  });
});

describe('files read one at a time', () => {
  it('still refuses a variable that a later file names as a credential source', async () => {
    const { diagnostics } = await load(
      {
        'a.yaml': `version: 1\nresources:\n  tencentcloud_kms_service:\n    r1:\n      provider: tencentcloud.prod\n      labels: { owner: '\${env.TEAM_OWNER}' }\n`,
        'b.yaml': `providers:\n  tencentcloud:\n    prod: { region: ap-guangzhou, credentials: { env: { id: TEAM_ID, secret: TEAM_OWNER } } }\n`,
      },
      { TEAM_OWNER: 'hunter2-secret', TEAM_ID: 'id' },
    );
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^a\.yaml:6:24: \$\{env\.TEAM_OWNER\} names a credential variable/),
    ]);
  });

  it('reports a file that cannot be read and goes on with the next (read while the previous is worked on)', async () => {
    const sub = await mkdtemp(join(dir, 'c-'));
    await writeFile(join(sub, 'a.yaml'), PROVIDERS);
    await mkdir(join(sub, 'b.yaml'));
    await writeFile(join(sub, 'c.yaml'), kms(['r1'], ['service_enabled: true']));
    const { state, diagnostics } = await loadConfig([sub], { cwd: sub, env: {} });
    expect(diagnostics.map(formatDiagnostic)).toEqual(['b.yaml:1:1: cannot read configuration file: is a directory']);
    expect(state.files).toEqual(['a.yaml', 'c.yaml']);
    expect(state.resources.map((r) => r.address)).toEqual(['tencentcloud_kms_service.r1']);
  });

  it('keeps the first declaration of an address in file order, whatever order files were settled in', async () => {
    const { state, diagnostics } = await load(
      {
        'a.yaml': `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    r1: { provider: tencentcloud.prod, labels: { from: '\${env.FIRST}' } }\n`,
        'b.yaml': `resources:\n  tencentcloud_kms_service:\n    r1: { provider: tencentcloud.prod, labels: { from: second } }\n`,
      },
      { FIRST: 'first' },
    );
    expect(state.resources.map((r) => r.labels)).toEqual([{ from: 'first' }]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'b.yaml:3:5: resource tencentcloud_kms_service.r1 is already declared at a.yaml:7:5',
    ]);
  });
});

describe('the schema sees each expectation value once per type and attribute', () => {
  const file = (names: readonly string[], value: string): JsonValue => ({
    version: 1,
    resources: {
      tencentcloud_kms_service: Object.fromEntries(
        names.map((n) => [n, { provider: 'tencentcloud.prod', expect: { edition: value, cmk_count: { at_least: 1 } } }]),
      ),
    },
  });

  it('keeps the first of each and everything else at its path', () => {
    const reduced = withoutRepeatedExpectations(file(['a', 'b'], 'ultimate')) as JsonObject;
    const byName = (reduced.resources as JsonObject).tencentcloud_kms_service as JsonObject;
    expect(byName.a).toEqual({ provider: 'tencentcloud.prod', expect: { edition: 'ultimate', cmk_count: { at_least: 1 } } });
    expect(byName.b).toEqual({ provider: 'tencentcloud.prod', expect: {} });
    const single = file(['a'], 'ultimate');
    expect(withoutRepeatedExpectations(single)).toBe(single);
  });

  it('passes exactly when the whole file passes', () => {
    for (const value of ['ultimate', 'gold']) {
      const whole = file(['a', 'b', 'c'], value);
      expect(validateSchema(withoutRepeatedExpectations(whole)).length === 0).toBe(validateSchema(whole).length === 0);
    }
  });

  it('keeps a key named __proto__ as data', () => {
    const whole = JSON.parse(
      '{"resources":{"tencentcloud_kms_service":{"a":{"expect":{"edition":"x"}},"b":{"expect":{"edition":"x"}},"__proto__":{"expect":{}}}}}',
    ) as JsonValue;
    const byName = ((withoutRepeatedExpectations(whole) as JsonObject).resources as JsonObject).tencentcloud_kms_service as JsonObject;
    expect(Object.keys(byName)).toEqual(['a', 'b', '__proto__']);
    expect(Object.getPrototypeOf(byName)).toBe(Object.prototype);
  });

  it('rests on `expect` maps whose verdict no dropped entry can change (only these keywords)', () => {
    // Dropping a repeated entry is sound while an `expect` map is checked entry by entry: no
    // minProperties, maxProperties, required or dependencies. A schema change that adds one must
    // revisit repeated-expectations.ts.
    const schema = JSON.parse(readFileSync(new URL('../../schemas/driftwatch.schema.json', import.meta.url), 'utf8')) as {
      definitions: Record<string, { properties?: { expect?: Record<string, unknown> } }>;
    };
    const expectMaps = Object.entries(schema.definitions).filter(([name]) => name.startsWith('resource_'));
    expect(expectMaps.length).toBeGreaterThan(0);
    for (const [, definition] of expectMaps) {
      expect(definition.properties?.expect).toBeDefined();
      for (const keyword of Object.keys(definition.properties?.expect ?? {})) {
        expect(['type', 'additionalProperties', 'properties', 'patternProperties', 'description']).toContain(keyword);
      }
    }
  });
});

describe('sameValue', () => {
  it('compares JSON values deeply, maps in any key order', () => {
    expect(sameValue({ in: ['a', 1], severity: 'high' }, { severity: 'high', in: ['a', 1] })).toBe(true);
    expect(sameValue({ in: ['a'] }, { in: ['a'], severity: 'low' })).toBe(false);
    expect(sameValue({ in: ['a'], severity: 'low' }, { in: ['a'] })).toBe(false);
    expect(sameValue(['a'], { 0: 'a' })).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue(1, '1')).toBe(false);
    expect(sameValue(true, true)).toBe(true);
  });
});
