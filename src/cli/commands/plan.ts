import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { boolFlag } from '../command.js';
import { parseRunOptions } from '../run-options.js';
import { runCheck } from '../../pipeline/run.js';
import { withWeakening } from '../compare-options.js';

/** `plan`: the drift report; exits 0 unless `--detailed-exitcode` asks for the `check` contract. */
export const planCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const options = parseRunOptions(input, ctx.cwd);
    const result = await runCheck(ctx, options);
    return withWeakening(boolFlag(input, 'detailed-exitcode') ? result.summary.exit_code : 0, result, options);
  },
};

/** `check`: the same run with the exit-code contract of design.md §4, for CI. */
export const checkCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const options = parseRunOptions(input, ctx.cwd);
    const result = await runCheck(ctx, options);
    return withWeakening(result.summary.exit_code, result, options);
  },
};
