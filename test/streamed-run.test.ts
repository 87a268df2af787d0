import { describe, expect, it } from 'vitest';
import { scenarioObservations, scenarioState, SCENARIO_NOW } from './fixtures/results/scenario.js';
import type { Observation, ObservationSource } from '../src/model/observation.js';
import { materialize } from './helpers/materialize.js';
import type { RunReport } from '../src/model/run-result.js';
import { compareStrings } from '../src/model/order.js';
import { REPORTERS, REPORT_FORMATS } from '../src/report/index.js';
import { annotateChanges } from '../src/history/index.js';
import { evaluate, evaluateStream } from '../src/engine/evaluate.js';
import type { EvaluateInput } from '../src/engine/evaluate.js';
import { buildEvidenceBundle } from '../src/report/evidence/bundle.js';
import { canonicalJson } from '../src/report/evidence/canonical-json.js';
import { sampleEvidenceInput } from './fixtures/evidence/sample-input.js';

/**
 * A streamed run (evaluateStream) is the same run as a held one (evaluate), read resource by
 * resource: the same summary, waivers, resources and report bytes, while the resources are
 * evaluated when a report reads them rather than all at once.
 */

const input: EvaluateInput = { state: scenarioState, observations: scenarioObservations, now: SCENARIO_NOW, toolVersion: '0.1.0' };

/** The observations as a snapshot streamed from a file would give them, counting what was read. */
function countingSource(observations: readonly Observation[]): ObservationSource & { passes: number; read: number } {
  const sorted = [...observations].sort((a, b) => compareStrings(a.address, b.address));
  const source = {
    passes: 0,
    read: 0,
    sorted: function* () {
      source.passes++;
      source.read = 0;
      for (const o of sorted) {
        source.read++;
        yield o;
      }
    },
  };
  return source;
}

describe('evaluateStream', () => {
  it('gives the held result: summary, waivers and every resource', () => {
    for (const failOn of ['low', 'high', 'critical'] as const) {
      const held = evaluate({ ...input, failOn });
      const streamed = evaluateStream({ ...input, failOn });
      expect(materialize(streamed)).toEqual(held);
      // Read twice, it yields the same resources again (evaluated afresh, not kept).
      const [first] = streamed.resources;
      const [again] = streamed.resources;
      expect(again).toEqual(first);
      expect(again).not.toBe(first);
    }
  });

  it('gives the held result for targets, which also select the waivers', () => {
    const targets = ['alicloud_kms_instance.backup', 'tencentcloud_kms_service.prod-sh'];
    expect(materialize(evaluateStream({ ...input, targets }))).toEqual(evaluate({ ...input, targets }));
  });

  it('merges observations streamed in address order, as from a snapshot file, with the configuration', () => {
    const held = evaluate(input);
    // One resource left out of the stream and one observation the configuration does not have.
    const missing = 'alicloud_kms_instance.backup';
    const stream = countingSource([
      ...scenarioObservations.filter((o) => o.address !== missing),
      { ...(scenarioObservations[0] as Observation), address: 'alicloud_aaa.not-configured' },
      { ...(scenarioObservations[0] as Observation), address: 'zzz.not-configured' },
    ]);
    const list = evaluate({ ...input, observations: scenarioObservations.filter((o) => o.address !== missing) });
    const streamed = materialize(evaluateStream({ ...input, observations: stream }));
    expect(streamed).toEqual(list);
    expect(streamed.resources.find((r) => r.address === missing)?.error?.code).toBe('DW_NOT_OBSERVED');
    expect(streamed.summary).not.toEqual(held.summary);
  });

  it('renders every format byte for byte as the held result does', () => {
    const held = evaluate(input);
    for (const format of REPORT_FORMATS) {
      for (const options of [{ color: false }, { color: true, verbose: true, timeZone: 'Asia/Shanghai', framework: 'mlps' as const }]) {
        const streamed = evaluateStream({ ...input, observations: countingSource(scenarioObservations) });
        expect(REPORTERS[format].render(streamed, options), format).toBe(REPORTERS[format].render(held, options));
      }
    }
  });

  it('writes the first resources before it has read the last: each report reads a bounded number of passes', () => {
    // Resource pieces come out while the pass that renders them has read only the resources before them.
    for (const format of ['json', 'junit', 'sarif', 'text', 'html'] as const) {
      const source = countingSource(scenarioObservations);
      const streamed = evaluateStream({ ...input, observations: source });
      const passesToCount = source.passes;
      const readWhenWritten: number[] = [];
      for (const _ of REPORTERS[format].renderChunks(streamed, { color: false, verbose: true })) readWhenWritten.push(source.read);
      expect(passesToCount, format).toBe(1);
      // One pass to count what the head needs, one to write: never a pass per resource.
      expect(source.passes - passesToCount, format).toBeLessThanOrEqual(2);
      expect(Math.min(...readWhenWritten.slice(1)), format).toBeLessThan(scenarioObservations.length / 2);
    }
  });

  it('annotates a streamed run with its history as it annotates a held one', () => {
    const held = evaluate(input);
    const previous = [
      {
        fingerprint: held.resources[1]?.checks[0]?.fingerprint ?? '',
        address: held.resources[1]?.address ?? '',
        rule: held.resources[1]?.checks[0]?.rule ?? '',
        source: 'expect' as const,
        severity: 'high' as const,
        status: 'fail' as const,
        first_seen: '2026-11-01T00:00:00Z',
      },
    ];
    const options = { records: 1, previousAsOf: '2026-11-21T03:00:00Z', failOnNew: true };
    const streamed: RunReport = annotateChanges(evaluateStream(input), previous, options);
    expect(materialize(streamed)).toEqual(annotateChanges(held, previous, options));
  });

  it('gives the same evidence bundle, byte for byte, as the held result', () => {
    const { reports: _given, ...base } = sampleEvidenceInput();
    const held = buildEvidenceBundle({ ...base, result: evaluate(input), observations: scenarioObservations });
    const streamed = buildEvidenceBundle({ ...base, result: evaluateStream(input), observations: scenarioObservations });
    expect([...streamed.files.keys()]).toEqual([...held.files.keys()]);
    for (const [path, bytes] of held.files) expect(streamed.files.get(path)?.equals(bytes), path).toBe(true);
    // result.json is the canonical JSON of the whole result, written resource by resource.
    expect(held.files.get('result.json')?.toString('utf8')).toBe(canonicalJson(evaluate(input)));
    expect(held.files.get('observations.json')?.toString('utf8')).toBe(
      canonicalJson([...scenarioObservations].sort((a, b) => compareStrings(a.address, b.address))),
    );
  });
});
