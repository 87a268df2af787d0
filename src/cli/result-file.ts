import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliContext } from './context.js';
import { InputError, IoError } from '../model/errors.js';
import { decodeUtf8 } from '../model/text-encoding.js';
import type { RunResult } from '../model/run-result.js';
import { parseRunResult } from '../engine/run-result-io.js';

/** Reads and validates a saved run result (`report --from`, `diff`); `shown` is how messages name it. */
export async function readRunResultFile(ctx: CliContext, shown: string): Promise<RunResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(ctx.cwd, shown));
  } catch (error) {
    throw new IoError(`cannot read ${shown}`, 'Pass a run result written by --format json or --out json=FILE.', { cause: error });
  }
  const decoded = decodeUtf8(bytes);
  if ('problem' in decoded) throw new InputError(`${shown}: ${decoded.problem}`);
  return parseRunResult(decoded.text, shown);
}
