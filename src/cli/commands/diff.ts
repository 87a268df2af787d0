import { writeReports } from '../../pipeline/write.js';
import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { listFlag, stringFlag } from '../command.js';
import { parseFormat, parseOutputs, parseTimeZoneFlag } from '../run-options.js';
import { readRunResultFile } from '../result-file.js';
import { UsageError } from '../../model/errors.js';
import { SEVERITY_RANK } from '../../engine/evaluate.js';
import type { RunResult } from '../../model/run-result.js';
import { diffResults } from '../../history/index.js';

/**
 * `diff OLD.json NEW.json`: NEW rendered in any format with what changed since OLD — new and
 * persisting findings marked, resolved ones listed — exactly as `--history` would mark a run whose
 * previous run was OLD. Exits 2 when NEW has drift (at or above its --fail-on) that OLD did not, else 0.
 */
export const diffCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const [older, newer, ...rest] = input.positionals;
    if (older === undefined || newer === undefined || rest.length > 0) {
      throw new UsageError(
        'diff: expected two run results, OLD.json and NEW.json',
        'e.g. driftwatch diff yesterday.json today.json (written by --out json=FILE).',
      );
    }
    const format = parseFormat(stringFlag(input, 'format') ?? 'text', '--format');
    const outputs = parseOutputs(listFlag(input, 'out'), ctx.cwd);
    const timeZone = parseTimeZoneFlag(stringFlag(input, 'tz'));
    const result = diffResults(await readRunResultFile(ctx, older), await readRunResultFile(ctx, newer));
    await writeReports(ctx, { format, outputs }, result, timeZone);
    return hasNewDrift(result) ? 2 : 0;
  },
};

function hasNewDrift(result: RunResult): boolean {
  const rank = SEVERITY_RANK[result.fail_on ?? 'low'];
  return result.resources.some((r) => r.checks.some((c) => c.status === 'fail' && c.change === 'new' && SEVERITY_RANK[c.severity] >= rank));
}
