import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ResourceTypeName } from '../model/resource-types.js';
import type { ResourceType } from './define.js';
import { BUILTIN_TYPES, RESOURCE_TYPES, createTypeRegistry } from './registry.js';

/** The roles every type folder has, and nothing else (tests beside them are free). */
const FILE_ROLES = ['fields.ts', 'index.ts'];

const ROOT = fileURLToPath(new URL('./', import.meta.url));

function typeFolders(): string[] {
  return readdirSync(ROOT)
    .filter((name) => statSync(`${ROOT}${name}`).isDirectory())
    .sort();
}

function isResourceType(value: unknown): value is ResourceType {
  return typeof value === 'object' && value !== null && 'declaration' in value && 'spec' in value && 'responseSchema' in value;
}

describe('the resource-type registry', () => {
  it('has one folder per registered type, each with the same file roles, exporting its one declaration', async () => {
    const folders = typeFolders();
    expect(folders.length).toBeGreaterThan(0);
    const found: string[] = [];
    for (const folder of folders) {
      const files = readdirSync(`${ROOT}${folder}`)
        .filter((f) => !f.endsWith('.test.ts'))
        .sort();
      expect(files, `src/resources/${folder}/`).toEqual(FILE_ROLES);
      const mod = (await import(pathToFileURL(`${ROOT}${folder}/index.ts`).href)) as Record<string, unknown>;
      const types = Object.values(mod).filter(isResourceType);
      expect(types, `src/resources/${folder}/index.ts exports one defineResourceType(…)`).toHaveLength(1);
      const type = types[0] as ResourceType;
      // The folder is named after the type, so the one for a type is found without a search.
      expect(folder).toBe(type.spec.name.replaceAll('_', '-'));
      expect(BUILTIN_TYPES.get(type.spec.name), `${type.spec.name} (src/resources/${folder}/) is not registered in registry.ts`).toBe(type);
      found.push(type.spec.name);
    }
    expect(BUILTIN_TYPES.types.map((t) => t.spec.name).sort()).toEqual(found.sort());
  });

  it('is the catalog, and the names are the ResourceTypeName union', () => {
    expect(RESOURCE_TYPES).toBe(BUILTIN_TYPES.catalog);
    const names: readonly ResourceTypeName[] = [
      'tencentcloud_kms_service',
      'tencentcloud_tcss_subscription',
      'alicloud_kms_instance',
      'alicloud_cas_private_ca',
    ];
    // Each union member is registered, and nothing else is (a new type extends the union too).
    const exhaustive: Record<ResourceTypeName, true> = {
      tencentcloud_kms_service: true,
      tencentcloud_tcss_subscription: true,
      alicloud_kms_instance: true,
      alicloud_cas_private_ca: true,
    };
    expect(Object.keys(exhaustive)).toEqual(names);
    expect(RESOURCE_TYPES.map((t) => t.name)).toEqual(names);
  });

  describe.each(BUILTIN_TYPES.types.map((t) => [t.spec.name, t] as const))('%s declaration', (_name, type) => {
    const d = type.declaration;
    const fields = Object.keys(d.fields);

    it('reads only declared vendor fields, and each attribute once', () => {
      for (const attribute of d.attributes) {
        for (const field of attribute.reads) expect(fields, `${attribute.spec.name} reads ${field}`).toContain(field);
      }
      const names = d.attributes.map((a) => a.spec.name);
      expect(new Set(names).size).toBe(names.length);
    });

    it('imports only catalog attributes, expiries being timestamps', () => {
      for (const { attribute, expiry } of d.import.expect) {
        const spec = type.spec.attributes.find((a) => a.name === attribute);
        expect(spec, attribute).toBeDefined();
        if (expiry) expect(spec?.kind).toBe('timestamp');
      }
    });

    it('gives the simulator a world object for every vendor field it reads', () => {
      for (const field of fields) {
        // The id of an object body is how the simulator says "released"; every other read field is in the world.
        expect(Object.keys(d.world.fields), `world ${d.world.key}.${field}`).toContain(field);
      }
      for (const field of d.world.nullable) if (field !== '*') expect(Object.keys(d.world.fields)).toContain(field);
    });

    it('declares absence proofs only for an instance-scoped type', () => {
      if (d.identifiers.length === 0) expect(d.absence).toEqual([]);
      else expect(d.absence.length).toBeGreaterThan(0);
    });
  });

  it('refuses a type registered twice, and extends without changing the built-in registry', () => {
    const first = BUILTIN_TYPES.types[0] as ResourceType;
    expect(() => BUILTIN_TYPES.with(first)).toThrow(/registered twice/);
    const copy = createTypeRegistry(BUILTIN_TYPES.types);
    expect(copy.builtin).toBe(false);
    expect(BUILTIN_TYPES.builtin).toBe(true);
    expect(copy.catalog).toEqual(BUILTIN_TYPES.catalog);
  });
});
