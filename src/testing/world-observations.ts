import { readFile } from 'node:fs/promises';
import { observe } from '../engine/observe.js';
import { planCalls } from '../engine/plan-calls.js';
import type { DesiredState, ProviderConfig } from '../model/desired-state.js';
import { CredentialsError, InputError } from '../model/errors.js';
import type { Observation } from '../model/observation.js';
import { Redactor } from '../model/redactor.js';
import { createCallExecutor } from '../providers/call-executor.js';
import { defaultQpsFor, definitionFor } from '../providers/registry.js';
import type { Credentials } from '../providers/types.js';
import type { World, WorldAccount } from '../simulator/world.js';

/**
 * Observations from a simulator world file (design.md §7): the world is served by the built-in
 * simulator on a free loopback port for the duration of one test case and observed through the
 * real providers — signing, envelopes, normalizers, error classification — exactly as `plan`
 * would against the clouds. Nothing leaves the machine.
 *
 * Every provider of a cloud signs with the world's FIRST account of that cloud (the
 * configuration's `credentials:` are not consulted), as `driftwatch demo` does.
 */

export interface WorldObservationOptions {
  /** The world file's path and its name as shown in messages. */
  readonly path: string;
  readonly shown: string;
}

function worldCredentials(
  world: World,
  keysOf: (account: WorldAccount) => { readonly id: string; readonly secret: string; readonly token?: string },
): Map<string, Credentials> {
  const out = new Map<string, Credentials>();
  for (const account of world.accounts) {
    if (out.has(account.cloud)) continue;
    const { id, secret, token } = keysOf(account);
    out.set(account.cloud, { id, secret, ...(token ? { token } : {}), source: 'world file' });
  }
  return out;
}

/** Serves the world on loopback, observes every resource of the state, and stops the simulator. */
export async function observeWorld(state: DesiredState, options: WorldObservationOptions): Promise<Observation[]> {
  // The simulator is loaded only by tests that use a world file.
  const { parseWorld } = await import('../simulator/world.js');
  const { startSimulator } = await import('../simulator/server.js');
  const { accountKeys } = await import('../simulator/clouds.js');
  let text: string;
  try {
    text = await readFile(options.path, 'utf8');
  } catch {
    throw new InputError(`cannot read world file ${options.shown}`, 'Pass a world file path relative to the test file.');
  }
  const world = parseWorld(text, options.shown);
  const credentials = worldCredentials(world, accountKeys);
  const redactor = new Redactor();
  for (const c of credentials.values()) {
    redactor.add(c.secret);
    redactor.add(c.token);
  }
  const simulator = await startSimulator({ world, host: '127.0.0.1', port: 0 });
  try {
    const executor = createCallExecutor({
      resolveCredentials: (provider: ProviderConfig) => {
        const found = credentials.get(provider.cloud);
        if (!found)
          throw new CredentialsError(`the world file ${options.shown} has no ${provider.cloud} account for provider ${provider.ref}`);
        return found;
      },
      endpointOverride: simulator.url,
      defaultQps: defaultQpsFor,
      redactor,
    });
    try {
      const observations = await observe(planCalls(state, definitionFor), {
        execute: executor.execute,
        definitionFor,
        now: () => new Date(),
      });
      return redactor.redactValue(observations);
    } finally {
      await executor.close();
    }
  } finally {
    await simulator.close();
  }
}
