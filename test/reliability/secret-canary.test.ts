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
import { percentEncode } from '../../src/util/encoding.js';
import type { Credentials } from '../../src/providers/types.js';
import { startSimulator } from '../../src/simulator/server.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { worldFromObject } from '../../src/simulator/world.js';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';
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
  uriSecret: 'CnryUriSecret/0e1+Pk=6603',
  uriToken: 'CnryUriToken+sts/0e2=Hb7741',
  processSecret: 'CnryProcSecret/0f1+Vn=1187',
  ssoToken: 'CnrySsoToken+at/0g1=Jc5529',
} as const;

/**
 * Every spelling a secret can take on its way out: raw, percent-encoded once (RPC query) and twice
 * (string to sign), base64 (and base64url), hex, upper and lower case, and every run of 16
 * characters of the secret (issue 18: a clipped message must not leak most of a key).
 */
function spellings(secret: string): string[] {
  const once = percentEncode(secret);
  const b64 = Buffer.from(secret).toString('base64');
  const all = [
    secret,
    encodeURIComponent(secret),
    once,
    percentEncode(once),
    b64,
    b64.replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
    Buffer.from(secret).toString('hex'),
  ];
  all.push(Buffer.from(secret).toString('hex').toUpperCase(), secret.toUpperCase(), secret.toLowerCase());
  for (let i = 0; i + 16 <= secret.length; i++) all.push(secret.slice(i, i + 16));
  return [...new Set(all)];
}

/** What a gateway that echoes a secret could send back, in every spelling above. */
function echoAll(s: string): string {
  return `key ${s} (${encodeURIComponent(s)}, ${percentEncode(percentEncode(s))}) b64 ${Buffer.from(s).toString('base64')} hex ${Buffer.from(s).toString('hex')} upper ${s.toUpperCase()} part ${s.slice(2, 20)}`;
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

  const echo = (s: string): string => `The signature was calculated with ${echoAll(s)}.`;
  tc.secret_key = CANARY.tencentSecret;
  tc.security_token = CANARY.tencentToken;
  tc.kms = {
    'ap-guangzhou': {
      ServiceEnabled: true,
      InvalidType: 1,
      UserLevel: 1,
      force_error: { code: 'AuthFailure.SignatureFailure', message: `${echo(CANARY.tencentSecret)} ${echo(CANARY.tencentToken)}` },
    },
  };
  credentials.set('tencentcloud.tc000', {
    id: tc.secret_id as string,
    secret: CANARY.tencentSecret,
    token: CANARY.tencentToken,
    source: 'test',
  });

  ali.access_key_secret = CANARY.alibabaSecret;
  ali.security_token = CANARY.alibabaToken;
  ali.ca_instances = [
    {
      InstanceId: 'cas-soak000',
      Type: 'ROOT',
      Status: 'USED',
      force_error: {
        code: 'SignatureDoesNotMatch',
        message: `${echo(CANARY.alibabaSecret)} ${echo(CANARY.alibabaToken)}`,
        http_status: 400,
      },
    },
  ];
  credentials.set('alicloud.ali000', {
    id: ali.access_key_id as string,
    secret: CANARY.alibabaSecret,
    token: CANARY.alibabaToken,
    source: 'test',
  });

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
    work = await mkdtemp(join(tmpdir(), 'dw-canary-'));
    // The simulator's request log is an output too (issue 18).
    sim = await startSimulator({ world: worldFromObject(world), logFile: join(work, 'simulator.log') });
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
    for (const secret of [
      CANARY.tencentSecret,
      CANARY.tencentToken,
      CANARY.alibabaSecret,
      CANARY.alibabaToken,
      CANARY.alibabaWrongSecret,
      CANARY.evidenceKey,
    ]) {
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
      const refusedOnly =
        run.code === 1 &&
        /refused the credentials of alicloud\.ali001 \(SignatureDoesNotMatch/.test(run.stderr) &&
        !/driftwatch failed unexpectedly/.test(run.stderr);
      expect(refusedOnly || [2, 3].includes(run.code), `${format}: exit ${run.code}\n${run.stderr}`).toBe(true);
      found.push(...leaks(`${format} stdout`, run.stdout), ...leaks(`${format} stderr`, run.stderr));
      const files = await filesUnder(out);
      expect(files.length).toBeGreaterThanOrEqual(formats.length + 1);
      // What is scanned was really produced: the evidence bundle and the --debug call log.
      if (evidence)
        expect(
          files.some((f) => f.endsWith(join('evidence', 'manifest.json'))),
          format,
        ).toBe(true);
      expect(run.stderr, format).toMatch(/^debug: .* (failure|retry|success)/m);
      for (const file of files) found.push(...leaks(file, await readFile(file, 'latin1')));
    }
    expect(found).toEqual([]);
  }, 120_000);

  it('plan, report --from and import leak no canary either', async () => {
    const found: string[] = [];
    const out = join(work, 'other-commands');
    await mkdir(out, { recursive: true });
    const result = join(out, 'result.json');
    const plan = await runCli(['plan', config, '--debug', '--endpoint', sim.url, '--as-of', AS_OF, '--out', `json=${result}`], { env });
    // ali001's wrong secret has every call refused: since issue 12 that ends the run with exit 1,
    // after the reports are written (so report --from below reads a real result).
    expect(plan.code, plan.stderr).toBe(1);
    expect(plan.stderr).toMatch(/refused the credentials of alicloud\.ali001/);
    expect(plan.stderr).toMatch(/^debug: /m);
    found.push(...leaks('plan stdout', plan.stdout), ...leaks('plan stderr', plan.stderr));
    for (const format of formats) {
      const report = await runCli(
        ['report', '--from', result, '--format', format, '--debug', '--out', `${format}=${join(out, `re.${format}`)}`],
        { env },
      );
      expect(report.code, report.stderr).toBe(0);
      expect(report.stdout.length).toBeGreaterThan(0);
      found.push(...leaks(`report ${format} stdout`, report.stdout), ...leaks(`report ${format} stderr`, report.stderr));
    }
    for (const [provider, type] of [
      ['alicloud.ali000', 'alicloud_cas_private_ca'],
      ['alicloud.ali001', 'alicloud_kms_instance'],
      ['tencentcloud.tc000', 'tencentcloud_kms_service'],
    ] as const) {
      const imported = join(out, `import-${type}.yaml`);
      const run = await runCli(
        ['import', config, '--provider', provider, '--type', type, '--debug', '--endpoint', sim.url, '--out', imported],
        { env },
      );
      expect(run.stdout.length + run.stderr.length, `${provider} ${type}`).toBeGreaterThan(0);
      found.push(...leaks(`import ${type} stdout`, run.stdout), ...leaks(`import ${type} stderr`, run.stderr));
    }
    for (const file of await filesUnder(out)) found.push(...leaks(file, await readFile(file, 'latin1')));
    expect(found).toEqual([]);
  }, 120_000);

  it('driftwatch test leaks no canary that reached a fixture value', async () => {
    const dir = join(work, 'policy-test');
    await mkdir(join(dir, 'config'), { recursive: true });
    await writeFile(join(dir, 'config', 'main.yaml'), await readFile(join(REPO_ROOT, 'test/fixtures/policy/config/main.yaml'), 'utf8'));
    await writeFile(join(dir, 'team-policy.yaml'), await readFile(join(REPO_ROOT, 'test/fixtures/policy/team-policy.yaml'), 'utf8'));
    await writeFile(
      join(dir, 'leak.test.yaml'),
      [
        'version: 1',
        'configuration: config/main.yaml',
        'as_of: 2026-11-22T00:00:00Z',
        'tests:',
        '  - name: a value that is a secret',
        '    observations:',
        '      alicloud_cas_private_ca.prod-root:',
        `        attributes: { status: "${CANARY.alibabaSecret}", ca_type: ROOT, certificates_remaining: 150, certificate_expires_at: 2036-01-01T00:00:00Z }`,
        '    expect:',
        '      alicloud_cas_private_ca.prod-root: compliant',
        '',
      ].join('\n'),
    );
    const run = await runCli(['test', dir, '--debug'], { env: { ...env, ALIBABA_CLOUD_ACCESS_KEY_SECRET: CANARY.alibabaSecret } });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/a value that is a secret/);
    expect([...leaks('test stdout', run.stdout), ...leaks('test stderr', run.stderr)]).toEqual([]);
  });

  it("the simulator's request log holds no canary", async () => {
    const log = await readFile(join(work, 'simulator.log'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    expect(leaks('simulator.log', log)).toEqual([]);
  });

  it('the run met the canaries: the echoing errors and the wrong-secret signatures were answered', () => {
    const log = sim.requestLog();
    expect(log.some((e) => e.account === 'tc-000' && e.code === 'AuthFailure.SignatureFailure')).toBe(true);
    expect(log.some((e) => e.account === 'ali-000' && e.api === 'GetCAInstanceStatus' && e.code === 'SignatureDoesNotMatch')).toBe(true);
    expect(log.some((e) => e.account === 'ali-001' && e.code === 'SignatureDoesNotMatch')).toBe(true);
    const faults = sim.stats().total.faults;
    expect(faults.error + faults.reset + faults.malformed).toBeGreaterThan(0);
  });
});

describe('secret canary: malformed credential files of all three formats', () => {
  const SECRET = 'CnryFileSecret/0d1+Kx=5512-abc';
  let work: string;
  let sim: RunningSimulator;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dw-canary-files-'));
    sim = await startSimulator({
      world: worldFromObject(faultWorkload(1, 1, { seed: 5, error_rate: 0, reset_rate: 0, hang_rate: 0 }).world),
    });
  });
  afterAll(async () => {
    await sim.close();
    await rm(work, { recursive: true, force: true });
  });

  // One line each where a missing line break glued the secret onto the type or mode.
  const HOMES: Record<string, Record<string, string>> = {
    'alibaba credentials INI': {
      '.alibabacloud/credentials': `[default]\ntype = access_keyaccess_key_secret = ${SECRET}\naccess_key_id = LTAIFILE0001\n`,
    },
    'aliyun config.json': {
      '.aliyun/config.json': JSON.stringify(
        {
          current: 'default',
          profiles: [{ name: 'default', mode: `AKaccess_key_secret ${SECRET}`, access_key_id: 'LTAIFILE0002', access_key_secret: SECRET }],
        },
        null,
        2,
      ),
    },
    'tccli profile JSON': {
      '.tccli/default.credential': JSON.stringify({ type: `secretKey ${SECRET}`, secretId: 'AKIDFILE0003', secretKey: SECRET }, null, 2),
    },
  };

  for (const [name, files] of Object.entries(HOMES)) {
    it(`${name}: the error names file, line and key, and the secret reaches no output`, async () => {
      const home = join(work, name.replace(/\W+/g, '-'));
      for (const [rel, text] of Object.entries(files)) {
        await mkdir(join(home, rel, '..'), { recursive: true });
        await writeFile(join(home, rel), text);
      }
      const config = join(home, 'main.yaml');
      await writeFile(
        config,
        [
          'version: 1',
          'providers:',
          '  tencentcloud: { p: { region: ap-guangzhou } }',
          '  alicloud: { p: { region: cn-hangzhou } }',
          'resources:',
          '  tencentcloud_kms_service: { gz: { provider: tencentcloud.p, expect: { edition: ultimate } } }',
          '  alicloud_cas_private_ca: { ca: { provider: alicloud.p, instance_id: cas-soak000, expect: { status: USED } } }',
          '',
        ].join('\n'),
      );
      const out = join(home, 'out');
      await mkdir(out, { recursive: true });
      const run = await runCli(
        [
          'check',
          config,
          '--debug',
          '--endpoint',
          sim.url,
          '--as-of',
          AS_OF,
          '--format',
          'sarif',
          '--save-observed',
          join(out, 'observed.json'),
          '--out',
          `text=${join(out, 'report.txt')}`,
          '--evidence',
          join(out, 'evidence'),
        ],
        { env: { HOME: home, DRIFTWATCH_EVIDENCE_HMAC_KEY: CANARY.evidenceKey } },
      );
      // Unusable credentials stop the run before the first request (exit 1, issue 12): nothing
      // is written, so the message on stderr is the only place the secret could reach.
      expect(run.code, run.stderr).toBe(1);
      const written = await filesUnder(out);
      expect(written).toEqual([]);
      const all = [run.stdout, run.stderr, ...(await Promise.all(written.map((f) => readFile(f, 'latin1'))))].join('\n');
      expect(all).toMatch(/line \d+: (type|mode) is not/);
      for (const spelling of spellings(SECRET)) expect(all).not.toContain(spelling);
    });
  }
});

describe('secret canary: credentials URI, External process and CloudSSO (issue 13)', () => {
  const URI_UID = '1300000000000001';
  const PROC_UID = '1300000000000002';
  let work: string;
  let sim: RunningSimulator;

  const ca = (id: string): Record<string, unknown> => ({
    InstanceId: id,
    Type: 'ROOT',
    Status: 'USED',
    CertTotalCount: 10,
    CertIssuedCount: 1,
  });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dw-canary-sources-'));
    const world = {
      accounts: [
        // Reached through the credentials URI, which answers with this account's own keys and token.
        {
          cloud: 'alicloud',
          name: 'uri',
          uid: URI_UID,
          access_key_id: 'LTAICNRYURI0001',
          access_key_secret: CANARY.uriSecret,
          security_token: CANARY.uriToken,
          ca_instances: [ca('cas-uri')],
        },
        // Reached through the External process, which prints this key.
        {
          cloud: 'alicloud',
          name: 'proc',
          uid: PROC_UID,
          access_key_id: 'LTAICNRYPROC0001',
          access_key_secret: CANARY.processSecret,
          ca_instances: [ca('cas-proc')],
        },
      ],
      credentials_uri: { canary: { account: URI_UID, answer: 'keys' } },
      cloud_sso: { access_token: CANARY.ssoToken, access_configurations: ['ac-canary'] },
      faults: { seed: 7, latency_ms: [0, 1] },
    };
    sim = await startSimulator({ world: worldFromObject(world), logFile: join(work, 'simulator.log') });
  });
  afterAll(async () => {
    await sim.close();
    await rm(work, { recursive: true, force: true });
  });

  it('no canary in stdout, stderr or any written file, the failing sources included', async () => {
    const home = join(work, 'home');
    await mkdir(join(home, '.aliyun'), { recursive: true });
    const helper = join(work, 'helper.mjs');
    const out = { mode: 'AK', access_key_id: 'LTAICNRYPROC0001', access_key_secret: CANARY.processSecret };
    await writeFile(
      helper,
      [
        `const out = ${JSON.stringify(out)};`,
        // The failing helper prints the key where a careless tool would echo it: stderr, and stdout that is not JSON.
        "if (process.argv[2] === 'bad') { process.stderr.write('debug: ' + JSON.stringify(out)); process.stdout.write('keys: ' + out.access_key_secret); process.exit(2); }",
        `if (process.argv[2] === 'garbled') process.stdout.write('{"mode":"' + out.access_key_secret + '"');`,
        'else process.stdout.write(JSON.stringify(out));',
        '',
      ].join('\n'),
    );
    const sso = (name: string, token: string): Record<string, unknown> => ({
      name,
      mode: 'CloudSSO',
      cloud_sso_sign_in_url: `${sim.url}/login`,
      cloud_sso_account_id: URI_UID,
      cloud_sso_access_config: 'ac-canary',
      access_token: token,
      cloud_sso_access_token_expire: 4_102_444_800,
    });
    await writeFile(
      join(home, '.aliyun', 'config.json'),
      JSON.stringify({
        current: 'uri',
        profiles: [
          { name: 'uri', mode: 'CredentialsURI', credentials_uri: `${sim.url}/credentials-uri/canary` },
          { name: 'proc', mode: 'External', process_command: `"${process.execPath}" "${helper}"` },
          { name: 'proc-bad', mode: 'External', process_command: `"${process.execPath}" "${helper}" bad` },
          { name: 'proc-garbled', mode: 'External', process_command: `"${process.execPath}" "${helper}" garbled` },
          sso('sso', CANARY.ssoToken),
          sso('sso-bad', `${CANARY.ssoToken}-revoked`),
        ],
      }),
    );
    const providers = ['uri', 'proc', 'proc-bad', 'proc-garbled', 'sso', 'sso-bad'];
    const alias = (p: string): string => p.replace('-', '_');
    const config = join(home, 'main.yaml');
    await writeFile(
      config,
      [
        'version: 1',
        'providers:',
        '  alicloud:',
        ...providers.map((p) => `    ${alias(p)}: { region: cn-hangzhou, credentials: { profile: ${p} } }`),
        'resources:',
        '  alicloud_cas_private_ca:',
        ...providers.map(
          (p) =>
            `    ${alias(p)}: { provider: alicloud.${alias(p)}, instance_id: ${p.startsWith('proc') ? 'cas-proc' : 'cas-uri'}, expect: { status: USED } }`,
        ),
        '',
      ].join('\n'),
    );
    const files = join(work, 'out');
    await mkdir(files, { recursive: true });
    const run = await runCli(
      [
        'check',
        config,
        '--debug',
        '--endpoint',
        sim.url,
        '--as-of',
        AS_OF,
        '--format',
        'json',
        '--save-observed',
        join(files, 'observed.json'),
        '--out',
        `text=${join(files, 'report.txt')}`,
        '--evidence',
        join(files, 'evidence'),
      ],
      { env: { HOME: home, DRIFTWATCH_EVIDENCE_HMAC_KEY: CANARY.evidenceKey } },
    );
    // The failing helpers and the revoked sign-in leave their providers unknown; the others verify.
    expect(run.code, run.stderr).toBe(3);
    const result = JSON.parse(run.stdout) as { resources: { address: string; status: string }[] };
    expect(result.resources.map((r) => [r.address, r.status])).toEqual([
      ['alicloud_cas_private_ca.proc', 'compliant'],
      ['alicloud_cas_private_ca.proc_bad', 'unknown'],
      ['alicloud_cas_private_ca.proc_garbled', 'unknown'],
      ['alicloud_cas_private_ca.sso', 'compliant'],
      ['alicloud_cas_private_ca.sso_bad', 'unknown'],
      ['alicloud_cas_private_ca.uri', 'compliant'],
    ]);
    const found = [...leaks('stdout', run.stdout), ...leaks('stderr', run.stderr)];
    for (const file of await filesUnder(files)) found.push(...leaks(file, await readFile(file, 'latin1')));
    found.push(...leaks('simulator.log', await readFile(join(work, 'simulator.log'), 'utf8')));
    expect(found).toEqual([]);
    // The canaries were really used: the sources were asked and the keys signed requests.
    const log = sim.requestLog();
    expect(log.some((e) => e.api === 'credentials GET /credentials-uri/canary')).toBe(true);
    expect(
      log
        .filter((e) => e.api === 'credentials POST /cloud-credentials')
        .map((e) => e.status)
        .sort(),
    ).toEqual([200, 401]);
    expect(log.some((e) => e.account === 'proc' && e.api === 'GetCAInstanceStatus' && e.outcome === 'ok')).toBe(true);
  }, 120_000);
});
