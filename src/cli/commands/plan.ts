import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { boolFlag } from '../command.js';
import { parseRunOptions } from '../run-options.js';
import { runCheck } from '../run-check.js';

/** `plan`: the drift report; exits 0 unless `--detailed-exitcode` asks for the `check` contract. */
export const planCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const result = await runCheck(ctx, parseRunOptions(input, ctx.cwd));
    return boolFlag(input, 'detailed-exitcode') ? result.summary.exit_code : 0;
  },
};

/** `check`: the same run with the exit-code contract of design.md §4, for CI. */
export const checkCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const result = await runCheck(ctx, parseRunOptions(input, ctx.cwd));
    return result.summary.exit_code;
  },
};
