/**
 * Issue 11, end to end: answers the real clouds give that used to produce wrong verdicts, served by
 * the simulator (test/fixtures/verdicts/world.yaml) and checked through the built CLI — the status
 * each resource gets and the exit code of `check`.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/model/run-result.js';
import { useSimulator } from './helpers/e2e.js';
import { useLoopbackServer } from './helpers/loopback.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/verdicts');
const AS_OF = '2026-11-29T00:00:00Z';
const ENV = {
  V_TC_A_ID: 'AKIDVERDICTS0001',
  V_TC_A_KEY: 'verdicts-tencent-secret-a',
  V_TC_B_ID: 'AKIDVERDICTS0002',
  V_TC_B_KEY: 'verdicts-tencent-secret-b',
  V_ALI_ID: 'LTAIVERDICTS0001',
  V_ALI_KEY: 'verdicts-alibaba-secret-a',
};

const served = useSimulator(join(FIXTURES, 'world.yaml'));

async function check(scenario: string): Promise<{ code: number; result: RunResult; stderr: string }> {
  const run = await runCli(
    [
      'check',
      join(FIXTURES, 'providers.yaml'),
      join(FIXTURES, `${scenario}.yaml`),
      '--endpoint',
      served.simulator.url,
      '--as-of',
      AS_OF,
      '--no-progress',
      '--format',
      'json',
    ],
    { env: ENV },
  );
  let result: RunResult;
  try {
    result = JSON.parse(run.stdout) as RunResult;
  } catch {
    throw new Error(`${scenario}: no JSON on stdout (exit ${run.code}): ${run.stderr}`);
  }
  return { code: run.code, result, stderr: run.stderr };
}

function resource(result: RunResult, address: string): RunResult['resources'][number] {
  const found = result.resources.find((r) => r.address === address);
  if (!found) throw new Error(`${address} is not in the result`);
  return found;
}

describe('endpoints', () => {
  it('finds an international CA at its regional CAS host (compliant, exit 0) instead of reporting it absent', async () => {
    const before = served.simulator.requestLog().length;
    const { code, result } = await check('regional-cas');
    expect(resource(result, 'alicloud_cas_private_ca.sg')).toMatchObject({ status: 'compliant', error: null });
    expect(resource(result, 'alicloud_cas_private_ca.sg').observed).toMatchObject({ status: 'USED', certificates_remaining: 990 });
    expect(code).toBe(0);
    expect(
      served.simulator
        .requestLog()
        .slice(before)
        .map((e) => e.api),
    ).toEqual(['GetCAInstanceStatus']);
  });

  it('shows why the host matters: the same CA asked at cas.aliyuncs.com comes back empty, as the vendor answers', async () => {
    const { code, result } = await check('central-host-cas');
    expect(resource(result, 'alicloud_cas_private_ca.sg-at-central').status).toBe('drifted');
    expect(code).toBe(2);
  });
});

/** What a gateway sees: the Host and the query of each request (a stub that answers like the API). */
const received: { host: string; query: Record<string, string>; action: string }[] = [];
const stub = useLoopbackServer(
  createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const action = String(req.headers['x-acs-action'] ?? '');
    received.push({ host: String(req.headers.host), query: Object.fromEntries(url.searchParams), action });
    const body =
      action === 'GetKmsInstance'
        ? { RequestId: 'STUB-1', KmsInstance: { InstanceId: url.searchParams.get('KmsInstanceId'), Status: 'Connected' } }
        : {
            RequestId: 'STUB-2',
            InstanceStatusList: [{ InstanceId: url.searchParams.get('InstanceId'), Status: 'USED', Type: 'SUB_ROOT' }],
          };
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  }),
);

describe('the requests a gateway sees', () => {
  it("carry exactly the official clients' parameters (no RegionId) and the regional Host (compliant, exit 0)", async () => {
    received.length = 0;
    const run = await runCli(
      [
        'check',
        join(FIXTURES, 'providers.yaml'),
        join(FIXTURES, 'stub-requests.yaml'),
        '--endpoint',
        stub.url.origin,
        '--as-of',
        AS_OF,
        '--no-progress',
        '--format',
        'json',
      ],
      { env: ENV },
    );
    const result = JSON.parse(run.stdout) as RunResult;
    expect(result.resources.map((r) => [r.address, r.status])).toEqual([
      ['alicloud_cas_private_ca.sg', 'compliant'],
      ['alicloud_kms_instance.hz', 'compliant'],
    ]);
    expect(run.code).toBe(0);
    const byAction = Object.fromEntries(received.map((r) => [r.action, r]));
    expect(byAction.GetKmsInstance).toEqual({
      host: 'kms.cn-hangzhou.aliyuncs.com',
      query: { KmsInstanceId: 'kst-ok' },
      action: 'GetKmsInstance',
    });
    expect(byAction.GetCAInstanceStatus).toEqual({
      host: 'cas.ap-southeast-1.aliyuncs.com',
      query: { InstanceId: 'cas-sg' },
      action: 'GetCAInstanceStatus',
    });
  });
});

describe('"does not exist" only from an answer that proves it', () => {
  it('reads a 200 with an empty KmsInstance.InstanceId as absent (drifted, exit 2)', async () => {
    const { code, result } = await check('released-kms');
    const kms = resource(result, 'alicloud_kms_instance.released');
    expect(kms.status).toBe('drifted');
    expect(kms.checks.every((c) => c.status === 'fail')).toBe(true);
    expect(code).toBe(2);
  });

  it('keeps a Tencent ResourceNotFound on the account-level GetServiceStatus unknown (exit 3), never absent', async () => {
    const { code, result, stderr } = await check('account-level-not-found');
    const kms = resource(result, 'tencentcloud_kms_service.gz');
    expect(kms.status).toBe('unknown');
    expect(kms.error).toMatchObject({ code: 'ResourceNotFound' });
    expect(kms.error?.hint).toMatch(/does not take as proof that the resource does not exist/);
    expect(stderr + JSON.stringify(result)).not.toMatch(/does not exist \(ResourceNotFound/);
    expect(code).toBe(3);
  });
});

describe('vendor envelopes', () => {
  it('treats an Alibaba HTTP 200 carrying Code as an error (unknown, exit 3), not a healthy instance', async () => {
    const { code, result } = await check('code-in-200');
    const kms = resource(result, 'alicloud_kms_instance.code200');
    expect(kms.status).toBe('unknown');
    expect(kms.error).toMatchObject({ code: 'Forbidden.RAM' });
    expect(kms.error?.message).toMatch(/denied in a 200/);
    expect(code).toBe(3);
  });

  it('keeps the code and message of a Tencent non-200 answer carrying Response.Error (unknown, exit 3)', async () => {
    const { code, result } = await check('tencent-non-200');
    const tcss = resource(result, 'tencentcloud_tcss_subscription.a');
    expect(tcss.status).toBe('unknown');
    expect(tcss.error).toMatchObject({ code: 'AuthFailure.UnauthorizedOperation' });
    expect(tcss.error?.message).toMatch(/you are not authorized/);
    expect(code).toBe(3);
  });

  it('makes negative counters and issued > total unknown (exit 3), never a pass', async () => {
    const { code, result } = await check('negative-counters');
    for (const address of [
      'alicloud_cas_private_ca.negative',
      'alicloud_cas_private_ca.overissued',
      'tencentcloud_kms_service.cd',
      'tencentcloud_tcss_subscription.b',
    ]) {
      const r = resource(result, address);
      expect(r.status, address).toBe('unknown');
      expect(
        r.checks.map((c) => c.status),
        address,
      ).toEqual(['unknown']);
    }
    expect(resource(result, 'alicloud_cas_private_ca.negative').observed).toMatchObject({
      certificates_total: 5,
      certificates_issued: null,
      certificates_remaining: null,
    });
    expect(resource(result, 'alicloud_cas_private_ca.overissued').observed).toMatchObject({
      certificates_total: 10,
      certificates_issued: 20,
      certificates_remaining: null,
    });
    expect(code).toBe(3);
  });

  it('makes an epoch in an implausible unit unknown (exit 3), not a far-future expiry that passes', async () => {
    const { code, result } = await check('epoch-unit');
    const kms = resource(result, 'tencentcloud_kms_service.sh');
    expect(kms.status).toBe('unknown');
    expect(kms.observed).toMatchObject({ expires_at: null });
    expect(code).toBe(3);
  });

  it('gives IllegalTimestamp its own hint, not the clock-skew one (unknown, exit 3)', async () => {
    const { code, result } = await check('illegal-timestamp');
    const kms = resource(result, 'alicloud_kms_instance.ts');
    expect(kms.status).toBe('unknown');
    expect(kms.error).toMatchObject({ code: 'IllegalTimestamp' });
    expect(kms.error?.hint).toMatch(/this is not clock skew/);
    expect(kms.error?.hint).not.toMatch(/check your clock/i);
    expect(code).toBe(3);
  });
});

describe('built-in rules', () => {
  it('passes a ROOT CA with the vendor example counters (10 total, 1 issued) under builtin:baseline (exit 0)', async () => {
    const { code, result } = await check('root-ca-baseline');
    const root = resource(result, 'alicloud_cas_private_ca.root');
    expect(root.status).toBe('compliant');
    expect(root.checks.find((c) => c.rule === 'ca.root-can-issue-intermediate')).toMatchObject({ status: 'pass', actual: 9 });
    expect(root.checks.find((c) => c.rule === 'ca.certificates-remaining')).toBeUndefined();
    expect(code).toBe(0);
  });
});
