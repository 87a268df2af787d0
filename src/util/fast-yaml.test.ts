import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../model/json.js';
import { readFastYaml, resolvePlain } from './fast-yaml.js';
import { parseYaml, parseYamlWithLibrary } from './load-yaml.js';
import type { EntryPositions, PathSegment } from './load-yaml.js';
import type { SourceLocation } from '../model/location.js';

/**
 * The one-pass reader must give exactly what the `yaml` library gives wherever it answers — the
 * same value and the same location for every path, key and value — and answer `undefined`
 * (handing the file to the library) everywhere else.
 */

const ROOT = new URL('../../', import.meta.url).pathname;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** Every path in a value, with and without the last step's key. */
function paths(value: JsonValue, prefix: PathSegment[] = []): PathSegment[][] {
  const out: PathSegment[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

/** Every entry's key and value position, read by walking `positions` in Object.keys order. */
function walkPositions(value: JsonValue, positions: EntryPositions | undefined, prefix: PathSegment[] = []): [string, SourceLocation][] {
  if (positions === undefined || value === null || typeof value !== 'object') return [];
  const entries: [PathSegment, JsonValue][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v], i) => [
    [`${JSON.stringify([...prefix, k])} key`, positions.key(i)],
    [`${JSON.stringify([...prefix, k])} value`, positions.value(i)],
    ...walkPositions(v, positions.child(i), [...prefix, k]),
  ]);
}

/** Asserts the fast reader agrees with the library on `text`; returns whether the fast path answered. */
function agrees(text: string): boolean {
  const fast = readFastYaml(text);
  if (fast === undefined) return false;
  const full = parseYamlWithLibrary(text, 'f.yaml');
  // Where the library finds an error the fast path must not have answered.
  expect(
    full.diagnostics.filter((d) => d.severity === 'error'),
    text,
  ).toEqual([]);
  expect(full.source).toBeDefined();
  const mine = parseYaml(text, 'f.yaml');
  expect(mine.source?.value, text).toStrictEqual(full.source?.value);
  for (const path of paths(full.source?.value ?? null)) {
    for (const part of ['key', 'value'] as const) {
      expect(mine.source?.locate(path, part), `${text}\n${JSON.stringify(path)} ${part}`).toEqual(full.source?.locate(path, part));
    }
    // A path that does not exist resolves to the deepest ancestor in both.
    expect(mine.source?.locate([...path, 'nope', 3])).toEqual(full.source?.locate([...path, 'nope', 3]));
  }
  // Walking by position finds what locating by path finds, in both readers.
  if (mine.source && full.source) {
    const walked = walkPositions(mine.source.value, mine.source.positions);
    expect(walked, text).toEqual(walkPositions(full.source.value, full.source.positions));
    const source = mine.source;
    expect(walked, text).toEqual(
      walked.map(([at]) => [
        at,
        source.locate(JSON.parse(at.slice(0, at.lastIndexOf(' '))) as PathSegment[], at.endsWith('key') ? 'key' : 'value'),
      ]),
    );
  }
  return true;
}

describe('the one-pass YAML reader', () => {
  it('reads every configuration, policy and world file of the repository as the library does', () => {
    const files = [...yamlFiles(join(ROOT, 'examples')), ...yamlFiles(join(ROOT, 'policies'))];
    expect(files.length).toBeGreaterThan(5);
    let answered = 0;
    for (const file of files) if (agrees(readFileSync(file, 'utf8'))) answered += 1;
    // The configuration and policy files are all in the subset; the test is not vacuous.
    expect(answered).toBeGreaterThanOrEqual(files.length - 2);
  });

  it('resolves plain scalars like the YAML 1.2 core schema', () => {
    const cases = [
      '~',
      'null',
      'Null',
      'NULL',
      'true',
      'True',
      'FALSE',
      '0',
      '-12',
      '+7',
      '007',
      '0o17',
      '0x1F',
      '1.5',
      '-.5',
      '1e3',
      '2.',
      '1_000',
      'yes',
      'no',
      'on',
      '0b11',
      '1.2.3',
      '12:30',
      'v1',
      '-',
      'x-y',
    ];
    for (const c of cases) {
      const text = `k: ${c}\n`;
      const fast = readFastYaml(text);
      const full = parseYamlWithLibrary(text, 'f.yaml');
      if (fast === undefined) continue;
      expect({ c, v: fast.value }).toEqual({ c, v: full.source?.value });
    }
    expect(resolvePlain('12')).toBe(12);
    expect(resolvePlain('x12')).toBe('x12');
  });

  it.each([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['block scalars with an indentation indicator', 'a: |2\n  text\n'],
    ['folded block scalars with more-indented lines', 'a: >\n  text\n    more\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['multi-line flow collections', 'a: [1,\n  2]\n'],
    ['documents', '---\na: 1\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['tabs', 'a:\t1\n'],
    ['complex keys', '? a\n: 1\n'],
    ['nested compact maps', 'a: b: c\n'],
    ['keys without values in flow maps', 'a: { b, c }\n'],
    ['a byte order mark', '\ufeffa: 1\n'],
    ['infinity', 'a: .inf\n'],
    ['a bad escape', 'a: "\\q"\n'],
  ])('hands %s to the library', (_what, text) => {
    expect(readFastYaml(text)).toBeUndefined();
  });

  it('reads the common shapes', () => {
    const text = [
      '# comment',
      'version: 1',
      'list:',
      '- a',
      '- { b: 2, "c d": [1, "x,y", \'it\'\'s\'] }',
      '- key: v # trailing',
      '  other: "esc \\" \\u00e9 \\n"',
      '-',
      '  deep: true',
      'nested:',
      '  empty:',
      '  "2": two',
      '  1: one',
      '  url: http://example.com/a#b',
      '  flow: {a: , b: null}',
      'literal: |',
      '  line one',
      '    indented # not a comment',
      '',
      '  after blank',
      'folded: >-',
      '  one',
      '  two',
      '',
      '  three',
      'kept: |+',
      '  x',
      '',
      'seq:',
      '- |',
      '  in a sequence',
      '- last',
      'crlf: yes',
    ].join('\r\n');
    expect(agrees(text)).toBe(true);
  });

  it('agrees with the library on mutated configuration files, or hands them over', () => {
    const bases = ['examples/tencentcloud.yaml', 'examples/organization/org.yaml', 'policies/strict.yaml'].map((f) =>
      readFileSync(join(ROOT, f), 'utf8').split('\n'),
    );
    const noise = [':', ' ', '-', '{', '}', '[', ']', '"', "'", '#', '&', '*', '!', '|', '>', ',', '?', '\\', 'é', '0', '  '];
    fc.assert(
      fc.property(
        fc.constantFrom(...bases),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...noise)), { minLength: 1, maxLength: 4 }),
        (base, edits) => {
          const lines = [...base];
          for (const [l, c, ch] of edits) {
            const i = l % lines.length;
            const line = lines[i] ?? '';
            const at = c % (line.length + 1);
            lines[i] = line.slice(0, at) + ch + line.slice(at);
          }
          agrees(lines.join('\n'));
        },
      ),
      { numRuns: 400, seed: 1717 },
    );
  });
});
