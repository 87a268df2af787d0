import { createHash, createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEvidenceBundle, writeEvidenceBundle } from '../src/report/evidence/bundle.js';
import {
  ATTESTATION_FILE,
  DSSE_PAYLOAD_TYPE,
  PREDICATE_TYPE,
  SIGSTORE_BUNDLE_MEDIA_TYPE,
  STATEMENT_TYPE,
} from '../src/report/evidence/attestation.js';
import { hmacSigningKey, publicKeyId } from '../src/report/evidence/signing.js';
import { verifyEvidenceBundle } from '../src/report/evidence/verify.js';
import { OTHER_PUBLIC_PEM, SIGNING_PUBLIC_PEM, sampleEvidenceInput } from './fixtures/evidence/sample-input.js';

/**
 * The bundle's in-toto attestation checked by the maintained Sigstore verifier, the way
 * `cosign verify-blob-attestation --key PUB --insecure-ignore-tlog` does: the DSSE signature with
 * the given public key (no transparency log, no timestamps), then the blob's SHA-256 among the
 * statement's subjects — here for every file of the bundle.
 */

interface Statement {
  _type: string;
  predicateType: string;
  subject: { name: string; digest: { sha256: string } }[];
  predicate: Record<string, unknown>;
}

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'dw-attest-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function writeSample(): Promise<string> {
  const dir = join(work, 'bundle');
  await writeEvidenceBundle(dir, sampleEvidenceInput());
  return dir;
}

/** @sigstore/verify with only the public key trusted; throws when the signature does not verify. */
function sigstoreVerify(bundleText: string, publicPem: string): Statement {
  const key = createPublicKey(publicPem);
  const trust = toTrustMaterial(
    {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [],
      certificateAuthorities: [],
      ctlogs: [],
      timestampAuthorities: [],
    },
    () => ({
      publicKey: key,
      validFor: () => true,
    }),
  );
  const json = JSON.parse(bundleText) as { dsseEnvelope: { payload: string } };
  new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundleFromJSON(json)));
  return JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString('utf8')) as Statement;
}

async function filesOf(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/');
    if (path !== ATTESTATION_FILE)
      out.set(
        path,
        createHash('sha256')
          .update(await readFile(join(dir, path)))
          .digest('hex'),
      );
  }
  return out;
}

/** What cosign checks per blob, for every file: its digest is a subject's. Returns the mismatches. */
async function subjectMismatches(dir: string, statement: Statement): Promise<string[]> {
  const subjects = new Map(statement.subject.map((s) => [s.name, s.digest.sha256]));
  const files = await filesOf(dir);
  const out: string[] = [];
  for (const [path, digest] of files) if (subjects.get(path) !== digest) out.push(`${path}: not attested`);
  for (const name of subjects.keys()) if (!files.has(name)) out.push(`${name}: missing`);
  return out.sort();
}

describe('the in-toto attestation, verified by @sigstore/verify', () => {
  it('is a Sigstore bundle v0.3 with a public-key hint and a DSSE in-toto statement over every file', async () => {
    const dir = await writeSample();
    const text = await readFile(join(dir, ATTESTATION_FILE), 'utf8');
    const bundle = JSON.parse(text) as {
      mediaType: string;
      verificationMaterial: { publicKey: { hint: string }; tlogEntries: unknown[] };
      dsseEnvelope: { payloadType: string };
    };
    expect(bundle.mediaType).toBe(SIGSTORE_BUNDLE_MEDIA_TYPE);
    expect(bundle.verificationMaterial).toEqual({ publicKey: { hint: publicKeyId(createPublicKey(SIGNING_PUBLIC_PEM)) }, tlogEntries: [] });
    expect(bundle.dsseEnvelope.payloadType).toBe(DSSE_PAYLOAD_TYPE);

    const statement = sigstoreVerify(text, SIGNING_PUBLIC_PEM);
    expect(statement._type).toBe(STATEMENT_TYPE);
    expect(statement.predicateType).toBe(PREDICATE_TYPE);
    expect(await subjectMismatches(dir, statement)).toEqual([]);
    expect(statement.subject.map((s) => s.name)).toContain('manifest.json');
    expect(statement.subject.map((s) => s.name)).toContain('manifest.sig');

    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
      config_digest: string;
      summary: unknown;
      as_of: string;
    };
    expect(statement.predicate).toMatchObject({
      tool: { name: 'driftwatch' },
      as_of: manifest.as_of,
      summary: manifest.summary,
      configuration: { digest: { sha256: manifest.config_digest.replace('sha256:', '') } },
      policy_packs: [
        {
          name: 'policies/baseline.yaml',
          uri: 'policies/policies/baseline.yaml',
          digest: { sha256: statement.subject.find((s) => s.name === 'policies/policies/baseline.yaml')?.digest.sha256 },
        },
      ],
      manifest: { name: 'manifest.json' },
    });
    expect((await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM })).attestation).toEqual({ verified: true });
  });

  it('is byte-identical for the same inputs', () => {
    const a = buildEvidenceBundle(sampleEvidenceInput()).files.get(ATTESTATION_FILE);
    const b = buildEvidenceBundle(sampleEvidenceInput()).files.get(ATTESTATION_FILE);
    expect(a).toBeDefined();
    expect(a?.equals(b as Buffer)).toBe(true);
  });

  it('is not written for an HMAC-signed bundle (a Sigstore bundle carries public-key signatures)', async () => {
    const dir = join(work, 'hmac');
    await writeEvidenceBundle(dir, sampleEvidenceInput(hmacSigningKey('hmac-secret-for-tests-0123456789abcdef')));
    expect(existsSync(join(dir, ATTESTATION_FILE))).toBe(false);
    expect((await verifyEvidenceBundle(dir, { hmacKey: 'hmac-secret-for-tests-0123456789abcdef' })).ok).toBe(true);
  });
});

describe('the attestation rejects each tamper case', () => {
  let dir: string;
  let text: string;
  beforeEach(async () => {
    dir = await writeSample();
    text = await readFile(join(dir, ATTESTATION_FILE), 'utf8');
  });

  it('one byte changed', async () => {
    const path = join(dir, 'reports/report.sarif');
    const bytes = await readFile(path);
    bytes[100] = (bytes[100] as number) ^ 0x01;
    await writeFile(path, bytes);
    expect(await subjectMismatches(dir, sigstoreVerify(text, SIGNING_PUBLIC_PEM))).toEqual(['reports/report.sarif: not attested']);
    expect((await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM })).ok).toBe(false);
  });

  it('a file removed', async () => {
    await unlink(join(dir, 'raw/alicloud_kms_instance.main.json'));
    expect(await subjectMismatches(dir, sigstoreVerify(text, SIGNING_PUBLIC_PEM))).toEqual([
      'raw/alicloud_kms_instance.main.json: missing',
    ]);
    expect((await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM })).ok).toBe(false);
  });

  it('a file added', async () => {
    await writeFile(join(dir, 'notes.txt'), 'added later');
    expect(await subjectMismatches(dir, sigstoreVerify(text, SIGNING_PUBLIC_PEM))).toEqual(['notes.txt: not attested']);
    expect((await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM })).ok).toBe(false);
  });

  it('a wrong key', async () => {
    expect(() => sigstoreVerify(text, OTHER_PUBLIC_PEM)).toThrow(/signature verification failed/);
    const result = await verifyEvidenceBundle(dir, { publicKey: OTHER_PUBLIC_PEM });
    expect(result.attestation).toEqual({ verified: false });
  });

  it('a rewritten statement (subjects edited to match a changed file)', async () => {
    await appendFile(join(dir, 'result.json'), ' ');
    const bundle = JSON.parse(text) as { dsseEnvelope: { payload: string } };
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as Statement;
    const subject = statement.subject.find((s) => s.name === 'result.json');
    if (!subject) throw new Error('fixture changed');
    subject.digest.sha256 = createHash('sha256')
      .update(await readFile(join(dir, 'result.json')))
      .digest('hex');
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    const forged = JSON.stringify(bundle);
    await writeFile(join(dir, ATTESTATION_FILE), forged);
    expect(() => sigstoreVerify(forged, SIGNING_PUBLIC_PEM)).toThrow(/signature verification failed/);
    expect((await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM })).problems).toContain(
      'attestation.sigstore.json: signature does not verify with the given key',
    );
  });

  it('a manifest rewritten to match a changed file: the attestation still names the original manifest', async () => {
    const target = 'reports/report.md';
    await writeFile(join(dir, target), 'All green!\n');
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { files: { path: string; size: number; sha256: string }[] };
    const entry = manifest.files.find((f) => f.path === target);
    if (!entry) throw new Error('fixture changed');
    entry.size = 11;
    entry.sha256 = createHash('sha256').update('All green!\n').digest('hex');
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const problems = (await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM })).problems;
    expect(problems).toContain("attestation.sigstore.json: subject manifest.json has a different digest than the bundle's");
    expect(problems).toContain("attestation.sigstore.json: subject reports/report.md has a different digest than the bundle's");
  });

  it('a malformed attestation is a located problem, never a crash', async () => {
    const cases: [string, RegExp][] = [
      ['not json', /^attestation\.sigstore\.json: not valid JSON$/],
      ['{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1"}', /^attestation\.sigstore\.json: not a Sigstore bundle v0\.3/],
      [
        `{"mediaType":"${SIGSTORE_BUNDLE_MEDIA_TYPE}","dsseEnvelope":{"payload":"","payloadType":"x","signatures":[]}}`,
        /^attestation\.sigstore\.json: not a valid Sigstore bundle \(/,
      ],
      ['[]', /^attestation\.sigstore\.json: not a Sigstore bundle v0\.3/],
    ];
    for (const [content, expected] of cases) {
      await writeFile(join(dir, ATTESTATION_FILE), content);
      const result = await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM });
      expect(result.problems, content).toEqual([expect.stringMatching(expected)]);
      expect(result.attestation).toEqual({ verified: false });
    }
  });

  it('a missing attestation in an Ed25519 bundle', async () => {
    await unlink(join(dir, ATTESTATION_FILE));
    expect((await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM })).problems).toEqual([
      'attestation.sigstore.json: missing (an Ed25519-signed bundle carries an in-toto attestation)',
    ]);
  });
});
