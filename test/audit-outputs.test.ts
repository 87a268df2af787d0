import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oscalValidator } from './helpers/oscal-schema.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

/**
 * The audit outputs of issue 16 end to end through the CLI: `plan --observed` of
 * test/fixtures/audit (builtin baseline + strict, two waivers) at a pinned time.
 */

const AUDIT = [
  'plan',
  'test/fixtures/audit',
  '--observed',
  'test/fixtures/audit/snapshot.json',
  '--as-of',
  '2026-11-29T00:00:00Z',
  '--no-progress',
];

interface Finding {
  title: string;
  props: { name: string; value: string }[];
  target: { 'target-id': string; status: { state: string; reason: string } };
  'related-risks'?: { 'risk-uuid': string }[];
}
interface Risk {
  uuid: string;
  status: string;
  deadline?: string;
  'risk-log'?: {
    entries: { 'status-change': string; 'logged-by': { 'party-uuid': string }[]; props: { name: string; value: string }[] }[];
  };
}
interface Doc {
  'assessment-results': {
    metadata: { parties?: { uuid: string; name: string }[] };
    results: { observations?: { title: string }[]; findings?: Finding[]; risks?: Risk[] }[];
  };
}

const validate = oscalValidator();

async function oscal(extra: readonly string[]): Promise<Doc> {
  const run = await runCli([...AUDIT, '--format', 'oscal', '--framework', 'mlps', ...extra]);
  expect(run.stderr).toBe('');
  const doc = JSON.parse(run.stdout) as Doc;
  expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
  return doc;
}

function findingStates(doc: Doc): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of doc['assessment-results'].results[0]?.findings ?? []) {
    const status = f.props.find((p) => p.name === 'control-status')?.value;
    out[f.target['target-id']] = `${f.target.status.state}/${f.target.status.reason}/${status}`;
  }
  return out;
}

describe('OSCAL assessment results from the CLI', () => {
  it('a compliant run: the controls its checks map to are satisfied, the others not assessed', async () => {
    const doc = await oscal(['--target', 'tencentcloud_kms_service.prod-gz']);
    expect(findingStates(doc)).toMatchObject({
      'gbt22239-8.1.4.8': 'satisfied/pass/satisfied',
      'gbt22239-8.1.2.2': 'not-satisfied/other/not_assessed',
    });
    expect(doc['assessment-results'].results[0]?.risks).toBeUndefined();
  });

  it('a drifted run: not-satisfied with reason fail and an open risk', async () => {
    const doc = await oscal(['--target', 'alicloud_kms_instance.dr']);
    expect(findingStates(doc)['gbt22239-8.1.4.8']).toBe('not-satisfied/fail/not_satisfied');
    const risks = doc['assessment-results'].results[0]?.risks ?? [];
    expect(risks.map((r) => r.status)).toEqual(['open', 'open']);
  });

  it('an unknown run: never satisfied — not-satisfied, reason other, control-status unknown', async () => {
    const doc = await oscal(['--target', 'tencentcloud_tcss_subscription.main']);
    const states = findingStates(doc);
    expect(states['gbt22239-8.1.4.4']).toBe('not-satisfied/other/unknown');
    expect(states['gbt22239-8.1.4.5']).toBe('not-satisfied/other/unknown');
    expect(Object.values(states).some((s) => s.startsWith('satisfied'))).toBe(false);
  });

  it('a waived run: the waiver is a deviation-approved risk with its deadline, logged by the owner', async () => {
    const doc = await oscal(['--target', 'alicloud_kms_instance.main']);
    expect(findingStates(doc)['gbt22239-8.1.4.3']).toBe('not-satisfied/other/waived');
    const [risk] = doc['assessment-results'].results[0]?.risks ?? [];
    expect(risk).toMatchObject({ status: 'deviation-approved', deadline: '2027-03-01T00:00:00Z' });
    const entry = risk?.['risk-log']?.entries[0];
    expect(entry?.['status-change']).toBe('deviation-approved');
    const owner = doc['assessment-results'].metadata.parties?.find((p) => p.uuid === entry?.['logged-by'][0]?.['party-uuid']);
    expect(owner?.name).toBe('kms-team@example.com');
    expect(entry?.props).toContainEqual(expect.objectContaining({ name: 'waiver-ticket', value: 'SEC-5120' }));
    const finding = doc['assessment-results'].results[0]?.findings?.find((f) => f.target['target-id'] === 'gbt22239-8.1.4.3');
    expect(finding?.['related-risks']).toEqual([{ 'risk-uuid': risk?.uuid }]);
  });

  it('the whole run, twice: byte-identical', async () => {
    const [a, b] = await Promise.all([runCli([...AUDIT, '--format', 'oscal']), runCli([...AUDIT, '--format', 'oscal'])]);
    expect(a.stdout).toBe(b.stdout);
    const doc = JSON.parse(a.stdout) as Doc;
    expect(validate(doc)).toBe(true);
    // Without --framework every known framework is reviewed.
    expect(Object.keys(findingStates(doc)).some((id) => id.startsWith('iso27001-'))).toBe(true);
    expect(doc['assessment-results'].results[0]?.observations).toHaveLength(5);
  });
});

describe('--framework mlps golden reports', () => {
  for (const [format, file] of [
    ['text', 'mlps.txt'],
    ['markdown', 'mlps.md'],
    ['json', 'mlps.json'],
    ['oscal', 'mlps.oscal.json'],
    ['html', 'mlps.html'],
  ] as const) {
    it(`${format}`, async () => {
      const run = await runCli([...AUDIT, '--format', format, '--framework', 'mlps']);
      expect(run.code).toBe(0);
      await expect(run.stdout).toMatchFileSnapshot(`fixtures/audit/golden/${file}`);
    });
  }

  it('report --from re-renders a saved result with its control summary byte-identically', async () => {
    const run = await runCli(['report', '--from', 'test/fixtures/audit/golden/mlps.json', '--format', 'json', '--framework', 'mlps']);
    expect(run.stderr).toBe('');
    await expect(run.stdout).toMatchFileSnapshot('fixtures/audit/golden/mlps.json');
  });

  it('rejects an unknown framework with a usage error naming the choices', async () => {
    const run = await runCli([...AUDIT, '--framework', 'pci']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--framework: unknown framework 'pci'");
    expect(run.stderr).toContain('mlps, iso27001');
  });
});

describe('the evidence bundle of an audit run', () => {
  it("holds the HTML and OSCAL reports with the run's framework, and verifies (manifest and attestation) from the CLI", async () => {
    const work = await mkdtemp(join(tmpdir(), 'dw-audit-evidence-'));
    try {
      const bundle = join(work, 'bundle');
      const env = { DRIFTWATCH_EVIDENCE_KEY_FILE: join(REPO_ROOT, 'test/fixtures/evidence/signing-key.pem') };
      const run = await runCli([...AUDIT, '--framework', 'mlps', '--evidence', bundle], { env });
      expect(run.stderr).toMatch(/^Evidence bundle: .* \(\d+ files, signed ed25519 SHA256:\S+\)\.\n$/);
      const oscalText = await readFile(join(bundle, 'reports/report.oscal.json'), 'utf8');
      expect(oscalText).toBe(await readFile(join(REPO_ROOT, 'test/fixtures/audit/golden/mlps.oscal.json'), 'utf8'));
      expect(validate(JSON.parse(oscalText))).toBe(true);
      expect(await readFile(join(bundle, 'reports/report.html'), 'utf8')).toBe(
        await readFile(join(REPO_ROOT, 'test/fixtures/audit/golden/mlps.html'), 'utf8'),
      );
      const verify = await runCli(['evidence', 'verify', bundle, '--public-key', 'test/fixtures/evidence/signing-key.pub.pem']);
      expect(verify.stderr).toBe('');
      expect(verify.stdout).toMatch(
        /^Verified \d+ files; signature OK \(ed25519, key SHA256:\S+\); in-toto attestation OK \(Sigstore bundle\)\n$/,
      );
      expect(verify.code).toBe(0);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
