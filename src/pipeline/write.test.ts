import { describe, expect, it } from 'vitest';
import { scenarioObservations, scenarioState, SCENARIO_NOW } from '../../test/fixtures/results/scenario.js';
import { Redactor } from '../model/redactor.js';
import type { ResourceConfig } from '../model/desired-state.js';
import { evaluateStream } from '../engine/evaluate.js';
import { REPORTERS } from '../report/index.js';
import type { RunContext } from './context.js';
import { writeReports } from './write.js';

const tick = (): Promise<void> => new Promise((done) => setImmediate(done));

describe('writeReports on stdout', () => {
  it('waits for a slow reader between pieces instead of piling the report up in memory', async () => {
    // 300 copies of the scenario's resources: a JSON report of several pieces of 64 KiB.
    const resources: ResourceConfig[] = [];
    for (let i = 0; i < 300; i++) for (const r of scenarioState.resources) resources.push({ ...r, address: `${r.address}-${i}` });
    const observations = scenarioObservations.flatMap((o) =>
      Array.from({ length: 300 }, (_, i) => ({ ...o, address: `${o.address}-${i}` })),
    );
    const result = evaluateStream({ state: { ...scenarioState, resources }, observations, now: SCENARIO_NOW, toolVersion: '0.1.0' });

    const written: string[] = [];
    let release: (() => void) | undefined;
    const ctx: RunContext = {
      env: {},
      cwd: '.',
      stdout: {
        write: (text) => void written.push(text),
        drained: () => new Promise<void>((done) => (release = done)),
        isTTY: false,
      },
      stderr: { write: () => undefined, isTTY: false },
      color: false,
      debug: false,
      now: () => SCENARIO_NOW,
      redactor: new Redactor(),
      signal: new AbortController().signal,
    };
    const finished = writeReports(ctx, { format: 'json', outputs: [] }, result, undefined);
    let done = false;
    void finished.then(() => (done = true));
    let pieces = 0;
    while (!done) {
      await tick();
      // Nothing more is written until the reader has taken the piece before.
      expect(written.length).toBe(pieces + 1);
      pieces = written.length;
      release?.();
      release = undefined;
      await tick();
    }
    expect(pieces).toBeGreaterThan(3);
    expect(written.join('')).toBe(REPORTERS.json.render(result, { color: false }));
  });
});
