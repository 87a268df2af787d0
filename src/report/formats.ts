/**
 * The report formats by name — the one list the CLI's `--format`/`--out` parsing, `--help`,
 * shell completion and the evidence bundle read. Deliberately light (no renderer is imported
 * here), so `--help` and `--version` do not load eight renderers; `index.ts` maps each name to
 * its renderer with `satisfies Record<ReportFormat, Reporter>`, so a format listed here does not
 * compile until it has one. The order is the documented order (`--help`, completion).
 */
export interface FormatSpec {
  /** Where the format's report sits in an evidence bundle (design.md §8). */
  readonly evidenceFile: string;
}

export const FORMAT_SPECS = {
  text: { evidenceFile: 'reports/report.txt' },
  json: { evidenceFile: 'reports/report.json' },
  junit: { evidenceFile: 'reports/report.junit.xml' },
  sarif: { evidenceFile: 'reports/report.sarif' },
  markdown: { evidenceFile: 'reports/report.md' },
  github: { evidenceFile: 'reports/report.github.txt' },
  html: { evidenceFile: 'reports/report.html' },
  oscal: { evidenceFile: 'reports/report.oscal.json' },
} as const satisfies Readonly<Record<string, FormatSpec>>;

export type ReportFormat = keyof typeof FORMAT_SPECS;

export const REPORT_FORMATS = Object.keys(FORMAT_SPECS) as readonly ReportFormat[];

export function isReportFormat(name: string): name is ReportFormat {
  return Object.hasOwn(FORMAT_SPECS, name);
}
