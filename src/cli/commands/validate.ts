import type { CliContext } from '../context.js';
import type { ParsedInput } from '../command.js';
import { boolFlag, stringFlag } from '../command.js';
import { loadConfig } from '../../config/load-config.js';
import { ConfigError, UsageError } from '../../model/errors.js';
import type { DesiredState } from '../../model/desired-state.js';
import type { Diagnostic } from '../../model/location.js';
import { formatDiagnostic } from '../../model/location.js';
import { EXPIRING_WINDOW_MS, waiverTimeState } from '../../policy/waivers.js';
import { expiryEnd } from '../../util/time.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const DAY_MS = 86_400_000;

/**
 * Waivers that have stopped applying, or will within 14 days: a warning at review time, while
 * there is still time to renew the waiver or fix the drift (the nightly run would only notice later).
 */
export function waiverDiagnostics(state: DesiredState, nowMs: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const w of state.waivers) {
    const what = `waiver for ${w.resource} ${w.rule} (owner ${w.owner})`;
    const timeState = waiverTimeState(w, nowMs);
    if (timeState === 'expired') {
      out.push({
        location: w.location,
        message: `${what} expired ${w.expires}; it no longer applies and the check fails again`,
        rule: 'waiver-expired',
        severity: 'warning',
      });
    } else if (timeState === 'expiring') {
      const days = Math.max(0, Math.ceil(((expiryEnd(w.expires) ?? nowMs) - nowMs) / DAY_MS));
      out.push({
        location: w.location,
        message: `${what} expires ${w.expires} (in ${plural(days, 'day')}, within ${EXPIRING_WINDOW_MS / DAY_MS} days); renew it or fix the drift`,
        rule: 'waiver-expiring',
        severity: 'warning',
      });
    }
  }
  return out;
}

/** `validate --format json`: every diagnostic as data, for editors and CI bots. */
function jsonOutput(diagnostics: readonly Diagnostic[], state: DesiredState, rules: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return (
    JSON.stringify(
      {
        valid: errors === 0,
        summary: {
          files: state.files.length,
          providers: state.providers.length,
          resources: state.resources.length,
          waivers: state.waivers.length,
          policy_packs: state.policies.length,
          rules,
          errors,
          warnings: diagnostics.length - errors,
        },
        diagnostics: diagnostics.map((d) => ({
          file: d.location.file,
          line: d.location.line,
          column: d.location.column,
          severity: d.severity,
          code: d.rule,
          message: d.message,
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

/**
 * `driftwatch validate [PATH...]`: schema and semantic checks only — no network, no credentials.
 * Errors are thrown as one ConfigError so main.ts renders them like every other command's; with
 * `--format json` they are printed as data instead (exit 1 all the same).
 */
export async function run(ctx: CliContext, input: ParsedInput): Promise<number> {
  const format = stringFlag(input, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`validate: --format must be text or json, got '${format}'`);
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
  if (!diagnostics.some((d) => d.severity === 'error')) diagnostics.push(...waiverDiagnostics(state, ctx.now().getTime()));
  const failed = diagnostics.some((d) => d.severity === 'error');
  if (format === 'json') {
    ctx.stdout.write(jsonOutput(diagnostics, state, rules));
    return failed ? 1 : 0;
  }
  if (failed) throw new ConfigError(diagnostics);
  for (const warning of diagnostics) ctx.stderr.write(`${formatDiagnostic(warning)}\n`);
  ctx.stdout.write(
    `Valid: ${plural(state.files.length, 'file')}, ${plural(state.providers.length, 'provider')}, ` +
      `${plural(state.resources.length, 'resource')}, ${plural(state.waivers.length, 'waiver')}` +
      (state.policies.length > 0 ? `, ${plural(state.policies.length, 'policy pack')} (${plural(rules, 'rule')})` : '') +
      '.\n',
  );
  if (boolFlag(input, 'expand')) ctx.stdout.write(expansion(state));
  return 0;
}

function roleOf(credentials: DesiredState['providers'][number]['credentials']): string {
  return credentials.kind === 'assume_role' ? ` assumes ${credentials.roleArn}` : ` credentials ${credentials.kind}`;
}

/** `--expand`: what fanned-out providers and regions turn into, one line each (addresses are what reports show). */
function expansion(state: DesiredState): string {
  const lines: string[] = ['Providers:'];
  for (const p of state.providers) {
    lines.push(
      `  ${p.ref}${p.account !== undefined ? ` (account ${p.account})` : ''}${p.region !== undefined ? ` region ${p.region}` : ''}${roleOf(p.credentials)}`,
    );
  }
  lines.push('Resources:');
  for (const r of state.resources) {
    const provider = state.providers.find((p) => p.ref === r.provider);
    const region = r.region ?? provider?.region;
    lines.push(`  ${r.address} -> ${r.provider}${region !== undefined ? ` ${region}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
