import { CLOUDS } from '../model/clouds.js';
import type { Cloud } from '../model/clouds.js';
import type { CloudSimulator } from './cloud-simulator.js';
import type { WorldAccount } from './world.js';
import { alicloudSimulator } from './alicloud/adapter.js';
import type { AlibabaKeyIndex } from './alicloud/adapter.js';
import { tencentcloudSimulator } from './tencentcloud/adapter.js';
import type { TencentKeyIndex } from './tencentcloud/adapter.js';

/** Every cloud's static-key index (CloudSimulator.indexKeys): the router context holds them all. */
export type CloudKeyIndexes = TencentKeyIndex & AlibabaKeyIndex;

/** The simulator of each cloud, typed by the world accounts of that cloud. */
export type CloudSimulators = { readonly [C in Cloud]: CloudSimulator<Extract<WorldAccount, { readonly cloud: C }>> };

/**
 * The cloud registry of the simulator: one simulator per cloud of model/clouds.ts (the mapped type
 * makes a missing one a type error). A new cloud is a folder simulator/<cloud>/ with its adapter
 * and one line here. Built per lookup, not held in a constant, for the reason given in
 * providers/clouds.ts (the adapters' modules reach this registry back through sts.ts).
 */
function simulators(): CloudSimulators {
  return { tencentcloud: tencentcloudSimulator, alicloud: alicloudSimulator };
}

/**
 * The simulator of a cloud, for an account or request of any cloud. The adapter of cloud C only
 * ever receives accounts of cloud C: callers pass an account together with its own cloud.
 */
export function cloudSimulator(cloud: Cloud): CloudSimulator {
  return simulators()[cloud];
}

/** The router context's key indexes of the world's accounts, every cloud's under its own field. */
export function indexKeys(accounts: readonly WorldAccount[]): CloudKeyIndexes {
  return Object.assign({}, ...cloudSimulators().map((s) => s.indexKeys(accounts))) as CloudKeyIndexes;
}

/** A world account's static key (id, secret and any token), whatever its cloud. */
export function accountKeys(account: WorldAccount): { readonly id: string; readonly secret: string; readonly token?: string } {
  return cloudSimulator(account.cloud).keys(account);
}

/** Every cloud's simulator, in the order of model/clouds.ts (which is also the order requests are recognised in). */
export function cloudSimulators(): readonly CloudSimulator[] {
  const all = simulators();
  return CLOUDS.map((c) => all[c] as unknown as CloudSimulator);
}
