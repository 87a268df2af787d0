import { describe, expect, it } from 'vitest';
import { markdownCode, markdownText, workflowData, workflowProperty, xmlAttr, xmlText } from './escape.js';

describe('xml escaping', () => {
  it('escapes markup characters in text and attributes', () => {
    expect(xmlText(`a<b>&"c'`)).toBe(`a&lt;b&gt;&amp;"c'`);
    expect(xmlAttr(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });

  it('keeps line breaks in attributes as character references', () => {
    expect(xmlAttr('one\ntwo\r\tthree')).toBe('one&#10;two&#13;&#9;three');
  });

  it('replaces characters XML 1.0 cannot carry', () => {
    expect(xmlText('bell\u0007nul\u0000ok\u{1F600}')).toBe('bell\uFFFDnul\uFFFDok\u{1F600}');
    expect(xmlText('lone\uD800surrogate')).toBe('lone\uFFFDsurrogate');
  });
});

describe('workflow command escaping', () => {
  it('encodes %, CR and LF in data, percent first', () => {
    expect(workflowData('100%\r\nnext %0A')).toBe('100%25%0D%0Anext %250A');
  });

  it('also encodes : and , in properties', () => {
    expect(workflowProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });
});

describe('markdown escaping', () => {
  it('neutralises HTML, table pipes and emphasis in text', () => {
    expect(markdownText('<img src=x> a|b *c* _d_')).toBe('&lt;img src=x&gt; a\\|b \\*c\\* \\_d\\_');
  });

  it('turns line breaks into <br> so a cell cannot end the row', () => {
    expect(markdownText('one\ntwo')).toBe('one<br>two');
  });

  it('fences code with more backticks than it contains and escapes pipes in tables', () => {
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
    expect(markdownCode('a|b')).toBe('`a\\|b`');
    expect(markdownCode('a|b', false)).toBe('`a|b`');
    expect(markdownCode('')).toBe('""');
  });
});
