import type { CliContext } from '../context.js';
import type { ParsedInput } from '../command.js';
import { loadConfig } from '../../config/load-config.js';
import { ConfigError } from '../../model/errors.js';
import { formatDiagnostic } from '../../model/location.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * `driftwatch validate [PATH...]`: schema and semantic checks only — no network, no credentials.
 * Errors are thrown as one ConfigError so main.ts renders them like every other command's.
 */
export async function run(ctx: CliContext, input: ParsedInput): Promise<number> {
  const loaded = await loadConfig(input.positionals, { cwd: ctx.cwd, env: ctx.env });
  const { state } = loaded;
  const diagnostics = [...loaded.diagnostics];
  let rules = 0;
  if (state.policies.length > 0 && !diagnostics.some((d) => d.severity === 'error')) {
    // Policy files are validated too (located errors like the configuration's); loaded only when referenced.
    const { loadPolicyPacks } = await import('../../policy/policy-file.js');
    const policies = await loadPolicyPacks(state.policies, { cwd: ctx.cwd });
    diagnostics.push(...policies.diagnostics);
    rules = policies.packs.reduce((n, pack) => n + pack.rules.length, 0);
  }
  if (diagnostics.some((d) => d.severity === 'error')) throw new ConfigError(diagnostics);
  for (const warning of diagnostics) ctx.stderr.write(`${formatDiagnostic(warning)}\n`);
  ctx.stdout.write(
    `Valid: ${plural(state.files.length, 'file')}, ${plural(state.providers.length, 'provider')}, ` +
      `${plural(state.resources.length, 'resource')}, ${plural(state.waivers.length, 'waiver')}` +
      (state.policies.length > 0 ? `, ${plural(state.policies.length, 'policy pack')} (${plural(rules, 'rule')})` : '') +
      '.\n',
  );
  return 0;
}
