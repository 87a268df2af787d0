/**
 * Fuzzing the parsers (design.md §10): configurations, world files, snapshots and API response
 * bodies, seeded and bounded. Whatever the input, the outcome is a value, a located error
 * (ConfigError / InputError diagnostics with line and column) or — for a response body — an
 * ApiError of kind `invalid_response` that leaves the resource unknown. Never another exception.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { parseSnapshot } from '../../src/engine/snapshot.js';
import { openSnapshotFile } from '../../src/engine/snapshot-stream.js';
import type { Expectation } from '../../src/model/desired-state.js';
import { InputError } from '../../src/model/errors.js';
import type { JsonObject, JsonValue } from '../../src/model/json.js';
import { isJsonObject } from '../../src/model/json.js';
import type { Diagnostic } from '../../src/model/location.js';
import type { Observation } from '../../src/model/observation.js';
import { observationList } from '../../src/model/observation.js';
import { definitionFor } from '../../src/providers/registry.js';
import { ApiError } from '../../src/providers/types.js';
import { parseWorld } from '../../src/simulator/world.js';
import { fixtureResponse, providerConfig, resourceConfig } from '../fixtures/responses/index.js';
import type { FixtureName } from '../fixtures/responses/index.js';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';

const SEED = 20261129;
const LOCATION = { file: 'fuzz.yaml', line: 1, column: 1 };

function expectLocated(diagnostics: readonly Diagnostic[], context: string): void {
  for (const d of diagnostics) {
    expect(d.message, context).toMatch(/\S/);
    expect(d.location.line, `${context}: ${d.message}`).toBeGreaterThanOrEqual(1);
    expect(d.location.column, `${context}: ${d.message}`).toBeGreaterThanOrEqual(1);
  }
}

// ---- text mutations shared by the YAML and JSON inputs ----

type LineMutation = (lines: string[]) => string[];
const NOISE = [
  ':',
  ' ',
  '-',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  '\t',
  ',',
  '?',
  '\\',
  '%',
  '\u0000',
  '\u00e9',
  '\ud83d\ude00',
  'null',
  '~',
  '1e999',
  '-0',
  '0x1F',
];

const lineMutation: fc.Arbitrary<LineMutation> = fc.oneof(
  fc.nat().map(
    (i): LineMutation =>
      (lines) =>
        lines.filter((_, j) => j !== i % lines.length),
  ),
  fc
    .nat()
    .map((i): LineMutation => (lines) => [
      ...lines.slice(0, (i % lines.length) + 1),
      lines[i % lines.length] ?? '',
      ...lines.slice((i % lines.length) + 1),
    ]),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): LineMutation => (lines) => {
    const out = [...lines];
    const i = a % out.length;
    const j = b % out.length;
    [out[i], out[j]] = [out[j] ?? '', out[i] ?? ''];
    return out;
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...NOISE)).map(([l, c, noise]): LineMutation => (lines) => {
    const out = [...lines];
    const i = l % out.length;
    const line = out[i] ?? '';
    const at = line.length === 0 ? 0 : c % line.length;
    out[i] = line.slice(0, at) + noise + line.slice(at);
    return out;
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([l, c]): LineMutation => (lines) => {
    const out = [...lines];
    const i = l % out.length;
    const line = out[i] ?? '';
    out[i] = line.slice(0, line.length === 0 ? 0 : c % line.length);
    return out;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(([l, shift]): LineMutation => (lines) => {
    const out = [...lines];
    const i = l % out.length;
    const line = out[i] ?? '';
    out[i] = shift >= 0 ? ' '.repeat(shift) + line : line.replace(new RegExp(`^ {0,${-shift}}`), '');
    return out;
  }),
);

function mutateText(text: string, mutations: readonly LineMutation[]): string {
  return mutations.reduce((lines, m) => m(lines), text.split('\n')).join('\n');
}

const mutatedText = (text: string): fc.Arbitrary<string> =>
  fc.array(lineMutation, { minLength: 1, maxLength: 4 }).map((ms) => mutateText(text, ms));

// ---- structural mutations of JSON values ----

type Path = readonly (string | number)[];

function pathsOf(value: JsonValue, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (isJsonObject(value)) for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

type Edit = { readonly op: 'delete' | 'null' | 'replace' | 'stringify' | 'enum'; readonly pick: number; readonly with: JsonValue };

const edit: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom('delete', 'null', 'replace', 'stringify', 'enum'),
  pick: fc.nat(),
  with: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>,
});

function applyEdit(root: JsonValue, e: Edit): JsonValue {
  const paths = pathsOf(root).filter((p) => p.length > 0);
  const path = paths[e.pick % Math.max(1, paths.length)];
  if (path === undefined) return root;
  const copy = structuredClone(root);
  let parent: JsonValue = copy;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, JsonValue>)[key] as JsonValue;
  const last = path[path.length - 1] as string | number;
  const holder = parent as Record<string | number, JsonValue>;
  const current = holder[last] as JsonValue;
  switch (e.op) {
    case 'delete':
      if (Array.isArray(holder)) holder.splice(last as number, 1);
      else delete holder[last];
      break;
    case 'null':
      holder[last] = null;
      break;
    case 'replace':
      holder[last] = e.with;
      break;
    case 'stringify':
      holder[last] = JSON.stringify(current);
      break;
    case 'enum':
      holder[last] = typeof current === 'number' ? 99 : 'SOMETHING_NEW';
      break;
  }
  return copy;
}

const edited = (value: JsonValue): fc.Arbitrary<JsonValue> =>
  fc.array(edit, { minLength: 1, maxLength: 4 }).map((es) => es.reduce(applyEdit, value));

// ---- configurations ----

describe('configurations never crash loadConfig', () => {
  let dir: string;
  let examples: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-fuzz-config-'));
    examples = (
      await Promise.all(
        ['providers.yaml', 'tencentcloud.yaml', 'alicloud.yaml'].map((f) => readFile(join(REPO_ROOT, 'examples', f), 'utf8')),
      )
    ).join('\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const check = async (text: string): Promise<void> => {
    const file = join(dir, 'fuzz.yaml');
    await writeFile(file, text);
    const loaded = await loadConfig([file], { cwd: dir, env: { HOME: dir } });
    expectLocated(loaded.diagnostics, text.slice(0, 200));
  };

  it('mutated example configurations', async () => {
    await fc.assert(fc.asyncProperty(mutatedText(examples), check), { seed: SEED, numRuns: 120 });
  }, 60_000);

  it('arbitrary YAML documents', async () => {
    const doc = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => stringify(v)),
      fc
        .record({
          version: fc.jsonValue({ maxDepth: 1 }),
          providers: fc.jsonValue({ maxDepth: 3 }),
          resources: fc.jsonValue({ maxDepth: 4 }),
        })
        .map((v) => stringify(v)),
      fc.string({ maxLength: 200 }),
    );
    await fc.assert(fc.asyncProperty(doc, check), { seed: SEED, numRuns: 120 });
  }, 60_000);
});

// ---- world files ----

describe('world files never crash parseWorld', () => {
  let worldText: string;
  beforeAll(async () => {
    worldText = await readFile(join(REPO_ROOT, 'examples/simulator/world.yaml'), 'utf8');
  });

  const check = (text: string): void => {
    try {
      const world = parseWorld(text, 'world.yaml');
      expect(Array.isArray(world.accounts)).toBe(true);
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(InputError);
      const diagnostics = (error as InputError).diagnostics;
      expect(diagnostics.length, (error as Error).message).toBeGreaterThan(0);
      expectLocated(diagnostics, text.slice(0, 200));
    }
  };

  it('mutated example world', () => {
    fc.assert(fc.property(mutatedText(worldText), check), { seed: SEED, numRuns: 200 });
  });

  it('structurally edited example world', async () => {
    const { parse } = await import('yaml');
    const base = parse(worldText) as JsonValue;
    fc.assert(
      fc.property(edited(base), (value) => check(stringify(value))),
      { seed: SEED, numRuns: 200 },
    );
  });
});

// ---- snapshots ----

describe('snapshots never crash parseSnapshot', () => {
  let snapshotText: string;
  beforeAll(async () => {
    snapshotText = await readFile(join(REPO_ROOT, 'test/fixtures/policy/snapshot.json'), 'utf8');
  });

  const check = (text: string): void => {
    try {
      const snapshot = parseSnapshot(text, 'snapshot.json');
      expect(Array.isArray(snapshot.observations)).toBe(true);
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/snapshot\.json/);
      expectLocated((error as InputError).diagnostics, text.slice(0, 200));
    }
  };

  it('mutated snapshot text', () => {
    fc.assert(fc.property(mutatedText(snapshotText), check), { seed: SEED, numRuns: 200 });
  });

  it('structurally edited snapshots', () => {
    const base = JSON.parse(snapshotText) as JsonValue;
    fc.assert(
      fc.property(edited(base), (value) => check(JSON.stringify(value, null, 2))),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('the streaming reader gives the whole-file verdict for edited snapshots in the canonical layout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dw-fuzz-snapshot-'));
    const path = join(dir, 'snapshot.json');
    const verdict = (read: () => readonly Observation[]): unknown => {
      try {
        return { observations: read() };
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return { message: error.message, diagnostics: error.diagnostics };
      }
    };
    const base = JSON.parse(snapshotText) as JsonValue;
    try {
      fc.assert(
        fc.property(edited(base), (value) => {
          const text = `${JSON.stringify(value, null, 2)}\n`;
          writeFileSync(path, text);
          const streamed = verdict(() => observationList(openSnapshotFile(path).observations));
          expect(streamed).toEqual(verdict(() => parseSnapshot(text, path).observations));
        }),
        { seed: SEED, numRuns: 100 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a JSON syntax error is located at its line', () => {
    const lines = snapshotText.split('\n');
    lines[5] = `${lines[5] ?? ''} oops`;
    try {
      parseSnapshot(lines.join('\n'), 'snapshot.json');
      expect.unreachable('a broken snapshot parsed');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      const d = (error as InputError).diagnostics;
      expect(d[0]?.location.line).toBe(6);
    }
  });
});

// ---- API response bodies ----

const FIXTURES: readonly { name: FixtureName; type: Parameters<typeof resourceConfig>[0]; attribute: string }[] = [
  { name: 'tencentcloud-kms-get-service-status', type: 'tencentcloud_kms_service', attribute: 'edition' },
  { name: 'tencentcloud-tcss-describe-purchase-state-info-intl', type: 'tencentcloud_tcss_subscription', attribute: 'state' },
  { name: 'tencentcloud-tcss-describe-purchase-state-info-china', type: 'tencentcloud_tcss_subscription', attribute: 'state' },
  { name: 'alicloud-kms-get-kms-instance', type: 'alicloud_kms_instance', attribute: 'status' },
  { name: 'alicloud-cas-get-ca-instance-status', type: 'alicloud_cas_private_ca', attribute: 'status' },
];

describe.each(FIXTURES)('mutated $name bodies through normalize', ({ name, type, attribute }) => {
  const definition = definitionFor(type);
  const original = fixtureResponse(name);
  const instanceId =
    type === 'alicloud_kms_instance'
      ? instanceIdIn(original.body, 'KmsInstance')
      : type === 'alicloud_cas_private_ca'
        ? firstCaId(original.body)
        : undefined;
  const resource = resourceConfig(type, instanceId !== undefined ? { instanceId } : {});
  const baseline = definition.normalize(original, resource);

  it('the unmutated vendor example normalizes (the baseline is meaningful)', () => {
    expect(baseline.status).toBe('ok');
    if (baseline.status === 'ok') expect(baseline.attributes[attribute]).toBeDefined();
  });

  it('never throws anything but an invalid_response ApiError, and an unknown value never passes', () => {
    const expected = baseline.status === 'ok' ? (baseline.attributes[attribute] ?? null) : null;
    const expectation: Expectation = { attribute, operator: 'equals', expected, severity: 'high', location: LOCATION };
    const state = {
      files: [],
      providers: [providerConfig({ cloud: type.startsWith('tencentcloud') ? 'tencentcloud' : 'alicloud', region: 'ap-guangzhou' })],
      resources: [{ ...resource, expect: [expectation] }],
      policies: [],
      waivers: [],
    };
    fc.assert(
      fc.property(edited(original.body), (body) => {
        if (!isJsonObject(body)) return;
        let observation: Observation;
        try {
          const normalized = definition.normalize({ ...original, body }, resource);
          observation =
            normalized.status === 'ok'
              ? {
                  address: resource.address,
                  type,
                  status: 'ok',
                  attributes: normalized.attributes,
                  raw: normalized.raw,
                  request_ids: ['r'],
                  observed_at: '2026-11-29T00:00:00Z',
                  error: null,
                }
              : {
                  address: resource.address,
                  type,
                  status: 'absent',
                  attributes: {},
                  raw: null,
                  request_ids: ['r'],
                  observed_at: '2026-11-29T00:00:00Z',
                  error: null,
                };
        } catch (error) {
          expect(error, String(error)).toBeInstanceOf(ApiError);
          expect((error as ApiError).kind).toBe('invalid_response');
          observation = {
            address: resource.address,
            type,
            status: 'error',
            attributes: {},
            raw: null,
            request_ids: ['r'],
            observed_at: '2026-11-29T00:00:00Z',
            error: (error as ApiError).toObservationError(),
          };
        }
        const result = evaluate({ state, observations: [observation], now: new Date('2026-11-29T00:00:00Z'), toolVersion: 'fuzz' });
        const r = result.resources[0];
        const actual = observation.attributes[attribute];
        // Fail closed: without a known value equal to the expectation, the check cannot pass.
        if (observation.status !== 'ok' || actual === null || actual === undefined) {
          expect(r?.status, JSON.stringify(body).slice(0, 300)).not.toBe('compliant');
        }
        if (observation.status === 'error') expect(r?.status).toBe('unknown');
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});

function instanceIdIn(body: JsonObject, key: string): string | undefined {
  const inner = body[key];
  return isJsonObject(inner) && typeof inner.InstanceId === 'string' ? inner.InstanceId : undefined;
}

function firstCaId(body: JsonObject): string | undefined {
  for (const v of Object.values(body)) {
    if (Array.isArray(v)) for (const item of v) if (isJsonObject(item) && typeof item.InstanceId === 'string') return item.InstanceId;
  }
  return undefined;
}

// ---- the process: bad input through the CLI ----

describe('the CLI turns bad input into exit 1 and a message, never a stack trace', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-fuzz-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('garbage snapshots given to check --observed', async () => {
    const inputs = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      ),
      { seed: SEED, numRuns: 4 },
    );
    for (const [i, text] of inputs.entries()) {
      const snapshot = join(dir, `snap-${i}.json`);
      await writeFile(snapshot, text);
      const run = await runCli(['check', join(REPO_ROOT, 'examples'), '--observed', snapshot, '--no-progress']);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/snap-\d\.json/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);
});
