import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../model/json.js';
import type { ApiCall, ApiResponse, ExecuteCall } from './types.js';
import { ApiError } from './types.js';
import { listInstanceIds } from './discovery.js';
import type { DiscoveryOptions } from './discovery.js';
import type { ProviderConfig } from '../model/desired-state.js';
import { KMS_INSTANCE_LIST } from '../resources/alicloud-kms-instance/index.js';
import { alicloudCasPrivateCa } from '../resources/alicloud-cas-private-ca/index.js';
import { apiResponse, loadFixture, providerConfig } from '../../test/fixtures/responses/index.js';

// The two listing APIs, as the types declare them (src/resources/<type>/index.ts).
const listKmsInstances = (execute: ExecuteCall, provider: ProviderConfig, region: string, options?: DiscoveryOptions) =>
  listInstanceIds(execute, provider, KMS_INSTANCE_LIST, region, options);
const caDiscovery = alicloudCasPrivateCa.declaration.import.discovery;
const listCaInstances = (execute: ExecuteCall, provider: ProviderConfig) =>
  listInstanceIds(execute, provider, caDiscovery.kind === 'listed' ? caDiscovery.list : KMS_INSTANCE_LIST, undefined);

const provider = providerConfig({ cloud: 'alicloud', region: 'cn-hangzhou' });

/** The injection seam: a plain function answering each call from a page table, recording the calls. */
function fakeExecute(answer: (call: ApiCall) => JsonObject): { execute: ExecuteCall; calls: ApiCall[] } {
  const calls: ApiCall[] = [];
  const execute: ExecuteCall = (call) => {
    calls.push(call);
    return Promise.resolve<ApiResponse>(apiResponse(answer(call), `req-${calls.length}`));
  };
  return { execute, calls };
}

function ids(from: number, count: number): JsonObject[] {
  return Array.from({ length: count }, (_, i) => ({
    KmsInstanceId: `kst-${String(from + i).padStart(4, '0')}`,
    KmsInstanceArn: 'acs:kms:…',
  }));
}

/** ListKmsInstances over `total` instances, served in pages of the requested size. */
function kmsPages(total: number, servedPageSize?: number) {
  return (call: ApiCall): JsonObject => {
    const page = Number(call.params?.['PageNumber']);
    const size = servedPageSize ?? Number(call.params?.['PageSize']);
    const start = (page - 1) * size;
    const count = Math.max(0, Math.min(size, total - start));
    return { RequestId: 'r', PageNumber: page, PageSize: size, TotalCount: total, KmsInstances: { KmsInstance: ids(start, count) } };
  };
}

describe('listKmsInstances', () => {
  it('pages with PageSize 100 until PageNumber × PageSize reaches TotalCount', async () => {
    const { execute, calls } = fakeExecute(kmsPages(250));
    const result = await listKmsInstances(execute, provider, 'cn-shanghai');
    expect(result).toHaveLength(250);
    expect(result[0]).toBe('kst-0000');
    expect(result[249]).toBe('kst-0249');
    expect(calls.map((c) => c.params)).toEqual([
      { PageNumber: '1', PageSize: '100' },
      { PageNumber: '2', PageSize: '100' },
      { PageNumber: '3', PageSize: '100' },
    ]);
    expect(calls[0]).toMatchObject({
      cloud: 'alicloud',
      product: 'kms',
      action: 'ListKmsInstances',
      version: '2016-01-20',
      region: 'cn-shanghai',
    });
  });

  it('stops after one call when everything fits, and on an exact multiple', async () => {
    const one = fakeExecute(kmsPages(3));
    expect(await listKmsInstances(one.execute, provider, 'cn-hangzhou')).toEqual(['kst-0000', 'kst-0001', 'kst-0002']);
    expect(one.calls).toHaveLength(1);
    const exact = fakeExecute(kmsPages(200));
    expect(await listKmsInstances(exact.execute, provider, 'cn-hangzhou')).toHaveLength(200);
    expect(exact.calls).toHaveLength(2);
  });

  it('handles an account without instances (the wrapper may be missing)', async () => {
    const { execute, calls } = fakeExecute(() => ({ RequestId: 'r', TotalCount: 0, PageNumber: 1, PageSize: 100 }));
    expect(await listKmsInstances(execute, provider, 'cn-hangzhou')).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('follows a server that serves smaller pages than asked', async () => {
    const { execute, calls } = fakeExecute(kmsPages(45, 20));
    expect(await listKmsInstances(execute, provider, 'cn-hangzhou')).toHaveLength(45);
    expect(calls).toHaveLength(3);
  });

  it('stops at an empty page even if TotalCount says more (the list shrank)', async () => {
    const { execute, calls } = fakeExecute((call) => {
      const page = Number(call.params?.['PageNumber']);
      return { TotalCount: 500, KmsInstances: { KmsInstance: page === 1 ? ids(0, 100) : [] } };
    });
    expect(await listKmsInstances(execute, provider, 'cn-hangzhou')).toHaveLength(100);
    expect(calls).toHaveLength(2);
  });

  it('removes duplicates from a list that shifted between pages', async () => {
    const { execute } = fakeExecute((call) => {
      const page = Number(call.params?.['PageNumber']);
      return { TotalCount: 150, KmsInstances: { KmsInstance: page === 1 ? ids(0, 100) : ids(99, 51) } };
    });
    const result = await listKmsInstances(execute, provider, 'cn-hangzhou');
    expect(result).toHaveLength(150);
    expect(new Set(result).size).toBe(150);
  });

  it('gives up on a server that never stops paging instead of returning a partial list', async () => {
    const { execute, calls } = fakeExecute((call) => {
      const page = Number(call.params?.['PageNumber']);
      return { TotalCount: 1_000_000_000, KmsInstances: { KmsInstance: ids(page * 100, 100) } };
    });
    const error = await listKmsInstances(execute, provider, 'cn-hangzhou', { maxPages: 5 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).kind).toBe('invalid_response');
    expect((error as ApiError).message).toContain('5 pages');
    expect(calls).toHaveLength(5);
  });

  it('rejects a malformed page and passes call failures through', async () => {
    const bad = fakeExecute(() => ({ TotalCount: '3' }));
    await expect(listKmsInstances(bad.execute, provider, 'cn-hangzhou')).rejects.toMatchObject({
      kind: 'invalid_response',
      message: 'ListKmsInstances response: field TotalCount must be integer (got string)',
    });
    const failure = new ApiError({ kind: 'permission', code: 'Forbidden.RAM', message: 'denied', retryable: false });
    const failing: ExecuteCall = () => Promise.reject(failure);
    await expect(listKmsInstances(failing, provider, 'cn-hangzhou')).rejects.toBe(failure);
  });

  it('passes the abort signal to every call', async () => {
    const controller = new AbortController();
    const seen: (AbortSignal | undefined)[] = [];
    const execute: ExecuteCall = (call, _p, signal) => {
      seen.push(signal);
      return Promise.resolve(apiResponse(kmsPages(150)(call)));
    };
    await listKmsInstances(execute, provider, 'cn-hangzhou', { signal: controller.signal });
    expect(seen).toEqual([controller.signal, controller.signal]);
  });
});

describe('listCaInstances', () => {
  it('calls GetCAInstanceStatus without InstanceId and returns the element ids', async () => {
    const list: JsonObject[] = [
      { InstanceId: 'cas-member-a', Status: 'USED' },
      { InstanceId: 'cas-member-b' },
      { InstanceId: 'cas-member-a' },
    ];
    const { execute, calls } = fakeExecute(() => ({ RequestId: 'r', InstanceStatusList: list }));
    expect(await listCaInstances(execute, provider)).toEqual(['cas-member-a', 'cas-member-b']);
    expect(calls).toEqual([
      { cloud: 'alicloud', product: 'cas', action: 'GetCAInstanceStatus', version: '2020-06-30', region: 'cn-hangzhou' },
    ]);
  });

  it('reads the vendor example', async () => {
    const { execute } = fakeExecute(() => loadFixture('alicloud-cas-get-ca-instance-status'));
    expect(await listCaInstances(execute, providerConfig({ cloud: 'alicloud' }))).toEqual(['cas-member-0hmi****']);
  });

  it('rejects a body without the list', async () => {
    const { execute } = fakeExecute(() => ({ RequestId: 'r' }));
    await expect(listCaInstances(execute, provider)).rejects.toMatchObject({ kind: 'invalid_response' });
  });
});
