import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;

let dir: string;
let base: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'driftwatch-fuzz-'));
  const parts = await Promise.all(['providers.yaml', 'tencentcloud.yaml', 'alicloud.yaml'].map((f) => readFile(join(EXAMPLES, f), 'utf8')));
  base = parts.join('\n').split('\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Mutation = (lines: string[]) => string[];

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
  'x',
  '$',
  '%',
  '@',
  ',',
  '?',
  '\\',
  '\u00e9',
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map(
    (i): Mutation =>
      (lines) =>
        lines.filter((_, j) => j !== i % lines.length),
  ),
  fc.nat().map((i): Mutation => (lines) => {
    const k = i % lines.length;
    return [...lines.slice(0, k + 1), lines[k] ?? '', ...lines.slice(k + 1)];
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (lines) => {
    const out = [...lines];
    const i = a % out.length;
    const j = b % out.length;
    [out[i], out[j]] = [out[j] ?? '', out[i] ?? ''];
    return out;
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...NOISE)).map(([l, c, ch]): Mutation => (lines) => {
    const i = l % lines.length;
    const line = lines[i] ?? '';
    const k = line.length === 0 ? 0 : c % line.length;
    return lines.map((x, j) => (j === i ? line.slice(0, k) + ch + line.slice(k + 1) : x));
  }),
  fc
    .tuple(
      fc.nat(),
      fc.nat({ max: 8 }),
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.constantFrom('1', 'x', '[]', '{}', 'null', '${env.NOPE}', '-1', 'true'),
    )
    .map(([l, indent, key, value]): Mutation => (lines) => {
      const i = l % (lines.length + 1);
      return [...lines.slice(0, i), `${' '.repeat(indent)}${key}: ${value}`, ...lines.slice(i)];
    }),
);

describe('loadConfig under random mutations of a valid configuration', () => {
  it('never throws: always a state or located diagnostics', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 5 }), async (mutations) => {
        const lines = mutations.reduce((acc, m) => m(acc), base);
        const file = `m${n++}.yaml`;
        await writeFile(join(dir, file), lines.join('\n'));
        const { state, diagnostics } = await loadConfig([file], { cwd: dir, env: {} });
        for (const d of diagnostics) {
          expect(d.location.file).toBe(file);
          expect(d.location.line).toBeGreaterThanOrEqual(1);
          expect(d.location.line).toBeLessThanOrEqual(lines.length + 1);
          expect(d.location.column).toBeGreaterThanOrEqual(1);
          expect(d.message.length).toBeGreaterThan(0);
          expect(d.message).not.toMatch(/\bat .*\.(js|ts):\d+/); // no stack frames in messages
          expect(['error', 'warning']).toContain(d.severity);
        }
        if (!diagnostics.some((d) => d.severity === 'error')) {
          // A clean result must be a coherent state: unique addresses, known providers.
          const addresses = state.resources.map((r) => r.address);
          expect(new Set(addresses).size).toBe(addresses.length);
          const refs = new Set(state.providers.map((p) => p.ref));
          for (const r of state.resources) expect(refs.has(r.provider)).toBe(true);
        }
      }),
      { seed: 20261129, numRuns: 300 },
    );
  });
});
