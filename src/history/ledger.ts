import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { IoError } from '../model/errors.js';
import type { ObservedSeries, SeriesPoint } from '../model/series.js';
import { compareStrings } from '../model/order.js';
import { formatInstant, parseInstant } from '../util/time.js';
import { parseRecord } from './record.js';
import type { HistoryRecord } from './record.js';

/**
 * The history ledger (`--history DIR`): a directory with one file per run, `run-<as-of>-<random>.json`.
 * A run only ever adds a file, written under a temporary name and renamed (the caller's atomic
 * writer), so two runs never interleave and a reader never sees half a record; retention removes
 * whole files of the ledger's own name pattern, never anything else in the directory.
 */

const RECORD_FILE = /^run-(\d{8}T\d{6}(?:\.\d{3})?Z)-[0-9a-f]{8}\.json$/;

export interface LedgerEntry {
  readonly file: string;
  readonly record: HistoryRecord;
  readonly at: number;
}

export interface Ledger {
  readonly dir: string;
  /** Every readable record, oldest first (by as-of, then file name). */
  readonly entries: readonly LedgerEntry[];
  /** The latest record at or before this run's as-of: what "new" and "resolved" are measured against. */
  readonly previous: LedgerEntry | undefined;
  /** Past observations by address and attribute, for forecasts. */
  readonly series: ObservedSeries;
}

export interface OpenLedgerOptions {
  /** This run's as-of: records after it are not "previous" (a rerun of an older date). */
  readonly now: Date;
  /** Called once per skipped file (corrupt or foreign), with the reason. */
  readonly warn: (message: string) => void;
  /** `shard I/N` for a shard's run: only that shard's records count (others are not this run's past). */
  readonly scope?: string;
}

function compactInstant(ms: number): string {
  return formatInstant(ms).replaceAll('-', '').replaceAll(':', '');
}

function instantOfName(name: string): number | undefined {
  const m = RECORD_FILE.exec(name);
  if (!m) return undefined;
  const t = m[1] as string;
  return parseInstant(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 11)}:${t.slice(11, 13)}:${t.slice(13)}`);
}

/** The file name of a new record (random suffix: two runs of one instant both keep theirs). */
export function recordFileName(asOf: string): string {
  const ms = parseInstant(asOf) ?? 0;
  return `run-${compactInstant(ms)}-${randomBytes(4).toString('hex')}.json`;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new IoError(
      `cannot read the history directory ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      'Check that --history names a readable directory.',
      { cause: error },
    );
  }
}

/** Reads the ledger; a missing directory is an empty ledger (the first run creates it). */
export async function openLedger(dir: string, options: OpenLedgerOptions): Promise<Ledger> {
  const entries: LedgerEntry[] = [];
  for (const name of (await listDir(dir)).sort(compareStrings)) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    let text: string;
    try {
      text = await readFile(join(dir, name), 'utf8');
    } catch (error) {
      options.warn(`history: skipped ${name}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      continue;
    }
    const parsed = parseRecord(text);
    if (!parsed.ok) {
      options.warn(`history: skipped ${name}: ${parsed.foreign ? 'foreign file' : 'corrupt record'}: ${parsed.reason}`);
      continue;
    }
    // Another shard's records are sound but not this run's past.
    if (parsed.record.scope !== options.scope) continue;
    entries.push({ file: name, record: parsed.record, at: parseInstant(parsed.record.as_of) as number });
  }
  entries.sort((a, b) => a.at - b.at || compareStrings(a.file, b.file));
  const nowMs = options.now.getTime();
  const previous = entries.filter((e) => e.at <= nowMs).at(-1);
  return { dir, entries, previous, series: seriesOf(entries, nowMs) };
}

function seriesOf(entries: readonly LedgerEntry[], nowMs: number): ObservedSeries {
  let index: Map<string, SeriesPoint[]> | undefined;
  const build = (): Map<string, SeriesPoint[]> => {
    const map = new Map<string, SeriesPoint[]>();
    for (const e of entries) {
      if (e.at >= nowMs) continue;
      for (const [address, values] of Object.entries(e.record.values)) {
        for (const [attribute, value] of Object.entries(values)) {
          if (typeof value !== 'number') continue;
          const key = `${address}\u0000${attribute}`;
          const list = map.get(key);
          if (list) list.push({ at: e.at, value });
          else map.set(key, [{ at: e.at, value }]);
        }
      }
    }
    return map;
  };
  // Built on first use: most runs look up no series at all.
  return (address, attribute) => {
    index ??= build();
    return index.get(`${address}\u0000${attribute}`) ?? [];
  };
}

/**
 * Removes the ledger's records older than `keepMs` before `now` (by the as-of in their names).
 * Foreign files are never touched. Returns how many were removed.
 */
export async function applyRetention(dir: string, now: Date, keepMs: number): Promise<number> {
  const cutoff = now.getTime() - keepMs;
  let removed = 0;
  for (const name of await listDir(dir)) {
    const at = instantOfName(name);
    if (at === undefined || at >= cutoff) continue;
    await rm(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}
