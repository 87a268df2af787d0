import type { CommandSpec, FlagSpec } from './command.js';
import { GLOBAL_FLAGS } from './flags.js';

function flagLines(flags: Readonly<Record<string, FlagSpec>>): string[] {
  const rows = Object.entries(flags).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const value = spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : '';
    return [`  ${short}--${name}${value}`, spec.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => left.padEnd(width) + right);
}

export function mainHelp(commands: readonly CommandSpec[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    `driftwatch ${version} — prove your cloud security services are in the state you declared`,
    '',
    'Usage: driftwatch <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Options:',
    '  -v, --version  Print the version.',
    ...flagLines(GLOBAL_FLAGS),
    '',
    'Run `driftwatch help <command>` (or `driftwatch <command> --help`) for the options and examples of a command.',
    '',
  ].join('\n');
}

export function commandHelp(command: CommandSpec): string {
  return [
    `Usage: driftwatch ${command.usage}`,
    '',
    command.summary,
    ...(command.description ? ['', command.description] : []),
    '',
    'Options:',
    ...flagLines({ ...command.flags, ...GLOBAL_FLAGS }),
    ...(command.examples && command.examples.length > 0 ? ['', 'Examples:', ...command.examples.map((e) => `  ${e}`)] : []),
    '',
  ].join('\n');
}

/** Help for a word that only starts commands, e.g. `evidence` (`evidence verify`). */
export function groupHelp(group: string, commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    `Usage: driftwatch ${group} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    ...commands.flatMap((c) =>
      c.examples && c.examples.length > 0 ? [`Examples (${c.name}):`, ...c.examples.map((e) => `  ${e}`), ''] : [],
    ),
    `Run \`driftwatch help ${commands[0]?.name ?? group}\` for the options of a command.`,
    '',
  ].join('\n');
}
