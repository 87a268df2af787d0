import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { buildManifest, directoryDigest, entryFor, parseManifest, serializeManifest } from './manifest.js';

const entries = [
  entryFor('result.json', Buffer.from('{}\n')),
  entryFor('config/b.yaml', Buffer.from('b')),
  entryFor('config/a.yaml', Buffer.from('a')),
];

describe('manifest', () => {
  it('sorts entries by path and round-trips through parse', () => {
    const manifest = buildManifest({ toolVersion: '1.2.3', asOf: '2026-11-22T03:00:00Z' }, entries);
    expect(manifest.files.map((f) => f.path)).toEqual(['config/a.yaml', 'config/b.yaml', 'result.json']);
    const parsed = parseManifest(serializeManifest(manifest));
    expect(parsed.problems).toEqual([]);
    expect(parsed.manifest).toEqual(manifest);
  });

  it('computes the directory digest over the sha256sum listing of that directory only', () => {
    const a = directoryDigest(entries, 'config');
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(directoryDigest([...entries, entryFor('configs/x', Buffer.from('x'))], 'config')).toBe(a);
    expect(directoryDigest([...entries, entryFor('config/x', Buffer.from('x'))], 'config')).not.toBe(a);
  });

  it('reports malformed manifests precisely', () => {
    const good = JSON.parse(serializeManifest(buildManifest({ toolVersion: '1', asOf: 'x' }, entries))) as Record<string, unknown>;
    const problems = (mutate: (m: Record<string, unknown> & { files: Record<string, unknown>[] }) => void): string[] => {
      const copy = structuredClone(good) as Record<string, unknown> & { files: Record<string, unknown>[] };
      mutate(copy);
      return parseManifest(JSON.stringify(copy)).problems;
    };
    expect(parseManifest('{').problems[0]).toMatch(/^manifest\.json: not valid JSON/);
    expect(parseManifest('[]').problems).toEqual(['manifest.json: not a JSON object']);
    expect(problems((m) => (m.format_version = '2'))).toEqual([
      'manifest.json: unsupported format_version "2" (this driftwatch reads \'1\')',
    ]);
    expect(problems((m) => ((m.files[0] as Record<string, unknown>).sha256 = 'ABC'))).toEqual([
      'manifest.json: config/a.yaml has no valid sha256',
    ]);
    expect(problems((m) => ((m.files[0] as Record<string, unknown>).size = -1))).toEqual([
      'manifest.json: config/a.yaml has no valid size',
    ]);
    expect(problems((m) => m.files.push({ ...(m.files[0] as Record<string, unknown>) }))).toContain(
      'manifest.json: config/a.yaml is listed twice',
    );
    expect(problems((m) => m.files.reverse())).toEqual(['manifest.json: files are not sorted by path']);
    expect(problems((m) => ((m.files[0] as Record<string, unknown>).path = 'manifest.sig'))).toEqual([
      'manifest.json: files[0] has an unsafe path "manifest.sig"',
    ]);
    expect(problems((m) => (m.config_digest = 'md5:00'))).toEqual(['manifest.json: config_digest is missing or malformed']);
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined and ends with a newline', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe(
      '{\n  "a": {\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });
});
