import { clipText } from '../model/clip.js';
import type { LinearRegex } from '../model/linear-regex.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { AttributeKind, AttributeSpec } from '../model/resource-types.js';
import type { PathSegment } from '../util/load-yaml.js';
import type { Accepted } from './accepted.js';
import type { SeriesPoint } from '../model/series.js';

/**
 * The shape of one operator of design.md §3. Everything the tool knows about an operator lives in
 * its definition — the schema generator, the semantic checks, the evaluator, the reports and
 * `--compare` read it from the registry (registry.ts) and never switch on the operator's name.
 */
export interface OperatorDefinition {
  /** One line for the docs (README operator table, `list`): the operand and when the check passes. */
  readonly summary: string;
  /**
   * `value`: compares values and applies to several kinds (equals, in, present); `kind`: needs an
   * attribute of one kind (ordered numbers, instants, patterns). Value operators come first in the
   * schema and in messages, so each kind's list reads "equality first, then the kind's own".
   */
  readonly family: 'value' | 'kind';
  /** The attribute kinds it applies to; `raw.*` attributes (untyped) accept every operator. */
  readonly kinds: readonly AttributeKind[];
  /** What the operand is, for readers of the operand (time zones are shown beside instants, not durations). */
  readonly operand: OperandKind;
  /** Said after "'op' does not apply to K attribute 'x'" for a value operator on a kind it skips. */
  readonly wrongKindHint?: string;
  /**
   * Whether `evaluate` also judges a missing or null value (only `present`). Every other operator
   * is `unknown` on a missing value before its `evaluate` runs (fail closed).
   */
  readonly judgesMissing?: boolean;
  /**
   * Whether it judges the run history rather than one value (`runs_out_within`). A policy rule that
   * asserts such an operator applies only to runs with history; without history it yields no
   * finding (a pack's forecast rule must not make every run without `--history` unknown), while an
   * expectation the configuration writes itself stays unknown.
   */
  readonly needsHistory?: boolean;
  /** The JSON-schema fragment of the operand, given the schema of one value of the attribute. */
  operandSchema(value: JsonObject): JsonObject;
  /** The semantic check of the operand as written (config/expectations.ts runs it after the kind check). */
  checkOperand(check: OperandCheck): void;
  /** Pass, fail or unknown for one observed value. Pure; never throws on any JSON input. */
  evaluate(input: EvaluationContext): OperatorOutcome;
  /** The compact form in tables: `≥ 100`, `not within 30d`, `matches /x/`. */
  short(expected: JsonValue, show: OperandShow): string;
  /** The plan-style form of the text report's `~` lines: `>= 100`, `one of ["a"]`, `(absent)`. */
  long(expected: JsonValue, show: OperandShow): string;
  /** The set of values it accepts (`--compare` proves weakening by set inclusion, compare/acceptance.ts). */
  accepts(expected: JsonValue, attribute: AttributeSpec | undefined, now: Date): Accepted;
}

export type OperandKind = 'value' | 'list' | 'number' | 'duration' | 'instant' | 'pattern' | 'boolean';

/** How a report writes an operand: each renderer passes its own escaping. */
export interface OperandShow {
  /** Any operand value (strings bare or quoted as the report does). */
  value(value: JsonValue): string;
  /** A string operand that is text rather than a value: durations, instants, patterns. */
  text(value: JsonValue): string;
}

export interface OperandCheck {
  readonly op: string;
  readonly operand: JsonValue;
  /** Undefined for `raw.*` attributes. */
  readonly attribute: AttributeSpec | undefined;
  readonly name: string;
  /** Reports a problem at the operand (`path` relative to it, default the operand itself). */
  readonly problem: (rule: string, message: string, path?: readonly PathSegment[]) => void;
  /** The equality check of one value against the attribute's type and known values. */
  readonly checkValue: (value: JsonValue, path: readonly PathSegment[]) => void;
}

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

/** What an operator's `evaluate` gets, after the shared fail-closed checks of evaluate.ts. */
export interface EvaluationContext {
  readonly op: string;
  readonly expected: JsonValue;
  /** Defined and non-null unless the definition `judgesMissing`. */
  readonly actual: JsonValue | undefined;
  readonly attribute: AttributeSpec | undefined;
  readonly name: string;
  readonly now: Date;
  readonly cache: OperatorCache | undefined;
  /** The attribute is a typed timestamp (compare as instants). */
  readonly timestamp: boolean;
  /** The observed instant of a typed timestamp, already parsed. */
  readonly at: number | undefined;
  /** The observed value as messages show it (instants in UTC ISO form); empty for `judgesMissing` operators. */
  readonly shown: string;
  /** Past observations of this attribute from the run history; undefined when the run has no history. */
  readonly series: readonly SeriesPoint[] | undefined;
}

export function unknown(message: string): OperatorOutcome {
  return { status: 'unknown', message };
}

export function outcome(ok: boolean, passMessage: string, failMessage: string): OperatorOutcome {
  return ok ? { status: 'pass', message: passMessage } : { status: 'fail', message: failMessage };
}

/** How a value reads inside a message: bare strings, JSON for everything else. */
export function describeValue(value: JsonValue | undefined): string {
  if (value === undefined) return '(not reported)';
  if (typeof value === 'string') return value === '' ? '""' : clipText(value);
  return clipText(JSON.stringify(value));
}

export function describeList(values: readonly JsonValue[]): string {
  return `[${values.map((v) => describeValue(v)).join(', ')}]`;
}

/** `an integer`, `a string`: how a kind reads in a message. */
export function kindName(kind: AttributeKind): string {
  return kind === 'integer' ? 'an integer' : `a ${kind}`;
}
