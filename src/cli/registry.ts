import type { CommandSpec } from './command.js';

/**
 * Every command the CLI offers. A command is listed here only once it is implemented; each loads
 * its module lazily so that `--version` and `--help` do not pay for YAML, ajv or undici.
 */
export const COMMANDS: readonly CommandSpec[] = [];
