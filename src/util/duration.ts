const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * Parses a duration such as `30d`, `12h`, `2w` or `90m` into milliseconds. One positive integer
 * and one unit only: anything else (`0d`, `1.5d`, `30 d`, `1d2h`) is undefined, so a typo is
 * reported instead of silently meaning something else.
 */
export function parseDuration(s: string): number | undefined {
  const match = /^([1-9][0-9]{0,5})([mhdw])$/.exec(s);
  if (!match) return undefined;
  const unit = match[2] as keyof typeof UNIT_MS;
  return Number(match[1]) * UNIT_MS[unit];
}

const TIMEOUT_UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/**
 * Parses a request timeout such as `500ms`, `10s`, `2m` or `1h` into milliseconds; one positive
 * integer and one unit, like parseDuration, and undefined for anything else.
 */
export function parseTimeout(s: string): number | undefined {
  const match = /^([1-9][0-9]{0,6})(ms|s|m|h)$/.exec(s);
  if (!match) return undefined;
  return Number(match[1]) * TIMEOUT_UNIT_MS[match[2] as keyof typeof TIMEOUT_UNIT_MS];
}
