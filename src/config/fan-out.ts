import type {
  AssumeRoleSource,
  CredentialSource,
  DesiredState,
  FanOutAccount,
  ProviderConfig,
  ResourceConfig,
  Waiver,
} from '../model/desired-state.js';
import type { Diagnostic } from '../model/location.js';
import { BUILTIN_TYPES } from '../resources/registry.js';
import type { TypeRegistry } from '../resources/registry.js';

/**
 * Expands fanned-out providers (issue 13): a provider with `accounts` becomes one provider per
 * account (`alicloud.org[1234]`), with `{account}` in its role ARN replaced; a resource declared once
 * on it becomes one resource per account and, for regional account-level types, per region
 * (`tencentcloud_kms_service.kms[1234/ap-guangzhou]`). Waivers on the address as written apply to
 * every expansion. Pure: the same configuration always expands to the same, sorted, result.
 */

const ACCOUNT_PLACEHOLDER = '{account}';

export interface Expanded {
  readonly state: DesiredState;
  readonly diagnostics: Diagnostic[];
}

function withAccount(source: CredentialSource, account: string): CredentialSource {
  if (source.kind !== 'assume_role') return source;
  const role: AssumeRoleSource = {
    ...source,
    roleArn: source.roleArn.split(ACCOUNT_PLACEHOLDER).join(account),
    source: withAccount(source.source, account),
  };
  return role;
}

function mentionsAccount(source: CredentialSource): boolean {
  return source.kind === 'assume_role' && (source.roleArn.includes(ACCOUNT_PLACEHOLDER) || mentionsAccount(source.source));
}

/** Types read per account (and region): the ones with no instance identifier. */
function accountLevel(types: TypeRegistry, type: string): boolean {
  return (types.resourceType(type)?.identifiers.length ?? 0) === 0;
}

/** Regional in the sense of "one call per region" (TCSS is account-wide; its region is optional). */
function perRegion(types: TypeRegistry, type: string): boolean {
  // What `import` discovers one per region is read one per region (TCSS is one per account).
  return types.get(type)?.declaration.import.discovery.kind === 'per-region';
}

function error(location: Diagnostic['location'], message: string): Diagnostic {
  return { location, message, rule: 'fan-out', severity: 'error' };
}

export function expandFanOut(state: DesiredState, types: TypeRegistry = BUILTIN_TYPES): Expanded {
  const diagnostics: Diagnostic[] = [];
  if (!state.providers.some((p) => p.fanOut !== undefined)) {
    for (const p of state.providers) {
      if (mentionsAccount(p.credentials))
        diagnostics.push(
          error(p.location, `provider ${p.ref}: ${ACCOUNT_PLACEHOLDER} in role_arn needs an \`accounts\` list on the provider`),
        );
    }
    return { state, diagnostics };
  }

  const providers: ProviderConfig[] = [];
  const members = new Map<string, Map<string, { provider: ProviderConfig; account: FanOutAccount }>>();
  for (const p of state.providers) {
    const accounts = p.fanOut?.accounts;
    if (accounts === undefined) {
      if (mentionsAccount(p.credentials))
        diagnostics.push(
          error(p.location, `provider ${p.ref}: ${ACCOUNT_PLACEHOLDER} in role_arn needs an \`accounts\` list on the provider`),
        );
      providers.push(p);
      continue;
    }
    const byId = new Map<string, { provider: ProviderConfig; account: FanOutAccount }>();
    for (const account of accounts) {
      if (byId.has(account.id)) {
        diagnostics.push(error(p.location, `provider ${p.ref} lists account ${account.id} twice`));
        continue;
      }
      const { fanOut: _fanOut, ...base } = p;
      const expanded: ProviderConfig = {
        ...base,
        alias: `${p.alias}[${account.id}]`,
        ref: `${p.ref}[${account.id}]`,
        credentials: withAccount(p.credentials, account.id),
        account: account.id,
        group: p.ref,
        ...((account.regions ?? p.fanOut?.regions) !== undefined ? { regions: account.regions ?? p.fanOut?.regions } : {}),
      };
      byId.set(account.id, { provider: expanded, account });
      providers.push(expanded);
    }
    members.set(p.ref, byId);
  }

  const byRef = new Map(state.providers.map((p) => [p.ref, p]));
  const resources: ResourceConfig[] = [];
  const expansions = new Map<string, string[]>();
  const add = (r: ResourceConfig, group: string | undefined): void => {
    resources.push(r);
    if (group !== undefined) expansions.set(group, [...(expansions.get(group) ?? []), r.address]);
  };
  for (const r of state.resources) {
    const provider = byRef.get(r.provider);
    const regionsOf = (account: FanOutAccount | undefined): readonly string[] =>
      r.region !== undefined || !perRegion(types, r.type)
        ? [r.region ?? '']
        : (account?.regions ?? provider?.fanOut?.regions ?? [provider?.region ?? '']);
    const emit = (providerRef: string, account: FanOutAccount | undefined, keyPrefix: string | undefined): void => {
      const regions = regionsOf(account);
      const regionExpanded =
        r.region === undefined && perRegion(types, r.type) && (account?.regions ?? provider?.fanOut?.regions) !== undefined;
      for (const region of regions) {
        const key = [keyPrefix, regionExpanded ? region : undefined].filter((k): k is string => k !== undefined).join('/');
        const address = key === '' ? r.address : `${r.address}[${key}]`;
        add(
          {
            ...r,
            address,
            provider: providerRef,
            ...(regionExpanded ? { region } : {}),
            ...(address !== r.address ? { group: r.address } : {}),
          },
          address !== r.address ? r.address : undefined,
        );
      }
    };
    const group = members.get(r.provider);
    if (group === undefined) {
      if (r.account !== undefined) {
        diagnostics.push(
          error(
            r.location,
            `${r.address}: 'account' is only for resources on a provider with an \`accounts\` list; ${r.provider} has none`,
          ),
        );
        continue;
      }
      emit(r.provider, undefined, undefined);
      continue;
    }
    if (r.account !== undefined) {
      const member = group.get(r.account);
      if (member === undefined) {
        diagnostics.push(error(r.location, `${r.address}: account ${r.account} is not in the accounts of ${r.provider}`));
        continue;
      }
      emit(member.provider.ref, member.account, undefined);
      continue;
    }
    if (!accountLevel(types, r.type)) {
      diagnostics.push(
        error(
          r.location,
          `${r.address}: ${r.type} names one instance, so on fanned-out provider ${r.provider} it needs 'account: ID' (one of its accounts)`,
        ),
      );
      continue;
    }
    for (const [id, member] of group) emit(member.provider.ref, member.account, id);
  }

  const waivers: Waiver[] = state.waivers.flatMap((w) =>
    (expansions.get(w.resource) ?? [w.resource]).map((resource) => ({ ...w, resource })),
  );
  return { state: { ...state, providers, resources, waivers }, diagnostics };
}
