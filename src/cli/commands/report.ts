import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { listFlag, stringFlag } from '../command.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { parseFramework, parseOutputs, parseFormat, parseTimeZoneFlag } from '../run-options.js';
import { InputError, IoError, UsageError } from '../../model/errors.js';
import { decodeUtf8 } from '../../model/text-encoding.js';
import { parseRunResult } from '../../engine/run-result-io.js';
import { REPORTERS } from '../../report/index.js';

/** `report --from RESULT.json --format F`: re-renders a saved run in any format, no network. */
export const reportCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const from = stringFlag(input, 'from');
    if (!from) throw new UsageError('report: --from RESULT.json is required', 'Save a run with `driftwatch check --out json=RESULT.json`, then re-render it.');
    const path = resolve(ctx.cwd, from);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new IoError(`cannot read ${from}`, 'Pass a run result written by --format json or --out json=FILE.', { cause: error });
    }
    const decoded = decodeUtf8(bytes);
    if ('problem' in decoded) throw new InputError(`${from}: ${decoded.problem}`);
    const text = decoded.text;
    // Every flag is checked before anything is written.
    const format = parseFormat(stringFlag(input, 'format') ?? 'text', '--format');
    const outputs = parseOutputs(listFlag(input, 'out'), ctx.cwd);
    const timeZone = parseTimeZoneFlag(stringFlag(input, 'tz'));
    const framework = parseFramework(stringFlag(input, 'framework'));
    const extra = { ...(timeZone !== undefined ? { timeZone } : {}), ...(framework ? { framework } : {}) };
    const result = parseRunResult(text, from);
    for (const out of outputs) {
      await writeFileAtomic(out.path, REPORTERS[out.format].render(result, { color: false, ...extra }), ctx.tempFiles);
    }
    ctx.stdout.write(REPORTERS[format].render(result, { color: ctx.color && format === 'text', ...extra }));
    return 0;
  },
};
