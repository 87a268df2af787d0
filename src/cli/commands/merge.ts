import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { listFlag, stringFlag } from '../command.js';
import { writeFileAtomic } from '../atomic-write.js';
import { parseFormat, parseOutputs } from '../run-options.js';
import { IoError, UsageError } from '../../model/errors.js';
import { parseJsonInput } from '../../engine/json-input.js';
import { mergeResults, mergeSnapshots } from '../../engine/merge.js';
import { parseRunResult } from '../../engine/run-result-io.js';
import { parseSnapshot, serializeSnapshot } from '../../engine/snapshot.js';
import { isJsonObject } from '../../model/json.js';
import { REPORTERS } from '../../report/index.js';

/**
 * `merge RESULT.json...`: the shards of one run as one run result — same report, same summary line,
 * same exit code as `check` would have given for the whole configuration. Snapshots written by
 * `--save-observed` merge the same way (the merged snapshot goes to stdout).
 */
export const mergeCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const files = input.positionals;
    if (files.length === 0) throw new UsageError('merge: give the JSON result of every shard', 'e.g. driftwatch merge shard-1.json shard-2.json shard-3.json --format text');
    const formatFlag = stringFlag(input, 'format');
    const format = parseFormat(formatFlag ?? 'text', '--format');
    const outputs = parseOutputs(listFlag(input, 'out'), ctx.cwd);
    const texts = await Promise.all(
      files.map(async (file) => {
        try {
          return { file, text: await readFile(resolve(ctx.cwd, file), 'utf8') };
        } catch (error) {
          throw new IoError(`cannot read ${file}`, 'Pass the files written by --out json=FILE (or --save-observed) of each shard.', { cause: error });
        }
      }),
    );
    const isSnapshot = texts.map(({ file, text }) => {
      const data = parseJsonInput(text, file, 'the input');
      return isJsonObject(data) && data.kind === 'driftwatch-observations';
    });
    if (isSnapshot.some((s) => s)) {
      if (!isSnapshot.every((s) => s)) throw new UsageError('merge: give only run results or only snapshots, not both', 'Merge the results and the snapshots of the shards separately.');
      if (outputs.length > 0 || (formatFlag !== undefined && formatFlag !== 'json')) {
        throw new UsageError('merge: snapshots merge into a snapshot on stdout', 'Drop --format/--out and redirect stdout to a file.');
      }
      const merged = mergeSnapshots(texts.map(({ file, text }) => ({ file, snapshot: parseSnapshot(text, file) })));
      ctx.stdout.write(serializeSnapshot(merged));
      return 0;
    }
    const merged = mergeResults(texts.map(({ file, text }) => ({ file, result: parseRunResult(text, file) })));
    for (const out of outputs) await writeFileAtomic(out.path, REPORTERS[out.format].render(merged, { color: false }));
    ctx.stdout.write(REPORTERS[format].render(merged, { color: ctx.color && format === 'text' }));
    return merged.summary.exit_code;
  },
};
