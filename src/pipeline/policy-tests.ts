import { join } from 'node:path';
import type { RunContext } from './context.js';
import { toolVersion } from '../util/version.js';
import { BUILTIN_POLICY_DIR } from '../config/policy-ref.js';
import { UsageError } from '../model/errors.js';
import { DEFAULT_TEST_DIRS, discoverTestFiles } from '../testing/discover.js';
import { runTestFiles } from '../testing/runner.js';
import type { TestRun } from '../testing/runner.js';

/** Which policy tests to run (cli/commands/test.ts maps the flags onto it). */
export interface PolicyTestRequest {
  /** Test files or directories; none means the default test directories (or only `--builtin`). */
  readonly paths: readonly string[];
  /** `--builtin`: also the built-in packs' own tests. */
  readonly builtin: boolean;
  /** `--filter`: only cases whose name contains this text. */
  readonly filter?: string | undefined;
}

/**
 * `driftwatch test [PATH...]`: finds the policy test files and runs them offline (docs/policies.md).
 * Throws a UsageError when a path is missing or no test file is found.
 */
export async function runPolicyTests(ctx: RunContext, request: PolicyTestRequest): Promise<TestRun> {
  const { builtin, filter } = request;
  const paths = [...request.paths];
  const discovery = paths.length === 0 && builtin ? { files: [], missing: [], searched: [] } : await discoverTestFiles(paths, ctx.cwd);
  if (discovery.missing.length > 0) {
    throw new UsageError(
      `test: no such file or directory: ${discovery.missing.join(', ')}`,
      'Pass test files (*.test.yaml) or directories containing them.',
    );
  }
  const files = [...discovery.files];
  if (builtin) files.push(...(await discoverTestFiles([join(BUILTIN_POLICY_DIR, 'tests')], ctx.cwd)).files);
  if (files.length === 0) {
    const where = paths.length > 0 ? paths.join(', ') : DEFAULT_TEST_DIRS.map((d) => `./${d}`).join(' and ');
    throw new UsageError(
      `test: no test files (*.test.yaml, *.test.yml) found in ${where}`,
      'Pass a PATH, or put test files in ./policies/tests or ./tests.',
    );
  }
  return runTestFiles(files, { cwd: ctx.cwd, toolVersion: toolVersion(), ...(filter !== undefined ? { filter } : {}) });
}
