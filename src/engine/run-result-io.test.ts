import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyResult, sampleResult } from '../../test/fixtures/results/sample-result.js';
import { scenarioObservations, scenarioState, SCENARIO_NOW, SCENARIO_VERSION } from '../../test/fixtures/results/scenario.js';
import { InputError } from '../model/errors.js';
import { renderJson } from '../report/json.js';
import { evaluate } from './evaluate.js';
import { parseRunResult } from './run-result-io.js';

const FIXTURE = new URL('../../test/fixtures/results/scenario.json', import.meta.url);

describe('parseRunResult', () => {
  const text = readFileSync(FIXTURE, 'utf8');

  it('the committed scenario.json is what evaluate() gives today (regenerate it on purpose)', () => {
    const fresh = renderJson(
      evaluate({ state: scenarioState, observations: scenarioObservations, now: SCENARIO_NOW, toolVersion: SCENARIO_VERSION }),
    );
    expect(fresh).toBe(text);
  });

  it('reads a saved result and re-renders it byte-identically (report --from)', () => {
    expect(renderJson(parseRunResult(text, 'scenario.json'))).toBe(text);
    expect(renderJson(parseRunResult(renderJson(sampleResult), 'sample.json'))).toBe(renderJson(sampleResult));
    expect(parseRunResult(renderJson(emptyResult), 'empty.json')).toEqual(emptyResult);
  });

  it('names the format of a result from another version', () => {
    expect(() => parseRunResult(text.replace('"format_version": "1"', '"format_version": "2"'), 'old.json')).toThrow(
      'old.json was written by format 2; this driftwatch reads format 1',
    );
  });

  it('validates against the schema with located errors', () => {
    const bad = text.replace('"exit_code": 2', '"exit_code": 1');
    try {
      parseRunResult(bad, 'r.json');
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      const err = e as InputError;
      expect(err.diagnostics[0]?.location.line).toBe(bad.split('\n').findIndex((l) => l.includes('"exit_code": 1')) + 1);
      expect(err.message).toContain('/summary/exit_code');
    }
  });

  it('refuses an observation snapshot passed as a result', () => {
    const snapshot = JSON.stringify({
      format_version: '1',
      kind: 'driftwatch-observations',
      tool: { name: 'driftwatch', version: '1' },
      observed_at: '2026-01-01T00:00:00Z',
      observations: [],
    });
    expect(() => parseRunResult(snapshot, 's.json')).toThrow('s.json is an observation snapshot, not a run result');
  });
});
