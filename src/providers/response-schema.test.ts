import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../model/json.js';
import {
  attributes,
  catalogSpec,
  createResponseValidator,
  counter,
  remaining,
  enumName,
  invalidResponse,
  mapField,
  nullableInteger,
  withoutRequestId,
} from './response-schema.js';
import { ApiError } from './types.js';
import { thrownApiError } from '../../test/fixtures/responses/index.js';

describe('createResponseValidator', () => {
  it('compiles lazily: creating it costs nothing and a broken schema shows only on first use', () => {
    const validate = createResponseValidator('Test', { type: 'object', notAKeyword: true });
    expect(() => validate({}, null)).toThrow(/unknown keyword/);
  });

  it('accepts unknown fields and nulls, rejects wrong types naming the nested field', () => {
    const validate = createResponseValidator('Test', {
      type: 'object',
      properties: { List: { type: 'array', items: { type: 'object', properties: { 'a/b': nullableInteger } } } },
    });
    validate({ Extra: { anything: [1, 'x'] }, List: [{ 'a/b': null }, { 'a/b': 3 }] }, null);
    const error = thrownApiError(() => validate({ List: [{ 'a/b': 1 }, { 'a/b': 'x' }] }, 'req-1'));
    expect(error.message).toBe('Test response: field List[1].a/b must be integer or null (got string)');
    expect(error.requestId).toBe('req-1');
  });

  it('names the body itself when the top level is wrong', () => {
    const validate = createResponseValidator('Test', { type: 'object' });
    expect(thrownApiError(() => validate('x', null)).message).toBe('Test response: field (body) must be object (got string)');
  });
});

describe('invalidResponse', () => {
  it('is a non-retryable ApiError with a stable code and a hint', () => {
    const error = invalidResponse('GetKmsInstance', 'field X is missing', 'r');
    expect(error).toBeInstanceOf(ApiError);
    expect(error.toObservationError()).toMatchObject({
      kind: 'invalid_response',
      code: 'DW_INVALID_RESPONSE',
      retryable: false,
      request_id: 'r',
    });
    expect(error.hint).toBeTruthy();
  });
});

describe('field helpers', () => {
  it('mapField keeps absent absent and null null, and makes an unconvertible value null', () => {
    expect(mapField<number, number>(undefined, (n) => n + 1)).toBeUndefined();
    expect(mapField<number, number>(null, (n) => n + 1)).toBeNull();
    expect(mapField(1, (n) => n + 1)).toBe(2);
    expect(mapField('xx', () => undefined)).toBeNull();
  });

  it('attributes omits absent values only', () => {
    expect(
      attributes([
        ['a', undefined],
        ['b', null],
        ['c', 0],
        ['d', false],
      ]),
    ).toEqual({ b: null, c: 0, d: false });
  });

  // Issue 11 changes this behaviour: more used than the total was "−2 remaining"; it is now unknown.
  it('remaining needs two counters with used <= total', () => {
    expect(remaining(10, 3)).toBe(7);
    expect(remaining(10, 10)).toBe(0);
    expect(remaining(1, 3)).toBeNull();
    expect(remaining(5, -1000)).toBeNull();
    expect(remaining(-5, 0)).toBeNull();
    expect(remaining(null, 3)).toBeNull();
    expect(remaining(10, null)).toBeNull();
    expect(remaining(undefined, 3)).toBeUndefined();
  });

  it('counter keeps non-negative integers only', () => {
    expect(counter(0)).toBe(0);
    expect(counter(1005)).toBe(1005);
    expect(counter(-1)).toBeNull();
    expect(counter(1.5)).toBeNull();
    expect(counter(2 ** 60)).toBeNull();
  });

  it('enumName keeps undocumented values raw and ignores inherited names', () => {
    const names: Record<number, string> = { 0: 'zero' };
    expect(enumName(names, 0)).toBe('zero');
    expect(enumName(names, 7)).toBe('7');
    expect(enumName(Object.create({ 1: 'inherited' }) as Record<number, string>, 1)).toBe('1');
  });

  it('withoutRequestId drops only RequestId and keeps a __proto__ key as data', () => {
    const body = JSON.parse('{"RequestId":"r","A":1,"__proto__":{"polluted":true}}') as JsonObject;
    const raw = withoutRequestId(body);
    expect(Object.keys(raw)).toEqual(['A', '__proto__']);
    expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
    expect((raw as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('catalogSpec finds catalog entries', () => {
    expect(catalogSpec('alicloud_cas_private_ca').name).toBe('alicloud_cas_private_ca');
  });
});
