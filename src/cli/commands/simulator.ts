import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { stringFlag } from '../command.js';
import { UsageError } from '../../model/errors.js';
import type { WorldAccount } from '../../simulator/world.js';
import { cloudAdapter } from '../../providers/clouds.js';

/** The package's own world: `dist/cli/commands/simulator.js` (or `src/...` in tests) is three levels down. */
const DEFAULT_WORLD = fileURLToPath(new URL('../../../examples/simulator/world.yaml', import.meta.url));

/** A fixed default so that a user can leave the simulator running and point configurations at it. */
const DEFAULT_PORT = 8931;

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`simulator: --port must be a number from 0 to 65535, got '${value}'`, 'Use --port 0 for a free port.');
  }
  return Number(value);
}

/** One line per account: the variables the vendors' credential chains read. The simulated keys are fake. */
function credentialLine(account: WorldAccount, keys: { readonly id: string; readonly secret: string }): string {
  const names = cloudAdapter(account.cloud).credentials.keyEnv;
  return `${account.cloud} ${account.name}: ${names.id}=${keys.id} ${names.secret}=${keys.secret}`;
}

/**
 * `simulator`: the built-in cloud endpoint until SIGINT/SIGTERM. The first stdout line is the base URL
 * (scripts read it, e.g. with `--port 0`), then one line of credentials per simulated account.
 */
export const simulatorCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const port = parsePort(stringFlag(input, 'port'));
    const host = stringFlag(input, 'host') ?? '127.0.0.1';
    const worldFlag = stringFlag(input, 'world');
    const logFlag = stringFlag(input, 'log');
    const { loadWorld } = await import('../../simulator/world.js');
    const { startSimulator } = await import('../../simulator/server.js');
    const { accountKeys } = await import('../../simulator/clouds.js');
    const world = await loadWorld(worldFlag === undefined ? DEFAULT_WORLD : resolve(ctx.cwd, worldFlag));
    const simulator = await startSimulator({
      world,
      host,
      port,
      now: ctx.now,
      ...(logFlag !== undefined ? { logFile: resolve(ctx.cwd, logFlag) } : {}),
    });
    try {
      ctx.stdout.write(`${simulator.url}\n`);
      for (const account of world.accounts) ctx.stdout.write(`${credentialLine(account, accountKeys(account))}\n`);
      const bound =
        host === '0.0.0.0' || host === '::' ? ` (bound to ${host}: all interfaces; other machines use this host's address)` : '';
      ctx.stderr.write(
        `driftwatch simulator: listening on ${simulator.url}${bound} (${world.accounts.length} accounts); Ctrl+C to stop.\n`,
      );
      if (!ctx.signal.aborted) {
        await new Promise<void>((resolveStop) => ctx.signal.addEventListener('abort', () => resolveStop(), { once: true }));
      }
      const total = simulator.stats().total;
      ctx.stderr.write(`driftwatch simulator: stopped after ${total.requests} request${total.requests === 1 ? '' : 's'}.\n`);
      return 0;
    } finally {
      await simulator.close();
    }
  },
};
