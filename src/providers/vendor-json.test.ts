import { describe, expect, it } from 'vitest';
import { MAX_VENDOR_DEPTH, parseVendorJson, stripUnsafeText, VendorJsonError } from './vendor-json.js';

function problem(text: string): string {
  try {
    parseVendorJson(text);
  } catch (error) {
    expect(error).toBeInstanceOf(VendorJsonError);
    return (error as Error).message;
  }
  throw new Error('parsed');
}

describe('parseVendorJson', () => {
  it('reads what JSON.parse reads', () => {
    const samples = ['{}', '[]', '{"a":[1,2.5,-3e2,true,false,null,"x\\u00e9\\n"]}', ' {"Response":{"RequestId":"r","N":0}} ', '"s"', '12'];
    for (const s of samples) expect(parseVendorJson(s)).toEqual(JSON.parse(s));
  });

  it('refuses a duplicate key at every level, naming its place', () => {
    expect(problem('{"Status":"Disconnected","Status":"Connected"}')).toMatch(/duplicate key "Status" at \/Status/);
    expect(problem('{"Response":{"RequestId":"a"},"Response":{"RequestId":"b"}}')).toMatch(/duplicate key "Response" at \/Response/);
    expect(problem('{"A":{"List":[{"X":1},{"X":1,"Y":2,"X":3}]}}')).toMatch(/at \/A\/List\/1\/X/);
    // Escapes do not hide a duplicate: both spell "Status".
    expect(problem('{"Status":1,"\\u0053tatus":2}')).toMatch(/duplicate key/);
  });

  it('keeps __proto__ as data', () => {
    const value = parseVendorJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(problem(deep)).toMatch(`nested deeper than ${MAX_VENDOR_DEPTH} levels`);
    const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    expect(problem(deepObject)).toMatch(/nested deeper/);
    expect(() => parseVendorJson(`${'['.repeat(MAX_VENDOR_DEPTH)}${']'.repeat(MAX_VENDOR_DEPTH)}`)).not.toThrow();
  });

  it('refuses what RFC 8259 does not allow', () => {
    for (const bad of [
      '',
      '{',
      '{"a":1,}',
      '[1,]',
      '{"a":1} x',
      "{'a':1}",
      '{"a":01}',
      '{"a":.5}',
      '{"a":"\u0001"}',
      '{"a":"\\x"}',
      'NaN',
      '{"a":1}{"a":2}',
    ]) {
      expect(() => parseVendorJson(bad), bad).toThrow(VendorJsonError);
    }
  });

  it('strips control characters and bidi overrides from keys and values', () => {
    const value = parseVendorJson('{"Co\\u001bde":"Con\\u001b[31mnected\\u202e\\u0085\\u2066","Ok":"a\\tb\\nc"}');
    expect(value).toEqual({ Code: 'Con[31mnected', Ok: 'a\tb\nc' });
    expect(parseVendorJson('"x\u202ey\u007f"')).toBe('xy');
    expect(stripUnsafeText('a\u0000b\u200fc')).toBe('abc');
  });
});
