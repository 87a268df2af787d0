import type { JsonObject } from '../../model/json.js';
import type { ProviderConfig } from '../../model/desired-state.js';
import type { ApiCall, ExecuteCall } from '../types.js';
import { createResponseValidator, invalidResponse, nullableInteger } from '../response-schema.js';
import { CAS_ACTION, CAS_VERSION, createCaInstanceStatusValidator, instanceStatusList } from './cas-private-ca.js';

/**
 * Discovery for `driftwatch import`: which Alibaba KMS instances and private CAs exist, so their
 * status can be read and written out as desired state.
 */

const LIST_ACTION = 'ListKmsInstances';
const KMS_VERSION = '2016-01-20';
/** The API's maximum page size (cloud-apis.md §3.3). */
const PAGE_SIZE = 100;
/** 1,000 pages of 100 is far beyond any real account; a server still paging then is broken. */
export const MAX_PAGES = 1000;

/** The fields of a ListKmsInstances page the loop reads, including the XML-style wrapper. */
const LIST_SCHEMA = {
  type: 'object',
  required: ['TotalCount'],
  properties: {
    TotalCount: { type: 'integer', minimum: 0 },
    PageNumber: nullableInteger,
    PageSize: nullableInteger,
    KmsInstances: {
      type: ['object', 'null'],
      properties: {
        KmsInstance: {
          type: ['array', 'null'],
          items: { type: 'object', required: ['KmsInstanceId'], properties: { KmsInstanceId: { type: 'string' } } },
        },
      },
    },
  },
} as const;

interface ListPage {
  TotalCount: number;
  PageSize?: number | null;
  KmsInstances?: { KmsInstance?: { KmsInstanceId: string }[] | null } | null;
}

export interface DiscoveryOptions {
  readonly signal?: AbortSignal;
  /** Override of the page guard (tests); defaults to MAX_PAGES. */
  readonly maxPages?: number;
}

/**
 * The ids of every KMS instance of the provider's account in `region`, in the order the API lists
 * them (duplicates from a list that shifted between pages removed). Pages until PageNumber ×
 * PageSize reaches TotalCount or a page comes back empty (the list shrank while paging). Rejects
 * with the ApiError of a failed page, or an `invalid_response` one when a page is malformed or
 * the server is still paging after `maxPages` — a partial list would silently drop instances.
 */
export async function listKmsInstances(
  execute: ExecuteCall,
  provider: ProviderConfig,
  region: string,
  options: DiscoveryOptions = {},
): Promise<string[]> {
  const validate = createResponseValidator(LIST_ACTION, LIST_SCHEMA);
  const maxPages = options.maxPages ?? MAX_PAGES;
  const ids: string[] = [];
  const seen = new Set<string>();
  for (let page = 1; ; page++) {
    if (page > maxPages) {
      throw invalidResponse(LIST_ACTION, `still paging after ${maxPages} pages of ${PAGE_SIZE}; the instance list is incomplete`, null);
    }
    const call: ApiCall = {
      cloud: 'alicloud',
      product: 'kms',
      action: LIST_ACTION,
      version: KMS_VERSION,
      region,
      params: { PageNumber: String(page), PageSize: String(PAGE_SIZE) },
    };
    const response = await execute(call, provider, options.signal);
    validate(response.body, response.requestId);
    const body = response.body as unknown as ListPage;
    const items = body.KmsInstances?.KmsInstance ?? [];
    for (const item of items) {
      if (item.KmsInstanceId !== '' && !seen.has(item.KmsInstanceId)) {
        seen.add(item.KmsInstanceId);
        ids.push(item.KmsInstanceId);
      }
    }
    // The server may cap the page size below what was asked; count with the size it used.
    const pageSize = typeof body.PageSize === 'number' && body.PageSize > 0 ? body.PageSize : PAGE_SIZE;
    if (items.length === 0 || page * pageSize >= body.TotalCount) return ids;
  }
}

/**
 * The ids of the private CA instances GetCAInstanceStatus reports when asked without an
 * InstanceId. Whether that lists every instance is undocumented (cloud-apis.md §3.4); import
 * callers should say so and accept ids given by hand as well.
 */
export async function listCaInstances(
  execute: ExecuteCall,
  provider: ProviderConfig,
  options: Pick<DiscoveryOptions, 'signal'> = {},
): Promise<string[]> {
  const validate = createCaInstanceStatusValidator();
  const base = { cloud: 'alicloud', product: 'cas', action: CAS_ACTION, version: CAS_VERSION } as const;
  const call: ApiCall = provider.region === undefined || provider.region === '' ? base : { ...base, region: provider.region };
  const response = await execute(call, provider, options.signal);
  validate(response.body, response.requestId);
  const ids: string[] = [];
  for (const element of instanceStatusList(response.body) as (JsonObject & { InstanceId: string })[]) {
    if (element.InstanceId !== '' && !ids.includes(element.InstanceId)) ids.push(element.InstanceId);
  }
  return ids;
}
