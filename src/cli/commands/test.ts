import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { boolFlag, stringFlag } from '../command.js';
import { UsageError } from '../../model/errors.js';
import { runPolicyTests } from '../../pipeline/policy-tests.js';
import { renderTestJson, renderTestText } from '../../testing/render.js';

const FORMATS = ['text', 'json'] as const;
type TestFormat = (typeof FORMATS)[number];

/**
 * `driftwatch test [PATH...]`: runs policy unit tests offline (docs/policies.md). Exit 0 when
 * every case passes, 1 when any fails, errors, or no test was found.
 */
export const testCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const format = stringFlag(input, 'format') ?? 'text';
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format: unknown format '${format}'`, `Expected one of: ${FORMATS.join(', ')}.`);
    }
    const filter = stringFlag(input, 'filter');
    const run = await runPolicyTests(ctx, { paths: input.positionals, builtin: boolFlag(input, 'builtin'), filter });
    ctx.stdout.write((format as TestFormat) === 'json' ? renderTestJson(run) : renderTestText(run, { color: ctx.color }));
    if (run.summary.cases === 0 && run.exitCode === 0) {
      ctx.stderr.write(filter !== undefined ? `no test case name contains '${filter}'\n` : 'the test files contain no test cases\n');
      return 1;
    }
    return run.exitCode;
  },
};
