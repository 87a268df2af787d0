/**
 * The shape of the resource-type catalog (design.md §2, a contract): type names, the cloud each
 * belongs to, the fields that identify an instance in configuration, and the normalized
 * attributes that expectations may be written against. The catalog itself is derived from the
 * type declarations under src/resources/<type>/ (src/resources/registry.ts).
 */

import type { Cloud } from './clouds.js';

/** The cloud names come from the one list in clouds.ts. */
export type { Cloud };

/** How an attribute's value is typed after normalization. Timestamps are ISO-8601 UTC strings. */
export type AttributeKind = 'string' | 'integer' | 'boolean' | 'timestamp';

export interface AttributeSpec {
  readonly name: string;
  readonly kind: AttributeKind;
  readonly description: string;
  /** Known values for enumerated strings. A value outside this list is *unknown*, never a pass. */
  readonly values?: readonly string[];
  /**
   * A counter that is used up over time (certificates left to issue, keys left in a quota): with
   * `--history`, reports show its rate of consumption and projected run-out date (operators/forecast.ts).
   */
  readonly consumed?: true;
}

/** The built-in types (src/resources/registry.ts registers exactly these; its test proves it). */
export type ResourceTypeName =
  'tencentcloud_kms_service' | 'tencentcloud_tcss_subscription' | 'alicloud_kms_instance' | 'alicloud_cas_private_ca';

export interface ResourceTypeSpec {
  readonly name: ResourceTypeName;
  readonly cloud: Cloud;
  readonly description: string;
  /** Configuration fields that identify the instance (e.g. `instance_id`); all required. */
  readonly identifiers: readonly string[];
  /** Whether the resource may name a region of its own (overriding the provider's). */
  readonly regional: boolean;
  readonly attributes: readonly AttributeSpec[];
}
