import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../model/location.js';
import { BUILTIN_POLICY_DIR } from '../config/policy-ref.js';
import { createPolicyValidator, loadPolicyFile, loadPolicyPacks, loadValidPolicyPacks, parsePolicyFile } from './policy-file.js';

const validator = createPolicyValidator();

function parse(text: string) {
  return parsePolicyFile(text, 'team.yaml', '/abs/team.yaml', validator);
}

function messages(text: string): string[] {
  return parse(text).diagnostics.map(formatDiagnostic);
}

const GOOD = `version: 1
name: team
rules:
  - id: team.ca-used
    title: CA in use
    severity: high
    resource_type: alicloud_cas_private_ca
    where: { provider: alicloud.prod, name: "prod-*", labels: { env: prod } }
    when:
      ca_type: ROOT
    assert:
      status: USED
      certificates_remaining: { at_least: 100 }
    remediation: Enable it.
    controls: ["ISO/IEC 27001:2022 A.8.24"]
`;

describe('parsePolicyFile', () => {
  it('loads a valid pack with selectors, preconditions and assertions', () => {
    const { pack, diagnostics } = parse(GOOD);
    expect(diagnostics).toEqual([]);
    expect(pack?.name).toBe('team');
    const rule = pack?.rules[0];
    expect(rule).toMatchObject({
      id: 'team.ca-used',
      severity: 'high',
      resourceType: 'alicloud_cas_private_ca',
      where: { provider: ['alicloud.prod'], name: ['prod-*'], labels: { env: ['prod'] } },
      remediation: 'Enable it.',
      controls: ['ISO/IEC 27001:2022 A.8.24'],
      location: { file: 'team.yaml', line: 4, column: 9 },
    });
    expect(rule?.when).toEqual([
      { attribute: 'ca_type', operator: 'equals', expected: 'ROOT', location: { file: 'team.yaml', line: 10, column: 7 } },
    ]);
    expect(rule?.assert.map((a) => [a.attribute, a.operator, a.expected, a.location.line])).toEqual([
      ['status', 'equals', 'USED', 12],
      ['certificates_remaining', 'at_least', 100, 13],
    ]);
  });

  it('reports every problem of a file at once, each at its exact line and column', () => {
    const text = `version: 1
rules:
  - id: nodots
    title: x
    severity: urgent
    resource_type: alicloud_kms_instance
    assert:
      stauts: Connected
      expires_at: { not_within: 30 }
      log_enabled: { equals: true, severity: high }
    remediation: r
    colour: red
  - id: a.b
    title: y
    severity: low
    resource_type: alicloud_kms_instanse
    assert: { status: Connected }
  - id: a.b
    title: z
    severity: low
    resource_type: alicloud_cas_private_ca
    where: { provider: tencentcloud.prod }
    assert: { status: { in: [USED, BOUGHT] } }
    remediation: r
`;
    expect(messages(text)).toEqual([
      "team.yaml:3:9: 'id' of rule #1 (nodots): invalid rule id \"nodots\"; use lowercase words joined by '.' or '-' (at least one), e.g. tc-kms.auto-renew",
      "team.yaml:5:15: 'severity' of rule #1 (nodots): 'urgent' is not one of critical, high, medium, low",
      "team.yaml:8:7: rule #1 (nodots): unknown attribute 'stauts' for alicloud_kms_instance in assert; did you mean 'status'?",
      'team.yaml:9:33: rule #1 (nodots): malformed duration 30 for not_within; write a positive whole number and a unit m, h, d or w (e.g. 90m, 12h, 30d, 2w)',
      "team.yaml:10:36: rule #1 (nodots): severity is set once for the whole rule, not on 'log_enabled' in assert",
      "team.yaml:12:5: unknown key 'colour' in rule #1 (nodots)",
      "team.yaml:13:5: missing required key 'remediation' in rule #2 (a.b)",
      "team.yaml:16:20: 'resource_type' of rule #2 (a.b): 'alicloud_kms_instanse' is not one of tencentcloud_kms_service, tencentcloud_tcss_subscription, alicloud_kms_instance, alicloud_cas_private_ca; did you mean 'alicloud_kms_instance'?",
      "team.yaml:18:9: duplicate rule id 'a.b'; first defined at team.yaml:13:9",
      "team.yaml:22:24: rule #3 (a.b): where.provider 'tencentcloud.prod' is a tencentcloud provider but alicloud_cas_private_ca resources use alicloud providers, so the rule would never apply",
      "team.yaml:23:36: rule #3 (a.b): unknown value 'BOUGHT' for 'status'; expected one of: BUY, USED, REFUND, REVOKE",
    ]);
    expect(parse(text).pack).toBeUndefined();
  });

  it('checks operator/attribute kinds and precondition attributes like expect does', () => {
    const text = `version: 1
rules:
  - id: t.x
    title: x
    severity: low
    resource_type: tencentcloud_kms_service
    when: { editon: ultimate }
    assert:
      auto_renew: { at_least: 1 }
    remediation: r
`;
    expect(messages(text)).toEqual([
      "team.yaml:7:13: rule #1 (t.x): unknown attribute 'editon' for tencentcloud_kms_service in when; did you mean 'edition'?",
      "team.yaml:9:21: rule #1 (t.x): 'at_least' needs an integer attribute; 'auto_renew' is a boolean",
    ]);
  });

  it('reports YAML syntax errors and a missing version/rules located', () => {
    expect(messages('version: 1\nrules: [\n')[0]).toMatch(/^team\.yaml:\d+:\d+: YAML syntax error/);
    expect(messages('name: x\n')).toEqual([
      "team.yaml:1:1: missing required key 'version' in the policy file",
      "team.yaml:1:1: missing required key 'rules' in the policy file",
    ]);
    expect(messages('version: 1\nrules: []\nrule: []\n')).toEqual(["team.yaml:3:1: unknown top-level key 'rule'; did you mean 'rules'?"]);
    expect(messages('version: 1\nrules: {}\n')).toEqual(["team.yaml:2:8: 'rules' must be a list"]);
  });

  it('accepts raw.<VendorField> attributes and explains selector shapes', () => {
    const text = `version: 1
rules:
  - id: t.raw
    title: x
    severity: low
    resource_type: alicloud_kms_instance
    where: { name: 3, labels: { env: [prod, 4] } }
    assert: { raw.SaleStatus: { matches: "^on" } }
    remediation: r
`;
    expect(messages(text)).toEqual([
      "team.yaml:7:20: 'where.name' of rule #1 (t.raw) must be a pattern or a list of patterns",
      "team.yaml:7:38: 'where.labels.env' of rule #1 (t.raw) must be a pattern or a list of patterns",
    ]);
  });
});

describe('loading packs', () => {
  it('loads the built-in packs without diagnostics', async () => {
    for (const name of ['baseline', 'strict']) {
      const result = await loadPolicyFile(join(BUILTIN_POLICY_DIR, `${name}.yaml`), { cwd: BUILTIN_POLICY_DIR, validator });
      expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
      expect(result.pack?.rules.length).toBeGreaterThan(5);
      for (const rule of result.pack?.rules ?? []) {
        expect(rule.remediation.length, rule.id).toBeGreaterThan(20);
        expect(rule.controls.length, rule.id).toBeGreaterThan(0);
      }
    }
  });

  it('reports a missing file at the reference, dedupes paths and rejects ids repeated across files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-policy-'));
    const one = join(dir, 'one.yaml');
    const two = join(dir, 'two.yaml');
    const rule = (id: string) =>
      `version: 1\nrules:\n  - { id: ${id}, title: t, severity: low, resource_type: alicloud_kms_instance, assert: { status: Connected }, remediation: r }\n`;
    writeFileSync(one, rule('x.same'));
    writeFileSync(two, rule('x.same'));
    const at = (line: number) => ({ file: 'main.yaml', line, column: 13 });
    const result = await loadPolicyPacks(
      [
        { ref: './one.yaml', path: one, location: at(2) },
        { ref: './one.yaml', path: one, location: at(3) },
        { ref: './two.yaml', path: two, location: at(4) },
        { ref: './nope.yaml', path: join(dir, 'nope.yaml'), location: at(5) },
      ],
      { cwd: dir, validator },
    );
    expect(result.packs.map((p) => p.file)).toEqual(['one.yaml']);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      "two.yaml:3:11: rule id 'x.same' is already defined at one.yaml:3:11; rule ids must be unique across policy files",
      'main.yaml:5:13: cannot read policy file nope.yaml: no such file or directory',
    ]);
    await expect(
      loadValidPolicyPacks([{ ref: './nope.yaml', path: join(dir, 'nope.yaml'), location: at(5) }], { cwd: dir }),
    ).rejects.toMatchObject({
      code: 'DW_CONFIG_INVALID',
      message: 'policy is invalid: 1 error',
    });
  });
});

describe('parsePolicyFile on arbitrary input', () => {
  it('never throws, and either loads a pack or explains why with located diagnostics', async () => {
    const fc = await import('fast-check');
    const rule = fc.record(
      {
        id: fc.oneof(fc.constantFrom('a.b', 'x-y', 'nodot'), fc.string()),
        title: fc.oneof(fc.string(), fc.integer()),
        severity: fc.oneof(fc.constantFrom('low', 'high'), fc.string()),
        resource_type: fc.constantFrom('alicloud_kms_instance', 'alicloud_cas_private_ca', 'nope'),
        where: fc.oneof(fc.constant(undefined), fc.jsonValue(), fc.record({ provider: fc.oneof(fc.string(), fc.array(fc.string())) })),
        when: fc.oneof(
          fc.constant(undefined),
          fc.jsonValue(),
          fc.dictionary(fc.constantFrom('status', 'expires_at', 'certificates_remaining', 'raw.X'), fc.jsonValue()),
        ),
        assert: fc.oneof(
          fc.jsonValue(),
          fc.dictionary(fc.constantFrom('status', 'expires_at', 'certificates_remaining', 'raw.X', 'x'), fc.jsonValue()),
        ),
        remediation: fc.oneof(fc.string(), fc.constant(undefined)),
        controls: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const doc = fc.oneof(
      fc.jsonValue(),
      fc.record({ version: fc.oneof(fc.constant(1), fc.jsonValue()), rules: fc.oneof(fc.array(rule, { maxLength: 3 }), fc.jsonValue()) }),
    );
    fc.assert(
      fc.property(doc, (value) => {
        const text = JSON.stringify(value) ?? 'null';
        const result = parsePolicyFile(text, 'f.yaml', '/abs/f.yaml', validator);
        if (result.pack === undefined) {
          expect(result.diagnostics.length).toBeGreaterThan(0);
          for (const d of result.diagnostics) expect(d.location.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
