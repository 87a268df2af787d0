import type { Diagnostic } from './location.js';

/**
 * The small set of error classes the CLI knows how to show. Each has a stable `code` (for
 * scripts and tests) and a `hint` that says how to fix the problem; none carries a secret.
 */
export type ErrorCode = 'DW_USAGE' | 'DW_CONFIG_INVALID' | 'DW_INPUT_INVALID' | 'DW_CREDENTIALS' | 'DW_IO' | 'DW_REMOTE' | 'DW_INTERRUPTED';

export class DriftwatchError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, hint?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.hint = hint;
  }
}

/** Bad command line: unknown flag, missing argument, bad flag value. */
export class UsageError extends DriftwatchError {
  constructor(message: string, hint = 'Run `driftwatch --help` or `driftwatch <command> --help` for usage.') {
    super('DW_USAGE', message, hint);
  }
}

/** The configuration (or a policy / test file) failed validation; all problems at once. */
export class ConfigError extends DriftwatchError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[], what = 'configuration') {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    super('DW_CONFIG_INVALID', `${what} is invalid: ${errors} error${errors === 1 ? '' : 's'}`);
    this.diagnostics = diagnostics;
  }
}

/** A machine input (world file, snapshot, run result) that cannot be used; located where possible. */
export class InputError extends DriftwatchError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(message: string, hint?: string, diagnostics: readonly Diagnostic[] = []) {
    super('DW_INPUT_INVALID', message, hint);
    this.diagnostics = diagnostics;
  }
}

/** Credentials missing or half set; the message names the variables and files tried. */
export class CredentialsError extends DriftwatchError {
  constructor(message: string, hint?: string) {
    super('DW_CREDENTIALS', message, hint);
  }
}

/** A file could not be read or written. */
export class IoError extends DriftwatchError {
  constructor(message: string, hint?: string, options?: ErrorOptions) {
    super('DW_IO', message, hint, options);
  }
}

/** A command that needs a cloud's answer to proceed (e.g. `import`) got an API error instead. */
export class RemoteError extends DriftwatchError {
  constructor(message: string, hint?: string) {
    super('DW_REMOTE', message, hint);
  }
}

/** The run was interrupted (SIGINT/SIGTERM): nothing it saw counts, and no report is written. */
export class InterruptedError extends DriftwatchError {
  constructor() {
    super('DW_INTERRUPTED', 'interrupted before the run finished; no report was written', 'Run it again; a cancelled run proves nothing.');
  }
}
