import type { CliContext } from './context.js';

/** A flag as `util.parseArgs` takes it, plus what `--help` prints. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** Placeholder shown in help, e.g. `FILE`. */
  readonly value?: string;
  readonly description: string;
}

export type FlagValue = string | boolean | (string | boolean)[] | undefined;

export interface ParsedInput {
  readonly flags: Readonly<Record<string, FlagValue>>;
  readonly positionals: readonly string[];
}

export function stringFlag(input: ParsedInput, name: string): string | undefined {
  const value = input.flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function listFlag(input: ParsedInput, name: string): string[] {
  const value = input.flags[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function boolFlag(input: ParsedInput, name: string): boolean {
  return input.flags[name] === true;
}

export interface CommandModule {
  run(ctx: CliContext, input: ParsedInput): Promise<number>;
}

export interface CommandSpec {
  /** Words after `driftwatch`, e.g. `validate` or `evidence verify`. */
  readonly name: string;
  readonly summary: string;
  /** Usage line after `driftwatch `. */
  readonly usage: string;
  readonly description?: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Positional arguments: `none`, `any` (zero or more), or `one`. */
  readonly positionals: 'none' | 'any' | 'one';
  readonly positionalName?: string;
  /** Command lines shown under "Examples:" in `--help` (a test requires at least one per command). */
  readonly examples?: readonly string[];
  /**
   * True for a server (`simulator`): SIGINT/SIGTERM is its normal stop (exit 0, not an interrupted
   * run), and a reader that closes stdout after the first line (`| head -1`) does not stop it.
   */
  readonly server?: boolean;
  /** Loaded only when the command runs, so `--version` and `--help` stay fast. */
  load(): Promise<CommandModule>;
}
