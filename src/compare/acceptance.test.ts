import { describe, expect, it } from 'vitest';
import type { Operator } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import { attributeSpec, resourceType } from '../resources/registry.js';
import type { AttributeSpec } from '../model/resource-types.js';
import { relation } from './acceptance.js';
import type { Relation } from './acceptance.js';

const NOW = new Date('2026-12-01T00:00:00Z');

function spec(type: string, name: string): AttributeSpec {
  const t = resourceType(type);
  const a = t ? attributeSpec(t, name) : undefined;
  if (!a) throw new Error(`no attribute ${type}.${name}`);
  return a;
}

const EDITION = spec('tencentcloud_kms_service', 'edition');
const AUTO_RENEW = spec('tencentcloud_kms_service', 'auto_renew');
const EXPIRES = spec('tencentcloud_kms_service', 'expires_at');
const REMAINING = spec('alicloud_cas_private_ca', 'certificates_remaining');
const PRODUCT = spec('alicloud_kms_instance', 'product_type');

type Check = readonly [Operator, JsonValue];
type Row = readonly [string, Check, Check, AttributeSpec | undefined, Relation];

// Relation of head to base: `wider`/`different` are weakenings, `narrower` a tightening, `same` neutral.
const ROWS: readonly Row[] = [
  // at_least / greater_than (integers: bounds are whole numbers)
  ['at_least lowered', ['at_least', 100], ['at_least', 10], REMAINING, 'wider'],
  ['at_least raised', ['at_least', 10], ['at_least', 100], REMAINING, 'narrower'],
  ['at_least unchanged value, other spelling', ['at_least', 100], ['greater_than', 99], REMAINING, 'same'],
  ['greater_than lowered', ['greater_than', 50], ['greater_than', 49], REMAINING, 'wider'],
  ['greater_than raised', ['greater_than', 50], ['greater_than', 51], REMAINING, 'narrower'],
  ['at_least → greater_than same number', ['at_least', 100], ['greater_than', 100], REMAINING, 'narrower'],
  ['at_least on raw (real numbers): > 99 is wider than ≥ 100', ['at_least', 100], ['greater_than', 99], undefined, 'wider'],
  // at_most / less_than
  ['at_most raised', ['at_most', 5], ['at_most', 50], REMAINING, 'wider'],
  ['at_most lowered', ['at_most', 50], ['at_most', 5], REMAINING, 'narrower'],
  ['less_than raised', ['less_than', 5], ['less_than', 6], REMAINING, 'wider'],
  ['less_than lowered', ['less_than', 5], ['less_than', 4], REMAINING, 'narrower'],
  ['less_than 6 is at_most 5 on integers', ['less_than', 6], ['at_most', 5], REMAINING, 'same'],
  ['lower bound → upper bound', ['at_least', 100], ['at_most', 1000], REMAINING, 'different'],
  // not_within (durations)
  ['not_within shortened', ['not_within', '30d'], ['not_within', '7d'], EXPIRES, 'wider'],
  ['not_within lengthened', ['not_within', '7d'], ['not_within', '30d'], EXPIRES, 'narrower'],
  ['not_within same duration, other unit', ['not_within', '2w'], ['not_within', '14d'], EXPIRES, 'same'],
  ['not_within hours vs days', ['not_within', '48h'], ['not_within', '2d'], EXPIRES, 'same'],
  ['not_within 30d is after as-of + 30d', ['not_within', '30d'], ['after', '2026-12-31T00:00:00Z'], EXPIRES, 'same'],
  ['not_within → after an earlier instant', ['not_within', '30d'], ['after', '2026-12-15'], EXPIRES, 'wider'],
  // before / after (instants, any spelling)
  ['after moved earlier', ['after', '2027-06-30'], ['after', '2027-01-01'], EXPIRES, 'wider'],
  ['after moved later', ['after', '2027-01-01'], ['after', '2027-06-30'], EXPIRES, 'narrower'],
  ['after same instant, other zone', ['after', '2027-01-01T08:00:00+08:00'], ['after', '2027-01-01T00:00:00Z'], EXPIRES, 'same'],
  ['before moved later', ['before', '2027-01-01'], ['before', '2027-06-30'], EXPIRES, 'wider'],
  ['before moved earlier', ['before', '2027-06-30'], ['before', '2027-01-01'], EXPIRES, 'narrower'],
  // equals / not_equals (enums, booleans)
  ['equals changed value', ['equals', 'ultimate'], ['equals', 'basic'], EDITION, 'different'],
  ['equals → not_equals of the other enum value', ['equals', 'ultimate'], ['not_equals', 'basic'], EDITION, 'same'],
  ['equals → not_equals of the same value', ['equals', 'ultimate'], ['not_equals', 'ultimate'], EDITION, 'different'],
  ['equals true → not_equals false (boolean)', ['equals', true], ['not_equals', false], AUTO_RENEW, 'same'],
  ['equals → present (any value)', ['equals', true], ['present', true], AUTO_RENEW, 'wider'],
  ['not_equals changed (free string)', ['not_equals', 'a'], ['not_equals', 'b'], PRODUCT, 'different'],
  ['equals instant, other spelling', ['equals', '2027-01-01'], ['equals', '2027-01-01T00:00:00Z'], EXPIRES, 'same'],
  // in / not_in (lists)
  ['in gains a value', ['in', ['ultimate']], ['in', ['ultimate', 'basic']], EDITION, 'wider'],
  ['in loses a value', ['in', ['a', 'b']], ['in', ['a']], PRODUCT, 'narrower'],
  ['in reordered', ['in', ['a', 'b']], ['in', ['b', 'a']], PRODUCT, 'same'],
  ['in swaps a value', ['in', ['a', 'b']], ['in', ['a', 'c']], PRODUCT, 'different'],
  ['equals → in with the same single value', ['equals', 'a'], ['in', ['a']], PRODUCT, 'same'],
  ['not_in loses a value', ['not_in', ['a', 'b']], ['not_in', ['a']], PRODUCT, 'wider'],
  ['not_in gains a value', ['not_in', ['a']], ['not_in', ['a', 'b']], PRODUCT, 'narrower'],
  ['not_in → in (enum domain makes them comparable)', ['not_in', ['basic']], ['in', ['ultimate']], EDITION, 'same'],
  ['in → not_in without a domain', ['in', ['a']], ['not_in', ['b']], PRODUCT, 'wider'],
  ['in of numbers within a bound', ['at_least', 10], ['in', [10, 20]], REMAINING, 'narrower'],
  // matches
  ['matches unchanged', ['matches', '^prod-'], ['matches', '^prod-'], PRODUCT, 'same'],
  ['matches changed (cannot be proven narrower)', ['matches', '^prod-'], ['matches', '^prod-eu-'], PRODUCT, 'different'],
  ['equals → matches it satisfies', ['matches', '^p'], ['equals', 'prod'], PRODUCT, 'narrower'],
  // present
  ['present true → false', ['present', true], ['present', false], PRODUCT, 'different'],
  ['present → equals', ['present', true], ['equals', 'x'], PRODUCT, 'narrower'],
];

describe('accepted-value relation, operator by operator', () => {
  it.each(ROWS)('%s', (_name, base, head, attribute, expected) => {
    expect(relation({ operator: base[0], expected: base[1] }, { operator: head[0], expected: head[1] }, attribute, NOW)).toBe(expected);
  });

  it('not_within is compared at the evaluation as-of, not the wall clock', () => {
    const base = { operator: 'not_within' as const, expected: '30d' };
    const head = { operator: 'after' as const, expected: '2027-01-30T00:00:00Z' };
    expect(relation(base, head, EXPIRES, NOW)).toBe('narrower');
    expect(relation(base, head, EXPIRES, new Date('2027-01-15T00:00:00Z'))).toBe('wider');
  });

  it('an unreadable operand is never reported as the same as a readable one', () => {
    expect(relation({ operator: 'not_within', expected: '30d' }, { operator: 'not_within', expected: 'soon' }, EXPIRES, NOW)).toBe(
      'different',
    );
  });
});
