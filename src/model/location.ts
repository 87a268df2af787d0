import { clipText, MAX_MESSAGE } from './clip.js';
/** A position in a source file; line and column are 1-based, as editors show them. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One validation problem, returned as data (changesets style) and printed `file:line:column: message`. */
export interface Diagnostic {
  readonly location: SourceLocation;
  readonly message: string;
  /** Stable rule name, e.g. `schema`, `duplicate-address`, `unknown-provider`. */
  readonly rule: string;
  readonly severity: 'error' | 'warning';
}

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  return `${formatLocation(d.location)}: ${prefix}${clipText(d.message, MAX_MESSAGE)}`;
}
