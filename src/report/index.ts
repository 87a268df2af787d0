import { githubReporter } from './github.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import { oscalReporter } from './oscal.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';
import type { Reporter } from './reporter.js';

export type { ReportOptions, Reporter } from './reporter.js';

export type ReportFormat = 'text' | 'json' | 'junit' | 'sarif' | 'markdown' | 'github' | 'html' | 'oscal';

/** Every report format by name (Vitest style); `--format` and `--out FORMAT=PATH` look up here. */
export const REPORTERS: Readonly<Record<ReportFormat, Reporter>> = {
  text: textReporter,
  json: jsonReporter,
  junit: junitReporter,
  sarif: sarifReporter,
  markdown: markdownReporter,
  github: githubReporter,
  html: htmlReporter,
  oscal: oscalReporter,
};

export const REPORT_FORMATS = Object.keys(REPORTERS) as ReportFormat[];

export function isReportFormat(name: string): name is ReportFormat {
  return Object.hasOwn(REPORTERS, name);
}
