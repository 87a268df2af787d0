import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioObservations, scenarioState, SCENARIO_NOW } from '../../test/fixtures/results/scenario.js';
import { InputError, IoError } from '../model/errors.js';
import { materialize } from '../../test/helpers/materialize.js';
import type { RunReport, RunResult } from '../model/run-result.js';
import { REPORTERS, REPORT_FORMATS } from '../report/index.js';
import { renderJson } from '../report/json.js';
import { evaluate } from './evaluate.js';
import { parseRunResult } from './run-result-io.js';
import { openRunResultFile } from './run-result-stream.js';

const result = evaluate({ state: scenarioState, observations: scenarioObservations, now: SCENARIO_NOW, toolVersion: '0.1.0' });

function saved(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'dw-result-')), 'result.json');
  writeFileSync(path, text);
  return path;
}

function open(path: string): RunReport {
  return openRunResultFile(
    path,
    'result.json',
    () => parseRunResult(readFileSync(path, 'utf8'), 'result.json'),
    (error) => new IoError('cannot read result.json', undefined, { cause: error }),
  );
}

describe('openRunResultFile (report --from)', () => {
  it('streams a result as --format json wrote it: the same run, every format byte for byte', () => {
    const report = open(saved(renderJson(result)));
    expect(Array.isArray(report.resources)).toBe(false);
    expect(materialize(report)).toEqual(parseRunResult(renderJson(result), 'result.json'));
    for (const format of REPORT_FORMATS) {
      expect(REPORTERS[format].render(report, { color: false }), format).toBe(REPORTERS[format].render(result, { color: false }));
    }
  });

  it('reads any other layout whole, with the same verdict', () => {
    const minified = open(saved(JSON.stringify(JSON.parse(renderJson(result)))));
    expect(Array.isArray(minified.resources)).toBe(true);
    expect(materialize(minified)).toEqual(materialize(open(saved(renderJson(result)))));
    // Out of address order: read whole, and every report still lists the resources in order.
    const reversed: RunResult = { ...result, resources: [...result.resources].reverse() };
    const unordered = open(saved(renderJson(reversed)));
    expect(Array.isArray(unordered.resources)).toBe(true);
    expect(REPORTERS.junit.render(unordered, { color: false })).toBe(REPORTERS.junit.render(result, { color: false }));
  });

  it("refuses a resource the schema refuses with the whole-file reader's located message", () => {
    const text = renderJson(result).replace('"status": "compliant"', '"status": "fine"');
    const error = (() => {
      try {
        open(saved(text));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(String((error as InputError).message)).toMatch(/result\.json/);
    expect(() => parseRunResult(text, 'result.json')).toThrow((error as InputError).message);
  });

  it('stops, rather than report unchecked resources, when the file changes between reads', () => {
    const path = saved(renderJson(result));
    const report = open(path);
    writeFileSync(path, renderJson(result).replace('"status": "drifted"', '"status": "waived"'));
    expect(() => [...report.resources]).toThrow(/changed while driftwatch was reading it/);
  });
});
