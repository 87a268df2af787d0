import type { JsonValue } from './json.js';
import type { SourceLocation } from './location.js';
import type { ResourceStatus, RunSummary } from './run-summary.js';

/**
 * The `comparison` block of the run result (design.md §12, `--compare`): what a change to the
 * configuration or its policies does to the verdicts on the same observations, and whether it
 * weakens a control. Documented in schemas/run-result.schema.json.
 */

/** How a change moves a control: `weakens` when head accepts something base rejected. */
export type ChangeEffect = 'weakens' | 'tightens' | 'neutral';

export type ChangeKind =
  | 'expectation_changed'
  | 'expectation_removed'
  | 'expectation_added'
  | 'severity_changed'
  | 'resource_removed'
  | 'resource_added'
  | 'resource_scope_changed'
  | 'policy_pack_removed'
  | 'policy_pack_added'
  | 'rule_removed'
  | 'rule_added'
  | 'rule_where_changed'
  | 'rule_no_longer_applies'
  | 'rule_now_applies'
  | 'assertion_changed'
  | 'assertion_removed'
  | 'assertion_added'
  | 'precondition_changed'
  | 'precondition_removed'
  | 'precondition_added'
  | 'waiver_added'
  | 'waiver_removed'
  | 'waiver_expiry_changed'
  | 'waiver_details_changed';

export interface ControlChange {
  readonly effect: ChangeEffect;
  readonly kind: ChangeKind;
  /** The resource address, when the change is about one resource (expectations, waivers). */
  readonly resource?: string;
  /** The attribute (expectations, assertions) or the policy rule id / waiver rule. */
  readonly rule?: string;
  /** The setting before and after, as written (null when it did not exist on that side). */
  readonly before: JsonValue;
  readonly after: JsonValue;
  readonly message: string;
  /** Where the change is in head; absent when the thing was removed and head has no line for it. */
  readonly location?: SourceLocation;
  /** Where it was in base; present when the thing existed there. */
  readonly base_location?: SourceLocation;
}

export interface VerdictTransition {
  readonly address: string;
  /** null: the resource is not in that configuration. */
  readonly before: ResourceStatus | null;
  readonly after: ResourceStatus | null;
}

export interface Comparison {
  /** What head was compared with: `ref:<REF>` or the base path as given. */
  readonly base: string;
  readonly summary: { readonly before: RunSummary; readonly after: RunSummary };
  /** Every resource whose verdict differs between base and head (added and removed included), by address. */
  readonly transitions: readonly VerdictTransition[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly weakenings: number;
  readonly tightenings: number;
  /** Every control change, weakening first, then by location. */
  readonly changes: readonly ControlChange[];
}
