#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import type { CliContext } from './context.js';
import type { OutputStream } from '../pipeline/context.js';
import type { CommandSpec, FlagSpec, ParsedInput } from './command.js';
import { COMMANDS } from './registry.js';
import { GLOBAL_FLAGS } from './flags.js';
import { commandHelp, groupHelp, mainHelp } from './help.js';
import { renderError } from './render-error.js';
import { toolVersion } from '../util/version.js';
import { InterruptedError, UsageError } from '../model/errors.js';
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
  const flags = Object.keys({ ...command.flags, ...GLOBAL_FLAGS })
    .map((f) => `--${f}`)
    .join(', ');
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
      tokens: true,
    });
  } catch (error) {
    throw parseUsage(error, command);
  }
  const { values, positionals, tokens } = parsed;
  // parseArgs keeps the last of a repeated single-value flag; a script that says
  // `--format json --format text` has a bug that silently picking one would hide.
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || options[token.name]?.multiple || options[token.name]?.type !== 'string') continue;
    if (seen.has(token.name)) {
      throw new UsageError(`${command.name}: --${token.name} was given more than once`, `--${token.name} takes one value; pass it once.`);
    }
    seen.add(token.name);
  }
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

function stream(target: NodeJS.WriteStream, redactor: Redactor, keepServing: () => boolean): OutputStream {
  let closed = false;
  // A reader that goes away (`driftwatch report ... | head`) is not an error worth a stack trace.
  target.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
    // A server's stdout is a courtesy (the URL for `| head -1`): it keeps serving without it.
    if (keepServing()) return;
    process.exit(1); // the output was not delivered: never report success
  });
  return {
    write: (text) => {
      if (!closed) target.write(redactor.redact(text));
    },
    drained: () =>
      closed || !target.writableNeedDrain
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = (): void => {
              for (const event of ['drain', 'close', 'error'] as const) target.off(event, done);
              resolve();
            };
            for (const event of ['drain', 'close', 'error'] as const) target.on(event, done);
          }),
    isTTY: target.isTTY === true,
  };
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
  /** Set once the command is known: `simulator` stops cleanly on a signal, everything else is interrupted. */
  let server = false;
  const onSignal = (): void => {
    controller.abort();
    if (server) return;
    // A run cut short proves nothing: exit 1 at once, whatever was in flight (a hung request, a
    // rate-limit wait). Reports are written atomically, so none is left half-written.
    if (process.stderr.isTTY) process.stderr.write('\u001b[?25h'); // the progress display hides the cursor
    process.stderr.write(renderError(new InterruptedError(), false));
    process.exit(1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const ctx: CliContext = {
    argv,
    env: process.env,
    cwd: process.cwd(),
    stdout: stream(process.stdout, redactor, () => server),
    stderr: stream(process.stderr, redactor, () => server),
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
    if (argv[0] === 'help') return await helpCommand(ctx, argv.slice(1));
    const found = findCommand(argv);
    if (!found) {
      const first = argv.find((a) => !a.startsWith('-'));
      const group = first === undefined ? [] : COMMANDS.filter((c) => c.name.startsWith(`${first} `));
      if (group.length > 0) {
        // `driftwatch evidence` / `driftwatch evidence --help`: the subcommands of the group.
        const asked = argv.some((a) => a === '--help' || a === '-h');
        (asked ? ctx.stdout : ctx.stderr).write(groupHelp(first as string, group));
        return asked ? 0 : 1;
      }
      if (first === undefined) {
        (argv.length === 0 || argv.some((a) => a === '--help' || a === '-h') ? ctx.stdout : ctx.stderr).write(
          mainHelp(COMMANDS, toolVersion()),
        );
        return argv.length === 0 || argv.some((a) => a === '--help' || a === '-h') ? 0 : 1;
      }
      const names = COMMANDS.map((c) => c.name);
      throw new UsageError(`unknown command '${first}'`, `Expected one of: ${names.join(', ')}. Run \`driftwatch --help\`.`);
    }
    server = found.command.server === true;
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
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `driftwatch help [COMMAND]`: the same text as `--help`, for people who type it the git way. */
async function helpCommand(ctx: CliContext, words: readonly string[]): Promise<number> {
  const named = words.filter((w) => !w.startsWith('-'));
  if (named.length === 0) {
    ctx.stdout.write(mainHelp(COMMANDS, toolVersion()));
    return 0;
  }
  const wanted = named.join(' ');
  const command = COMMANDS.find((c) => c.name === wanted);
  if (command) {
    ctx.stdout.write(commandHelp(command));
    return 0;
  }
  const group = COMMANDS.filter((c) => c.name.startsWith(`${wanted} `));
  if (group.length > 0) {
    ctx.stdout.write(groupHelp(wanted, group));
    return 0;
  }
  const { didYouMean } = await import('../util/did-you-mean.js');
  const suggestion = didYouMean(
    wanted,
    COMMANDS.map((c) => c.name),
  );
  throw new UsageError(
    `help: unknown command '${wanted}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
    `Expected one of: ${COMMANDS.map((c) => c.name).join(', ')}.`,
  );
}

process.exitCode = await main(process.argv.slice(2));
