/**
 * The four status APIs use four time conventions (cloud-apis.md §3.5, pitfall 7): Unix seconds
 * (Tencent KMS), Unix milliseconds (Alibaba CAS), ISO-8601 UTC (Alibaba KMS) and zone-less
 * `YYYY-MM-DD HH:mm:ss` in Beijing time (Tencent TCSS). Each converter returns an ISO-8601 UTC
 * string (`2026-12-19T16:00:00.000Z`) or undefined when the input is not a usable instant, so a
 * caller turns a bad value into an unknown attribute instead of a wrong date or a crash.
 */

/** Latest instant `Date` can represent (±8.64e15 ms); beyond it `toISOString` throws. */
const MAX_EPOCH_MS = 8.64e15;

/** Asia/Shanghai has been UTC+8 without daylight saving since 1991, which covers every subscription. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

function fromEpochMillis(ms: number): string | undefined {
  // 0 is what the vendors send for "no date" (e.g. ProExpireTime of a basic-edition account), not 1970.
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_EPOCH_MS) return undefined;
  return new Date(ms).toISOString();
}

/**
 * The window an epoch field of these APIs can plausibly name: 1990-01-01 to 3000-01-01 (exclusive).
 * A value in the wrong unit lands far outside it — milliseconds read as seconds after the year
 * 50,000, seconds read as milliseconds in January 1970 — and would otherwise pass `not_within` as a
 * far-future expiry (or fail as a long-past one). Outside the window the unit is wrong: unknown.
 */
const PLAUSIBLE_EPOCH_MS: readonly [number, number] = [Date.UTC(1990, 0, 1), Date.UTC(3000, 0, 1)];

function plausible(ms: number): string | undefined {
  // 0 still means "no date" (handled by fromEpochMillis), not an implausible unit.
  if (ms !== 0 && (ms < PLAUSIBLE_EPOCH_MS[0] || ms >= PLAUSIBLE_EPOCH_MS[1])) return undefined;
  return fromEpochMillis(ms);
}

/** Unix seconds (integer) → ISO UTC; 0, negative, fractional, or outside 1990–3000 (a wrong unit) → undefined. */
export function fromUnixSeconds(n: number): string | undefined {
  if (!Number.isSafeInteger(n)) return undefined;
  return plausible(n * 1000);
}

/** Unix milliseconds (integer) → ISO UTC; 0, negative, fractional, or outside 1990–3000 (a wrong unit) → undefined. */
export function fromUnixMillis(n: number): string | undefined {
  if (!Number.isSafeInteger(n)) return undefined;
  return plausible(n);
}

interface Parts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millis: number;
}

/** UTC milliseconds of calendar parts, or undefined when a part is out of range (Feb 30, 24:00, 60 s). */
function partsToUtcMillis(p: Parts): number | undefined {
  if (p.year < 1 || p.month < 1 || p.month > 12 || p.day < 1) return undefined;
  if (p.hour > 23 || p.minute > 59 || p.second > 59) return undefined;
  const ms = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millis);
  const check = new Date(ms);
  // Date.UTC rolls Feb 30 over to Mar 2; a rolled-over date is a wrong date, so refuse it.
  if (check.getUTCFullYear() !== p.year || check.getUTCMonth() !== p.month - 1 || check.getUTCDate() !== p.day) {
    return undefined;
  }
  return ms;
}

function fraction(s: string | undefined): number {
  // Only milliseconds are kept; digits beyond the third are truncated, never rounded up a second.
  return s ? Number(s.slice(0, 3).padEnd(3, '0')) : 0;
}

/** Groups 1–7 of ISO_WITH_ZONE and NAIVE (date, time, fraction) as UTC milliseconds. */
function matchToUtcMillis(m: RegExpExecArray): number | undefined {
  return partsToUtcMillis({
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
    millis: fraction(m[7]),
  });
}

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * ISO-8601 date-time with an explicit zone (`2023-09-05T12:44:20Z`, `…+08:00`) → ISO UTC. A string
 * without a zone is refused: it would mean a different instant on every machine.
 */
export function fromIsoUtc(s: string): string | undefined {
  const m = ISO_WITH_ZONE.exec(s);
  if (!m) return undefined;
  const ms = matchToUtcMillis(m);
  if (ms === undefined) return undefined;
  const zone = m[8] ?? 'Z';
  let offsetMs = 0;
  if (zone !== 'Z') {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(4, 6));
    if (hours > 23 || minutes > 59) return undefined;
    offsetMs = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  return fromEpochMillis(ms - offsetMs);
}

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/**
 * Zone-less `YYYY-MM-DD HH:mm:ss` read as Beijing time (UTC+8), as TCSS sends it (cloud-apis.md
 * §3.2) → ISO UTC. The doc's placeholder `"xx"`, an empty string or an impossible date → undefined.
 */
export function fromBeijingLocal(s: string): string | undefined {
  const m = NAIVE.exec(s);
  if (!m) return undefined;
  const ms = matchToUtcMillis(m);
  if (ms === undefined) return undefined;
  return fromEpochMillis(ms - BEIJING_OFFSET_MS);
}
