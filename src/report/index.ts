import { githubReporter } from './github.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import { oscalReporter } from './oscal.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';
import type { ReportFormat } from './formats.js';
import type { Reporter } from './reporter.js';

export type { ReportOptions, Reporter } from './reporter.js';
export type { ReportFormat } from './formats.js';
export { REPORT_FORMATS, isReportFormat } from './formats.js';

/**
 * Every report format's renderer by name (Vitest style); `--format`, `--out FORMAT=PATH` and the
 * evidence bundle render through here. Exhaustive over the names of formats.ts: a format listed
 * there and missing here (or the reverse) does not compile.
 */
export const REPORTERS = {
  text: textReporter,
  json: jsonReporter,
  junit: junitReporter,
  sarif: sarifReporter,
  markdown: markdownReporter,
  github: githubReporter,
  html: htmlReporter,
  oscal: oscalReporter,
} as const satisfies Readonly<Record<ReportFormat, Reporter>>;
