import type { JsonObject } from '../model/json.js';

/**
 * A resource type's section of the simulator's world file (design.md §7, docs/simulator.md): the
 * account key it lives under and the vendor object the simulated API answers with. Vendor objects
 * take the vendor's field names verbatim; the documented ones are typed here (a value may also be
 * null, to simulate the "may return null" fields), any other PascalCase field passes through.
 */
export interface WorldDeclaration {
  /** The key of the account that holds it (`kms`, `kms_instances`, …). */
  readonly key: string;
  /** The name of its shared schema definition (`#/definitions/<definition>`). */
  readonly definition: string;
  /**
   * `by-region`: a map region → object (one answer per region); `single`: one object per account;
   * `list`: a list of instances, each with its `InstanceId`.
   */
  readonly shape: 'by-region' | 'single' | 'list';
  /** The documented vendor fields, typed (the simulator answers with what the world gives). */
  readonly fields: Readonly<Record<string, JsonObject>>;
  /** Lower-case simulator keys beside the vendor fields (`region`, `released`). */
  readonly simulatorKeys?: Readonly<Record<string, JsonObject>>;
  readonly required?: readonly string[];
  /** The answer for an account the world gives no object: one that never bought the service. */
  readonly notPurchased?: JsonObject;
  /** The fields the null fault may blank out (those the vendor documents as "may return null"). */
  readonly nullable: readonly string[];
}

/** World field types: every documented field may also be null. */
export const world: {
  readonly int: JsonObject;
  readonly str: JsonObject;
  readonly bool: JsonObject;
  arrayOf(items: JsonObject): JsonObject;
} = {
  int: { type: ['integer', 'null'] },
  str: { type: ['string', 'null'] },
  bool: { type: ['boolean', 'null'] },
  arrayOf: (items) => ({ type: ['array', 'null'], items }),
};
