import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../model/errors.js';
import { formatDiagnostic } from '../model/location.js';
import { loadConfig, loadValidConfig } from './load-config.js';

const FIXTURES = new URL('../../test/fixtures/config/', import.meta.url).pathname;
const ENV = { TEAM_REGION: 'ap-guangzhou', OWNER: 'pki-team@example.com' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'driftwatch-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Loads YAML text as `c.yaml` in a scratch directory and returns `file:line:col: message` lines. */
async function problems(yaml: string): Promise<string[]> {
  await writeFile(join(dir, 'c.yaml'), yaml);
  const { diagnostics } = await loadConfig(['c.yaml'], { cwd: dir, env: ENV });
  return diagnostics.map(formatDiagnostic);
}

const PROVIDERS = `version: 1
providers:
  tencentcloud:
    prod: { region: ap-guangzhou }
  alicloud:
    prod: { region: cn-hangzhou }
`;

// One row per error kind: the YAML (the shared providers block is lines 1-6) and the exact
// diagnostics, line and column included.
const ROWS: { name: string; yaml: string; expected: string[] }[] = [
  {
    name: 'YAML syntax error',
    yaml: `version: 1\nproviders: { tencentcloud: [\n`,
    expected: [
      'c.yaml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      'c.yaml:3:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }',
    ],
  },
  {
    name: 'duplicate key in one file',
    yaml: `version: 1\nversion: 1\n`,
    expected: ['c.yaml:2:1: YAML syntax error: Map keys must be unique'],
  },
  {
    name: 'unknown top-level key',
    yaml: `version: 1\nresource: {}\n`,
    expected: ["c.yaml:2:1: unknown top-level key 'resource'; did you mean 'resources'?"],
  },
  {
    name: 'wrong version',
    yaml: `version: 2\n`,
    expected: ['c.yaml:1:10: version must be 1 (the only configuration language version)'],
  },
  {
    name: 'missing version',
    yaml: `providers: {}\n`,
    expected: ['c.yaml:1:1: no file of the configuration declares `version: 1`; add it to one file'],
  },
  {
    name: 'unknown provider key',
    yaml: `version: 1\nproviders:\n  tencentcloud:\n    prod:\n      regoin: ap-guangzhou\n`,
    expected: ["c.yaml:5:7: unknown key 'regoin' in provider tencentcloud.prod; did you mean 'region'?"],
  },
  {
    name: 'bad site value',
    yaml: `version: 1\nproviders:\n  alicloud:\n    prod: { site: intll }\n`,
    expected: ["c.yaml:4:19: 'site' of provider alicloud.prod: 'intll' is not one of china, intl; did you mean 'intl'?"],
  },
  {
    name: 'unknown resource type',
    yaml: `${PROVIDERS}resources:\n  alicloud_kms_instnace:\n    main: { provider: alicloud.prod, instance_id: kst-1 }\n`,
    expected: ["c.yaml:8:3: unknown resource type 'alicloud_kms_instnace'; did you mean 'alicloud_kms_instance'?"],
  },
  {
    name: 'unknown attribute',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        editon: ultimate\n`,
    expected: ["c.yaml:12:9: unknown attribute 'editon' for tencentcloud_kms_service; did you mean 'edition'?"],
  },
  {
    name: 'missing instance_id',
    yaml: `${PROVIDERS}resources:\n  alicloud_cas_private_ca:\n    root:\n      provider: alicloud.prod\n`,
    expected: ["c.yaml:10:7: missing required key 'instance_id' in resource alicloud_cas_private_ca.root"],
  },
  {
    name: 'region on a global type',
    yaml: `${PROVIDERS}resources:\n  alicloud_cas_private_ca:\n    root: { provider: alicloud.prod, instance_id: cas-1, region: cn-hangzhou }\n`,
    expected: ["c.yaml:9:58: alicloud_cas_private_ca is not regional: 'region' is not allowed in resource alicloud_cas_private_ca.root"],
  },
  {
    // Issue 11: the CAS host depends on the region (international regions have their own).
    name: 'private CA on a provider without a region',
    yaml: `version: 1\nproviders:\n  alicloud:\n    noregion: {}\nresources:\n  alicloud_cas_private_ca:\n    root: { provider: alicloud.noregion, instance_id: cas-1 }\n`,
    expected: [
      'c.yaml:7:5: alicloud_cas_private_ca.root needs a region on provider alicloud.noregion: it chooses the CAS host (cas.aliyuncs.com or cas.<region>.aliyuncs.com)',
    ],
  },
  {
    name: 'unknown provider',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz: { provider: tencentcloud.prd }\n`,
    expected: ["c.yaml:9:21: unknown provider 'tencentcloud.prd' for tencentcloud_kms_service.gz; did you mean 'tencentcloud.prod'?"],
  },
  {
    name: 'provider cloud mismatch',
    yaml: `${PROVIDERS}resources:\n  alicloud_kms_instance:\n    hz: { provider: tencentcloud.prod, instance_id: kst-1 }\n`,
    expected: [
      'c.yaml:9:21: alicloud_kms_instance.hz is an alicloud resource but provider tencentcloud.prod is a tencentcloud provider; use one of: alicloud.prod',
    ],
  },
  {
    name: 'missing region',
    yaml: `version: 1\nproviders:\n  alicloud:\n    prod: {}\nresources:\n  alicloud_kms_instance:\n    hz: { provider: alicloud.prod, instance_id: kst-1 }\n`,
    expected: ["c.yaml:7:5: alicloud_kms_instance.hz needs a region: set 'region' on it or on provider alicloud.prod"],
  },
  {
    name: 'operator needs an integer attribute',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        edition: { at_least: 1 }\n`,
    expected: ["c.yaml:12:20: tencentcloud_kms_service.gz: 'at_least' needs an integer attribute; 'edition' is a string"],
  },
  {
    name: 'operator needs a timestamp attribute',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        auto_renew: { not_within: 30d }\n`,
    expected: ["c.yaml:12:23: tencentcloud_kms_service.gz: 'not_within' needs a timestamp attribute; 'auto_renew' is a boolean"],
  },
  {
    name: 'matches needs a string attribute',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        cmk_count: { matches: "^1" }\n`,
    expected: ["c.yaml:12:22: tencentcloud_kms_service.gz: 'matches' needs a string attribute; 'cmk_count' is an integer"],
  },
  {
    name: 'in needs a list',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        edition: { in: ultimate }\n`,
    expected: ["c.yaml:12:24: tencentcloud_kms_service.gz: 'in' needs a list, e.g. in: [a, b]"],
  },
  {
    name: 'unknown enum value',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        edition: { in: [basic, ultimat] }\n`,
    expected: [
      "c.yaml:12:32: tencentcloud_kms_service.gz: unknown value 'ultimat' for 'edition'; expected one of: basic, ultimate; did you mean 'ultimate'?",
    ],
  },
  {
    name: 'scalar of the wrong type',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        auto_renew: "yes"\n`,
    expected: ["c.yaml:12:21: tencentcloud_kms_service.gz: 'auto_renew' is a boolean: expected true or false, not 'yes'"],
  },
  {
    name: 'two operators',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        cmk_count: { at_least: 1, at_most: 9 }\n`,
    expected: [
      "c.yaml:12:9: tencentcloud_kms_service.gz: expectation for 'cmk_count' has 2 operators (at_least, at_most); use exactly one",
    ],
  },
  {
    name: 'unknown operator',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        cmk_count: { at_lest: 1 }\n`,
    expected: [
      "c.yaml:12:22: tencentcloud_kms_service.gz: unknown operator 'at_lest' in expectation for 'cmk_count'; did you mean 'at_least'?",
    ],
  },
  {
    name: 'bad severity',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        auto_renew: { equals: true, severity: urgent }\n`,
    expected: ['c.yaml:12:47: tencentcloud_kms_service.gz: severity must be one of: critical, high, medium, low'],
  },
  {
    name: 'malformed duration',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        expires_at: { not_within: 30days }\n`,
    expected: [
      "c.yaml:12:35: tencentcloud_kms_service.gz: malformed duration '30days' for not_within; write a positive whole number and a unit m, h, d or w (e.g. 90m, 12h, 30d, 2w)",
    ],
  },
  {
    name: 'malformed date',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        expires_at: { after: 2027-02-30 }\n`,
    expected: [
      "c.yaml:12:30: tencentcloud_kms_service.gz: malformed date '2027-02-30' for after; write an ISO date or date-time with a zone (e.g. 2027-01-31 or 2027-01-31T00:00:00Z)",
    ],
  },
  {
    name: 'bad regex',
    yaml: `${PROVIDERS}resources:\n  tencentcloud_kms_service:\n    gz:\n      provider: tencentcloud.prod\n      expect:\n        subscription: { matches: "(" }\n`,
    expected: [
      'c.yaml:12:34: tencentcloud_kms_service.gz: invalid regular expression for matches: missing closing ): `(` (patterns use RE2 syntax: no lookahead, lookbehind or backreferences)',
    ],
  },
  {
    name: 'missing environment variable',
    yaml: `version: 1\nproviders:\n  tencentcloud:\n    prod: { region: "\${env.NO_SUCH_REGION}" }\n`,
    expected: ["c.yaml:4:21: environment variable 'NO_SUCH_REGION' is not set (used as ${env.NO_SUCH_REGION})"],
  },
  {
    name: 'interpolation spelled with an escape sequence',
    yaml: `version: 1\nproviders:\n  tencentcloud:\n    prod: { region: "\\x24{env.NO_SUCH_REGION}" }\n`,
    expected: ["c.yaml:4:21: environment variable 'NO_SUCH_REGION' is not set (used as ${env.NO_SUCH_REGION})"],
  },
  {
    name: 'unsupported interpolation',
    yaml: `version: 1\nproviders:\n  tencentcloud:\n    prod: { region: "\${TEAM_REGION}" }\n`,
    expected: ["c.yaml:4:21: unsupported interpolation '${TEAM_REGION}'; only ${env.NAME} is supported ($${ for a literal ${)"],
  },
  {
    name: 'secret literal in a provider',
    yaml: `version: 1\nproviders:\n  alicloud:\n    prod:\n      region: cn-hangzhou\n      access_key_secret: not-a-real-secret\n`,
    expected: [
      "c.yaml:6:7: 'access_key_secret' in provider alicloud.prod: secrets are never written in YAML; name a credentials source instead: `credentials: env`, `credentials: { profile: NAME }` or `credentials: { env: { id: VAR, secret: VAR, token: VAR } }`",
    ],
  },
  {
    name: 'secret value where an environment variable name belongs',
    yaml: `version: 1\nproviders:\n  tencentcloud:\n    prod:\n      credentials: { env: { id: TC_ID, secret: s3cr3t-value } }\n`,
    expected: [
      'c.yaml:5:48: credentials.env.secret of provider tencentcloud.prod must name an environment variable (e.g. TENCENTCLOUD_SECRET_KEY); secrets are never written in YAML; name a credentials source instead: `credentials: env`, `credentials: { profile: NAME }` or `credentials: { env: { id: VAR, secret: VAR, token: VAR } }`',
    ],
  },
  {
    name: 'credentials of no known shape (the value is never echoed)',
    yaml: `version: 1\nproviders:\n  tencentcloud:\n    prod: { credentials: AKIDnotarealkey }\n`,
    expected: [
      "c.yaml:4:26: credentials of provider tencentcloud.prod must be 'env', 'chain', 'oidc', 'ecs_ram_role' (Alibaba), 'cvm_role' (Tencent), " +
        '{ profile: NAME }, { env: { id: VAR, secret: VAR, token: VAR } }, { ecs_ram_role: ROLE }, { cvm_role: ROLE } or ' +
        '{ assume_role: { role_arn, session_name, external_id, duration, source } }',
    ],
  },
  {
    name: 'unknown cloud',
    yaml: `version: 1\nproviders:\n  aliyun: {}\n`,
    expected: ["c.yaml:3:3: unknown cloud 'aliyun' under providers; expected one of: tencentcloud, alicloud"],
  },
  {
    name: 'plain http endpoint to a remote host',
    yaml: `version: 1\nproviders:\n  alicloud:\n    prod: { endpoint: "http://kms.example.com" }\n`,
    expected: [
      'c.yaml:4:23: endpoint of provider alicloud.prod uses plain http:// to a non-loopback host; use https:// (http:// is allowed only for localhost)',
    ],
  },
  {
    name: 'waiver on an unknown resource',
    yaml: `${PROVIDERS}waivers:\n  - resource: alicloud_kms_instance.main\n    rule: status\n    reason: r\n    owner: o\n    expires: 2027-01-31\n`,
    expected: ["c.yaml:8:15: waiver #1 points at unknown resource 'alicloud_kms_instance.main'"],
  },
  {
    name: 'waiver on a rule that is nothing',
    yaml:
      `${PROVIDERS}resources:\n  alicloud_kms_instance:\n    main: { provider: alicloud.prod, instance_id: kst-1, expect: { status: Connected } }\n` +
      `waivers:\n  - { resource: alicloud_kms_instance.main, rule: stauts, reason: r, owner: o, expires: 2027-01-31 }\n`,
    expected: [
      "c.yaml:11:51: waiver #1: rule 'stauts' is neither an attribute with an expectation on alicloud_kms_instance.main, a policy rule id (containing '.' or '-'), nor '*'; did you mean 'status'?",
    ],
  },
  {
    name: 'waiver without expires, with a malformed one elsewhere',
    yaml:
      `${PROVIDERS}waivers:\n  - { resource: a_b.c, rule: "*", reason: r, owner: o }\n` +
      `  - { resource: a_b.c, rule: "*", reason: r, owner: o, expires: "31/01/2027" }\n`,
    expected: [
      "c.yaml:8:5: missing required key 'expires' in waiver #1",
      "c.yaml:8:17: waiver #1 points at unknown resource 'a_b.c'",
      "c.yaml:9:17: waiver #2 points at unknown resource 'a_b.c'",
      "c.yaml:9:65: waiver #2: malformed expires '31/01/2027'; write an ISO date or date-time with a zone (e.g. 2027-01-31)",
    ],
  },
  {
    name: 'missing policy file and unknown built-in pack',
    yaml: `${PROVIDERS}policies: [./no-such-policy.yaml, "builtin:no-such-pack"]\n`,
    expected: ['c.yaml:7:12: policy file not found: no-such-policy.yaml', "c.yaml:7:35: unknown built-in policy pack 'no-such-pack'"],
  },
];

describe('loadConfig: one row per error kind, exact positions', () => {
  it.each(ROWS)('$name', async ({ yaml, expected }) => {
    const actual = await problems(yaml);
    // The built-in pack list may grow; compare up to the suggestion it appends.
    expect(actual.map((l) => l.replace(/; available: .*$/, ''))).toEqual(expected);
  });
});

describe('loadConfig: valid configurations', () => {
  it('builds the desired state from the example directory', async () => {
    const examples = new URL('../../examples/', import.meta.url).pathname;
    const { state, diagnostics } = await loadConfig([examples], { cwd: examples, env: {} });
    expect(diagnostics).toEqual([]);
    expect(state.files).toEqual(['alicloud.yaml', 'providers.yaml', 'tencentcloud.yaml']);
    expect(state.providers.map((p) => p.ref).sort()).toEqual(['alicloud.prod', 'tencentcloud.china', 'tencentcloud.intl']);
    expect(new Set(state.resources.map((r) => r.type)).size).toBe(4);
    expect(state.waivers).toHaveLength(1);
  });

  it('merges files, resolves interpolation, credentials, policies and expectation locations', async () => {
    const root = join(FIXTURES, 'multi-file');
    const { state, diagnostics } = await loadConfig(['.'], { cwd: root, env: ENV });
    expect(diagnostics).toEqual([]);
    expect(state.files).toEqual(['a-providers.yaml', 'b-resources.yml']);
    const tc = state.providers.find((p) => p.ref === 'tencentcloud.prod');
    expect(tc).toMatchObject({
      cloud: 'tencentcloud',
      alias: 'prod',
      region: 'ap-guangzhou',
      site: 'intl',
      credentials: { kind: 'env', id: 'TC_ID', secret: 'TC_KEY' },
      endpoint: 'http://127.0.0.1:8080',
      rateLimits: { GetServiceStatus: 5 },
      location: { file: 'a-providers.yaml', line: 6, column: 5 },
    });
    expect(state.providers.find((p) => p.ref === 'alicloud.prod')).toMatchObject({
      site: 'china',
      credentials: { kind: 'profile', profile: 'audit' },
    });
    expect(state.providers.find((p) => p.ref === 'alicloud.backup')).toMatchObject({ credentials: { kind: 'chain' } });
    const kms = state.resources.find((r) => r.address === 'tencentcloud_kms_service.gz');
    expect(kms?.labels).toEqual({ owner: 'pki-team@example.com', literal: 'cost ${env.X}' });
    // Loaded expectations read as plain ones (build-resource.ts); their JSON is the plain shape.
    expect(JSON.parse(JSON.stringify(kms?.expect))).toEqual([
      {
        attribute: 'edition',
        operator: 'equals',
        expected: 'ultimate',
        severity: 'medium',
        location: { file: 'b-resources.yml', line: 8, column: 9 },
      },
      {
        attribute: 'expires_at',
        operator: 'not_within',
        expected: '30d',
        severity: 'high',
        description: 'renewal window',
        location: { file: 'b-resources.yml', line: 9, column: 9 },
      },
      {
        attribute: 'raw.ProRenewFlag',
        operator: 'in',
        expected: [1],
        severity: 'medium',
        location: { file: 'b-resources.yml', line: 10, column: 9 },
      },
    ]);
    const ca = state.resources.find((r) => r.address === 'alicloud_cas_private_ca.root');
    expect(ca).toMatchObject({ instanceId: 'cas-member-000001', provider: 'alicloud.prod' });
    expect(state.policies).toEqual([
      { ref: './policies/team.yaml', path: join(root, 'policies/team.yaml'), location: { file: 'a-providers.yaml', line: 2, column: 12 } },
    ]);
    expect(state.waivers).toEqual([
      {
        resource: 'alicloud_cas_private_ca.root',
        rule: 'kms.ultimate-edition',
        reason: 'policy waived during migration',
        owner: 'pki-team@example.com',
        expires: '2027-01-31',
        ticket: 'SEC-1',
        location: { file: 'b-resources.yml', line: 19, column: 5 },
      },
    ]);
  });

  it('reports a duplicate address in the second file, naming the first', async () => {
    const { diagnostics } = await loadConfig(['one.yaml', 'two.yaml'], { cwd: join(FIXTURES, 'duplicate'), env: {} });
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'two.yaml:3:5: resource alicloud_cas_private_ca.root is already declared at one.yaml:8:5',
      'two.yaml:6:5: provider alicloud.prod is already declared at one.yaml:4:5',
    ]);
  });

  it('refuses snapshots: and history: set in two files, naming the first', async () => {
    await writeFile(join(dir, 'first.yaml'), 'version: 1\nsnapshots: { max_age: 1d }\nhistory: { dir: h }\n');
    await writeFile(join(dir, 'second.yaml'), 'version: 1\nhistory: { dir: other }\nsnapshots: { max_age: 2d }\n');
    const { state, diagnostics } = await loadConfig(['first.yaml', 'second.yaml'], { cwd: dir, env: {} });
    expect(diagnostics.map((d) => `${formatDiagnostic(d)} [${d.rule}]`)).toEqual([
      'second.yaml:2:1: history is already set in first.yaml; set it in one file [duplicate-history]',
      'second.yaml:3:1: snapshots is already set in first.yaml; set it in one file [duplicate-snapshots]',
    ]);
    expect(state?.history?.dir).toBe(join(dir, 'h'));
  });

  it('names a missing path instead of throwing', async () => {
    const { diagnostics } = await loadConfig(['nope.yaml'], { cwd: dir, env: {} });
    expect(diagnostics.map(formatDiagnostic)).toEqual(['nope.yaml:1:1: cannot read configuration: no such file or directory']);
  });

  it('loadValidConfig throws a ConfigError carrying every diagnostic', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'version: 1\nresources:\n  nope: {}\n  tencentcloud_kms_servic: {}\n');
    const error = await loadValidConfig(['bad.yaml'], { cwd: dir, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).diagnostics.map(formatDiagnostic)).toEqual([
      "bad.yaml:3:3: unknown resource type 'nope'; known types: tencentcloud_kms_service, tencentcloud_tcss_subscription, alicloud_kms_instance, alicloud_cas_private_ca",
      "bad.yaml:4:3: unknown resource type 'tencentcloud_kms_servic'; did you mean 'tencentcloud_kms_service'?",
    ]);
  });
});
