import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scenarioObservations } from '../../test/fixtures/results/scenario.js';
import { InputError, IoError } from '../model/errors.js';
import type { Observation, Observations } from '../model/observation.js';
import { createSnapshot, parseSnapshot, serializeSnapshot, snapshotSigningText } from './snapshot.js';
import { openSnapshotFile } from './snapshot-stream.js';
import type { OpenSnapshotOptions, SigningTextSink } from './snapshot-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-snapshot-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS = { toolVersion: '0.1.0', observedAt: '2026-11-22T02:59:58Z' };
const SCOPE = { provider: 'tencentcloud.main', region: 'ap-guangzhou', instance_id: null };

/** Every shape an observation takes: errors with and without hint, absent, null scope, nested raw, unicode. */
const varied: readonly Observation[] = [
  ...scenarioObservations.map((o) => ({ ...o, scope: SCOPE })),
  {
    address: 'tencentcloud_kms_service.ünïcode-名前',
    type: 'tencentcloud_kms_service',
    scope: { provider: 'tencentcloud.other', region: null, instance_id: 'ins-1' },
    status: 'ok',
    attributes: { zeta: 'Ω≈ç √ 𝄞', alpha: [1, { b: 2, a: [null, true] }], quote: 'a "quoted" \\ back\nslash' },
    raw: { Nested: { Deep: { Deeper: [{ Z: 1, A: 'x' }] } }, Empty: {}, List: [] },
    request_ids: ['req-1', 'req-2'],
    observed_at: '2026-11-22T02:58:00.000Z',
    error: null,
  },
  {
    address: 'tencentcloud_kms_service.errored',
    type: 'tencentcloud_kms_service',
    scope: null,
    status: 'error',
    attributes: {},
    raw: null,
    request_ids: [],
    observed_at: '2026-11-22T02:59:00Z',
    error: { kind: 'timeout', code: 'DW_TIMEOUT', message: 'no answer', request_id: null, retryable: true },
  },
];

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function list(observations: Observations): Observation[] {
  return 'sorted' in observations ? [...observations.sorted()] : [...observations];
}

function outcome(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (error) {
    if (error instanceof InputError) return { message: error.message, hint: error.hint, diagnostics: error.diagnostics };
    throw error;
  }
}

/** The streaming reader's verdict for `text` against today's whole-file reader's. */
function expectSameVerdict(text: string, name: string, options: OpenSnapshotOptions<SigningTextSink> = {}): void {
  const path = file(name, text);
  const whole = outcome(() => parseSnapshot(text, path, options).observations);
  const streamed = outcome(() => list(openSnapshotFile(path, options).observations));
  expect(streamed).toEqual(whole);
}

const canonical = serializeSnapshot(createSnapshot(varied, OPTIONS));

describe('openSnapshotFile: canonical snapshots stream', () => {
  it('reads every observation afresh on each pass, in address order, as parseSnapshot does', () => {
    const path = file('canonical.json', canonical);
    const opened = openSnapshotFile(path, { requireScope: true });
    expect('sorted' in opened.observations).toBe(true);
    const expected = parseSnapshot(canonical, path).observations;
    expect(list(opened.observations)).toEqual(expected);
    expect(list(opened.observations)).toEqual(expected);
    expect(opened.observedAt).toBe(OPTIONS.observedAt);
    expect(opened.signature).toBeUndefined();
    const times = [OPTIONS.observedAt, ...varied.map((o) => o.observed_at)].map((t) => Date.parse(t));
    expect(opened.oldest).toBe(Math.min(...times));
    expect(opened.newest).toBe(Math.max(...times));
  });

  it('reads a file larger than one read chunk (1 MiB), the layout split across chunks', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({
      ...(varied[i % varied.length] as Observation),
      address: `tencentcloud_kms_service.r${String(i).padStart(5, '0')}`,
      attributes: { padding: 'p'.repeat(i % 700), index: i },
    }));
    const text = serializeSnapshot(createSnapshot(many, OPTIONS));
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * 1024 * 1024);
    const path = file('large.json', text);
    const opened = openSnapshotFile(path);
    expect('sorted' in opened.observations).toBe(true);
    expect(list(opened.observations)).toEqual(parseSnapshot(text, path).observations);
  });

  it('feeds exactly snapshotSigningText to the signing sink, signed or not', () => {
    const signature = { algorithm: 'hmac-sha256' as const, key_id: 'SHA256:k', signature: 'c2ln' };
    for (const [name, snapshot] of [
      ['unsigned', createSnapshot(varied, OPTIONS)],
      ['signed', { ...createSnapshot(varied, OPTIONS), signature }],
    ] as const) {
      const text = serializeSnapshot(snapshot);
      const pieces: string[] = [];
      const opened = openSnapshotFile(file(`${name}.json`, text), { signingText: () => ({ update: (p: string) => void pieces.push(p) }) });
      expect('sorted' in opened.observations, name).toBe(true);
      expect(pieces.length).toBeGreaterThan(varied.length);
      expect(pieces.join(''), name).toBe(snapshotSigningText(snapshot));
      // The signed text is the file without its signature member.
      if (name === 'unsigned') expect(pieces.join('')).toBe(text);
    }
  });
});

describe('openSnapshotFile: any other file is read whole, with the same verdict and messages', () => {
  const data = JSON.parse(canonical) as { observations: Record<string, unknown>[] } & Record<string, unknown>;

  it.each([
    ['minified', JSON.stringify(data)],
    ['4-space', JSON.stringify(data, null, 4)],
    ['CRLF', canonical.replaceAll('\n', '\r\n')],
    ['no final newline', canonical.slice(0, -1)],
    [
      'keys reordered',
      `${JSON.stringify({ ...data, observations: data.observations.map((o) => ({ ...o, type: o.type, address: o.address })) }, null, 2)}\n`,
    ],
    ['empty', serializeSnapshot(createSnapshot([], OPTIONS))],
  ])('%s', (name, text) => {
    const path = file(`other-${name}.json`, text);
    const opened = openSnapshotFile(path, { requireScope: false });
    expect(list(opened.observations)).toEqual(parseSnapshot(text, path).observations);
  });

  it('a canonical file out of address order is read whole and accepted (any order is)', () => {
    const swapped = { ...data, observations: [...data.observations].reverse() };
    const text = `${JSON.stringify(swapped, null, 2)}\n`;
    const opened = openSnapshotFile(file('reversed.json', text));
    expect(Array.isArray(opened.observations)).toBe(true);
    expect(list(opened.observations).map((o) => o.address)).toEqual(swapped.observations.map((o) => o.address));
  });

  it('a duplicate address gives today\'s "two observations of" error', () => {
    const twice = { ...data, observations: [data.observations[0], ...data.observations] };
    const text = `${JSON.stringify(twice, null, 2)}\n`;
    expect(() => openSnapshotFile(file('dup.json', text))).toThrow(/two observations of /);
    expectSameVerdict(text, 'dup.json');
  });

  it('a missing or null scope is refused with requireScope, as today', () => {
    for (const [name, scope] of [
      ['null', null],
      ['missing', undefined],
    ] as const) {
      const edited = { ...data, observations: data.observations.map((o, i) => (i === 2 ? { ...o, scope } : o)) };
      const text = `${JSON.stringify(edited, null, 2)}\n`;
      expect(() => openSnapshotFile(file(`scope-${name}.json`, text), { requireScope: true })).toThrow(/scope/);
      expectSameVerdict(text, `scope-${name}.json`, { requireScope: true });
    }
  });

  it('a bad observation is located at its line', () => {
    const bad = canonical.replace('"status": "absent"', '"status": "gone"');
    const path = file('bad.json', bad);
    const line = bad.split('\n').findIndex((l) => l.includes('"status": "gone"')) + 1;
    let error: unknown;
    try {
      openSnapshotFile(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).diagnostics[0]?.location.line).toBe(line);
    expect((error as InputError).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:`));
    expectSameVerdict(bad, 'bad.json');
  });

  it.each([
    ['truncated mid-observation', canonical.slice(0, Math.floor(canonical.length / 2))],
    ['truncated before the end', canonical.slice(0, -3)],
    ['bad header', canonical.replace('"format_version": "1"', '"format_version": "2"')],
    ['trailing data', `${canonical}{}`],
    [
      'duplicate header key',
      canonical.replace('"kind": "driftwatch-observations",', '"kind": "driftwatch-observations",\n  "kind": "other",'),
    ],
    ['second observations array', canonical.replace(/\n}\n$/, ',\n  "observations": []\n}\n')],
    ['a type that is only a bidi control', canonical.replace('"type": "tencentcloud_kms_service"', '"type": "\u200e"')],
  ])('%s: same verdict as parseSnapshot', (name, text) => {
    expectSameVerdict(text, `verdict-${name}.json`);
  });

  it("a file that is not UTF-8 gets the whole-file reader's located message", () => {
    const path = join(dir, 'latin1.json');
    writeFileSync(path, Buffer.concat([Buffer.from(canonical.slice(0, 300)), Buffer.from([0xff]), Buffer.from(canonical.slice(300))]));
    expect(() => openSnapshotFile(path)).toThrow(`${path}: the file is not UTF-8 (invalid byte 0xff at line`);
  });

  it('an unreadable file is an IoError naming it', () => {
    expect(() => openSnapshotFile(join(dir, 'missing.json'))).toThrow(IoError);
    expect(() => openSnapshotFile(dir)).toThrow(`cannot read snapshot ${dir}`);
  });

  it('single-character corruptions and structural edits: the verdict never depends on the layout', async () => {
    const fc = (await import('fast-check')).default;
    let index = 0;
    fc.assert(
      fc.property(fc.nat({ max: canonical.length - 1 }), fc.constantFrom('"', ',', '{', '}', ' ', '\n', 'x', '0', ']'), (at, ch) => {
        expectSameVerdict(canonical.slice(0, at) + ch + canonical.slice(at + 1), `fuzz-${index++ % 8}.json`, { requireScope: true });
      }),
      { seed: 17, numRuns: 300 },
    );
  });
});

describe('openSnapshotFile: a file that changes between passes stops the run', () => {
  it('refuses a later pass over changed content, even with the same size and modification time', () => {
    const path = file('changing.json', canonical);
    const mtime = new Date('2026-11-22T00:00:00Z');
    utimesSync(path, mtime, mtime);
    const opened = openSnapshotFile(path);
    const changed = canonical.replace('"status": "absent"', '"status": "abzent"');
    expect(changed.length).toBe(canonical.length);
    writeFileSync(path, changed);
    utimesSync(path, mtime, mtime);
    expect(() => list(opened.observations)).toThrow(/changed while driftwatch was reading it \(its content\)/);
    writeFileSync(path, `${canonical}\n`);
    expect(() => list(opened.observations)).toThrow(/its size or modification time/);
    writeFileSync(path, canonical);
    utimesSync(path, mtime, mtime);
    expect(list(opened.observations)).toEqual(parseSnapshot(readFileSync(path, 'utf8'), path).observations);
  });
});
