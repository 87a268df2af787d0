import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLOUD_IDENTITIES, CLOUDS } from '../model/clouds.js';
import { RESOURCE_TYPES } from '../resources/registry.js';
import { cloudSimulator, cloudSimulators } from '../simulator/clouds.js';
import { APIS } from '../simulator/apis.js';
import { cloudAdapter, cloudAdapters } from './clouds.js';
import { RESOURCE_TYPE_DEFINITIONS } from './registry.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** Folders of a layer that hold a cloud adapter (the other folders there, like http/, are generic). */
function adapterFolders(layer: string): string[] {
  return readdirSync(new URL(`${layer}/`, `file://${SRC}`), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(new URL(`${layer}/${e.name}/adapter.ts`, `file://${SRC}`)))
    .map((e) => e.name)
    .sort();
}

describe('the cloud registries', () => {
  it('register one client adapter and one simulator per cloud, each in its own folder', () => {
    expect(cloudAdapters().map((a) => a.cloud)).toEqual(CLOUDS);
    expect(cloudSimulators().map((s) => s.cloud)).toEqual(CLOUDS);
    expect(adapterFolders('providers')).toEqual([...CLOUDS].sort());
    expect(adapterFolders('simulator')).toEqual([...CLOUDS].sort());
    for (const cloud of CLOUDS) {
      expect(cloudAdapter(cloud).cloud).toBe(cloud);
      expect(cloudAdapter(cloud).identity).toBe(CLOUD_IDENTITIES[cloud]);
      expect(cloudSimulator(cloud).cloud).toBe(cloud);
    }
  });

  it('give every product a cloud serves an endpoint table of that cloud', () => {
    for (const adapter of cloudAdapters()) {
      for (const table of adapter.endpoints.tables) expect(table.cloud).toBe(adapter.cloud);
      const served = new Set(adapter.endpoints.tables.map((t) => t.product));
      for (const definition of RESOURCE_TYPE_DEFINITIONS.filter((d) => d.spec.cloud === adapter.cloud)) {
        expect(served.has(definition.api.product), `${definition.spec.name}: ${adapter.cloud} has no ${definition.api.product} table`).toBe(
          true,
        );
      }
    }
  });

  it('give each cloud resource types and simulated APIs, STS included', () => {
    for (const cloud of CLOUDS) {
      expect(
        RESOURCE_TYPES.some((t) => t.cloud === cloud),
        cloud,
      ).toBe(true);
      expect(
        APIS.some((a) => a.cloud === cloud && a.product === 'sts'),
        cloud,
      ).toBe(true);
      const adapter = cloudAdapter(cloud);
      expect(adapter.rateLimits.stsQps).toBeGreaterThan(0);
      expect(adapter.credentials.refreshMarginMs).toBeGreaterThan(0);
      expect(adapter.errors.clockSkewMinutes).toBeGreaterThan(0);
    }
  });

  it('build STS calls the simulator routes to the same cloud', () => {
    for (const cloud of CLOUDS) {
      const plan = {
        kind: 'assume_role' as const,
        cloud,
        roleArn: CLOUD_IDENTITIES[cloud].roleArn.example,
        sessionName: 'driftwatch',
        externalId: undefined,
        durationSeconds: 3600,
        source: { id: 'id', secret: 'secret', source: 'test' },
        where: 'test',
      };
      const call = cloudAdapter(cloud).credentials.assumeRoleCall(plan, {
        RoleArn: plan.roleArn,
        RoleSessionName: 'driftwatch',
        DurationSeconds: '3600',
      });
      expect(call.cloud).toBe(cloud);
      expect(APIS.find((a) => a.cloud === cloud && a.name === call.action)?.version).toBe(call.version);
    }
  });

  it('write an init template per cloud that names only its own provider', () => {
    for (const adapter of cloudAdapters()) {
      const lines = adapter.init.providerLines(adapter.init.defaultRegion).join('\n');
      expect(lines.startsWith(`  ${adapter.cloud}:`)).toBe(true);
      for (const other of CLOUDS.filter((c) => c !== adapter.cloud)) expect(lines).not.toContain(`  ${other}:`);
      expect(lines).toContain(adapter.credentials.keyEnv.id);
    }
  });
});
