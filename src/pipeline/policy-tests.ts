import { join } from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { boolFlag, stringFlag } from '../command.js';
import { toolVersion } from '../version.js';
import { BUILTIN_POLICY_DIR } from '../../config/policy-ref.js';
import { UsageError } from '../../model/errors.js';
import { DEFAULT_TEST_DIRS, discoverTestFiles } from '../../testing/discover.js';
import { renderTestJson, renderTestText } from '../../testing/render.js';
import { runTestFiles } from '../../testing/runner.js';

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
    const builtin = boolFlag(input, 'builtin');
    const paths = [...input.positionals];
    const discovery = paths.length === 0 && builtin ? { files: [], missing: [], searched: [] } : await discoverTestFiles(paths, ctx.cwd);
    if (discovery.missing.length > 0) {
      throw new UsageError(`test: no such file or directory: ${discovery.missing.join(', ')}`, 'Pass test files (*.test.yaml) or directories containing them.');
    }
    const files = [...discovery.files];
    if (builtin) files.push(...(await discoverTestFiles([join(BUILTIN_POLICY_DIR, 'tests')], ctx.cwd)).files);
    if (files.length === 0) {
      const where = paths.length > 0 ? paths.join(', ') : DEFAULT_TEST_DIRS.map((d) => `./${d}`).join(' and ');
      throw new UsageError(`test: no test files (*.test.yaml, *.test.yml) found in ${where}`, 'Pass a PATH, or put test files in ./policies/tests or ./tests.');
    }
    const filter = stringFlag(input, 'filter');
    const run = await runTestFiles(files, { cwd: ctx.cwd, toolVersion: toolVersion(), ...(filter !== undefined ? { filter } : {}) });
    ctx.stdout.write((format as TestFormat) === 'json' ? renderTestJson(run) : renderTestText(run, { color: ctx.color }));
    if (run.summary.cases === 0 && run.exitCode === 0) {
      ctx.stderr.write(filter !== undefined ? `no test case name contains '${filter}'\n` : 'the test files contain no test cases\n');
      return 1;
    }
    return run.exitCode;
  },
};
