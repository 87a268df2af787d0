import { compileLinearRegex } from '../model/linear-regex.js';
import type { LinearRegex } from '../model/linear-regex.js';
import { clipText } from '../model/clip.js';
import { parseDuration } from '../util/duration.js';
import { formatInstant, parseInstant } from '../util/time.js';
import type { Operator } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import type { AttributeSpec } from '../model/resource-types.js';

/**
 * The operators of design.md §3, evaluated fail-closed: a value that is missing, null, of the
 * wrong type, or outside an enumerated attribute's known values is `unknown`, never `pass`
 * (and not `fail` either — drift is only claimed on positive evidence).
 *
 * Boundary semantics (documented in the user guide, pinned by operators.test.ts):
 * - `not_within: D` passes iff actual > now + D, strictly: an expiry exactly 30 days away is
 *   "within 30 days" and fails; one millisecond later passes.
 * - `before: T` iff actual < T; `after: T` iff actual > T (equality fails both).
 *   A date-only operand (`2027-01-31`) means the start of that day in UTC.
 * - `at_least` ≥, `at_most` ≤, `greater_than` >, `less_than` <.
 * - Timestamps are compared as instants (`2026-12-20T00:00:00+08:00` equals
 *   `2026-12-19T16:00:00.000Z`), at millisecond resolution.
 * - `matches` is a JavaScript RegExp tested as written (unanchored unless anchored).
 */

export type OperatorStatus = 'pass' | 'fail' | 'unknown';

export interface OperatorOutcome {
  readonly status: OperatorStatus;
  readonly message: string;
}

/**
 * Per-run memo of compiled operands, so a rule shared by 100,000 resources compiles its regex,
 * parses its duration and its `before`/`after` date once. Create one per evaluation; never share
 * it across runs (it is mutable).
 */
export interface OperatorCache {
  readonly regexes: Map<string, LinearRegex | null>;
  readonly durations: Map<string, number | undefined>;
  /** Parsed timestamp strings, operands and observed values alike. */
  readonly instants: Map<string, number | undefined>;
  /** Formatted instants (messages repeat `now` and each expiry several times). */
  readonly texts: Map<number, string>;
}

export function createOperatorCache(): OperatorCache {
  return { regexes: new Map(), durations: new Map(), instants: new Map(), texts: new Map() };
}

export interface OperatorInput {
  readonly operator: Operator;
  /** The operand as written (after interpolation). */
  readonly expected: JsonValue;
  /** The observed value; undefined or null when the service did not report it. */
  readonly actual: JsonValue | undefined;
  /** The normalized attribute's spec; undefined for `raw.*` attributes (typed as plain JSON). */
  readonly attribute: AttributeSpec | undefined;
  readonly now: Date;
  /** Name used in messages; defaults to the attribute's name (pass it for `raw.*`). */
  readonly name?: string;
  readonly cache?: OperatorCache;
}

type ValueKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null';

function kindOf(value: JsonValue): ValueKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' ? 'string' : t === 'number' ? 'number' : t === 'boolean' ? 'boolean' : 'object';
}

/** How a value reads inside a message: bare strings, JSON for everything else. */
export function describeValue(value: JsonValue | undefined): string {
  if (value === undefined) return '(not reported)';
  if (typeof value === 'string') return value === '' ? '""' : clipText(value);
  return clipText(JSON.stringify(value));
}

function describeList(values: readonly JsonValue[]): string {
  return `[${values.map((v) => describeValue(v)).join(', ')}]`;
}

function deepEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i] as JsonValue, b[i] as JsonValue)) return false;
    return true;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k) || !deepEqual(a[k] as JsonValue, b[k] as JsonValue)) return false;
  }
  return true;
}

function cachedInstant(text: JsonValue, cache: OperatorCache | undefined): number | undefined {
  if (typeof text !== 'string' || cache === undefined) return parseInstant(text);
  if (cache.instants.has(text)) return cache.instants.get(text);
  const ms = parseInstant(text);
  cache.instants.set(text, ms);
  return ms;
}

function cachedText(ms: number, cache: OperatorCache | undefined): string {
  if (cache === undefined) return formatInstant(ms);
  let text = cache.texts.get(ms);
  if (text === undefined) {
    text = formatInstant(ms);
    cache.texts.set(ms, text);
  }
  return text;
}

function cachedDuration(text: string, cache: OperatorCache | undefined): number | undefined {
  if (cache === undefined) return parseDuration(text);
  if (cache.durations.has(text)) return cache.durations.get(text);
  const ms = parseDuration(text);
  cache.durations.set(text, ms);
  return ms;
}

function cachedRegex(source: string, cache: OperatorCache | undefined): LinearRegex | null {
  const hit = cache?.regexes.get(source);
  if (hit !== undefined) return hit;
  // Linear-time engine: a vendor value can never make a pattern run for minutes.
  const re = compileLinearRegex(source).regex ?? null;
  cache?.regexes.set(source, re);
  return re;
}

/**
 * Type-aware equality: true/false, or undefined when the two values are of different types (a
 * string "1" against the number 1 is a question the data cannot answer, so the check is
 * unknown rather than failed). Timestamps compare as instants.
 */
function equalsTyped(expected: JsonValue, actual: JsonValue, timestamp: boolean, cache: OperatorCache | undefined): boolean | undefined {
  if (timestamp) {
    const e = cachedInstant(expected, cache);
    const a = cachedInstant(actual, cache);
    if (e === undefined || a === undefined) return undefined;
    return e === a;
  }
  if (kindOf(expected) !== kindOf(actual)) return undefined;
  return deepEqual(expected, actual);
}

function unknown(message: string): OperatorOutcome {
  return { status: 'unknown', message };
}

function outcome(ok: boolean, passMessage: string, failMessage: string): OperatorOutcome {
  return ok ? { status: 'pass', message: passMessage } : { status: 'fail', message: failMessage };
}

function expectedKindFor(attribute: AttributeSpec): string {
  switch (attribute.kind) {
    case 'boolean':
      return 'a boolean';
    case 'integer':
      return 'a number';
    case 'string':
      return 'a string';
    case 'timestamp':
      return 'a timestamp';
  }
}

/** Why an observed value cannot be judged against its attribute's declared type, if it cannot. */
function typeProblem(name: string, attribute: AttributeSpec, actual: JsonValue): string | undefined {
  const kind = kindOf(actual);
  let ok: boolean;
  switch (attribute.kind) {
    case 'boolean':
      ok = kind === 'boolean';
      break;
    case 'integer':
      ok = kind === 'number' && Number.isFinite(actual);
      break;
    case 'string':
      ok = kind === 'string';
      break;
    case 'timestamp':
      // Parsed (once, cached) by the caller; here only the JSON type is checked.
      ok = kind === 'string' || kind === 'number';
      break;
  }
  if (ok) return undefined;
  return `${name} was reported as ${kind} ${JSON.stringify(actual)}, expected ${expectedKindFor(attribute)}`;
}

function evaluatePresent(name: string, expected: JsonValue, actual: JsonValue | undefined): OperatorOutcome {
  if (typeof expected !== 'boolean') return unknown(`operand of present for ${name} must be true or false, got ${describeValue(expected)}`);
  // A vendor `null` ("no valid value could be obtained") says nothing about presence: unknown either way.
  if (actual === null) return unknown(`${name} was reported as null (the service could not provide it)`);
  const isPresent = actual !== undefined;
  if (expected) return outcome(isPresent, `${name} is present`, `${name} was not reported, expected it to be present`);
  return outcome(!isPresent, `${name} is absent`, `${name} is present (${describeValue(actual)}), expected it to be absent`);
}

/** Evaluates one operator against one observed value. Pure; never throws on any JSON input. */
export function evaluateOperator(input: OperatorInput): OperatorOutcome {
  const { operator, expected, actual, attribute, cache } = input;
  const name = input.name ?? attribute?.name ?? 'value';

  if (operator === 'present') return evaluatePresent(name, expected, actual);
  if (actual === undefined || actual === null) return unknown(`${name} was not reported`);

  const timestamp = attribute?.kind === 'timestamp';
  // The observed instant, parsed once: typed timestamps always, raw values on demand below.
  let at: number | undefined;
  if (attribute !== undefined) {
    const problem = typeProblem(name, attribute, actual);
    if (problem !== undefined) return unknown(problem);
    if (attribute.values !== undefined && typeof actual === 'string' && !attribute.values.includes(actual)) {
      return unknown(`unknown value '${actual}' reported for ${name}`);
    }
    if (timestamp) {
      at = cachedInstant(actual, cache);
      if (at === undefined) return unknown(`${name} was reported as ${JSON.stringify(actual)}, which is not a timestamp`);
    }
  }

  const shown = at !== undefined ? cachedText(at, cache) : describeValue(actual);

  if (timestamp && (operator === 'equals' || operator === 'not_equals') && cachedInstant(expected, cache) === undefined) {
    return unknown(`operand of ${operator} for ${name} must be an ISO date or date-time with a zone, got ${describeValue(expected)}`);
  }

  switch (operator) {
    case 'equals': {
      const eq = equalsTyped(expected, actual, timestamp, cache);
      if (eq === undefined) return unknown(`${name} is ${shown}, which cannot be compared with ${describeValue(expected)} (different types)`);
      return outcome(eq, `${name} is ${shown}`, `${name} is ${shown}, expected ${describeValue(expected)}`);
    }
    case 'not_equals': {
      const eq = equalsTyped(expected, actual, timestamp, cache);
      if (eq === undefined) return unknown(`${name} is ${shown}, which cannot be compared with ${describeValue(expected)} (different types)`);
      return outcome(!eq, `${name} is ${shown}, not ${describeValue(expected)}`, `${name} is ${shown}, expected anything but ${describeValue(expected)}`);
    }
    case 'in':
    case 'not_in': {
      if (!Array.isArray(expected)) return unknown(`operand of ${operator} for ${name} must be a list, got ${describeValue(expected)}`);
      let comparable = false;
      let found = false;
      for (const candidate of expected) {
        const eq = equalsTyped(candidate, actual, timestamp, cache);
        if (eq !== undefined) comparable = true;
        if (eq === true) {
          found = true;
          break;
        }
      }
      if (!comparable) return unknown(`${name} is ${shown}, which cannot be compared with ${describeList(expected)} (different types)`);
      return operator === 'in'
        ? outcome(found, `${name} is ${shown}, one of ${describeList(expected)}`, `${name} is ${shown}, expected one of ${describeList(expected)}`)
        : outcome(!found, `${name} is ${shown}, none of ${describeList(expected)}`, `${name} is ${shown}, expected none of ${describeList(expected)}`);
    }
    case 'at_least':
    case 'at_most':
    case 'greater_than':
    case 'less_than': {
      if (typeof expected !== 'number' || !Number.isFinite(expected)) {
        return unknown(`operand of ${operator} for ${name} must be a number, got ${describeValue(expected)}`);
      }
      if (typeof actual !== 'number' || !Number.isFinite(actual)) {
        return unknown(`${name} is ${describeValue(actual)}, which is not a number`);
      }
      const phrase = operator.replace('_', ' ');
      const ok =
        operator === 'at_least' ? actual >= expected : operator === 'at_most' ? actual <= expected : operator === 'greater_than' ? actual > expected : actual < expected;
      return outcome(ok, `${name} is ${actual}, ${phrase} ${expected}`, `${name} is ${actual}, expected ${phrase} ${expected}`);
    }
    case 'not_within': {
      const duration = typeof expected === 'string' ? cachedDuration(expected, cache) : undefined;
      if (duration === undefined) return unknown(`operand of not_within for ${name} must be a duration such as 30d, got ${describeValue(expected)}`);
      at ??= cachedInstant(actual, cache);
      if (at === undefined) return unknown(`${name} is ${describeValue(actual)}, which is not a timestamp`);
      const nowMs = input.now.getTime();
      const when = cachedText(at, cache);
      const nowText = cachedText(nowMs, cache);
      // Strictly later: an expiry exactly D away is still "within D".
      if (at > nowMs + duration) return { status: 'pass', message: `${name} ${when} is more than ${expected as string} after now (${nowText})` };
      if (at <= nowMs) return { status: 'fail', message: `${name} ${when} has already passed (now ${nowText})` };
      return { status: 'fail', message: `${name} ${when} is within ${expected as string} of now (${nowText})` };
    }
    case 'before':
    case 'after': {
      const bound = cachedInstant(expected, cache);
      if (bound === undefined) return unknown(`operand of ${operator} for ${name} must be an ISO date or date-time with a zone, got ${describeValue(expected)}`);
      at ??= cachedInstant(actual, cache);
      if (at === undefined) return unknown(`${name} is ${describeValue(actual)}, which is not a timestamp`);
      const when = cachedText(at, cache);
      const limit = cachedText(bound, cache);
      const ok = operator === 'before' ? at < bound : at > bound;
      return outcome(ok, `${name} ${when} is ${operator} ${limit}`, `${name} ${when} is not ${operator} ${limit}`);
    }
    case 'matches': {
      if (typeof expected !== 'string') return unknown(`operand of matches for ${name} must be a regular expression, got ${describeValue(expected)}`);
      const re = cachedRegex(expected, cache);
      if (re === null) return unknown(`operand of matches for ${name} is not a valid regular expression: /${expected}/`);
      if (typeof actual !== 'string') return unknown(`${name} is ${describeValue(actual)}, which is not a string and cannot be matched`);
      return outcome(re.test(actual), `${name} ${describeValue(actual)} matches /${expected}/`, `${name} is ${describeValue(actual)}, expected to match /${expected}/`);
    }
  }
}
