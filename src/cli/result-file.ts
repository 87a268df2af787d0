import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliContext } from './context.js';
import { InputError, IoError } from '../model/errors.js';
import { decodeUtf8 } from '../model/text-encoding.js';
import type { RunReport, RunResult } from '../model/run-result.js';
import { parseRunResult } from '../engine/run-result-io.js';
import { openRunResultFile } from '../engine/run-result-stream.js';
import { readFileSync } from 'node:fs';

function readFailure(shown: string, error: unknown): IoError {
  return new IoError(`cannot read ${shown}`, 'Pass a run result written by --format json or --out json=FILE.', { cause: error });
}

/** Reads and validates a saved run result (`diff`, `merge`); `shown` is how messages name it. */
export async function readRunResultFile(ctx: CliContext, shown: string): Promise<RunResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(ctx.cwd, shown));
  } catch (error) {
    throw readFailure(shown, error);
  }
  return parseRunResultBytes(bytes, shown);
}

function parseRunResultBytes(bytes: Buffer, shown: string): RunResult {
  const decoded = decodeUtf8(bytes);
  if ('problem' in decoded) throw new InputError(`${shown}: ${decoded.problem}`);
  return parseRunResult(decoded.text, shown);
}

/**
 * `report --from`: the saved run, its resources streamed from the file when it is as
 * `--format json` wrote it (a result of any size), else read whole with the same checks.
 */
export function openRunResultForReport(ctx: CliContext, shown: string): RunReport {
  const path = resolve(ctx.cwd, shown);
  const failure = (error: unknown): IoError => readFailure(shown, error);
  return openRunResultFile(
    path,
    shown,
    () => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        throw failure(error);
      }
      return parseRunResultBytes(bytes, shown);
    },
    failure,
  );
}
