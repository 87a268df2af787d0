import { describe, expect, it } from 'vitest';
import { didYouMean, levenshtein } from '../util/did-you-mean.js';
import { parseDuration } from '../util/duration.js';
import { interpolateString } from './interpolate.js';
import { isIsoDateOrDateTime } from '../util/iso-date.js';
import { parseYaml, pointerToPath } from '../util/load-yaml.js';

describe('parseDuration', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['12h', 12 * 3_600_000],
    ['30d', 30 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1d', 86_400_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '0d', '30', 'd', '1.5d', '30 d', '1d2h', '-1d', '30D', '30days', ' 30d', '1y', '01d'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('isIsoDateOrDateTime', () => {
  it.each([
    '2027-01-31',
    '2028-02-29',
    '2027-01-31T00:00:00Z',
    '2027-01-31T08:30:00+08:00',
    '2027-01-31T08:30Z',
    '2027-01-31T08:30:00.123Z',
  ])('accepts %s', (s) => expect(isIsoDateOrDateTime(s)).toBe(true));
  it.each([
    '2027-02-29',
    '2027-13-01',
    '2027-1-31',
    '2027-01-31T00:00:00',
    '31/01/2027',
    '2027-01-31T24:00:00Z',
    '2027-01-31T00:00:00+24:00',
    'tomorrow',
  ])('rejects %s', (s) => expect(isIsoDateOrDateTime(s)).toBe(false));
});

describe('isIsoDateOrDateTime spelling', () => {
  // The evaluator reads these too; the configuration keeps to one spelling of each.
  it.each(['2027-01-31t00:00:00Z', '2027-01-31T00:00:00z', '2027-01-31T00:00:00+0800'])('rejects %s', (s) =>
    expect(isIsoDateOrDateTime(s)).toBe(false),
  );
});

describe('pointerToPath', () => {
  it('makes list indexes numbers and keeps map keys, even numeric ones, as strings', () => {
    const data = { rules: [{ assert: { '0': 1 } }], 'a/b': { '~x': true } };
    expect(pointerToPath('/rules/0/assert/0', data)).toEqual(['rules', 0, 'assert', '0']);
    expect(pointerToPath('/a~1b/~0x', data)).toEqual(['a/b', '~x']);
    expect(pointerToPath('', data)).toEqual([]);
  });

  it('keeps decoding past the end of the data', () => {
    expect(pointerToPath('/missing/0/x', {})).toEqual(['missing', '0', 'x']);
  });
});

describe('did you mean', () => {
  it('measures edits, counting a swap of neighbours as one', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('regoin', 'region')).toBe(1);
    expect(levenshtein('', 'abc')).toBe(3);
  });
  it('suggests close names only', () => {
    expect(didYouMean('editon', ['edition', 'auto_renew'])).toBe('edition');
    expect(didYouMean('alicloud_kms_instnace', ['alicloud_kms_instance', 'alicloud_cas_private_ca'])).toBe('alicloud_kms_instance');
    expect(didYouMean('zzz', ['edition', 'auto_renew'])).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });
});

describe('interpolateString', () => {
  const env = { REGION: 'ap-guangzhou', EMPTY: '' };
  it('expands ${env.NAME} and keeps $${ as a literal', () => {
    expect(interpolateString('${env.REGION}', env)).toMatchObject({ value: 'ap-guangzhou', problems: [] });
    expect(interpolateString('a-${env.REGION}-b ${env.EMPTY}!', env)).toMatchObject({ value: 'a-ap-guangzhou-b !', problems: [] });
    expect(interpolateString('cost $${env.REGION}', env)).toEqual({ value: 'cost ${env.REGION}', problems: [] });
    expect(interpolateString('no interpolation $ {}', env)).toEqual({ value: 'no interpolation $ {}', problems: [] });
  });
  it('reports missing variables, other expressions and unterminated ones', () => {
    expect(interpolateString('${env.MISSING}', env).problems).toEqual([
      "environment variable 'MISSING' is not set (used as ${env.MISSING})",
    ]);
    expect(interpolateString('${REGION}', env).problems[0]).toMatch(/^unsupported interpolation '\$\{REGION\}'/);
    expect(interpolateString('${env.REGION', env).problems[0]).toMatch(/^unterminated interpolation/);
  });
});

describe('parseYaml', () => {
  it('locates keys and values 1-based and falls back to the deepest existing node', () => {
    const { source } = parseYaml('a:\n  bb: [1, 2]\n  c:\n', 'f.yaml');
    expect(source?.locate(['a', 'bb'], 'key')).toEqual({ file: 'f.yaml', line: 2, column: 3 });
    expect(source?.locate(['a', 'bb', 1])).toEqual({ file: 'f.yaml', line: 2, column: 11 });
    expect(source?.locate(['a', 'c'])).toEqual({ file: 'f.yaml', line: 3, column: 3 });
    expect(source?.locate(['a', 'missing', 'deeper'])).toEqual({ file: 'f.yaml', line: 2, column: 3 });
  });
  it('caps alias expansion instead of exhausting memory', () => {
    // Issue 18 changed the limit from 1,000 aliases to 100,000 expanded nodes.
    const laughs = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 7; i++)
      laughs.push(
        `l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const { source, diagnostics } = parseYaml(laughs.join('\n'), 'bomb.yaml');
    expect(source).toBeUndefined();
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/^YAML aliases expand to more than 100000 nodes/)]);
    // A few aliases of small anchors, as real configurations use them, are fine.
    expect(parseYaml('a: &a { x: 1 }\nb: *a\nc: *a\n', 'ok.yaml').diagnostics).toEqual([]);
  });
  it('keeps a key named __proto__ as data', () => {
    const { source } = parseYaml('__proto__: { polluted: true }\n', 'p.yaml');
    expect(Object.keys(source?.value ?? {})).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
