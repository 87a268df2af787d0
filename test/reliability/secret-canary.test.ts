/**
 * Secret canary (design.md §10): the whole CLI, with --debug, every output format on stdout and in
 * files, the saved snapshot and (when the command offers it) an evidence bundle, against a
 * simulator that injects faults and answers with authentication errors — including errors whose
 * messages echo the secrets back, as a misbehaving gateway or proxy could. No canary may appear, in
 * any spelling a secret travels in, in stdout, stderr or any file the run wrote.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percentEncode } from '../../src/providers/encoding.js';
import type { Credentials } from '../../src/providers/types.js';
import { startSimulator } from '../../src/simulator/server.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { worldFromObject } from '../../src/simulator/world.js';
import { runCli } from '../helpers/run-cli.js';
import { configFor, faultWorkload } from './fault-world.js';
import type { FaultWorkload } from './fault-world.js';

const AS_OF = '2026-11-29T00:00:00Z';

/** Unique, unmistakable, and full of characters that change under percent-encoding. */
const CANARY = {
  tencentSecret: 'CnryTcSecret/0a1+Zq=7731',
  tencentToken: 'CnryTcToken+sts/0a2=Wd9314',
  alibabaSecret: 'CnryAliSecret/0b1+Lm=8846',
  alibabaWrongSecret: 'CnryAliWrong/0b2+Xy=2270',
  alibabaToken: 'CnryAliToken+sts/0b3=Qe6618',
  evidenceKey: 'CnryEvidenceHmac/0c1+Rt=4419/long+enough=for-hmac',
} as const;

/** Every spelling a secret can take on its way out: raw, percent-encoded once (RPC query) and twice (string to sign), base64. */
function spellings(secret: string): string[] {
  const once = percentEncode(secret);
  return [...new Set([secret, encodeURIComponent(secret), once, percentEncode(once), Buffer.from(secret).toString('base64')])];
}

/**
 * The soak world with canary keys: one Tencent account on an STS token whose KMS call is answered
 * with an auth error echoing a secret, one Alibaba account on an STS token whose CA call echoes its
 * token and secret, one Alibaba account signing with the wrong secret (a real SignatureDoesNotMatch
 * that echoes the string to sign), and faults on every path.
 */
function canaryWorkload(): { workload: FaultWorkload; world: Record<string, unknown> } {
  const base = faultWorkload(1, 2, { seed: 99, error_rate: 0.1, reset_rate: 0.05, hang_rate: 0, malformed_rate: 0.1 }, 100);
  const credentials = new Map<string, Credentials>(base.credentials);
  const accounts = (base.world.accounts as Record<string, unknown>[]).map((a) => ({ ...a }));
  const [tc, ali, wrong] = accounts;
  if (!tc || !ali || !wrong) throw new Error('canary world needs three accounts');

  const echo = (s: string): string => `The signature was calculated with key ${s} (${encodeURIComponent(s)}, ${percentEncode(percentEncode(s))}).`;
  tc.secret_key = CANARY.tencentSecret;
  tc.security_token = CANARY.tencentToken;
  tc.kms = { 'ap-guangzhou': { ServiceEnabled: true, InvalidType: 1, UserLevel: 1, force_error: { code: 'AuthFailure.SignatureFailure', message: `${echo(CANARY.tencentSecret)} ${echo(CANARY.tencentToken)}` } } };
  credentials.set('tencentcloud.tc000', { id: tc.secret_id as string, secret: CANARY.tencentSecret, token: CANARY.tencentToken, source: 'test' });

  ali.access_key_secret = CANARY.alibabaSecret;
  ali.security_token = CANARY.alibabaToken;
  ali.ca_instances = [
    { InstanceId: 'cas-soak000', Type: 'ROOT', Status: 'USED', force_error: { code: 'SignatureDoesNotMatch', message: `${echo(CANARY.alibabaSecret)} ${echo(CANARY.alibabaToken)}`, http_status: 400 } },
  ];
  credentials.set('alicloud.ali000', { id: ali.access_key_id as string, secret: CANARY.alibabaSecret, token: CANARY.alibabaToken, source: 'test' });

  // The world knows another secret: every request of this account fails its signature check.
  credentials.set('alicloud.ali001', { id: wrong.access_key_id as string, secret: CANARY.alibabaWrongSecret, source: 'test' });

  const world = { ...base.world, accounts };
  return { workload: { ...base, credentials }, world };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Every place a canary was found, as `where: spelling`. */
function leaks(where: string, text: string): string[] {
  const found: string[] = [];
  for (const secret of Object.values(CANARY)) {
    for (const spelling of spellings(secret)) if (text.includes(spelling)) found.push(`${where}: ${spelling}`);
  }
  return found;
}

describe('secret canary: the whole CLI with --debug and faults', () => {
  const { workload, world } = canaryWorkload();
  let sim: RunningSimulator;
  let work: string;
  let formats: string[] = [];
  let evidence = false;
  let config: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sim = await startSimulator({ world: worldFromObject(world) });
    work = await mkdtemp(join(tmpdir(), 'dw-canary-'));
    const generated = configFor(workload);
    config = join(work, 'canary.yaml');
    await writeFile(config, generated.text);
    env = { ...generated.env, DRIFTWATCH_EVIDENCE_HMAC_KEY: CANARY.evidenceKey, CI: '1' };
    const help = await runCli(['check', '--help']);
    formats = /--format FORMAT\s+Output format on stdout: ([a-z|]+)\./.exec(help.stdout)?.[1]?.split('|') ?? [];
    evidence = /--evidence DIR/.test(help.stdout);
  });
  afterAll(async () => {
    await sim.close();
    await rm(work, { recursive: true, force: true });
  });

  it('the run is set up with every canary, and check offers at least text and json', () => {
    const all = Object.values(env).join('\n');
    for (const secret of [CANARY.tencentSecret, CANARY.tencentToken, CANARY.alibabaSecret, CANARY.alibabaToken, CANARY.alibabaWrongSecret, CANARY.evidenceKey]) {
      expect(all).toContain(secret);
    }
    expect(formats).toEqual(expect.arrayContaining(['text', 'json']));
  });

  it('no canary in stdout, stderr or any written file, for every format', async () => {
    const found: string[] = [];
    for (const format of formats) {
      const out = join(work, `run-${format}`);
      await mkdir(out, { recursive: true });
      const args = [
        'check',
        config,
        '--debug',
        '--endpoint',
        sim.url,
        '--as-of',
        AS_OF,
        '--format',
        format,
        '--save-observed',
        join(out, 'observed.json'),
        ...formats.flatMap((f) => ['--out', `${f}=${join(out, `report.${f}`)}`]),
        ...(evidence ? ['--evidence', join(out, 'evidence')] : []),
      ];
      const run = await runCli(args, { env });
      // Faults and per-call auth errors make resources unknown (2/3). The account signing with the
      // wrong secret has every call refused: since issue 12 that is exit 1 (unusable credentials),
      // with the reports still written. Any other 1 means the run itself broke.
      const refusedOnly = run.code === 1 && /refused the credentials of alicloud\.ali001 \(SignatureDoesNotMatch/.test(run.stderr) && !/driftwatch failed unexpectedly/.test(run.stderr);
      expect(refusedOnly || [2, 3].includes(run.code), `${format}: exit ${run.code}\n${run.stderr}`).toBe(true);
      found.push(...leaks(`${format} stdout`, run.stdout), ...leaks(`${format} stderr`, run.stderr));
      const files = await filesUnder(out);
      expect(files.length).toBeGreaterThanOrEqual(formats.length + 1);
      for (const file of files) found.push(...leaks(file, await readFile(file, 'latin1')));
    }
    expect(found).toEqual([]);
  }, 120_000);

  it('the run met the canaries: the echoing errors and the wrong-secret signatures were answered', () => {
    const log = sim.requestLog();
    expect(log.some((e) => e.account === 'tc-000' && e.code === 'AuthFailure.SignatureFailure')).toBe(true);
    expect(log.some((e) => e.account === 'ali-000' && e.api === 'GetCAInstanceStatus' && e.code === 'SignatureDoesNotMatch')).toBe(true);
    expect(log.some((e) => e.account === 'ali-001' && e.code === 'SignatureDoesNotMatch')).toBe(true);
    const faults = sim.stats().total.faults;
    expect(faults.error + faults.reset + faults.malformed).toBeGreaterThan(0);
  });
});
