import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { boolFlag } from '../command.js';
import { runDemo } from '../../pipeline/demo.js';

/** `demo`: `plan` on `examples/` against the built-in simulator (pipeline/demo.ts), then what to do next. */
export const demoCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    await runDemo(ctx, { progress: !boolFlag(input, 'no-progress') });
    ctx.stderr.write(
      '\nThis was a simulated account. Next: `driftwatch validate examples/`, then point `driftwatch plan` at your own\n' +
        "configuration (credentials come from the vendors' standard environment variables and profile files).\n",
    );
    return 0;
  },
};
