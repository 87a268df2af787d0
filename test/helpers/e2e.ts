import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startSimulator } from '../../src/simulator/server.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { loadWorld } from '../../src/simulator/world.js';
import { REPO_ROOT } from './run-cli.js';

/** test/fixtures/e2e: providers.yaml, one main.yaml per scenario, and the world they run against. */
export const E2E_FIXTURES = join(REPO_ROOT, 'test/fixtures/e2e');

/** The fixed "now" of the e2e scenarios, so expiry checks do not change with the calendar. */
export const E2E_AS_OF = '2026-11-29T00:00:00Z';

/** The variables providers.yaml names; the values are the keys of the accounts in world.yaml. */
export const E2E_ENV = {
  E2E_TC_MAIN_ID: 'AKIDE2EMAIN0001',
  E2E_TC_MAIN_KEY: 'e2e-tencent-secret-main',
  E2E_TC_DENIED_ID: 'AKIDE2EDENIED0002',
  E2E_TC_DENIED_KEY: 'e2e-tencent-secret-denied',
  E2E_ALI_MAIN_ID: 'LTAIE2EMAIN0001',
  E2E_ALI_MAIN_KEY: 'e2e-alibaba-secret-main',
};

/**
 * Serves `worldFile` on a free loopback port from before the tests of the calling file (or
 * describe block) until after them. `simulator` can be read only inside tests and hooks.
 */
export function useSimulator(worldFile: string): { readonly simulator: RunningSimulator } {
  let simulator: RunningSimulator | undefined;
  beforeAll(async () => {
    simulator = await startSimulator({ world: await loadWorld(worldFile), host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await simulator?.close();
  });
  return {
    get simulator(): RunningSimulator {
      if (simulator === undefined) throw new Error(`the simulator for ${worldFile} is not running (read it inside a test)`);
      return simulator;
    },
  };
}

export interface E2eSession {
  /** The simulator serving the e2e world.yaml. */
  readonly simulator: RunningSimulator;
  /** A scratch directory, removed after the file's tests. */
  readonly work: string;
}

/** The e2e world's simulator and a scratch directory (`tmpPrefix` names it), for the CLI end-to-end files. */
export function useE2eSession(tmpPrefix: string): E2eSession {
  const served = useSimulator(join(E2E_FIXTURES, 'world.yaml'));
  let work: string | undefined;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), tmpPrefix));
  });
  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });
  return {
    get simulator(): RunningSimulator {
      return served.simulator;
    },
    get work(): string {
      if (work === undefined) throw new Error('the e2e work directory does not exist (read it inside a test)');
      return work;
    },
  };
}
