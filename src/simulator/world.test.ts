import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, IoError } from '../model/errors.js';
import { formatDiagnostic } from '../model/location.js';
import { loadWorld, parseWorld, worldFromObject } from './world.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/simulator/world.yaml', import.meta.url));

function problems(text: string): string[] {
  try {
    parseWorld(text, 'w.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).diagnostics.map(formatDiagnostic);
  }
  throw new Error('expected the world to be rejected');
}

describe('the example world', () => {
  it('holds the demo story with the exact values the examples rely on', async () => {
    const world = await loadWorld(EXAMPLE);
    const [tencent, alibaba] = world.accounts;
    if (tencent?.cloud !== 'tencentcloud' || alibaba?.cloud !== 'alicloud') throw new Error('unexpected account order');
    expect(tencent).toMatchObject({ secretId: 'AKIDSIMULATED0001', secretKey: 'simulated-secret-0001' });
    expect(tencent.kms.get('ap-guangzhou')?.fields).toMatchObject({
      ServiceEnabled: true,
      InvalidType: 1,
      UserLevel: 1,
      ProRenewFlag: 1,
      ProExpireTime: 1877529600,
    });
    expect(tencent.kms.get('ap-shanghai')?.fields).toMatchObject({ UserLevel: 0 });
    expect(tencent.tcss?.fields).toMatchObject({ State: 3, AutomaticRenewal: 2, ExpirationTime: '2026-12-20 00:00:00' });
    expect(alibaba).toMatchObject({ accessKeyId: 'LTAISIMULATED0001', accessKeySecret: 'simulated-secret-0002' });
    expect(alibaba.kmsInstances.map((i) => [i.instanceId, i.region, i.fields.Status])).toEqual([
      ['kst-hzz000001', 'cn-hangzhou', 'Connected'],
      ['kst-shh000002', 'cn-shanghai', 'Disconnected'],
    ]);
    expect(alibaba.kmsInstances[0]?.fields).toMatchObject({ EndDate: '2027-06-30T16:00:00Z', KeyNum: 1000, SecretNum: '100' });
    // Simulator keys never leak into the vendor body.
    expect(alibaba.kmsInstances[0]?.fields).not.toHaveProperty('region');
    expect(alibaba.caInstances.map((c) => [c.instanceId, c.fields.Type, c.fields.CertTotalCount, c.fields.CertIssuedCount])).toEqual([
      ['cas-member-000001', 'ROOT', 500, 20],
      ['cas-member-000002', 'SUB_ROOT', 1000, 950],
    ]);
    // The STS APIs (issue 13) have their default limits too.
    expect(world.limits).toEqual({
      GetServiceStatus: 100,
      DescribePurchaseStateInfo: 20,
      GetKmsInstance: 10,
      ListKmsInstances: 10,
      GetCAInstanceStatus: 10,
      AssumeRole: 100,
      AssumeRoleWithOIDC: 100,
      AssumeRoleWithWebIdentity: 100,
    });
  });
});

describe('parseWorld', () => {
  it('fills documented defaults for limits, faults and clock', () => {
    const world = parseWorld('accounts: []\nlimits: { GetKmsInstance: 5 }\n', 'w.yaml');
    expect(world.limits.GetKmsInstance).toBe(5);
    expect(world.limits.GetServiceStatus).toBe(100);
    expect(world.limits.DescribePurchaseStateInfo).toBe(20);
    expect(world.faults).toMatchObject({ seed: 1, latencyMs: [0, 0], errorRate: 0, nullRate: 0 });
    expect(world.clock.skewSeconds).toBe(0);
  });

  it('reads forced errors, names, tokens and clock skew', () => {
    const world = parseWorld(
      [
        'clock: { skew_seconds: -90 }',
        'accounts:',
        '  - cloud: tencentcloud',
        '    name: tc',
        '    secret_id: AKID1',
        '    secret_key: k',
        '    security_token: tok',
        '    errors: { GetServiceStatus: AuthFailure.UnauthorizedOperation }',
        '    kms: { ap-guangzhou: { UserLevel: 1, force_error: { code: InternalError, message: boom } } }',
        '  - cloud: alicloud',
        '    access_key_id: LTAI1',
        '    access_key_secret: s',
        '    ca_instances: [{ InstanceId: cas-1, force_error: Forbidden.RAM }]',
      ].join('\n'),
      'w.yaml',
    );
    const [tc, ali] = world.accounts;
    expect(world.clock.skewSeconds).toBe(-90);
    expect(tc).toMatchObject({
      name: 'tc',
      securityToken: 'tok',
      errors: { GetServiceStatus: { code: 'AuthFailure.UnauthorizedOperation' } },
    });
    if (tc?.cloud !== 'tencentcloud' || ali?.cloud !== 'alicloud') throw new Error('unexpected accounts');
    expect(tc.kms.get('ap-guangzhou')).toEqual({ fields: { UserLevel: 1 }, forceError: { code: 'InternalError', message: 'boom' } });
    expect(ali.name).toBe('LTAI1');
    expect(ali.caInstances[0]?.forceError).toEqual({ code: 'Forbidden.RAM' });
  });

  it('locates an unknown key and suggests the right one', () => {
    const text = ['accounts:', '  - cloud: alicloud', '    access_key_id: LTAI1', '    access_key_secret: s', '    kms_instance: []'].join(
      '\n',
    );
    expect(problems(text)).toEqual(["w.yaml:5:5: accounts[0]: unknown key 'kms_instance' (did you mean 'kms_instances'?)"]);
  });

  it('meters limits as a token bucket unless the world asks for fixed windows', () => {
    expect(parseWorld('accounts: []\n', 'w.yaml').rateLimitWindow).toBe('token_bucket');
    expect(parseWorld('accounts: []\nrate_limit_window: fixed\n', 'w.yaml').rateLimitWindow).toBe('fixed');
    expect(parseWorld('accounts: []\nrate_limit_window: token_bucket\n', 'w.yaml').rateLimitWindow).toBe('token_bucket');
    expect(problems('accounts: []\nrate_limit_window: sliding\n')).toEqual([
      'w.yaml:2:20: rate_limit_window: must be one of: token_bucket, fixed',
    ]);
  });

  it('reports every problem at once, each at its line and column', () => {
    const text = [
      'accounts:',
      '  - cloud: tencentcloud',
      '    secret_id: AKID1',
      '    kms:',
      '      ap-guangzhou: { UserLevel: "1", region: x }',
      '  - cloud: azure',
      'faults: { error_rate: 2 }',
    ].join('\n');
    const found = problems(text);
    expect(found).toContain("w.yaml:2:5: accounts[0]: missing required key 'secret_key'");
    expect(found).toContain('w.yaml:5:34: accounts[0].kms.ap-guangzhou.UserLevel: must be integer or null');
    expect(found).toContain("w.yaml:5:39: accounts[0].kms.ap-guangzhou: unknown key 'region'");
    expect(found).toContain('w.yaml:6:12: accounts[1].cloud: must be one of: tencentcloud, alicloud');
    expect(found).toContain('w.yaml:7:23: faults.error_rate: must be <= 1');
    expect(found).toHaveLength(5);
  });

  it('rejects duplicate key ids and instance ids, and an inverted latency range', () => {
    const text = [
      'accounts:',
      '  - { cloud: alicloud, access_key_id: LTAI1, access_key_secret: a, kms_instances: [{ region: cn-hangzhou, InstanceId: kst-1 }, { region: cn-hangzhou, InstanceId: kst-1 }] }',
      '  - { cloud: alicloud, access_key_id: LTAI1, access_key_secret: b }',
      'faults: { latency_ms: [20, 5] }',
    ].join('\n');
    const found = problems(text);
    expect(found.some((p) => p.includes("duplicate InstanceId 'kst-1'"))).toBe(true);
    expect(found).toContain("w.yaml:3:39: accounts[1].access_key_id: duplicate key id 'LTAI1' (also accounts[0])");
    expect(found).toContain('w.yaml:4:23: faults.latency_ms: minimum 20 is greater than maximum 5');
  });

  it('locates YAML syntax errors and rejects a non-mapping document', () => {
    expect(problems('accounts: [\n  - x')[0]).toMatch(/^w\.yaml:\d+:\d+: /);
    expect(problems('- 1\n- 2')).toEqual(['w.yaml:1:1: the world file must be a mapping with an `accounts` list']);
    expect(problems('accounts: []\naccounts: []')[0]).toMatch(/^w\.yaml:2:1: /);
  });

  it('says once what a forced error may be', () => {
    const text = [
      'accounts:',
      '  - cloud: alicloud',
      '    access_key_id: LTAI1',
      '    access_key_secret: s',
      '    errors: { GetKmsInstance: 42 }',
    ].join('\n');
    expect(problems(text)).toEqual(['w.yaml:5:31: accounts[0].errors.GetKmsInstance: must be string or object']);
  });

  it('validates worlds built in code with the same schema', () => {
    expect(worldFromObject({ accounts: [], faults: { seed: 9, error_rate: 0.5 } }).faults).toMatchObject({ seed: 9, errorRate: 0.5 });
    expect(() => worldFromObject({ accounts: [{ cloud: 'tencentcloud' }] })).toThrow(InputError);
  });

  it('turns an unreadable file into an IoError naming it', async () => {
    await expect(loadWorld('/nonexistent/world.yaml')).rejects.toThrow(IoError);
    await expect(loadWorld('/nonexistent/world.yaml')).rejects.toThrow(/\/nonexistent\/world\.yaml \(ENOENT\)/);
  });

  it('never fails with anything but a located InputError, whatever the input (fuzz)', () => {
    const yamlish = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record({
          accounts: fc.array(
            fc.dictionary(fc.constantFrom('cloud', 'secret_id', 'kms', 'access_key_id', 'kms_instances', 'x'), fc.jsonValue()),
          ),
        })
        .map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(yamlish, (text) => {
        try {
          parseWorld(text, 'f.yaml');
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          for (const d of (error as InputError).diagnostics) {
            expect(d.location.line).toBeGreaterThanOrEqual(1);
            expect(d.location.column).toBeGreaterThanOrEqual(1);
          }
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
