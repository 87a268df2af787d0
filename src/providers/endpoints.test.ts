import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../util/loopback.js';
import {
  ALIBABA_CAS_CENTRAL_REGIONS,
  ALIBABA_CAS_REGIONAL_REGIONS,
  ENDPOINT_TABLES,
  EndpointError,
  resolveEndpoint,
  resolveTarget,
} from './endpoints.js';

describe('resolveEndpoint', () => {
  it('uses the nearest-region Tencent domain per site', () => {
    expect(resolveEndpoint({ cloud: 'tencentcloud', product: 'kms', region: 'ap-guangzhou', site: 'china' }).href).toBe(
      'https://kms.tencentcloudapi.com/',
    );
    expect(resolveEndpoint({ cloud: 'tencentcloud', product: 'tcss', site: 'intl' }).href).toBe('https://tcss.intl.tencentcloudapi.com/');
    expect(resolveEndpoint({ cloud: 'tencentcloud', product: 'kms', region: 'ap-singapore', site: 'intl' }).href).toBe(
      'https://kms.intl.tencentcloudapi.com/',
    );
  });

  it('sends Tencent financial regions to their regional host', () => {
    expect(resolveEndpoint({ cloud: 'tencentcloud', product: 'kms', region: 'ap-shanghai-fsi', site: 'china' }).href).toBe(
      'https://kms.ap-shanghai-fsi.tencentcloudapi.com/',
    );
    expect(resolveEndpoint({ cloud: 'tencentcloud', product: 'tcss', region: 'ap-shenzhen-fsi', site: 'intl' }).href).toBe(
      'https://tcss.ap-shenzhen-fsi.tencentcloudapi.com/',
    );
  });

  it('uses regional Alibaba KMS hosts for every region', () => {
    for (const region of ['cn-hangzhou', 'ap-southeast-1', 'eu-central-1', 'me-east-1', 'us-west-1', 'cn-hongkong']) {
      expect(resolveEndpoint({ cloud: 'alicloud', product: 'kms', region, site: 'china' }).href).toBe(
        `https://kms.${region}.aliyuncs.com/`,
      );
    }
  });

  // Issue 11: CAS is regional for international regions (cas-20200630 endpoint map, cloud-apis.md §2.1).
  it.each(ALIBABA_CAS_REGIONAL_REGIONS)('resolves CAS in %s to its regional host', (region) => {
    expect(resolveEndpoint({ cloud: 'alicloud', product: 'cas', region, site: 'intl' }).href).toBe(`https://cas.${region}.aliyuncs.com/`);
    expect(resolveEndpoint({ cloud: 'alicloud', product: 'cas', region, site: 'china' }).href).toBe(`https://cas.${region}.aliyuncs.com/`);
  });

  it.each(ALIBABA_CAS_CENTRAL_REGIONS)('resolves CAS in %s to the central host', (region) => {
    expect(resolveEndpoint({ cloud: 'alicloud', product: 'cas', region, site: 'china' }).href).toBe('https://cas.aliyuncs.com/');
  });

  it('names the central CAS regions the corrected endpoint table lists', () => {
    for (const region of [
      'cn-hangzhou',
      'cn-shanghai',
      'cn-beijing',
      'cn-shenzhen',
      'cn-hongkong',
      'ap-southeast-3',
      'ap-southeast-5',
      'us-east-1',
      'us-west-1',
      'eu-west-1',
    ]) {
      expect(ALIBABA_CAS_CENTRAL_REGIONS).toContain(region);
    }
    for (const region of ALIBABA_CAS_REGIONAL_REGIONS) expect(ALIBABA_CAS_CENTRAL_REGIONS).not.toContain(region);
  });

  it("falls back to the vendor's regional rule for a CAS region in neither list", () => {
    expect(resolveEndpoint({ cloud: 'alicloud', product: 'cas', region: 'ap-northeast-9', site: 'intl' }).href).toBe(
      'https://cas.ap-northeast-9.aliyuncs.com/',
    );
  });

  it('needs a region for CAS (the host depends on it) and never guesses the central host', () => {
    expect(() => resolveEndpoint({ cloud: 'alicloud', product: 'cas', site: 'intl' })).toThrow(/needs a region/);
    expect(() => resolveEndpoint({ cloud: 'alicloud', product: 'cas', region: 'evil.com/x', site: 'china' })).toThrow(EndpointError);
  });

  it('is the table the README documents for CAS', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| Alibaba CAS `GetCAInstanceStatus` |')) ?? '';
    const [regional = '', central = ''] = row.split('`cas.aliyuncs.com` for');
    for (const region of ALIBABA_CAS_REGIONAL_REGIONS) expect(regional, region).toContain(`\`${region}\``);
    for (const region of ['cn-hongkong', 'ap-southeast-3', 'ap-southeast-5', 'us-east-1', 'us-west-1', 'eu-west-1']) {
      expect(ALIBABA_CAS_CENTRAL_REGIONS).toContain(region);
      expect(central, region).toContain(`\`${region}\``);
    }
  });

  it('has exactly one table per product', () => {
    const keys = ENDPOINT_TABLES.map((t) => `${t.cloud}/${t.product}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(['alicloud/cas', 'alicloud/kms', 'tencentcloud/kms', 'tencentcloud/tcss']);
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
    expect(resolveEndpoint({ ...base, cloud: 'alicloud', product: 'kms', region: 'cn-hangzhou' }).href).toBe(
      'https://proxy.example.com:8443/',
    );
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

describe('resolveTarget (the Host header)', () => {
  it('is the vendor host without an override', () => {
    expect(resolveTarget({ cloud: 'alicloud', product: 'cas', region: 'ap-southeast-1', site: 'intl' })).toEqual({
      url: new URL('https://cas.ap-southeast-1.aliyuncs.com/'),
      host: 'cas.ap-southeast-1.aliyuncs.com',
    });
  });

  it('keeps the vendor host in front of a loopback endpoint, so the simulator sees the region like a gateway', () => {
    const t = resolveTarget({
      cloud: 'alicloud',
      product: 'cas',
      region: 'ap-southeast-1',
      site: 'intl',
      override: 'http://127.0.0.1:8931',
    });
    expect(t.url.href).toBe('http://127.0.0.1:8931/');
    expect(t.host).toBe('cas.ap-southeast-1.aliyuncs.com');
    expect(
      resolveTarget({ cloud: 'tencentcloud', product: 'kms', region: 'ap-guangzhou', site: 'intl', override: 'http://localhost:1' }).host,
    ).toBe('kms.intl.tencentcloudapi.com');
  });

  it("falls back to the loopback endpoint's host when no vendor host can be chosen", () => {
    expect(resolveTarget({ cloud: 'alicloud', product: 'kms', site: 'china', override: 'http://127.0.0.1:8931' }).host).toBe(
      '127.0.0.1:8931',
    );
  });

  it("keeps a remote override's own host (its TLS certificate and virtual host are the proxy's)", () => {
    expect(
      resolveTarget({ cloud: 'alicloud', product: 'kms', region: 'cn-hangzhou', site: 'china', override: 'https://proxy.example.com:8443' })
        .host,
    ).toBe('proxy.example.com:8443');
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
