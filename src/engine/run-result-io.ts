import { InputError } from '../model/errors.js';
import { isJsonObject } from '../model/json.js';
import type { RunResult } from '../model/run-result.js';
import { assertValid, checkFormatVersion, compileSchemaFile, parseJsonInput } from './json-input.js';

export const RUN_RESULT_SCHEMA_FILE = 'run-result.schema.json';

/**
 * Reads a saved run result (`report --from`). Format 1 only; validated against
 * schemas/run-result.schema.json so a reporter never meets a shape it does not expect.
 */
export function parseRunResult(text: string, file: string): RunResult {
  const data = parseJsonInput(text, file, 'the run result');
  if (isJsonObject(data) && data['kind'] === 'driftwatch-observations') {
    throw new InputError(
      `${file} is an observation snapshot, not a run result`,
      'Evaluate it with `driftwatch plan --observed FILE`; `report --from` reads the output of `--format json`.',
    );
  }
  checkFormatVersion(data, file, 'run result');
  assertValid(compileSchemaFile(RUN_RESULT_SCHEMA_FILE)(data), text, file, 'the run result');
  return data as RunResult;
}
