import type { RunReport, RunSummary } from '../model/run-result.js';
import type { FrameworkName } from './controls.js';

/**
 * The reporter contract shared by every format (Vitest style: one file per reporter behind the
 * name → reporter map in `index.ts`, which re-exports these types).
 */
export interface ReportOptions {
  /** ANSI colors; machine formats ignore it. */
  readonly color: boolean;
  readonly verbose?: boolean;
  /** `--tz`: human formats add each instant in this IANA zone beside its UTC form. */
  readonly timeZone?: string;
  /** `--framework NAME`: add the per-control summary (text, Markdown, HTML, JSON, OSCAL). */
  readonly framework?: FrameworkName;
  /**
   * Earlier runs, oldest first, for the HTML trend. Only real recorded runs belong here (a history
   * store); without them the report shows no trend rather than an invented one.
   */
  readonly history?: readonly HistoryPoint[];
}

/** One earlier run as the HTML trend shows it. */
export interface HistoryPoint {
  readonly as_of: string;
  readonly summary: Pick<RunSummary, 'compliant' | 'drifted' | 'unknown' | 'waived'>;
}

export interface Reporter {
  readonly name: string;
  /** Pure: the same result and options always give the same text. Never touches `process`. */
  render(result: RunReport, options: ReportOptions): string;
  /**
   * The same text in pieces whose concatenation is `render`'s, read from the resources as they
   * stream (a streamed run evaluates each resource when it is read), so a report of any size is
   * written without being held. Writers use it.
   */
  renderChunks(result: RunReport, options: ReportOptions): Iterable<string>;
}

/** A format that renders resource by resource. */
export function streamingReporter(name: string, renderChunks: Reporter['renderChunks']): Reporter {
  return {
    name,
    renderChunks,
    render: (result, options) => {
      let out = '';
      for (const chunk of renderChunks(result, options)) out += chunk;
      return out;
    },
  };
}
