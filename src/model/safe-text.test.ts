import { describe, expect, it } from 'vitest';
import { stripUnsafeJson, stripUnsafeText } from './safe-text.js';

describe('safe text', () => {
  it('removes controls and bidi characters, keeps tab and line breaks', () => {
    expect(stripUnsafeText('a\u001b[31mb\u202ec\u2066d\u0085e\tf\ng')).toBe('a[31mbcde\tf\ng');
  });

  it('cleans parsed JSON only when its text may hold such characters', () => {
    const text = '{"k\\u001b":"v\\u202e","n":[1,"\\u0007x"]}';
    expect(stripUnsafeJson(JSON.parse(text), text)).toEqual({ k: 'v', n: [1, 'x'] });
    const clean = { a: 'b' };
    expect(stripUnsafeJson(clean, '{"a":"b"}')).toBe(clean);
  });
});
