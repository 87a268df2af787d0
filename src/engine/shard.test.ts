import { describe, expect, it } from 'vitest';
import type { DesiredState, ProviderConfig, ResourceConfig } from '../model/desired-state.js';
import type { RunResult } from '../model/run-result.js';
import { mergeResults } from './merge.js';
import { accountKey, parseShard, selectShard } from './shard.js';

const loc = { file: 'c.yaml', line: 1, column: 1 };
function provider(ref: string, extra: Partial<ProviderConfig> = {}): ProviderConfig {
  const [cloud, alias] = ref.split('.') as ['tencentcloud', string];
  return { cloud, alias, ref, site: 'china', credentials: { kind: 'chain' }, rateLimits: {}, location: loc, ...extra };
}
function resource(address: string, providerRef: string): ResourceConfig {
  return {
    address,
    type: 'tencentcloud_kms_service',
    name: address.split('.')[1] ?? '',
    provider: providerRef,
    labels: {},
    expect: [],
    location: loc,
  };
}

describe('parseShard', () => {
  it('reads I/N and says what is wrong otherwise', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard('0/3')).toBe('I must be 1 to 3, got 0');
    expect(parseShard('1/0')).toBe('N must be 1 to 1000, got 0');
    expect(parseShard('a/b')).toBe("expected I/N (e.g. 2/3), got 'a/b'");
  });
});

describe('selectShard', () => {
  const providers = [
    provider('tencentcloud.a', { account: '1' }),
    provider('tencentcloud.b', { account: '2' }),
    provider('tencentcloud.alias-of-a', {
      credentials: { kind: 'assume_role', roleArn: 'qcs::cam::uin/1:roleName/x', source: { kind: 'env' } },
    }),
    provider('tencentcloud.static', { credentials: { kind: 'env' } }),
  ];
  const state: DesiredState = {
    files: [],
    providers,
    resources: [
      resource('t.a', 'tencentcloud.a'),
      resource('t.b', 'tencentcloud.b'),
      resource('t.alias', 'tencentcloud.alias-of-a'),
      resource('t.static', 'tencentcloud.static'),
    ],
    policies: [],
    waivers: [],
  };
  const keyIdOf = (p: ProviderConfig): string | undefined => (p.ref === 'tencentcloud.static' ? 'AKIDSTATIC' : undefined);

  it('keys providers by account: fan-out account, role ARN account, hashed key id', () => {
    expect(providers.map((p) => accountKey(p, keyIdOf))).toEqual([
      'tencentcloud:1',
      'tencentcloud:2',
      'tencentcloud:1',
      expect.stringMatching(/^tencentcloud:key#[0-9a-f]{16}$/),
    ]);
  });

  it('puts every account in exactly one shard, aliases of an account together', () => {
    for (const count of [1, 2, 3, 5]) {
      const shards = Array.from({ length: count }, (_, i) => selectShard(state, { index: i + 1, count }, keyIdOf));
      const all = shards.flatMap((s) => [...s.addresses]).sort();
      expect(all).toEqual(['t.a', 't.alias', 't.b', 't.static']);
      const withA = shards.find((s) => s.addresses.has('t.a'));
      expect(withA?.addresses.has('t.alias')).toBe(true);
    }
  });
});

function shardResult(
  index: number,
  count: number,
  addresses: { address: string; status: 'compliant' | 'drifted' | 'unknown' }[],
  exit: 0 | 2 | 3,
): RunResult {
  const n = (s: string): number => addresses.filter((a) => a.status === s).length;
  return {
    format_version: '1',
    tool: { name: 'driftwatch', version: '0.1.0' },
    as_of: '2026-12-01T00:00:00Z',
    fail_on: 'low',
    summary: {
      resources: addresses.length,
      compliant: n('compliant'),
      drifted: n('drifted'),
      unknown: n('unknown'),
      waived: 0,
      exit_code: exit,
    },
    resources: addresses.map((a) => ({
      address: a.address,
      type: 't',
      status: a.status,
      checks: [],
      error: null,
      request_ids: [],
      observed: {},
      location: loc,
    })),
    waivers: [],
    shard: { index, count, accounts: [`a${index}`], config_digest: `sha256:${'0'.repeat(64)}` },
  };
}

describe('mergeResults', () => {
  it('sums the summaries, takes the worst exit code, sorts resources, drops the shard marker', () => {
    const merged = mergeResults([
      { file: '2.json', result: shardResult(2, 2, [{ address: 'z.b', status: 'unknown' }], 3) },
      {
        file: '1.json',
        result: shardResult(
          1,
          2,
          [
            { address: 'a.a', status: 'compliant' },
            { address: 'm.m', status: 'drifted' },
          ],
          2,
        ),
      },
    ]);
    expect(merged.summary).toEqual({ resources: 3, compliant: 1, drifted: 1, unknown: 1, waived: 0, exit_code: 2 });
    expect(merged.resources.map((r) => r.address)).toEqual(['a.a', 'm.m', 'z.b']);
    expect(merged.shard).toBeUndefined();
    const unknownOnly = mergeResults([
      { file: '1.json', result: shardResult(1, 2, [{ address: 'a', status: 'compliant' }], 0) },
      { file: '2.json', result: shardResult(2, 2, [{ address: 'b', status: 'unknown' }], 3) },
    ]);
    expect(unknownOnly.summary.exit_code).toBe(3);
  });

  it('refuses a whole-run result, different configurations and a resource in two shards', () => {
    const one = shardResult(1, 2, [{ address: 'a', status: 'compliant' }], 0);
    const { shard: _s, ...whole } = one;
    expect(() => mergeResults([{ file: 'w.json', result: whole }])).toThrow(/w\.json is not a shard result/);
    const other = { ...shardResult(2, 2, [], 0), shard: { index: 2, count: 2, accounts: [], config_digest: `sha256:${'1'.repeat(64)}` } };
    expect(() =>
      mergeResults([
        { file: '1.json', result: one },
        { file: '2.json', result: other },
      ]),
    ).toThrow(/2\.json was run on a different configuration/);
    const overlap = shardResult(2, 2, [{ address: 'a', status: 'compliant' }], 0);
    expect(() =>
      mergeResults([
        { file: '1.json', result: one },
        { file: '2.json', result: overlap },
      ]),
    ).toThrow(/a is in both 1\.json and 2\.json/);
  });
});
