/**
 * ANSI styling for the text reporter. Whether to color is the caller's decision (TTY, --no-color,
 * NO_COLOR), passed in through ReportOptions; with `enabled: false` every function is the identity.
 */
export interface Colors {
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
}

const wrap =
  (open: number, close: number) =>
  (s: string): string =>
    s === '' ? s : `\u001b[${open}m${s}\u001b[${close}m`;

const PLAIN = (s: string): string => s;

export function createColors(enabled: boolean): Colors {
  if (!enabled) return { red: PLAIN, green: PLAIN, yellow: PLAIN, bold: PLAIN, dim: PLAIN };
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}
