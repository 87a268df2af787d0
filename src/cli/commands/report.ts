import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { listFlag, stringFlag } from '../command.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { parseFramework, parseOutputs, parseFormat, parseTimeZoneFlag } from '../run-options.js';
import { UsageError } from '../../model/errors.js';
import { readRunResultFile } from '../result-file.js';
import { REPORTERS } from '../../report/index.js';

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
    const extra = { ...(timeZone !== undefined ? { timeZone } : {}), ...(framework ? { framework } : {}) };
    const result = await readRunResultFile(ctx, from);
    for (const out of outputs) {
      await writeFileAtomic(out.path, REPORTERS[out.format].render(result, { color: false, ...extra }), ctx.tempFiles);
    }
    ctx.stdout.write(REPORTERS[format].render(result, { color: ctx.color && format === 'text', ...extra }));
    return 0;
  },
};
