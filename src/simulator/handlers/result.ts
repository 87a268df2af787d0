import type { JsonObject } from '../../model/json.js';
import type { VendorError } from '../vendor-errors.js';

/** A path into a success body; `*` stands for every element of an array. */
export type FieldPath = readonly string[];

/**
 * What an API handler answers: the body without the envelope (RequestId, Tencent's `Response`),
 * plus the fields that the null fault may blank out, or a vendor error.
 */
export type HandlerResult =
  | { readonly ok: true; readonly body: JsonObject; readonly nullable: readonly FieldPath[] }
  | { readonly ok: false; readonly error: VendorError };
