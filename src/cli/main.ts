#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import type { CliContext, OutputStream } from './context.js';
import type { CommandSpec, FlagSpec, ParsedInput } from './command.js';
import { COMMANDS } from './registry.js';
import { GLOBAL_FLAGS } from './flags.js';
import { commandHelp, mainHelp } from './help.js';
import { renderError } from './render-error.js';
import { toolVersion } from './version.js';
import { UsageError } from '../model/errors.js';
import { Redactor } from '../model/redactor.js';
import { credentialValues } from '../model/credential-env.js';

/** Finds the command named by the leading words of argv (e.g. `evidence verify`). */
function findCommand(argv: readonly string[]): { command: CommandSpec; rest: string[] } | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const candidates = [...COMMANDS].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of candidates) {
    const parts = command.name.split(' ');
    if (parts.every((p, i) => words[i] === p)) {
      const rest = [...argv];
      for (const p of parts) rest.splice(rest.indexOf(p), 1);
      return { command, rest };
    }
  }
  return undefined;
}

function parseUsage(error: unknown, command: CommandSpec): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const flags = Object.keys({ ...command.flags, ...GLOBAL_FLAGS }).map((f) => `--${f}`).join(', ');
  return new UsageError(
    `${command.name}: ${message.replace(/\. To specify a positional argument.*$/s, '')}`,
    `Expected: driftwatch ${command.usage}\n  Options: ${flags}`,
  );
}

function parse(command: CommandSpec, args: string[]): ParsedInput {
  const options: Record<string, FlagSpec> = { ...command.flags, ...GLOBAL_FLAGS };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(
        Object.entries(options).map(([name, spec]) => [
          name,
          { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw parseUsage(error, command);
  }
  const { values, positionals } = parsed;
  if (!values.help) {
    if (command.positionals === 'none' && positionals.length > 0) {
      throw new UsageError(`${command.name}: unexpected argument '${positionals[0]}'`, `Expected: driftwatch ${command.usage}`);
    }
    if (command.positionals === 'one' && positionals.length !== 1) {
      throw new UsageError(
        `${command.name}: expected exactly one ${command.positionalName ?? 'argument'}, got ${positionals.length}`,
        `Expected: driftwatch ${command.usage}`,
      );
    }
  }
  return { flags: values, positionals };
}

function stream(target: NodeJS.WriteStream, redactor: Redactor): OutputStream {
  // A reader that goes away (`driftwatch report ... | head`) is not an error worth a stack trace.
  target.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(1); // the output was not delivered: never report success
    throw error;
  });
  return { write: (text) => void target.write(redactor.redact(text)), isTTY: target.isTTY === true };
}

export async function main(argv: readonly string[]): Promise<number> {
  const redactor = new Redactor();
  // Before anything can print: offline commands (--observed, report --from) resolve no
  // credentials, yet their inputs or errors may still carry one.
  for (const value of credentialValues(process.env)) redactor.add(value);
  const debug = argv.includes('--debug');
  const noColor = argv.includes('--no-color') || (process.env.NO_COLOR ?? '') !== '';
  // Whatever ends the process (a signal handler's process.exit included), no temporary of an
  // atomic write is left behind: 'exit' handlers run synchronously on every exit path.
  const tempFiles = new Set<string>();
  const removeTemps = (): void => {
    for (const temp of tempFiles) rmSync(temp, { recursive: true, force: true });
  };
  process.on('exit', removeTemps);
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  const ctx: CliContext = {
    argv,
    env: process.env,
    cwd: process.cwd(),
    stdout: stream(process.stdout, redactor),
    stderr: stream(process.stderr, redactor),
    color: !noColor && process.stdout.isTTY === true,
    debug,
    now: () => new Date(),
    redactor,
    signal: controller.signal,
    tempFiles,
  };
  try {
    if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version') {
      ctx.stdout.write(`${toolVersion()}\n`);
      return 0;
    }
    const found = findCommand(argv);
    if (!found) {
      const first = argv.find((a) => !a.startsWith('-'));
      if (first === undefined) {
        (argv.length === 0 || argv.some((a) => a === '--help' || a === '-h') ? ctx.stdout : ctx.stderr).write(
          mainHelp(COMMANDS, toolVersion()),
        );
        return argv.length === 0 || argv.some((a) => a === '--help' || a === '-h') ? 0 : 1;
      }
      const names = COMMANDS.map((c) => c.name);
      throw new UsageError(`unknown command '${first}'`, `Expected one of: ${names.join(', ')}. Run \`driftwatch --help\`.`);
    }
    const input = parse(found.command, found.rest);
    if (input.flags.help) {
      ctx.stdout.write(commandHelp(found.command));
      return 0;
    }
    const module = await found.command.load();
    return await module.run(ctx, input);
  } catch (error) {
    ctx.stderr.write(renderError(error, debug));
    return 1;
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}

process.exitCode = await main(process.argv.slice(2));
