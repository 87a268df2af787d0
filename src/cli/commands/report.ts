import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { listFlag, stringFlag } from '../command.js';
import { parseFramework, parseOutputs, parseFormat, parseTimeZoneFlag } from '../run-options.js';
import { UsageError } from '../../model/errors.js';
import { openRunResultForReport } from '../result-file.js';
import { writeReports } from '../../pipeline/write.js';

/** `report --from RESULT.json --format F`: re-renders a saved run in any format, no network. */
export const reportCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const from = stringFlag(input, 'from');
    if (!from)
      throw new UsageError(
        'report: --from RESULT.json is required',
        'Save a run with `driftwatch check --out json=RESULT.json`, then re-render it.',
      );
    // Every flag is checked before anything is written.
    const format = parseFormat(stringFlag(input, 'format') ?? 'text', '--format');
    const outputs = parseOutputs(listFlag(input, 'out'), ctx.cwd);
    const timeZone = parseTimeZoneFlag(stringFlag(input, 'tz'));
    const framework = parseFramework(stringFlag(input, 'framework'));
    const result = openRunResultForReport(ctx, from);
    await writeReports(ctx, { format, outputs, ...(framework ? { framework } : {}) }, result, timeZone);
    return 0;
  },
};
