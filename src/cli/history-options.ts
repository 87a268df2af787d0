import { resolve } from 'node:path';
import type { FlagSpec, ParsedInput } from './command.js';
import { boolFlag, stringFlag } from './command.js';
import { UsageError } from '../model/errors.js';
import { parseDuration } from '../util/duration.js';
import { clipText } from '../model/clip.js';
import type { HistoryOptions } from '../pipeline/request.js';

/** The run-history flags of `plan` and `check` (design.md §12). */
export const HISTORY_FLAGS = {
  history: {
    type: 'string',
    value: 'DIR',
    description: 'Record this run in the ledger at DIR and mark what is new, persisting or resolved since the previous run.',
  },
  'history-keep': {
    type: 'string',
    value: 'DURATION',
    description: 'Remove ledger records older than this (default 400d; history.keep in the configuration).',
  },
  'fail-on-new': { type: 'boolean', description: 'Exit 2 only for drift that is new since the previous run (needs history).' },
} as const satisfies Record<string, FlagSpec>;

export function parseHistoryOptions(input: ParsedInput, cwd: string): HistoryOptions {
  const dir = stringFlag(input, 'history');
  if (dir === '') throw new UsageError('--history: expected a directory for the run ledger', 'e.g. --history .driftwatch/history');
  const keepText = stringFlag(input, 'history-keep');
  const keepMs = keepText === undefined ? undefined : parseDuration(keepText);
  if (keepText !== undefined && keepMs === undefined) {
    throw new UsageError(
      `--history-keep: malformed duration '${clipText(keepText, 40)}'`,
      'Write a positive whole number and a unit m, h, d or w (e.g. 400d, 52w).',
    );
  }
  return {
    ...(dir !== undefined ? { history: resolve(cwd, dir) } : {}),
    ...(keepText !== undefined && keepMs !== undefined ? { historyKeep: { ms: keepMs, text: keepText } } : {}),
    failOnNew: boolFlag(input, 'fail-on-new'),
  };
}
