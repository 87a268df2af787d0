import type { Operator, Severity } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import type { SourceLocation } from '../model/location.js';
import type { ResourceTypeName } from '../model/resource-types.js';

/**
 * A loaded, validated policy pack (design.md §3). Everything here has passed the schema and the
 * semantic checks of policy-file.ts, so evaluation never meets an unknown attribute, a bad
 * operand or a malformed selector.
 */

/** One `attribute: operator` entry of a rule's `assert` or `when`. */
export interface PolicyAssertion {
  /** A normalized attribute of the rule's resource type, or `raw.<VendorField>`. */
  readonly attribute: string;
  readonly operator: Operator;
  readonly expected: JsonValue;
  /** Where the attribute's key is written in the policy file. */
  readonly location: SourceLocation;
}

/**
 * `where`: which resources of the rule's type the rule applies to. All given conditions must
 * hold; a list means any of its patterns. Patterns are globs (`*` any run of characters, `?`
 * one character), matched against the whole value, case-sensitively.
 */
export interface PolicySelector {
  /** Provider patterns: a full reference (`alicloud.prod`) or an alias alone (`prod`, any cloud). */
  readonly provider?: readonly string[];
  /** Resource name patterns (the part after `<type>.`). */
  readonly name?: readonly string[];
  /** Label key → value patterns; every key must be present with a matching value. */
  readonly labels?: Readonly<Record<string, readonly string[]>>;
}

export interface PolicyRule {
  /** Kebab/dotted id (contains `.` or `-`, so waivers can tell it from an attribute name). */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly resourceType: ResourceTypeName;
  readonly where?: PolicySelector;
  /** Preconditions: when any is known to fail the rule does not apply; when one is unknown the rule is unknown. */
  readonly when: readonly PolicyAssertion[];
  readonly assert: readonly PolicyAssertion[];
  readonly remediation: string;
  readonly controls: readonly string[];
  readonly description?: string;
  /** Location of the rule's `id` in the policy file. */
  readonly location: SourceLocation;
}

export interface PolicyPack {
  /** File name as shown in diagnostics. */
  readonly file: string;
  /** Absolute path of the policy file. */
  readonly path: string;
  readonly name?: string;
  readonly description?: string;
  readonly rules: readonly PolicyRule[];
}
