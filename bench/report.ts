/**
 * What every benchmark records beside its numbers: the machine, the Node version, the date and the
 * load average (other work on a shared machine changes the results), and where the JSON goes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
/** `.tmp/` is git-ignored: results are evidence for docs/benchmarks.md, not sources. */
export const RESULTS_DIR = fileURLToPath(new URL('../.tmp/bench/', import.meta.url));

export interface Machine {
  readonly date: string;
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly loadAverage: readonly number[];
  readonly kernel: string;
}

function machine(): Machine {
  let kernel = '';
  try {
    kernel = execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim();
  } catch {
    kernel = process.platform;
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    kernel,
  };
}

/** Writes `.tmp/bench/<name>.json` and prints it, so a run leaves both a log and a file. */
export function record(name: string, data: Record<string, unknown>): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const payload = { bench: name, machine: machine(), ...data };
  const text = `${JSON.stringify(payload, null, 2)}\n`;
  writeFileSync(`${RESULTS_DIR}${name}.json`, text);
  console.log(`\n=== ${name} ===\n${text}`);
}

/** Samples the resident set size until stopped; returns the peak in MiB. */
export function rssSampler(intervalMs = 50): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  timer.unref();
  return {
    stop(): number {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return mib(peak);
    },
  };
}

export function mib(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `BENCH=a,b` picks benchmarks by name; unset runs all. */
export function selected(name: string): boolean {
  const pick = process.env.BENCH;
  if (pick === undefined || pick.trim() === '' || pick === 'all') return true;
  return pick
    .split(',')
    .map((s) => s.trim())
    .includes(name);
}
