import type { JsonObject, JsonValue } from '../model/json.js';
import type { AttributeKind, AttributeSpec } from '../model/resource-types.js';
import type { Field } from './convert.js';

/**
 * The one declaration of a vendor field and of the attributes read from it. A vendor field says
 * which JSON types the response may carry there (its ajv schema and its TypeScript type come
 * from the same call); an attribute says its normalized name, kind, unit, known values and the
 * conversion from the vendor value — its catalog entry and its normalizer come from that.
 */

type JsonTypeName = 'string' | 'integer' | 'boolean' | 'array' | 'object';

type ValueOf<N extends JsonTypeName> = N extends 'string'
  ? string
  : N extends 'integer'
    ? number
    : N extends 'boolean'
      ? boolean
      : N extends 'array'
        ? unknown[]
        : Record<string, unknown>;

/** A vendor field: the schema the response must meet there, and (as a phantom) the TypeScript type of its value. */
export interface VendorField<T> {
  readonly schema: JsonObject;
  /** The body is not this API's answer without it (a non-null value of the schema's type). */
  readonly required: boolean;
  /** Type-level only: the value's type once validated (never set at run time). */
  readonly value?: T;
}

export type VendorFields = Readonly<Record<string, VendorField<unknown>>>;

/** The value type of a vendor field. */
export type FieldValue<F> = F extends VendorField<infer T> ? T : never;

/** The response object of a resource as the normalizer reads it, typed from the field declarations. */
export type VendorBody<F extends VendorFields> = { readonly [K in keyof F]?: Field<FieldValue<F[K]>> };

/**
 * Vendor field constructors. `nullable` is the common case: the doc generations disagree on which
 * fields may be null (cloud-apis.md pitfall 8), so a null passes and becomes an unknown attribute,
 * while a value of another JSON type fails the whole response.
 */
export const vendor = {
  nullable<N extends JsonTypeName[]>(...types: N): VendorField<ValueOf<N[number]>> {
    return { schema: { type: [...types, 'null'] }, required: false };
  },
  required<N extends JsonTypeName>(type: N): VendorField<ValueOf<N>> {
    return { schema: { type }, required: true };
  },
  /** A nested value whose schema is given whole; `T` is what a valid value looks like. */
  shaped<T>(schema: JsonObject): VendorField<T> {
    return { schema, required: false };
  },
};

/** What a conversion may call when a present value is not one the attribute can be read from. */
export interface ConvertContext {
  /** Fails the whole response as invalid (never a guess); `message` follows "field <path> ". */
  invalid(message: string): never;
}

export interface AttributeDeclaration<F extends VendorFields = VendorFields> {
  readonly spec: AttributeSpec;
  /** The unit of a number or the convention of a time in the vendor field (documentation). */
  readonly unit?: string;
  /** The vendor fields it is read from. */
  readonly reads: readonly (keyof F & string)[];
  /** The normalized value: undefined = absent (omitted), null = unknown. */
  read(body: VendorBody<F>, context: (field: string) => ConvertContext): JsonValue | undefined;
}

export interface AttributeHead {
  readonly name: string;
  readonly kind: AttributeKind;
  readonly description: string;
  /** Known values for enumerated strings; a value outside them is unknown, never a pass. */
  readonly values?: readonly string[];
  readonly unit?: string;
  /** A counter that is used up over time (forecast with --history). */
  readonly consumed?: true;
}

function specOf(head: AttributeHead): AttributeSpec {
  const { name, kind, description, values, consumed } = head;
  return { name, kind, description, ...(values ? { values } : {}), ...(consumed ? { consumed } : {}) };
}

/**
 * Attribute constructors bound to one type's vendor fields, so that a conversion is typed by the
 * field it reads: `from('CmkLimit', …, counter)` only compiles when CmkLimit is an integer field.
 */
export function attributesOf<F extends VendorFields>(_fields: F) {
  return {
    /** An attribute read from one vendor field: absent stays absent, null stays null, else `convert`. */
    from<K extends keyof F & string>(
      field: K,
      head: AttributeHead,
      convert: (value: FieldValue<F[K]>, context: ConvertContext) => JsonValue | null | undefined,
    ): AttributeDeclaration<F> {
      return {
        spec: specOf(head),
        ...(head.unit !== undefined ? { unit: head.unit } : {}),
        reads: [field],
        read(body, context) {
          const value = body[field] as Field<FieldValue<F[K]>>;
          if (value === undefined) return undefined;
          if (value === null) return null;
          const out = convert(value, context(field));
          // A value that cannot be converted (e.g. the doc's literal "xx" for a time) is unknown, not absent.
          return out === undefined ? null : out;
        },
      };
    },
    /** An attribute computed from several vendor fields (e.g. a remaining count). */
    derived<K extends keyof F & string>(
      reads: readonly K[],
      head: AttributeHead,
      compute: (body: VendorBody<F>) => JsonValue | null | undefined,
    ): AttributeDeclaration<F> {
      return {
        spec: specOf(head),
        ...(head.unit !== undefined ? { unit: head.unit } : {}),
        reads,
        read: (body) => compute(body),
      };
    },
  };
}
