/**
 * Cold start (design.md §9): `driftwatch --version` and `driftwatch validate examples/` against
 * `node -e 0`, the floor any Node CLI pays. Measured with hyperfine when it is installed (warm-up
 * runs, then many runs, no shell in between), otherwise with interleaved spawns and medians.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, RESULTS_DIR, median, publish, record, round, selected, verdictOf } from './report.js';

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 40);

interface Measured {
  readonly command: string;
  readonly medianMs: number;
  readonly meanMs: number;
  readonly stddevMs: number;
  readonly minMs: number;
  readonly runs: number;
}

const COMMANDS = [
  { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
  { name: 'driftwatch --version', argv: [process.execPath, CLI, '--version'] },
  { name: 'driftwatch validate examples/', argv: [process.execPath, CLI, 'validate', 'examples/'] },
] as const;

function hyperfinePath(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v hyperfine'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function quote(arg: string): string {
  return /^[\w./:=-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function withHyperfine(hyperfine: string): Measured[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const exported = `${RESULTS_DIR}cold-start-hyperfine.json`;
  execFileSync(
    hyperfine,
    [
      '-N',
      '--warmup',
      '5',
      '--runs',
      String(RUNS),
      '--export-json',
      exported,
      ...COMMANDS.flatMap((c) => ['-n', c.name, c.argv.map(quote).join(' ')]),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const data = JSON.parse(readFileSync(exported, 'utf8')) as {
    results: { command: string; mean: number; stddev: number; median: number; min: number; times: number[] }[];
  };
  return data.results.map((r) => ({
    command: r.command,
    medianMs: round(r.median * 1000, 1),
    meanMs: round(r.mean * 1000, 1),
    stddevMs: round(r.stddev * 1000, 1),
    minMs: round(r.min * 1000, 1),
    runs: r.times.length,
  }));
}

/** Interleaved so that a burst of load elsewhere hits all three commands alike. */
function withSpawns(): Measured[] {
  const times = COMMANDS.map(() => [] as number[]);
  for (let i = 0; i < RUNS + 3; i++) {
    COMMANDS.forEach((c, j) => {
      const t0 = performance.now();
      const run = spawnSync(c.argv[0], c.argv.slice(1), { cwd: REPO_ROOT, stdio: 'ignore' });
      const ms = performance.now() - t0;
      if (run.status !== 0) throw new Error(`${c.name} exited ${run.status}`);
      if (i >= 3) times[j]?.push(ms);
    });
  }
  return COMMANDS.map((c, j) => {
    const t = times[j] ?? [];
    const mean = t.reduce((a, b) => a + b, 0) / t.length;
    const sd = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / t.length);
    return {
      command: c.name,
      medianMs: round(median(t), 1),
      meanMs: round(mean, 1),
      stddevMs: round(sd, 1),
      minMs: round(Math.min(...t), 1),
      runs: t.length,
    };
  });
}

describe('cold start', () => {
  it.runIf(selected('cold-start'))('--version and validate against node -e 0', () => {
    expect(existsSync(CLI), 'run `npm run build` first (npm run bench does)').toBe(true);
    const hyperfine = hyperfinePath();
    const results = hyperfine ? withHyperfine(hyperfine) : withSpawns();
    const [node, version, validate] = results;
    if (!node || !version || !validate) throw new Error('missing measurements');
    const ratio = (m: Measured, field: 'medianMs' | 'meanMs'): number => round(m[field] / node[field], 2);
    record('cold-start', {
      tool: hyperfine
        ? `hyperfine (${execFileSync(hyperfine, ['--version'], { encoding: 'utf8' }).trim()})`
        : 'spawnSync, interleaved, median',
      results,
      ratios: {
        versionOverNode: { median: ratio(version, 'medianMs'), mean: ratio(version, 'meanMs') },
        validateOverNode: { median: ratio(validate, 'medianMs'), mean: ratio(validate, 'meanMs') },
      },
      // Issue 17: --version within 1.3× of node -e 0, validate of the examples within 2× (medians of interleaved runs).
      targets: { versionAtMost1_3x: ratio(version, 'medianMs') <= 1.3, validateAtMost2x: ratio(validate, 'medianMs') <= 2 },
    });
    const row = (m: Measured, target: number | undefined): string =>
      `| \`${m.command}\` | ${round(m.medianMs, 1)} | ${ratio(m, 'medianMs')} | ${target === undefined ? '' : `≤ ${target}: ${verdictOf(ratio(m, 'medianMs') <= target)}`} |`;
    publish(
      'cold-start',
      [
        `${hyperfine ? 'hyperfine' : 'Interleaved spawns'}, ${node.runs} runs of each; medians.`,
        '',
        '| command | median (ms) | ratio to `node -e 0` | target |',
        '| --- | --- | --- | --- |',
        row(node, undefined),
        row(version, 1.3),
        row(validate, 2),
      ].join('\n'),
    );
  });
});
