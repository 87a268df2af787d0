import { createHash } from 'node:crypto';
import type { CredentialSource, DesiredState, ProviderConfig } from '../model/desired-state.js';
import { roleAccount } from '../providers/credential-plan.js';

/**
 * Shards (design.md §12, `--shard I/N`): a stable partition of a configuration's resources **by
 * account**, so that each account's calls — and its API quota — live in exactly one shard. The
 * account of a provider is known without a network call: the fanned-out account, the account in
 * an assumed role's ARN, or the key id of long-lived keys (hashed, ids are not for reports). The
 * distinct keys are sorted and dealt round-robin, so N shards of at least N accounts are never
 * empty and differ in size by at most one account.
 */

export interface ShardSpec {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

const MAX_SHARDS = 1000;

/** `I/N` → spec, or a message saying what is wrong. */
export function parseShard(text: string): ShardSpec | string {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  if (!m) return `expected I/N (e.g. 2/3), got '${text}'`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) return `N must be 1 to ${MAX_SHARDS}, got ${count}`;
  if (index < 1 || index > count) return `I must be 1 to ${count}, got ${index}`;
  return { index, count };
}

function hashed(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function sourceKey(source: CredentialSource): string {
  switch (source.kind) {
    case 'assume_role':
      return `role:${source.roleArn}`;
    case 'env':
      return `env:${source.id ?? ''}:${source.secret ?? ''}`;
    case 'profile':
      return `profile:${source.profile}`;
    case 'ecs_ram_role':
    case 'cvm_role':
      return `${source.kind}:${source.roleName ?? ''}`;
    case 'chain':
    case 'oidc':
      return source.kind;
  }
}

/**
 * The account a provider's calls are charged to. `keyIdOf` returns the key id of long-lived keys
 * when they can be read locally (undefined otherwise: the source stands in for the account).
 */
export function accountKey(provider: ProviderConfig, keyIdOf: (provider: ProviderConfig) => string | undefined): string {
  if (provider.account !== undefined) return `${provider.cloud}:${provider.account}`;
  const { credentials } = provider;
  if (credentials.kind === 'assume_role') {
    const account = roleAccount(provider.cloud, credentials.roleArn);
    if (account !== undefined) return `${provider.cloud}:${account}`;
  }
  const keyId = keyIdOf(provider);
  if (keyId !== undefined) return `${provider.cloud}:key#${hashed(keyId)}`;
  return `${provider.cloud}:source#${hashed(sourceKey(credentials))}`;
}

export interface ShardSelection {
  /** Addresses of the resources in this shard. */
  readonly addresses: ReadonlySet<string>;
  /** The account keys of this shard, sorted. */
  readonly accounts: readonly string[];
}

export interface ShardProviders {
  /** References of the providers whose account is in this shard. */
  readonly refs: ReadonlySet<string>;
  /** The account keys of this shard, sorted. */
  readonly accounts: readonly string[];
}

/**
 * The providers of a configuration in this shard: the account keys of **every** provider of the
 * configuration are dealt, whatever a command then reads, so `plan`, `check` and `import` of one
 * configuration put each account in the same shard.
 */
export function shardProviders(
  providers: readonly ProviderConfig[],
  spec: ShardSpec,
  keyIdOf: (provider: ProviderConfig) => string | undefined,
): ShardProviders {
  const keyOf = new Map(providers.map((p) => [p.ref, accountKey(p, keyIdOf)]));
  const keys = [...new Set(keyOf.values())].sort();
  const mine = new Set(keys.filter((_, i) => (i % spec.count) + 1 === spec.index));
  return { refs: new Set(providers.filter((p) => mine.has(keyOf.get(p.ref) ?? '')).map((p) => p.ref)), accounts: [...mine] };
}

export function selectShard(
  state: DesiredState,
  spec: ShardSpec,
  keyIdOf: (provider: ProviderConfig) => string | undefined,
): ShardSelection {
  const { refs, accounts } = shardProviders(state.providers, spec, keyIdOf);
  const addresses = new Set(state.resources.filter((r) => refs.has(r.provider)).map((r) => r.address));
  return { addresses, accounts };
}

/** `sha256:` over the files (name and content) in order: shards of one configuration share it. */
export function configDigest(files: readonly { readonly path: string; readonly content: string }[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.path}\n${Buffer.byteLength(f.content)}\n${f.content}\n`);
  return `sha256:${hash.digest('hex')}`;
}
