import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { emptyResult, sampleResult } from '../../test/fixtures/results/sample-result.js';
import { scenarioObservations, scenarioState, SCENARIO_NOW } from '../../test/fixtures/results/scenario.js';
import { evaluate } from '../engine/evaluate.js';
import { parseInstant } from '../util/time.js';
import type { JsonValue } from '../model/json.js';
import type { RunResult } from '../model/run-result.js';
import { REPORTERS, isReportFormat } from './index.js';
import { canonicalRunResult, renderJson, renderJsonChunks } from './json.js';

const scenario = evaluate({ state: scenarioState, observations: scenarioObservations, now: SCENARIO_NOW, toolVersion: '0.1.0' });

function validator() {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/run-result.schema.json', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false,
    formats: { 'date-time': (s: string) => parseInstant(s) !== undefined },
  });
  return ajv.compile(schema);
}

/** Rebuilds every object with its keys in reverse order: the rendering must not care. */
function reverseKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}

describe('json report', () => {
  const validate = validator();

  it.each([
    ['scenario', scenario],
    ['sample', sampleResult],
    ['empty', emptyResult],
  ] as const)('%s: output validates against schemas/run-result.schema.json', (_name, result) => {
    const parsed = JSON.parse(renderJson(result)) as unknown;
    expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['scenario', scenario],
    ['sample', sampleResult],
    ['empty', emptyResult],
  ] as const)('%s: is exactly 2-space JSON.stringify output with a trailing newline', (_name, result) => {
    const text = renderJson(result);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(result)));
  });

  it('writes keys in the contract order whatever order the object has', () => {
    const shuffled = reverseKeys(JSON.parse(JSON.stringify(sampleResult)) as JsonValue) as unknown as RunResult;
    expect(renderJson(shuffled)).toBe(renderJson(sampleResult));
    const out = JSON.parse(renderJson(shuffled)) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['format_version', 'tool', 'as_of', 'fail_on', 'summary', 'resources', 'waivers']);
    const resource = (out['resources'] as Record<string, unknown>[])[1] as Record<string, unknown>;
    expect(Object.keys(resource)).toEqual(['address', 'type', 'status', 'checks', 'error', 'request_ids', 'observed', 'location']);
    const check = (resource['checks'] as Record<string, unknown>[])[3] as Record<string, unknown>;
    expect(Object.keys(check)).toEqual([
      'rule',
      'source',
      'operator',
      'expected',
      'actual',
      'status',
      'severity',
      'message',
      'location',
      'title',
      'remediation',
      'controls',
    ]);
    expect(Object.keys(resource['observed'] as object)).toEqual(['auto_renew', 'cmk_remaining', 'edition', 'expires_at']);
  });

  it('streams in per-resource chunks that join to the whole', () => {
    const chunks = [...renderJsonChunks(scenario)];
    expect(chunks).toHaveLength(scenario.resources.length + 2);
    expect(chunks.join('')).toBe(renderJson(scenario));
  });

  it('canonicalRunResult keeps the data', () => {
    expect(canonicalRunResult(sampleResult)).toEqual(JSON.parse(JSON.stringify(sampleResult)));
  });

  it('escapes attribute names and values as JSON', () => {
    const odd: RunResult = {
      ...emptyResult,
      resources: [{ ...(sampleResult.resources[0] as RunResult['resources'][number]), observed: { 'a"b\\c\n': 'x\u0001' } }],
    };
    const text = renderJson(odd);
    expect((JSON.parse(text) as RunResult).resources[0]?.observed).toEqual({ 'a"b\\c\n': 'x\u0001' });
  });

  it('is registered under its name', () => {
    expect(REPORTERS.json.render(scenario, { color: true })).toBe(renderJson(scenario));
    expect(isReportFormat('json')).toBe(true);
    expect(isReportFormat('toString')).toBe(false);
  });
});
