import type { ProviderConfig, ResourceConfig } from '../model/desired-state.js';
import { UsageError } from '../model/errors.js';
import type { InstanceList, ResourceType } from '../resources/define.js';
import type { ExecuteCall } from './types.js';
import { createResponseValidator, invalidResponse } from './response-schema.js';

/**
 * Discovery for `driftwatch import`: which instances of a type exist, so their status can be read
 * and written out as desired state. What to call and how to read a page is the type's declared
 * `InstanceList` (src/resources/<type>/); this file sends the calls and pages.
 */

/** 1,000 pages is far beyond any real account; a server still paging then is broken. */
const MAX_PAGES = 1000;

export interface DiscoveryOptions {
  readonly signal?: AbortSignal;
  /** Override of the page guard (tests); defaults to MAX_PAGES. */
  readonly maxPages?: number;
}

/**
 * The ids a listing API names, in the order it lists them (duplicates from a list that shifted
 * between pages, and empty ids, removed). A paged list is read until page × page size reaches the
 * total or a page comes back empty (the list shrank while paging). Rejects with the ApiError of a
 * failed page, or an `invalid_response` one when a page is malformed or the server is still
 * paging after `maxPages` — a partial list would silently drop instances.
 */
export async function listInstanceIds(
  execute: ExecuteCall,
  provider: ProviderConfig,
  list: InstanceList,
  region: string | undefined,
  options: DiscoveryOptions = {},
): Promise<string[]> {
  const action = list.api.action;
  const validate = createResponseValidator(action, list.schema);
  const maxPages = options.maxPages ?? MAX_PAGES;
  const ids: string[] = [];
  const seen = new Set<string>();
  for (let page = 1; ; page++) {
    if (list.pageSize !== undefined && page > maxPages) {
      throw invalidResponse(action, `still paging after ${maxPages} pages of ${list.pageSize}; the instance list is incomplete`, null);
    }
    const response = await execute(list.call(provider, region, page), provider, options.signal);
    validate(response.body, response.requestId);
    const read = list.read(response.body);
    for (const id of read.ids) {
      if (id !== '' && !seen.has(id)) {
        seen.add(id);
        ids.push(id);
      }
    }
    if (list.pageSize === undefined || read.total === undefined) return ids;
    // The server may cap the page size below what was asked; count with the size it used.
    const pageSize = read.pageSize !== undefined && read.pageSize > 0 ? read.pageSize : list.pageSize;
    if (read.ids.length === 0 || page * pageSize >= read.total) return ids;
  }
}

/** What the user named on the command line: regions (`--region`, repeatable) and instance ids (`--instance-id`). */
export interface DiscoveryChoice {
  readonly regions: readonly string[];
  readonly instanceIds: readonly string[];
}

function resourceFor(
  type: ResourceType,
  name: string,
  provider: ProviderConfig,
  extra: { region?: string; instanceId?: string },
): ResourceConfig {
  const typeName = type.spec.name;
  return {
    address: `${typeName}.${name}`,
    type: typeName,
    name,
    provider: provider.ref,
    labels: {},
    expect: [],
    location: provider.location,
    ...extra,
  };
}

/**
 * The resources `import` reads for a type, as the type's declared discovery says: one per region,
 * one for the account, or the instances a listing API names (or the ids given by hand).
 */
export async function discoverResources(
  execute: ExecuteCall,
  provider: ProviderConfig,
  type: ResourceType,
  choice: DiscoveryChoice,
  options: DiscoveryOptions = {},
): Promise<ResourceConfig[]> {
  const name = type.spec.name;
  const regions = (): readonly string[] => {
    // A fanned-out account's regions, as `check` reads them, unless --region says otherwise.
    const chosen = choice.regions.length > 0 ? choice.regions : (provider.regions ?? (provider.region ? [provider.region] : []));
    if (chosen.length === 0)
      throw new UsageError(`import: ${name} needs a region`, 'Pass --region (repeatable) or set region in the provider block.');
    return chosen;
  };
  const discovery = type.declaration.import.discovery;
  switch (discovery.kind) {
    case 'per-region':
      return regions().map((region) => resourceFor(type, region, provider, { region }));
    case 'account':
      return [resourceFor(type, provider.alias, provider, {})];
    case 'listed': {
      if (discovery.perRegion) {
        const resources: ResourceConfig[] = [];
        for (const region of regions()) {
          for (const id of await listInstanceIds(execute, provider, discovery.list, region, options)) {
            resources.push(resourceFor(type, id, provider, { region, instanceId: id }));
          }
        }
        return resources;
      }
      if (discovery.needsRegion !== undefined && !provider.region) {
        throw new UsageError(`import: ${name} needs a region on provider ${provider.ref}`, discovery.needsRegion);
      }
      const given = discovery.idsByHand ? choice.instanceIds : [];
      const ids = given.length > 0 ? given : await listInstanceIds(execute, provider, discovery.list, provider.region, options);
      return ids.map((id) => resourceFor(type, id, provider, { instanceId: id }));
    }
  }
}
