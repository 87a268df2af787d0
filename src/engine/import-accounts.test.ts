import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import type { DesiredState, ProviderConfig } from '../model/desired-state.js';
import { UsageError } from '../model/errors.js';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { ResourceType } from '../resources/define.js';
import { memberUin, orgConfig } from '../../test/helpers/org.js';
import { importProviders, importShard, planImportOutput } from './import-accounts.js';
import type { ImportRead } from './import-accounts.js';
import { selectShard } from './shard.js';

const KMS = BUILTIN_TYPES.get('tencentcloud_kms_service') as ResourceType;
const CAS = BUILTIN_TYPES.get('alicloud_cas_private_ca') as ResourceType;
const MEMBERS = 5;

let dir: string;
let state: DesiredState;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'driftwatch-import-accounts-'));
  await writeFile(join(dir, 'org.yaml'), orgConfig(MEMBERS));
  const loaded = await loadConfig([join(dir, 'org.yaml')], { cwd: dir, env: {} });
  state = loaded.state;
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** A successful read of KMS in one region of a provider, as readForImport gives it. */
function read(provider: ProviderConfig, region: string): ImportRead {
  return {
    provider,
    resource: {
      address: `tencentcloud_kms_service.${region}`,
      type: 'tencentcloud_kms_service',
      name: region,
      provider: provider.ref,
      region,
      labels: {},
      expect: [],
      location: provider.location,
    },
    attributes: { edition: 'ultimate' },
  };
}

describe('importProviders', () => {
  it('a fanned-out provider as declared stands for every account; an account by its own reference for itself', () => {
    expect(importProviders(state, ['tencentcloud.org'], KMS).map((p) => p.account)).toEqual([1, 2, 3, 4, 5].map(memberUin));
    expect(importProviders(state, [`tencentcloud.org[${memberUin(2)}]`, 'tencentcloud.org'], KMS)).toHaveLength(MEMBERS);
    expect(importProviders(state, [`tencentcloud.org[${memberUin(2)}]`], KMS).map((p) => p.ref)).toEqual([
      `tencentcloud.org[${memberUin(2)}]`,
    ]);
  });

  it('names what is not there, and a provider of the other cloud', () => {
    expect(() => importProviders(state, ['tencentcloud.orgs'], KMS)).toThrow(
      /no provider tencentcloud\.orgs in the configuration; did you mean tencentcloud\.org\?/,
    );
    expect(() => importProviders(state, ['tencentcloud.org'], CAS)).toThrow(UsageError);
  });
});

describe('importShard', () => {
  it('deals the accounts as check --shard does: disjoint, complete, the same shard for each account', () => {
    const all = importProviders(state, ['tencentcloud.org'], KMS);
    const seen = new Set<string>();
    for (const index of [1, 2, 3]) {
      const shard = importShard(state, all, { index, count: 3 }, () => undefined);
      const check = selectShard(state, { index, count: 3 }, () => undefined);
      expect(shard.accounts).toEqual(check.accounts);
      for (const p of shard.providers) {
        expect(seen.has(p.ref)).toBe(false);
        seen.add(p.ref);
        expect([...check.addresses].some((a) => a.includes(`[${p.account ?? ''}/`))).toBe(true);
      }
    }
    expect(seen.size).toBe(MEMBERS);
  });
});

describe('planImportOutput', () => {
  const members = (): ProviderConfig[] => importProviders(state, ['tencentcloud.org'], KMS);

  it('into the configuration: the declared provider with account and region, names carrying the account', () => {
    const [a, b] = members();
    if (!a || !b) throw new Error('members');
    const plan = planImportOutput([read(a, 'ap-guangzhou'), read(b, 'ap-guangzhou')], KMS, { ...state, resources: [] }, true);
    expect(plan.providers).toEqual([]);
    expect(plan.observations.map((o) => [o.name, o.provider, o.account, o.region])).toEqual([
      [`org-${memberUin(1)}-ap-guangzhou`, 'tencentcloud.org', memberUin(1), 'ap-guangzhou'],
      [`org-${memberUin(2)}-ap-guangzhou`, 'tencentcloud.org', memberUin(2), 'ap-guangzhou'],
    ]);
  });

  it('standalone: each account a provider block of its own, its role ARN filled in', () => {
    const [a] = members();
    if (!a) throw new Error('members');
    const plan = planImportOutput([read(a, 'ap-shanghai')], KMS, undefined, false);
    expect(plan.providers.map((p) => [p.ref, p.credentials.kind === 'assume_role' ? p.credentials.roleArn : ''])).toEqual([
      [`tencentcloud.org-${memberUin(1)}`, `qcs::cam::uin/${memberUin(1)}:roleName/driftwatch-audit`],
    ]);
    expect(plan.observations[0]).toMatchObject({ name: 'ap-shanghai', provider: `tencentcloud.org-${memberUin(1)}` });
    expect(plan.observations[0]?.account).toBeUndefined();
  });

  it('skips what the configuration declares for the same account and region, naming where', () => {
    const [a] = members();
    if (!a) throw new Error('members');
    const plan = planImportOutput([read(a, 'ap-guangzhou'), read(a, 'ap-beijing')], KMS, state, true);
    expect(plan.skipped.map((s) => [s.what, s.declared.address])).toEqual([
      [`tencentcloud_kms_service ap-guangzhou`, `tencentcloud_kms_service.kms[${memberUin(1)}/ap-guangzhou]`],
    ]);
    expect(plan.observations.map((o) => o.region)).toEqual(['ap-beijing']);
  });
});
