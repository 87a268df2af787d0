import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { Diagnostic, SourceLocation } from '../model/location.js';
import { ENTRY_SLOTS, readFastYaml } from './fast-yaml.js';
import type { FastYaml } from './fast-yaml.js';

type YamlLibrary = typeof YamlModule;

/**
 * The `yaml` library, loaded on first need: most configuration files are read by the one-pass
 * reader (fast-yaml.ts), and loading the library costs more start-up time than `validate` of the
 * examples takes altogether (issue 17). `require` keeps parseYaml synchronous; the package's `node`
 * export is CommonJS, the same module a static import loads.
 */
const requireFromHere = createRequire(import.meta.url);
function yamlLibrary(): YamlLibrary {
  return requireFromHere('yaml') as YamlLibrary;
}

export type PathSegment = string | number;

/**
 * An ajv instance path (JSON pointer) as path segments of `data`: numbers only where `data` holds
 * a list, so a map key that looks like a number (`'0'`) stays the string it is in the YAML.
 */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(segment);
      path.push(index);
      node = node[index] as unknown;
    } else {
      path.push(segment);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

/** One parsed YAML file: its JSON value and a way back from any path to the text position. */
export interface YamlSource {
  /** File name as shown in diagnostics (relative to the working directory). */
  readonly file: string;
  /** Absolute path, for resolving paths the file names (policies). */
  readonly path: string;
  readonly value: JsonValue;
  /**
   * Position of the node at `path` — of its key when `part` is `key` and the node is a map
   * entry. A path that does not exist resolves to the deepest existing ancestor.
   */
  locate(path: readonly PathSegment[], part?: 'key' | 'value'): SourceLocation;
  /**
   * The positions of the entries of `value` by index, for walking it: a reader that goes through
   * a map in Object.keys order (or a list in order) locates every entry without a search.
   */
  readonly positions: EntryPositions;
  /**
   * False only when no string value can contain `${` (so there is nothing to interpolate): the
   * one-pass reader knows it from the text — no `${` and no escape sequence that could spell one.
   */
  readonly mayHaveDollarBrace: boolean;
}

/**
 * Where the entries of one map or list are, by their index in Object.keys order (or the list's).
 * An index past the end gives the container's own position.
 */
export interface EntryPositions {
  key(index: number): SourceLocation;
  value(index: number): SourceLocation;
  /** The positions inside the entry's value, when that is a map or a list. */
  child(index: number): EntryPositions | undefined;
}

/** The index of `key` among the keys of `map` (a scan: for a few lookups, not for walks). */
export function keyIndex(map: object, key: string): number {
  let i = 0;
  for (const k in map) {
    if (k === key) return i;
    i += 1;
  }
  return -1;
}

export interface ParsedYaml {
  /** Undefined when the text is not valid YAML (the diagnostics say where). */
  readonly source: YamlSource | undefined;
  readonly diagnostics: Diagnostic[];
}

/**
 * Nodes that alias expansion may add per file. It counts the nodes an alias copies, not the
 * aliases: 1,000 aliases of a 10,000-item list are 10 million nodes (a 2.6 MB file once took
 * 47 s and 3.3 GB), while 100,000 is far more than any real configuration reuses.
 */
const MAX_ALIAS_EXPANDED_NODES = 100_000;

interface ConvertContext {
  readonly yaml: YamlLibrary;
  readonly doc: Document;
  readonly file: string;
  readonly at: (offset: number) => SourceLocation;
  readonly diagnostics: Diagnostic[];
  /** Nodes produced by alias expansion so far. */
  expanded: number;
  /** Set once the cap was hit: everything after is skipped. */
  exhausted: boolean;
  /** `Alias.resolve` walks the document to find its anchor; each alias is resolved once. */
  readonly resolved: Map<Node, unknown>;
}

function nodeOffset(node: Node | null | undefined): number | undefined {
  return node?.range?.[0];
}

function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  // defineProperty so that a key named `__proto__` is data, not a prototype change.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function convert(node: unknown, ctx: ConvertContext, depth: number, inAlias = false, aliasAt = 0): JsonValue {
  const { isAlias, isMap, isScalar, isSeq } = ctx.yaml;
  if (ctx.exhausted) return null;
  if (depth > 200) {
    ctx.diagnostics.push(error(ctx.at(nodeOffset(node as Node) ?? 0), 'YAML nesting is too deep'));
    return null;
  }
  if (inAlias) {
    ctx.expanded += 1;
    if (ctx.expanded > MAX_ALIAS_EXPANDED_NODES) {
      ctx.exhausted = true;
      ctx.diagnostics.push(
        error(
          ctx.at(aliasAt),
          `YAML aliases expand to more than ${MAX_ALIAS_EXPANDED_NODES} nodes; write the repeated parts out or reuse fewer (this alias is where the limit was reached)`,
        ),
      );
      return null;
    }
  }
  if (isAlias(node)) {
    // The outermost alias is the one to point at: that is the line the user wrote.
    let target = ctx.resolved.get(node);
    if (target === undefined) {
      target = node.resolve(ctx.doc) ?? null;
      ctx.resolved.set(node, target);
    }
    return convert(target, ctx, depth + 1, true, inAlias ? aliasAt : (nodeOffset(node) ?? 0));
  }
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return null;
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    // Other scalar types (dates, binary) only come from explicit tags; keep their text.
    return String(node.source ?? JSON.stringify(v));
  }
  if (isMap(node)) {
    const out: JsonObject = {};
    for (const pair of node.items) {
      const key = pair.key;
      if (!isScalar(key)) {
        ctx.diagnostics.push(error(ctx.at(nodeOffset(key as Node) ?? nodeOffset(node) ?? 0), 'map keys must be plain names'));
        continue;
      }
      setOwn(out, String(key.value), convert(pair.value, ctx, depth + 1, inAlias, aliasAt));
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => convert(item, ctx, depth + 1, inAlias, aliasAt));
  return null;
}

function error(location: SourceLocation, message: string): Diagnostic {
  return { location, message, rule: 'yaml', severity: 'error' };
}

/**
 * The pair of a map with the given key. Each map is indexed once, on first use: locating every
 * expectation of a file with thousands of resources would otherwise scan the resources' map once
 * per expectation.
 */
function findPair(yaml: YamlLibrary, index: WeakMap<object, Map<string, Pair>>, node: unknown, key: string): Pair | undefined {
  const { isMap, isPair, isScalar } = yaml;
  if (!isMap(node)) return undefined;
  let pairs = index.get(node);
  if (!pairs) {
    pairs = new Map();
    for (const p of node.items) {
      if (isPair(p) && isScalar(p.key) && !pairs.has(String(p.key.value))) pairs.set(String(p.key.value), p);
    }
    index.set(node, pairs);
  }
  return pairs.get(key);
}

/** Maps with more entries than this get a key index on their first lookup instead of a scan. */
const SCAN_LIMIT = 16;

/** EntryPositions over the table the one-pass reader recorded: every answer is a read at an index. */
class TablePositions implements EntryPositions {
  readonly #fast: FastYaml;
  readonly #file: string;
  readonly #base: number;
  /** The slot of the entry holding this container (-1 for the root), for an index past its end. */
  readonly #parentSlot: number;

  constructor(fast: FastYaml, file: string, base: number, parentSlot: number) {
    this.#fast = fast;
    this.#file = file;
    this.#base = base;
    this.#parentSlot = parentSlot;
  }

  #slot(index: number): number {
    const count = this.#fast.table[this.#base] ?? 0;
    return index >= 0 && index < count ? this.#base + 1 + index * ENTRY_SLOTS : -1;
  }

  /** The key (`offset` 0) or value (2) position of the entry at `slot`; the container's own when there is none. */
  #at(slot: number, offset: number): SourceLocation {
    if (slot < 0)
      return this.#parentSlot < 0
        ? { file: this.#file, line: this.#fast.rootLine, column: this.#fast.rootColumn }
        : this.#at(this.#parentSlot, 2);
    const table = this.#fast.table;
    return { file: this.#file, line: table[slot + offset] ?? 0, column: table[slot + offset + 1] ?? 0 };
  }

  key(index: number): SourceLocation {
    return this.#at(this.#slot(index), 0);
  }

  value(index: number): SourceLocation {
    return this.#at(this.#slot(index), 2);
  }

  child(index: number): EntryPositions | undefined {
    const slot = this.#slot(index);
    const base = slot < 0 ? -1 : (this.#fast.table[slot + 4] ?? -1);
    return base < 0 ? undefined : new TablePositions(this.#fast, this.#file, base, slot);
  }
}

/** `locate` over the positions the one-pass reader recorded: one lookup per path step. */
function fastLocate(fast: FastYaml, root: EntryPositions, rootLocation: SourceLocation): YamlSource['locate'] {
  const keyIndexes = new WeakMap<object, Map<string, number>>();
  const indexOfKey = (map: object, key: string): number => {
    let index = keyIndexes.get(map);
    if (index === undefined) {
      const keys = Object.keys(map);
      if (keys.length <= SCAN_LIMIT) return keys.indexOf(key);
      index = new Map(keys.map((k, i) => [k, i]));
      keyIndexes.set(map, index);
    }
    return index.get(key) ?? -1;
  };
  return (path, part = 'value') => {
    let node: unknown = fast.value;
    let positions: EntryPositions | undefined = root;
    let location = rootLocation;
    for (let i = 0; i < path.length && positions !== undefined; i++) {
      const segment = path[i]!;
      if (node === null || typeof node !== 'object') break;
      let index: number;
      if (Array.isArray(node)) {
        if (typeof segment !== 'number' || segment < 0 || segment >= node.length) break;
        index = segment;
      } else {
        index = indexOfKey(node, String(segment));
        if (index < 0) break;
      }
      if (i === path.length - 1 && part === 'key' && !Array.isArray(node)) return positions.key(index);
      location = positions.value(index);
      positions = positions.child(index);
      node = Array.isArray(node) ? (node[index] as unknown) : (node as Record<string, unknown>)[String(segment)];
    }
    return location;
  };
}

/** EntryPositions through `locate` by path (files the `yaml` library read, views of part of a file). */
export function pathPositions(source: Pick<YamlSource, 'locate'>, path: readonly PathSegment[], node: unknown): EntryPositions {
  let keys: readonly PathSegment[] | undefined;
  const segment = (index: number): PathSegment | undefined => {
    keys ??= Array.isArray(node) ? node.map((_, i) => i) : node !== null && typeof node === 'object' ? Object.keys(node) : [];
    return keys[index];
  };
  const at = (index: number, part: 'key' | 'value'): SourceLocation => {
    const s = segment(index);
    return source.locate(s === undefined ? path : [...path, s], part);
  };
  return {
    key: (index) => at(index, 'key'),
    value: (index) => at(index, 'value'),
    child: (index) => {
      const s = segment(index);
      if (s === undefined) return undefined;
      const value = (node as Record<PathSegment, unknown>)[s];
      return value !== null && typeof value === 'object' ? pathPositions(source, [...path, s], value) : undefined;
    },
  };
}

/**
 * The positions inside entry `index` of `positions`, whose value `node` is at `path`; by path if
 * the reader recorded none (it records every map and list it reads: this keeps the answer total).
 */
export function childPositions(
  source: YamlSource,
  positions: EntryPositions,
  index: number,
  path: readonly PathSegment[],
  node: unknown,
): EntryPositions {
  return positions.child(index) ?? pathPositions(source, path, node);
}

/**
 * Parses YAML text keeping node positions; syntax errors come back located, never thrown. Files in
 * the plain subset configuration is written in are read in one pass (fast-yaml.ts); the rest, and
 * every file with an error, by the `yaml` library.
 */
export function parseYaml(text: string, file: string, absolutePath: string = file): ParsedYaml {
  const fast = readFastYaml(text);
  if (fast !== undefined) {
    const rootLocation = { file, line: fast.rootLine, column: fast.rootColumn };
    const positions = new TablePositions(fast, file, fast.rootBase, -1);
    const mayHaveDollarBrace = text.includes('${') || text.includes('\\');
    return {
      source: {
        file,
        path: absolutePath,
        value: fast.value,
        locate: fastLocate(fast, positions, rootLocation),
        positions,
        mayHaveDollarBrace,
      },
      diagnostics: [],
    };
  }
  return parseYamlWithLibrary(text, file, absolutePath);
}

/** parseYaml through the `yaml` library only (every file outside the one-pass subset; tests compare the two). */
export function parseYamlWithLibrary(text: string, file: string, absolutePath: string = file): ParsedYaml {
  const yaml = yamlLibrary();
  const { LineCounter, isAlias, isSeq, parseDocument } = yaml;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  const diagnostics: Diagnostic[] = doc.errors.map((e) => error(at(e.pos[0]), `YAML syntax error: ${e.message}`));
  for (const w of doc.warnings) {
    diagnostics.push({ location: at(w.pos[0]), message: `YAML: ${w.message}`, rule: 'yaml', severity: 'warning' });
  }
  if (doc.errors.length > 0) return { source: undefined, diagnostics };
  const ctx: ConvertContext = { yaml, doc, file, at, diagnostics, expanded: 0, exhausted: false, resolved: new Map() };
  const value = doc.contents === null ? {} : convert(doc.contents, ctx, 0);
  if (diagnostics.some((d) => d.severity === 'error')) return { source: undefined, diagnostics };

  const index = new WeakMap<object, Map<string, Pair>>();
  const locate = (path: readonly PathSegment[], part: 'key' | 'value' = 'value'): SourceLocation => {
    let node: unknown = doc.contents;
    let offset = nodeOffset(doc.contents) ?? 0;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      if (isAlias(node)) node = node.resolve(doc);
      if (isSeq(node) && typeof segment === 'number') {
        const item: unknown = node.items[segment];
        if (item === undefined) break;
        node = item;
        offset = nodeOffset(item as Node) ?? offset;
        continue;
      }
      const pair = findPair(yaml, index, node, String(segment));
      if (!pair) break;
      const last = i === path.length - 1;
      if (last && part === 'key') {
        offset = nodeOffset(pair.key as Node) ?? offset;
        break;
      }
      node = pair.value;
      // An empty value (`key:`) has no text of its own: point at its key.
      const range = (pair.value as Node | null)?.range;
      const empty = !range || range[0] === range[1];
      offset = (empty ? undefined : range[0]) ?? nodeOffset(pair.key as Node) ?? offset;
    }
    return at(offset);
  };
  return {
    source: { file, path: absolutePath, value, locate, positions: pathPositions({ locate }, [], value), mayHaveDollarBrace: true },
    diagnostics,
  };
}
