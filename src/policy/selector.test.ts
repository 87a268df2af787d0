import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResourceConfig } from '../model/desired-state.js';
import { compileSelector, globMatcher } from './selector.js';

function resource(name: string, provider: string, labels: Record<string, string> = {}): ResourceConfig {
  return {
    address: `alicloud_kms_instance.${name}`,
    type: 'alicloud_kms_instance',
    name,
    provider,
    labels,
    expect: [],
    location: { file: 'main.yaml', line: 1, column: 1 },
  };
}

describe('globMatcher', () => {
  it('anchors, supports * and ?, and treats everything else literally', () => {
    expect(globMatcher('prod-*')('prod-gz')).toBe(true);
    expect(globMatcher('prod-*')('preprod-gz')).toBe(false);
    expect(globMatcher('prod-*')('prod-')).toBe(true);
    expect(globMatcher('db?')('db1')).toBe(true);
    expect(globMatcher('db?')('db12')).toBe(false);
    expect(globMatcher('a.b')('axb')).toBe(false);
    expect(globMatcher('a.b')('a.b')).toBe(true);
    expect(globMatcher('(x)+[y]')('(x)+[y]')).toBe(true);
    expect(globMatcher('Prod')('prod')).toBe(false);
  });

  it('agrees with the anchored regular expression it replaces (issue 18)', () => {
    const toRegExp = (glob: string): RegExp =>
      new RegExp(
        `^${Array.from(glob, (ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}/]/g, (c) => `\\${c}`))).join('')}$`,
        'su',
      );
    const chars = fc.constantFrom('a', 'b', '*', '?', '.', 'é');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 8 }), fc.array(fc.constantFrom('a', 'b', '.', 'é'), { maxLength: 10 }), (glob, value) => {
        expect(globMatcher(glob.join(''))(value.join(''))).toBe(toRegExp(glob.join('')).test(value.join('')));
      }),
      { seed: 18, numRuns: 2000 },
    );
  });
});

describe('compileSelector', () => {
  it('matches everything without a selector', () => {
    expect(compileSelector(undefined)(resource('x', 'alicloud.dev'))).toBe(true);
  });

  it('selects by full provider reference or by alias of any cloud', () => {
    const byRef = compileSelector({ provider: ['alicloud.prod'] });
    expect(byRef(resource('a', 'alicloud.prod'))).toBe(true);
    expect(byRef(resource('a', 'alicloud.production'))).toBe(false);
    expect(byRef(resource('a', 'alicloud.dev'))).toBe(false);
    const byAlias = compileSelector({ provider: ['prod'] });
    expect(byAlias(resource('a', 'alicloud.prod'))).toBe(true);
    expect(byAlias(resource('a', 'tencentcloud.prod'))).toBe(true);
    expect(byAlias(resource('a', 'alicloud.dev'))).toBe(false);
    const anyOf = compileSelector({ provider: ['alicloud.prod-*', 'staging'] });
    expect(anyOf(resource('a', 'alicloud.prod-eu'))).toBe(true);
    expect(anyOf(resource('a', 'alicloud.staging'))).toBe(true);
    expect(anyOf(resource('a', 'alicloud.dev'))).toBe(false);
  });

  it('selects by name glob', () => {
    const match = compileSelector({ name: ['prod-*', 'shared'] });
    expect(match(resource('prod-hz', 'alicloud.x'))).toBe(true);
    expect(match(resource('shared', 'alicloud.x'))).toBe(true);
    expect(match(resource('dev-hz', 'alicloud.x'))).toBe(false);
  });

  it('requires every label to be present with a matching value', () => {
    const match = compileSelector({ labels: { env: ['prod'], tier: ['gold', 'silver*'] } });
    expect(match(resource('a', 'alicloud.x', { env: 'prod', tier: 'gold' }))).toBe(true);
    expect(match(resource('a', 'alicloud.x', { env: 'prod', tier: 'silver-2' }))).toBe(true);
    expect(match(resource('a', 'alicloud.x', { env: 'prod' }))).toBe(false);
    expect(match(resource('a', 'alicloud.x', { env: 'dev', tier: 'gold' }))).toBe(false);
    // A label named like an Object.prototype member is not "present" by inheritance.
    expect(compileSelector({ labels: { constructor: ['*'] } })(resource('a', 'alicloud.x'))).toBe(false);
  });

  it('ANDs provider, name and labels', () => {
    const match = compileSelector({ provider: ['alicloud.prod'], name: ['prod-*'], labels: { env: ['prod'] } });
    expect(match(resource('prod-a', 'alicloud.prod', { env: 'prod' }))).toBe(true);
    expect(match(resource('prod-a', 'alicloud.dev', { env: 'prod' }))).toBe(false);
    expect(match(resource('dev-a', 'alicloud.prod', { env: 'prod' }))).toBe(false);
    expect(match(resource('prod-a', 'alicloud.prod', { env: 'dev' }))).toBe(false);
  });
});
