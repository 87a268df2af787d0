import type { JsonObject, JsonValue } from '../model/json.js';
import { isJsonObject } from '../model/json.js';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';
import type { Cloud } from '../model/resource-types.js';
import type { Diagnostic, SourceLocation } from '../model/location.js';
import { childPositions, keyIndex } from '../util/load-yaml.js';
import type { EntryPositions, PathSegment, YamlSource } from '../util/load-yaml.js';
import { buildResource, Interner } from './build-resource.js';
import type { CollectedResource, SpecCache } from './build-resource.js';
import { CLOUDS } from './schema.js';

/** One file after parsing and interpolation. */
export interface LoadedFile {
  readonly source: YamlSource;
  readonly value: JsonValue;
}

export interface Entry<T> {
  readonly source: YamlSource;
  readonly path: readonly PathSegment[];
  readonly node: T;
}

/** A named block (a provider or a resource), located as it was collected. */
export interface NamedEntry extends Entry<JsonObject> {
  /** Where its name is written. */
  readonly keyLocation: SourceLocation;
  /** The positions of its own entries, in Object.keys order. */
  readonly positions: EntryPositions;
}

export interface ProviderEntry extends NamedEntry {
  readonly cloud: Cloud;
  readonly alias: string;
  readonly ref: string;
}

/**
 * Every block of every file, in load order, with where it came from. Resources are read as they
 * are collected and keep nothing of their file, so a file whose other blocks are only `version:`
 * is not held once collected (the other blocks are few and small, and keep their file).
 */
export interface Collected {
  /** The files' names as diagnostics show them. */
  readonly files: readonly string[];
  /** Whether a file declares `version:` (missing-version). */
  readonly versionDeclared: boolean;
  readonly providers: readonly ProviderEntry[];
  readonly resources: readonly CollectedResource[];
  /** Problems with the resources' expectations, in load order. */
  readonly resourceDiagnostics: readonly Diagnostic[];
  readonly waivers: readonly Entry<JsonObject>[];
  readonly policies: readonly Entry<string>[];
  readonly snapshots: readonly Entry<JsonObject>[];
  /** `report.tz` of each file that sets it. */
  readonly reportTimeZones: readonly Entry<string>[];
  readonly history: readonly Entry<JsonObject>[];
  /** `notify:` targets; `raw` is the target as written, before `${env.NAME}` was interpolated. */
  readonly notify: readonly (Entry<JsonObject> & { readonly raw: JsonObject })[];
}

export interface CollectOptions {
  readonly types?: TypeRegistry;
  /** `type.name` + attribute of expectations the schema rejected (ajv-errors.ts). */
  readonly flagged?: ReadonlySet<string>;
  /** Shared by the files of one load, so that they share the strings the state keeps. */
  readonly interner?: Interner;
}

/**
 * Gathers the blocks of all files, skipping shapes the schema already rejected (a resource that
 * is not a map, an unknown type) so later phases only see what they can reason about.
 */
export function collect(files: readonly LoadedFile[], options: CollectOptions = {}): Collected {
  const types = options.types ?? BUILTIN_TYPES;
  const flagged = options.flagged ?? new Set<string>();
  const interner = options.interner ?? new Interner();
  let versionDeclared = false;
  const providers: ProviderEntry[] = [];
  const resources: CollectedResource[] = [];
  const resourceDiagnostics: Diagnostic[] = [];
  const waivers: Entry<JsonObject>[] = [];
  const policies: Entry<string>[] = [];
  const snapshots: Entry<JsonObject>[] = [];
  const reportTimeZones: Entry<string>[] = [];
  const history: Entry<JsonObject>[] = [];
  const notify: (Entry<JsonObject> & { raw: JsonObject })[] = [];
  for (const file of files) {
    const { source, value } = file;
    if (!isJsonObject(value)) continue;
    if ('version' in value) versionDeclared = true;
    // Blocks are walked in Object.keys order, reading each one's position by its index.
    const providerBlock = value.providers;
    if (isJsonObject(providerBlock)) {
      const inBlock = childPositions(source, source.positions, keyIndex(value, 'providers'), ['providers'], providerBlock);
      for (const cloud of CLOUDS) {
        const aliases = providerBlock[cloud];
        if (!isJsonObject(aliases)) continue;
        const inCloud = childPositions(source, inBlock, keyIndex(providerBlock, cloud), ['providers', cloud], aliases);
        Object.entries(aliases).forEach(([alias, node], i) => {
          if (!isJsonObject(node)) return;
          const path = ['providers', cloud, alias];
          const positions = childPositions(source, inCloud, i, path, node);
          providers.push({ source, path, node, keyLocation: inCloud.key(i), positions, cloud, alias, ref: `${cloud}.${alias}` });
        });
      }
    }
    const resourceBlock = value.resources;
    if (isJsonObject(resourceBlock)) {
      const inBlock = childPositions(source, source.positions, keyIndex(value, 'resources'), ['resources'], resourceBlock);
      // Expectations of one file share their specs (build-resource.ts).
      const build = { interner, specs: new Map() as SpecCache, previous: new Map(), flagged, diagnostics: resourceDiagnostics };
      Object.entries(resourceBlock).forEach(([typeName, byName], t) => {
        const spec = types.resourceType(typeName);
        if (!spec || !isJsonObject(byName)) return;
        const inType = childPositions(source, inBlock, t, ['resources', typeName], byName);
        Object.entries(byName).forEach(([name, node], i) => {
          if (!isJsonObject(node)) return;
          const path = ['resources', typeName, name];
          const positions = childPositions(source, inType, i, path, node);
          const block = { source, path, node, keyLocation: inType.key(i), positions, spec, name, address: `${typeName}.${name}` };
          resources.push(buildResource(block, build));
        });
      });
    }
    if (Array.isArray(value.waivers)) {
      value.waivers.forEach((node, i) => {
        if (isJsonObject(node)) waivers.push({ source, path: ['waivers', i], node });
      });
    }
    if (Array.isArray(value.policies)) {
      value.policies.forEach((node, i) => {
        if (typeof node === 'string' && node !== '') policies.push({ source, path: ['policies', i], node });
      });
    }
    if (isJsonObject(value.snapshots)) snapshots.push({ source, path: ['snapshots'], node: value.snapshots });
    const reportBlock = value.report;
    if (isJsonObject(reportBlock) && typeof reportBlock.tz === 'string')
      reportTimeZones.push({ source, path: ['report', 'tz'], node: reportBlock.tz });
    if (isJsonObject(value.history)) history.push({ source, path: ['history'], node: value.history });
    const written = isJsonObject(source.value) ? source.value.notify : undefined;
    if (Array.isArray(value.notify) && Array.isArray(written)) {
      value.notify.forEach((node, i) => {
        const raw = written[i];
        if (isJsonObject(node) && isJsonObject(raw)) notify.push({ source, path: ['notify', i], node, raw });
      });
    }
  }
  return {
    files: files.map((f) => f.source.file),
    versionDeclared,
    providers,
    resources,
    resourceDiagnostics,
    waivers,
    policies,
    snapshots,
    reportTimeZones,
    history,
    notify,
  };
}

/** The blocks of files collected one at a time, as if collected together. */
export function mergeCollected(parts: readonly Collected[]): Collected {
  const all = <T>(pick: (c: Collected) => readonly T[]): T[] => parts.flatMap(pick);
  return {
    files: all((c) => c.files),
    versionDeclared: parts.some((c) => c.versionDeclared),
    providers: all((c) => c.providers),
    resources: all((c) => c.resources),
    resourceDiagnostics: all((c) => c.resourceDiagnostics),
    waivers: all((c) => c.waivers),
    policies: all((c) => c.policies),
    snapshots: all((c) => c.snapshots),
    reportTimeZones: all((c) => c.reportTimeZones),
    history: all((c) => c.history),
    notify: all((c) => c.notify),
  };
}
