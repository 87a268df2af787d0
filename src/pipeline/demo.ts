import { fileURLToPath } from 'node:url';
import type { RunContext } from './context.js';
import { runCheck } from './run.js';
import type { World, WorldAccount } from '../simulator/world.js';
import { CLOUDS } from '../model/clouds.js';
import { cloudAdapter } from '../providers/clouds.js';

/** The package root: `dist/pipeline/demo.js` (or `src/...` in tests) is two levels down. */
const packagePath = (relative: string): string => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

/** The demo evaluates as of a fixed day so its story (one item expiring within 30 days) never goes stale. */
const DEMO_AS_OF = new Date('2026-11-29T00:00:00Z');

/** Variables the vendors' credential chains read, so the demo never picks up a real account's keys. */
const CLOUD_ENV = /^(TENCENTCLOUD_|ALIBABA_CLOUD_|ALIBABACLOUD_|ALICLOUD_|TCCLI_)|^(ACCESS_KEY_ID|ACCESS_KEY_SECRET|SECURITY_TOKEN)$/;

/** The simulator's first account per cloud, as the environment variables of the standard chains. */
function simulatedCredentials(
  world: World,
  keysOf: (account: WorldAccount) => { readonly id: string; readonly secret: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const cloud of CLOUDS) {
    const account = world.accounts.find((a) => a.cloud === cloud);
    if (account === undefined) continue;
    const keys = keysOf(account);
    const names = cloudAdapter(cloud).credentials.keyEnv;
    env[names.id] = keys.id;
    env[names.secret] = keys.secret;
  }
  return env;
}

/**
 * `demo`: the built-in simulator on a free loopback port with the examples' world, then `plan`
 * on `examples/` against it — no cloud account, no credentials, no network.
 */
export async function runDemo(ctx: RunContext, request: { readonly progress: boolean }): Promise<void> {
  const { loadWorld } = await import('../simulator/world.js');
  const { startSimulator } = await import('../simulator/server.js');
  const { accountKeys } = await import('../simulator/clouds.js');
  const world = await loadWorld(packagePath('examples/simulator/world.yaml'));
  const simulator = await startSimulator({ world, host: '127.0.0.1', port: 0 });
  try {
    ctx.stderr.write(
      `driftwatch demo: simulated clouds at ${simulator.url}; checking examples/ as of ${DEMO_AS_OF.toISOString().slice(0, 10)}\n\n`,
    );
    const env = Object.fromEntries(Object.entries(ctx.env).filter(([name]) => !CLOUD_ENV.test(name)));
    await runCheck(
      { ...ctx, env: { ...env, ...simulatedCredentials(world, accountKeys) } },
      {
        paths: [packagePath('examples')],
        format: 'text',
        outputs: [],
        targets: [],
        asOf: DEMO_AS_OF,
        endpoint: simulator.url,
        failOn: 'low',
        progress: request.progress,
      },
    );
  } finally {
    await simulator.close();
  }
}
