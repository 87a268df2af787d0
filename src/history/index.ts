export { annotateChanges, diffResults } from './annotate.js';
export type { AnnotateOptions } from './annotate.js';
export { applyRetention, openLedger, recordFileName } from './ledger.js';
export type { Ledger, LedgerEntry } from './ledger.js';
export { recordOf, scopeOf } from './record.js';
export type { HistoryRecord } from './record.js';
export { renderTrends, sparkline, trendsOf } from './trends.js';
export type { Trends } from './trends.js';
