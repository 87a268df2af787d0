import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { stringFlag } from '../command.js';
import { UsageError } from '../../model/errors.js';
import { DEFAULT_HISTORY_DIR } from '../../model/desired-state.js';
import { openLedger, renderTrends, trendsOf } from '../../history/index.js';

/** `history [DIR]`: the ledger over time — counts per status, open findings by age, mean time to resolve. */
export const historyCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const [given, ...rest] = input.positionals;
    if (rest.length > 0) throw new UsageError('history: expected at most one directory', `e.g. driftwatch history ${DEFAULT_HISTORY_DIR}`);
    const format = stringFlag(input, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`history: --format must be text or json, got '${format}'`);
    const shown = given ?? DEFAULT_HISTORY_DIR;
    const ledger = await openLedger(resolve(ctx.cwd, shown), {
      now: ctx.now(),
      warn: (message) => ctx.stderr.write(`warning: ${message}\n`),
    });
    const trends = trendsOf(ledger.entries);
    ctx.stdout.write(format === 'json' ? `${JSON.stringify(trends, null, 2)}\n` : renderTrends(trends, shown));
    return 0;
  },
};
