import { describe, expect, it } from 'vitest';
import { scenarioObservations, scenarioState, SCENARIO_NOW } from '../../test/fixtures/results/scenario.js';
import { InputError } from '../model/errors.js';
import { renderJson } from '../report/json.js';
import { evaluate } from './evaluate.js';
import { createSnapshot, parseSnapshot, serializeSnapshot } from './snapshot.js';

const OPTIONS = { toolVersion: '0.1.0', observedAt: '2026-11-22T02:59:58Z' };

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('observation snapshots', () => {
  const snapshot = createSnapshot(scenarioObservations, OPTIONS);
  const text = serializeSnapshot(snapshot);

  it('round-trips: parse(serialize(s)) evaluates exactly like the live observations', () => {
    const parsed = parseSnapshot(text, 'observed.json');
    expect(parsed).toEqual(snapshot);
    const live = renderJson(
      evaluate({ state: scenarioState, observations: scenarioObservations, now: SCENARIO_NOW, toolVersion: '0.1.0' }),
    );
    const replayed = renderJson(
      evaluate({ state: scenarioState, observations: parsed.observations, now: SCENARIO_NOW, toolVersion: '0.1.0' }),
    );
    expect(replayed).toBe(live);
  });

  it('is stable: input order and key order do not change the bytes', () => {
    const reordered = [...scenarioObservations].reverse().map((o) => ({
      raw: o.raw,
      request_ids: o.request_ids,
      error: o.error,
      observed_at: o.observed_at,
      status: o.status,
      type: o.type,
      address: o.address,
      attributes: Object.fromEntries(Object.entries(o.attributes).reverse()),
    }));
    expect(serializeSnapshot(createSnapshot(reordered, OPTIONS))).toBe(text);
    expect(serializeSnapshot(parseSnapshot(text, 'observed.json'))).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "format_version": "1",\n');
  });

  it('is assembled from its pieces into the bytes of one JSON.stringify (signed, unsigned, empty)', () => {
    const signature = { algorithm: 'ed25519' as const, key_id: 'SHA256:k', signature: 'c2ln' };
    for (const whole of [
      snapshot,
      { ...snapshot, signature },
      createSnapshot([], OPTIONS),
      { ...createSnapshot([], OPTIONS), signature },
    ]) {
      expect(serializeSnapshot(whole)).toBe(`${JSON.stringify(whole, null, 2)}\n`);
    }
  });

  it('names the format that wrote a snapshot of another version', () => {
    const e = errorOf(() => parseSnapshot(text.replace('"format_version": "1"', '"format_version": "2"'), 'observed.json'));
    expect(e.message).toBe('observed.json was written by format 2; this driftwatch reads format 1');
    expect(e.code).toBe('DW_INPUT_INVALID');
  });

  it('locates a JSON syntax error at line:column', () => {
    const broken = '{\n  "format_version": "1",\n  "kind": oops\n}\n';
    const e = errorOf(() => parseSnapshot(broken, 'observed.json'));
    expect(e.message).toMatch(/^observed\.json:3:11: the observation snapshot is not valid JSON: unexpected character "o"$/);
    expect(e.diagnostics[0]?.location).toEqual({ file: 'observed.json', line: 3, column: 11 });
  });

  it('locates a truncated file', () => {
    const e = errorOf(() => parseSnapshot(text.slice(0, 200), 'observed.json'));
    expect(e.message).toContain('not valid JSON');
    expect(e.diagnostics[0]?.location.line).toBeGreaterThan(1);
  });

  it('reports schema violations at the offending value', () => {
    const bad = text.replace('"status": "absent"', '"status": "gone"');
    const e = errorOf(() => parseSnapshot(bad, 'observed.json'));
    const line = bad.split('\n').findIndex((l) => l.includes('"status": "gone"')) + 1;
    expect(e.diagnostics[0]?.location.line).toBe(line);
    expect(e.message).toContain('/status');
    expect(e.message).toContain('"ok", "absent", "error"');
  });

  it('refuses a run result passed as a snapshot', () => {
    const result = renderJson(
      evaluate({ state: scenarioState, observations: scenarioObservations, now: SCENARIO_NOW, toolVersion: '0.1.0' }),
    );
    expect(() => parseSnapshot(result, 'result.json')).toThrow('result.json is a run result, not an observation snapshot');
  });

  it.each(['', 'null', '[]', '42', '{"format_version": 1}', '{}'])('refuses %j without crashing', (input) => {
    expect(() => parseSnapshot(input, 'observed.json')).toThrow(InputError);
  });

  it('refuses timestamps without a zone', () => {
    expect(() =>
      parseSnapshot(text.replace('"observed_at": "2026-11-22T02:59:58Z"', '"observed_at": "2026-11-22 02:59:58"'), 'o.json'),
    ).toThrow(/date-time/);
  });
});

describe('snapshot and run-result parsers under fuzzing', () => {
  const text = serializeSnapshot(createSnapshot(scenarioObservations, OPTIONS));

  it('any text, or any single-character corruption of a good file, is parsed or refused with an InputError', async () => {
    const { parseRunResult } = await import('./run-result-io.js');
    const fc = (await import('fast-check')).default;
    const onlyInputErrors = (input: string): void => {
      for (const parse of [parseSnapshot, parseRunResult]) {
        try {
          parse(input, 'fuzz.json');
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
        }
      }
    };
    fc.assert(fc.property(fc.string({ maxLength: 200 }), onlyInputErrors), { seed: 7, numRuns: 300 });
    fc.assert(
      fc.property(fc.nat({ max: text.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }), (at, ch) =>
        onlyInputErrors(text.slice(0, at) + ch + text.slice(at + 1)),
      ),
      { seed: 7, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.json(), (json) => onlyInputErrors(json)),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('snapshot consistency (fail closed)', () => {
  const base = JSON.parse(serializeSnapshot(createSnapshot(scenarioObservations, OPTIONS))) as { observations: Record<string, unknown>[] };

  it('refuses two observations of one resource', () => {
    const twice = { ...base, observations: [...base.observations, base.observations[0]] };
    expect(errorOf(() => parseSnapshot(JSON.stringify(twice), 'dup.json')).message).toMatch(/two observations of /);
  });

  it('refuses an ok observation that carries an error, and an error observation without one', () => {
    const ok = base.observations.find((o) => o.status === 'ok') as Record<string, unknown>;
    const failed = base.observations.find((o) => o.status === 'error') as Record<string, unknown>;
    const okWithError = { ...base, observations: [{ ...ok, error: failed.error }] };
    expect(() => parseSnapshot(JSON.stringify(okWithError), 'x.json')).toThrow(InputError);
    const errorWithout = { ...base, observations: [{ ...failed, error: null }] };
    expect(() => parseSnapshot(JSON.stringify(errorWithout), 'x.json')).toThrow(InputError);
  });

  it('refuses absurdly deep nesting with a message instead of overflowing later', () => {
    const ok = base.observations.find((o) => o.status === 'ok') as Record<string, unknown>;
    const text = JSON.stringify({ ...base, observations: [{ ...ok, attributes: { x: 'DEEP' } }] }).replace(
      '"DEEP"',
      `${'['.repeat(10_000)}1${']'.repeat(10_000)}`,
    );
    expect(errorOf(() => parseSnapshot(text, 'deep.json')).message).toMatch(/nested more than 64 levels/);
  });
});
