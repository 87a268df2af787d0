import { describe, expect, it } from 'vitest';
import { EndpointError, isLoopbackHost, resolveEndpoint } from './endpoints.js';

describe('resolveEndpoint', () => {
  it('uses the nearest-region Tencent domain per site', () => {
    expect(resolveEndpoint({ cloud: 'tencentcloud', product: 'kms', region: 'ap-guangzhou', site: 'china' }).href).toBe('https://kms.tencentcloudapi.com/');
    expect(resolveEndpoint({ cloud: 'tencentcloud', product: 'tcss', site: 'intl' }).href).toBe('https://tcss.intl.tencentcloudapi.com/');
    expect(resolveEndpoint({ cloud: 'tencentcloud', product: 'kms', region: 'ap-singapore', site: 'intl' }).href).toBe('https://kms.intl.tencentcloudapi.com/');
  });

  it('sends Tencent financial regions to their regional host', () => {
    expect(resolveEndpoint({ cloud: 'tencentcloud', product: 'kms', region: 'ap-shanghai-fsi', site: 'china' }).href).toBe(
      'https://kms.ap-shanghai-fsi.tencentcloudapi.com/',
    );
    expect(resolveEndpoint({ cloud: 'tencentcloud', product: 'tcss', region: 'ap-shenzhen-fsi', site: 'intl' }).href).toBe(
      'https://tcss.ap-shenzhen-fsi.tencentcloudapi.com/',
    );
  });

  it('uses regional Alibaba KMS hosts and the global CAS host', () => {
    expect(resolveEndpoint({ cloud: 'alicloud', product: 'kms', region: 'cn-hangzhou', site: 'china' }).href).toBe('https://kms.cn-hangzhou.aliyuncs.com/');
    expect(resolveEndpoint({ cloud: 'alicloud', product: 'cas', region: 'cn-hangzhou', site: 'china' }).href).toBe('https://cas.aliyuncs.com/');
    expect(resolveEndpoint({ cloud: 'alicloud', product: 'cas', site: 'intl' }).href).toBe('https://cas.aliyuncs.com/');
  });

  it('requires a well-formed region for Alibaba KMS', () => {
    expect(() => resolveEndpoint({ cloud: 'alicloud', product: 'kms', site: 'china' })).toThrow(/needs a region/);
    expect(() => resolveEndpoint({ cloud: 'alicloud', product: 'kms', region: 'evil.com/x', site: 'china' })).toThrow(EndpointError);
  });

  it('rejects products the cloud does not have', () => {
    expect(() => resolveEndpoint({ cloud: 'tencentcloud', product: 'cas', site: 'china' })).toThrow(EndpointError);
    expect(() => resolveEndpoint({ cloud: 'alicloud', product: 'tcss', site: 'china' })).toThrow(EndpointError);
  });

  it('lets an override replace the base URL for every product', () => {
    const base = { site: 'china' as const, override: 'https://proxy.example.com:8443' };
    expect(resolveEndpoint({ ...base, cloud: 'tencentcloud', product: 'kms' }).href).toBe('https://proxy.example.com:8443/');
    expect(resolveEndpoint({ ...base, cloud: 'alicloud', product: 'kms', region: 'cn-hangzhou' }).href).toBe('https://proxy.example.com:8443/');
    expect(resolveEndpoint({ site: 'china', cloud: 'alicloud', product: 'cas', override: 'https://proxy.example.com/api' }).href).toBe(
      'https://proxy.example.com/api/',
    );
  });

  it('allows http:// only for loopback hosts', () => {
    for (const ok of ['http://127.0.0.1:8080', 'http://127.1.2.3:1', 'http://localhost:9000', 'http://[::1]:8080']) {
      expect(resolveEndpoint({ cloud: 'tencentcloud', product: 'kms', site: 'china', override: ok }).protocol).toBe('http:');
    }
    for (const bad of ['http://10.0.0.1:8080', 'http://example.com', 'http://128.0.0.1', 'http://[::2]:80', 'http://127.0.0.1.evil.com']) {
      expect(() => resolveEndpoint({ cloud: 'tencentcloud', product: 'kms', site: 'china', override: bad })).toThrow(
        /plain http:\/\/ is only allowed for loopback/,
      );
    }
  });

  it('rejects other schemes, credentials in the URL and non-URLs', () => {
    const at = (override: string) => () => resolveEndpoint({ cloud: 'tencentcloud', product: 'kms', site: 'china', override });
    expect(at('ftp://127.0.0.1')).toThrow(/scheme ftp: is not supported/);
    expect(at('https://user:pw@proxy.example.com')).toThrow(/user name or password/);
    expect(at('not a url')).toThrow(/is not a URL/);
    expect(at('https://proxy.example.com/?x=1')).toThrow(/query or fragment/);
  });
});

describe('isLoopbackHost', () => {
  it('knows 127.0.0.0/8, ::1 and localhost', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.255.255.254')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
    expect(isLoopbackHost('::')).toBe(false);
  });
});
