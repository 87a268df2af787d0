import { ConfigError, DriftwatchError, InputError } from '../model/errors.js';
import { formatDiagnostic } from '../model/location.js';

/**
 * Turns any thrown value into what the user sees on stderr. Known errors are one clear message
 * with the fix; anything else is a bug, with the stack only under `--debug`.
 */
export function renderError(error: unknown, debug: boolean): string {
  if (error instanceof ConfigError || error instanceof InputError) {
    const lines = error.diagnostics.map(formatDiagnostic);
    lines.push(`Error: ${error.message}`);
    if (error.hint) lines.push(`  ${error.hint}`);
    return lines.join('\n') + '\n';
  }
  if (error instanceof DriftwatchError) {
    return `Error: ${error.message}\n` + (error.hint ? `  ${error.hint}\n` : '');
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return (
    `Error: driftwatch failed unexpectedly — this is a bug (${detail}).\n` +
    `  Please report it with the output of the same command run with --debug.${stack}\n`
  );
}
