import type { Expectation, Operator, ResourceConfig, Severity } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import { isJsonObject } from '../model/json.js';
import type { Diagnostic, SourceLocation } from '../model/location.js';
import type { ResourceTypeSpec } from '../model/resource-types.js';
import { attributeSpec } from '../resources/registry.js';
import { childPositions, keyIndex } from '../util/load-yaml.js';
import type { EntryPositions, PathSegment, YamlSource } from '../util/load-yaml.js';
import { parseExpectation } from './expectations.js';
import { sameValue } from './repeated-expectations.js';
import { RAW_ATTRIBUTE_PATTERN } from './schema.js';

/**
 * Resources as the loaded configuration keeps them (issue 17). A fleet's configuration holds a
 * million expectations for the whole run, so what each costs decides the run's memory: the parts
 * expectations of a file have in common are stored once, and every string the state keeps is a
 * copy of its own, so that no file's text stays alive through a slice of it.
 */

const RAW = new RegExp(RAW_ATTRIBUTE_PATTERN);

/** A resource block being read: its node and where its entries are written. */
export interface ResourceBlock {
  readonly source: YamlSource;
  readonly path: readonly PathSegment[];
  readonly node: { readonly [key: string]: JsonValue };
  readonly positions: EntryPositions;
  readonly keyLocation: SourceLocation;
  readonly spec: ResourceTypeSpec;
  readonly name: string;
  readonly address: string;
}

/** A resource once read: what the semantic rules ask about it, and the resource as the state holds it. */
export interface CollectedResource {
  readonly spec: ResourceTypeSpec;
  readonly address: string;
  /** Where its name is written (also `config.location`). */
  readonly keyLocation: SourceLocation;
  /** Where the value of its `provider:` is written (its name when there is none). */
  readonly providerLocation: SourceLocation;
  /** `provider` is '' and `region` absent when the file gave no string there (the schema reported it). */
  readonly config: ResourceConfig;
}

/** Slices of 13 characters or more share the text they were cut from (V8's sliced strings). */
const SHARED_SLICE_LENGTH = 13;

/**
 * One copy of each string and list of scalars the state keeps, for one load. Its own copies: a
 * value cut from a file's text would keep the whole text alive for as long as the state lives.
 */
export class Interner {
  readonly #strings = new Map<string, string>();
  readonly #lists = new Map<string, JsonValue[]>();

  string(s: string): string {
    let kept = this.#strings.get(s);
    if (kept === undefined) {
      // JSON's round trip is the one copy that never points back into the text.
      kept = s.length >= SHARED_SLICE_LENGTH ? (JSON.parse(JSON.stringify(s)) as string) : s;
      this.#strings.set(kept, kept);
    }
    return kept;
  }

  /** Strings interned, lists of scalars shared (a list is frozen: expectations of many resources hold it). */
  value(v: JsonValue): JsonValue {
    if (typeof v === 'string') return this.string(v);
    if (!Array.isArray(v)) return v;
    let key = '';
    for (const item of v) {
      if (item !== null && typeof item === 'object') return v;
      key += `${typeof item === 'string' ? 's' : typeof item === 'number' ? 'n' : 'o'}${String(item)}\u0000`;
    }
    let kept = this.#lists.get(key);
    if (kept === undefined) {
      kept = Object.freeze(v.map((item) => (typeof item === 'string' ? this.string(item) : item))) as JsonValue[];
      this.#lists.set(key, kept);
    }
    return kept;
  }
}

/** What the expectations of one file share: all but their position. */
interface ExpectationSpec {
  readonly attribute: string;
  readonly operator: Operator;
  readonly expected: JsonValue;
  readonly severity: Severity;
  readonly description: string | undefined;
  readonly file: string;
}

/** Columns below this share one small integer with their line (a V8 Smi: no allocation). */
const COLUMNS = 4096;
/** Lines below this keep the packed number within 30 bits, a Smi on every V8 build. */
const PACKED_LINES = 2 ** 18;

/**
 * An expectation as loaded: a shared spec and its position, as one small integer where it fits
 * (line × 4096 + column) and as a location otherwise. `location` is made when read (a check result
 * carries it); the properties read as the Expectation interface says.
 */
class LoadedExpectation implements Expectation {
  readonly #spec: ExpectationSpec;
  readonly #position: number | SourceLocation;

  constructor(spec: ExpectationSpec, location: SourceLocation) {
    this.#spec = spec;
    this.#position = location.column < COLUMNS && location.line < PACKED_LINES ? location.line * COLUMNS + location.column : location;
  }

  get attribute(): string {
    return this.#spec.attribute;
  }

  get operator(): Operator {
    return this.#spec.operator;
  }

  get expected(): JsonValue {
    return this.#spec.expected;
  }

  get severity(): Severity {
    return this.#spec.severity;
  }

  get description(): string | undefined {
    return this.#spec.description;
  }

  get location(): SourceLocation {
    const position = this.#position;
    if (typeof position !== 'number') return { ...position };
    return { file: this.#spec.file, line: Math.floor(position / COLUMNS), column: position % COLUMNS };
  }

  /** The plain Expectation (JSON output, test assertions). */
  toJSON(): Expectation {
    const { attribute, operator, expected, severity, description, location } = this;
    return description === undefined
      ? { attribute, operator, expected, severity, location }
      : { attribute, operator, expected, severity, description, location };
  }
}

/** The expectation specs of one file, by expected value and then by the rest. */
export type SpecCache = Map<JsonValue, Map<string, ExpectationSpec>>;

function specFor(
  cache: SpecCache,
  file: string,
  attribute: string,
  operator: Operator,
  expected: JsonValue,
  severity: Severity,
  description: string | undefined,
): ExpectationSpec {
  let byRest = cache.get(expected);
  if (byRest === undefined) {
    byRest = new Map();
    cache.set(expected, byRest);
  }
  const rest =
    description === undefined
      ? `${attribute}\u0000${operator}\u0000${severity}`
      : `${attribute}\u0000${operator}\u0000${severity}\u0000${description}`;
  let spec = byRest.get(rest);
  if (spec === undefined) {
    spec = { attribute, operator, expected, severity, description, file };
    byRest.set(rest, spec);
  }
  return spec;
}

/** Shared by every resource without labels (frozen: no resource may change another's). */
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** The expectations of the resource read last (of one type), by index: what the next one likely repeats. */
interface Previous {
  readonly names: readonly string[];
  readonly expect: { readonly [key: string]: JsonValue };
  readonly specs: readonly (ExpectationSpec | undefined)[];
}

export interface ResourceBuild {
  readonly interner: Interner;
  /** Expectation specs of the file being read. */
  readonly specs: SpecCache;
  /** Per resource type, in the file being read. */
  readonly previous: Map<ResourceTypeSpec, Previous>;
  /** `type.name` + attribute of expectations the schema rejected; their checker must explain why. */
  readonly flagged: ReadonlySet<string>;
  readonly diagnostics: Diagnostic[];
}

function expectations(block: ResourceBlock, build: ResourceBuild): Expectation[] {
  const expect = block.node.expect;
  if (!isJsonObject(expect)) return [];
  // Each expectation's position is read by its index in the walk: no search per expectation.
  const positions = childPositions(block.source, block.positions, keyIndex(block.node, 'expect'), [...block.path, 'expect'], expect);
  const out: Expectation[] = [];
  const names = Object.keys(expect);
  const kept = new Array<ExpectationSpec | undefined>(names.length);
  const { interner, specs, flagged, diagnostics } = build;
  // A fleet repeats its expectations resource after resource: one written as the previous resource
  // of its type wrote it at the same place is that one again (reading one is a pure function of
  // the value, the attribute and its name), so it is neither checked nor stored again.
  const previous = flagged.size === 0 ? build.previous.get(block.spec) : undefined;
  for (let index = 0; index < names.length; index++) {
    const name = names[index] as string;
    const value = expect[name] ?? null;
    const same = previous !== undefined && previous.names[index] === name ? previous.specs[index] : undefined;
    if (same !== undefined && sameValue(value, previous?.expect[name])) {
      const location = positions.key(index);
      out.push(new LoadedExpectation(same, location));
      kept[index] = same;
      continue;
    }
    const attribute = attributeSpec(block.spec, name);
    // Unknown names were reported by the schema phase (with a did-you-mean).
    if (!attribute && !RAW.test(name)) continue;
    const location = positions.key(index);
    const result = parseExpectation(value, attribute, name);
    for (const p of result.problems) {
      diagnostics.push({
        location:
          p.path.length === 0 && p.part === 'key' ? location : block.source.locate([...block.path, 'expect', name, ...p.path], p.part),
        message: `${block.address}: ${p.message}`,
        rule: p.rule,
        severity: 'error',
      });
    }
    if (result.problems.length === 0 && flagged.size > 0 && flagged.has(`${block.address}/${name}`)) {
      // The schema and this checker disagree: fail closed with a located message.
      diagnostics.push({ location, message: `${block.address}: invalid expectation for '${name}'`, rule: 'schema', severity: 'error' });
      continue;
    }
    const parsed = result.expectation;
    if (parsed) {
      const { operator, expected, severity, description } = parsed;
      const spec = specFor(
        specs,
        location.file,
        // A property name: V8 keeps one copy of it already.
        name,
        operator,
        interner.value(expected),
        severity,
        description === undefined ? undefined : interner.string(description),
      );
      out.push(new LoadedExpectation(spec, location));
      kept[index] = spec;
    }
  }
  build.previous.set(block.spec, { names, expect, specs: kept });
  // An exact copy: a list grown by push keeps room for 17 entries.
  return out.slice();
}

function optionalString(node: { readonly [key: string]: JsonValue }, key: string, interner: Interner): string | undefined {
  const v = node[key];
  return typeof v === 'string' ? interner.string(v) : undefined;
}

/** Reads one resource block; problems with its expectations go to `build.diagnostics`. */
export function buildResource(block: ResourceBlock, build: ResourceBuild): CollectedResource {
  const { node } = block;
  const { interner } = build;
  const expect = expectations(block, build);
  let labels = NO_LABELS;
  if (isJsonObject(node.labels)) {
    const own: Record<string, string> = {};
    let any = false;
    for (const [k, v] of Object.entries(node.labels))
      if (typeof v === 'string') {
        own[k] = interner.string(v);
        any = true;
      }
    if (any) labels = own;
  }
  const region = optionalString(node, 'region', interner);
  const instanceId = optionalString(node, 'instance_id', interner);
  const account = optionalString(node, 'account', interner);
  const providerIndex = keyIndex(node, 'provider');
  const config: ResourceConfig = {
    ...(account !== undefined ? { account } : {}),
    address: block.address,
    type: block.spec.name,
    name: block.name,
    provider: optionalString(node, 'provider', interner) ?? '',
    ...(region !== undefined ? { region } : {}),
    ...(instanceId !== undefined ? { instanceId } : {}),
    labels,
    expect,
    location: block.keyLocation,
  };
  return {
    spec: block.spec,
    address: block.address,
    keyLocation: block.keyLocation,
    providerLocation: providerIndex < 0 ? block.keyLocation : block.positions.value(providerIndex),
    config,
  };
}
