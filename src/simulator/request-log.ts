/**
 * What the simulator did with each request: an in-memory log (bounded, newest kept), the one-line
 * text form written to `--log FILE`, and the per-API, per-account counters that benchmarks and the
 * reliability tests read.
 */
import type { FaultName } from './faults.js';

export type Outcome = 'ok' | 'throttled' | 'error' | 'malformed' | 'reset' | 'hang';

export interface RequestLogEntry {
  /** ISO-8601 arrival time on the simulator's clock (before any skew). */
  readonly time: string;
  readonly cloud: 'tencentcloud' | 'alicloud';
  /** Action named by the request (`(none)` when it named none). */
  readonly api: string;
  /** World account name, or `(unknown)` when the key id is not in the world. */
  readonly account: string;
  readonly outcome: Outcome;
  /** HTTP status sent; null when nothing was sent (reset, hang). */
  readonly status: number | null;
  /** Vendor error code, for `error` and `throttled`. */
  readonly code: string | null;
  readonly requestId: string | null;
  readonly faults: readonly FaultName[];
  readonly latencyMs: number;
}

export function formatLogLine(e: RequestLogEntry): string {
  const parts = [
    e.time,
    `api=${e.api}`,
    `account=${e.account}`,
    `outcome=${e.outcome}`,
    `status=${e.status ?? '-'}`,
    `code=${e.code ?? '-'}`,
    `request_id=${e.requestId ?? '-'}`,
  ];
  if (e.faults.length > 0) parts.push(`faults=${e.faults.join(',')}`);
  if (e.latencyMs > 0) parts.push(`latency_ms=${e.latencyMs}`);
  return parts.join(' ');
}

export interface FaultCounts {
  latency: number;
  reset: number;
  hang: number;
  error: number;
  malformed: number;
  duplicate: number;
  null: number;
}

export interface Counters {
  requests: number;
  ok: number;
  throttled: number;
  /** Error answers by vendor code (throttling is counted under `throttled` only). */
  errors: Record<string, number>;
  faults: FaultCounts;
}

export interface ApiAccountStats extends Counters {
  readonly api: string;
  readonly account: string;
}

export interface SimulatorStats {
  readonly total: Counters;
  /** One entry per (api, account) seen, in first-seen order. */
  readonly byApiAccount: readonly ApiAccountStats[];
}

function emptyCounters(): Counters {
  return {
    requests: 0,
    ok: 0,
    throttled: 0,
    errors: {},
    faults: { latency: 0, reset: 0, hang: 0, error: 0, malformed: 0, null: 0, duplicate: 0 },
  };
}

function add(c: Counters, e: RequestLogEntry): void {
  c.requests += 1;
  if (e.outcome === 'ok') c.ok += 1;
  if (e.outcome === 'throttled') c.throttled += 1;
  if (e.outcome === 'error' && e.code !== null) c.errors[e.code] = (c.errors[e.code] ?? 0) + 1;
  for (const f of e.faults) c.faults[f] += 1;
}

function copy(c: Counters): Counters {
  return { requests: c.requests, ok: c.ok, throttled: c.throttled, errors: { ...c.errors }, faults: { ...c.faults } };
}

export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  readonly #limit: number;
  readonly #total = emptyCounters();
  readonly #by = new Map<string, ApiAccountStats>();

  constructor(limit = 100_000) {
    this.#limit = limit;
  }

  record(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    // Drop the oldest in chunks so a long-running simulator stays bounded without O(n) per request.
    if (this.#entries.length > this.#limit + Math.ceil(this.#limit / 10)) this.#entries.splice(0, this.#entries.length - this.#limit);
    add(this.#total, entry);
    const key = `${entry.api}\n${entry.account}`;
    let stats = this.#by.get(key);
    if (!stats) {
      stats = { api: entry.api, account: entry.account, ...emptyCounters() };
      this.#by.set(key, stats);
    }
    add(stats, entry);
  }

  entries(): readonly RequestLogEntry[] {
    return this.#entries.slice(-this.#limit);
  }

  stats(): SimulatorStats {
    return {
      total: copy(this.#total),
      byApiAccount: [...this.#by.values()].map((s) => ({ api: s.api, account: s.account, ...copy(s) })),
    };
  }
}
