import { observationList } from '../src/model/observation.js';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/context.js';
import { evidenceVerifyCommand } from '../src/cli/commands/evidence-verify.js';
import { DriftwatchError } from '../src/model/errors.js';
import { Redactor } from '../src/model/redactor.js';
import { buildEvidenceBundle, writeEvidenceBundle } from '../src/report/evidence/bundle.js';
import type { Manifest } from '../src/report/evidence/manifest.js';
import { ed25519SigningKey, hmacSigningKey, loadSigningKey, publicKeyId, ed25519PublicKey } from '../src/report/evidence/signing.js';
import { verifyEvidenceBundle } from '../src/report/evidence/verify.js';
import { canonicalJson } from '../src/report/evidence/canonical-json.js';
import { renderSarif } from '../src/report/sarif.js';
import { sampleResult } from './fixtures/results/sample-result.js';
import {
  CANARY_SECRET,
  OTHER_PUBLIC_PEM,
  SIGNING_KEY_PEM,
  SIGNING_PUBLIC_PEM,
  otherPublicKeyPath,
  sampleEvidenceInput,
  signingKeyPath,
  signingPublicKeyPath,
} from './fixtures/evidence/sample-input.js';

const HMAC_SECRET = 'hmac-secret-for-tests-0123456789abcdef';

let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'dw-evidence-'));
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'));
  }
  return out.sort();
}

async function writeSample(name = 'bundle'): Promise<string> {
  const dir = join(work, name);
  await writeEvidenceBundle(dir, sampleEvidenceInput());
  return dir;
}

describe('evidence bundle: writing', () => {
  it('writes the documented layout and verifies with the public key', async () => {
    const dir = await writeSample();
    const files = await listTree(dir);
    expect(files).toEqual([
      'README.md',
      'attestation.sigstore.json',
      'config/config/main.yaml',
      'config/config/pki.yaml',
      'manifest.json',
      'manifest.sig',
      'observations.json',
      'policies/policies/baseline.yaml',
      'raw/alicloud_kms_instance.main.json',
      'raw/tencentcloud_kms_service.prod-gz.json',
      'raw/tencentcloud_kms_service.prod-sh.json',
      'raw/tencentcloud_tcss_subscription.default.json',
      'reports/report.github.txt',
      'reports/report.html',
      'reports/report.json',
      'reports/report.junit.xml',
      'reports/report.md',
      'reports/report.oscal.json',
      'reports/report.sarif',
      'reports/report.txt',
      'result.json',
    ]);
    const result = await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.files).toBe(files.length - 3);
    expect(result.signature).toEqual({ algorithm: 'ed25519', keyId: publicKeyId(ed25519PublicKey(SIGNING_PUBLIC_PEM)), verified: true });
    expect(result.attestation).toEqual({ verified: true });
  });

  it('records the manifest as documented: sorted entries, sizes, digests, config digest', async () => {
    const dir = await writeSample();
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest).toMatchObject({
      format: 'driftwatch-evidence',
      format_version: '1',
      tool: { name: 'driftwatch', version: '0.1.0' },
      as_of: '2026-11-22T03:00:00Z',
    });
    const paths = manifest.files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort());
    for (const f of manifest.files) {
      const bytes = await readFile(join(dir, f.path));
      expect(f.size).toBe(bytes.byteLength);
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    // The same digest `find config -type f | LC_ALL=C sort | xargs sha256sum | sha256sum` gives.
    const listing = manifest.files
      .filter((f) => f.path.startsWith('config/'))
      .map((f) => `${f.sha256}  ${f.path}\n`)
      .join('');
    expect(manifest.config_digest).toBe(`sha256:${createHash('sha256').update(listing).digest('hex')}`);
    const sig = JSON.parse(await readFile(join(dir, 'manifest.sig'), 'utf8')) as Record<string, string>;
    expect(sig.algorithm).toBe('ed25519');
    expect(sig.manifest_sha256).toBe(
      createHash('sha256')
        .update(await readFile(join(dir, 'manifest.json')))
        .digest('hex'),
    );
  });

  it('keeps reports in agreement with the run result and includes the ones passed in', async () => {
    const dir = await writeSample();
    expect(await readFile(join(dir, 'reports/report.sarif'), 'utf8')).toBe(renderSarif(sampleResult));
    expect(await readFile(join(dir, 'reports/report.txt'), 'utf8')).toBe('Check: 1 compliant, 3 drifted, 1 unknown, 2 waived.\n');
    const raw = JSON.parse(await readFile(join(dir, 'raw/tencentcloud_kms_service.prod-sh.json'), 'utf8')) as Record<string, unknown>;
    expect(raw).toMatchObject({ request_ids: ['req-kms-sh-0001'], exchanges: [{ request_id: 'req-kms-sh-0001' }] });
  });

  it('redacts secrets from every file before hashing', async () => {
    const dir = await writeSample();
    let redactedSomewhere = false;
    for (const f of await listTree(dir)) {
      const text = await readFile(join(dir, f), 'utf8');
      expect(text, f).not.toContain(CANARY_SECRET);
      if (text.includes('[REDACTED]')) redactedSomewhere = true;
    }
    expect(redactedSomewhere).toBe(true);
    expect((await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM })).ok).toBe(true);
  });

  it('is byte-identical when rebuilt from the same inputs', async () => {
    const a = await writeSample('a');
    const b = await writeSample('b');
    const files = await listTree(a);
    expect(await listTree(b)).toEqual(files);
    for (const f of files) expect((await readFile(join(b, f))).equals(await readFile(join(a, f))), f).toBe(true);
    // Input order does not matter either.
    const input = sampleEvidenceInput();
    const shuffled = {
      ...input,
      observations: [...observationList(input.observations)].reverse(),
      result: { ...input.result, resources: [...input.result.resources] },
    };
    const one = buildEvidenceBundle(input);
    const two = buildEvidenceBundle(shuffled);
    expect([...two.files.keys()].sort()).toEqual([...one.files.keys()].sort());
    for (const [path, bytes] of one.files) expect(two.files.get(path)?.equals(bytes), path).toBe(true);
  });

  it('signs with HMAC-SHA256 when given a shared secret', async () => {
    const dir = join(work, 'hmac');
    const written = await writeEvidenceBundle(dir, sampleEvidenceInput(hmacSigningKey(HMAC_SECRET)));
    expect(written.algorithm).toBe('hmac-sha256');
    expect((await verifyEvidenceBundle(dir, { hmacKey: HMAC_SECRET })).ok).toBe(true);
    const wrong = await verifyEvidenceBundle(dir, { hmacKey: `${HMAC_SECRET}x` });
    expect(wrong.problems).toEqual([expect.stringMatching(/^signature does not verify with the given key/)]);
    const none = await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM });
    expect(none.problems).toEqual([expect.stringContaining('signature not checked: no HMAC key given')]);
    for (const f of await listTree(dir)) expect(await readFile(join(dir, f), 'utf8')).not.toContain(HMAC_SECRET);
  });

  it('refuses case-insensitive name clashes instead of losing a file', () => {
    const input = sampleEvidenceInput();
    expect(() =>
      buildEvidenceBundle({
        ...input,
        configFiles: [
          { path: 'Main.yaml', content: 'a' },
          { path: 'main.yaml', content: 'b' },
        ],
      }),
    ).toThrow(/clashes with/);
  });
});

describe('evidence bundle: atomic replacement rules', () => {
  // Issue 18: a previous bundle is replaced only with force, and only when it verifies with the key.
  it('replaces a previous bundle with force, and leaves no temporary directory behind', async () => {
    const dir = await writeSample();
    await expect(writeEvidenceBundle(dir, { ...sampleEvidenceInput(), asOf: '2026-11-23T00:00:00Z' })).rejects.toThrow(
      /not empty.*|--force/,
    );
    await writeEvidenceBundle(dir, { ...sampleEvidenceInput(), asOf: '2026-11-23T00:00:00Z' }, { force: true });
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.as_of).toBe('2026-11-23T00:00:00Z');
    expect(await readdir(work)).toEqual(['bundle']);
  });

  it('writes into an empty existing directory', async () => {
    const dir = join(work, 'empty');
    await mkdir(dir);
    await writeEvidenceBundle(dir, sampleEvidenceInput());
    expect((await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM })).ok).toBe(true);
  });

  it('refuses a non-empty directory that is not a bundle, and leaves it untouched', async () => {
    const dir = join(work, 'project');
    await mkdir(dir);
    await writeFile(join(dir, 'main.tf'), 'keep me');
    await expect(writeEvidenceBundle(dir, sampleEvidenceInput())).rejects.toThrow(/refusing to write the evidence bundle .* not empty/);
    expect(await readdir(dir)).toEqual(['main.tf']);
    expect(await readdir(work)).toEqual(['project']);
  });

  it('refuses a previous bundle that has gained a foreign file', async () => {
    const dir = await writeSample();
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await expect(writeEvidenceBundle(dir, sampleEvidenceInput(), { force: true })).rejects.toThrow(DriftwatchError);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
  });

  it('refuses a path that is a file', async () => {
    const file = join(work, 'file');
    await writeFile(file, 'x');
    await expect(writeEvidenceBundle(file, sampleEvidenceInput())).rejects.toThrow(/not a directory/);
  });
});

describe('evidence verify: tampering is detected', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await writeSample();
  });

  it('one byte changed', async () => {
    const path = join(dir, 'reports/report.sarif');
    const bytes = await readFile(path);
    bytes[100] = (bytes[100] as number) ^ 0x01;
    await writeFile(path, bytes);
    const result = await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['reports/report.sarif: digest mismatch']);
  });

  it('a byte appended (size differs)', async () => {
    await appendFile(join(dir, 'result.json'), ' ');
    const result = await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM });
    expect(result.problems).toEqual([expect.stringMatching(/^result\.json: digest mismatch \(\d+ bytes, manifest says \d+\)$/)]);
  });

  it('a file removed', async () => {
    await unlink(join(dir, 'raw/alicloud_kms_instance.main.json'));
    const result = await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM });
    expect(result.problems).toEqual(['raw/alicloud_kms_instance.main.json: missing']);
  });

  it('a file added', async () => {
    await writeFile(join(dir, 'notes.txt'), 'added later');
    await mkdir(join(dir, 'raw/sub'));
    await writeFile(join(dir, 'raw/sub/x.json'), '{}');
    const result = await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM });
    expect(result.problems).toEqual(['extra file not in manifest: notes.txt', 'extra file not in manifest: raw/sub/x.json']);
  });

  it('a wrong key', async () => {
    const result = await verifyEvidenceBundle(dir, { publicKey: OTHER_PUBLIC_PEM });
    expect(result.ok).toBe(false);
    // Issue 16: the attestation is checked with the same key, and fails with it too.
    expect(result.problems).toEqual([
      expect.stringMatching(/^signature does not verify with the given key \(signed with SHA256:\S+, given SHA256:\S+\)$/),
      expect.stringMatching(
        /^attestation\.sigstore\.json: signature does not verify with the given key \(signed with SHA256:\S+, given SHA256:\S+\)$/,
      ),
    ]);
  });

  it('a modified manifest, even one made consistent with a changed file', async () => {
    const target = 'reports/report.md';
    await writeFile(join(dir, target), 'All green!\n');
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { files: { path: string; size: number; sha256: string }[] };
    const entry = manifest.files.find((f) => f.path === target);
    if (!entry) throw new Error('fixture changed');
    entry.size = Buffer.byteLength('All green!\n');
    entry.sha256 = createHash('sha256').update('All green!\n').digest('hex');
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const result = await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM });
    expect(result.ok).toBe(false);
    expect(result.problems).toContain('manifest.sig: signed a different manifest.json (manifest digest mismatch)');
    expect(result.problems).toContain('signature does not verify with the given key');
  });

  it('a manifest path that tries to leave the bundle', async () => {
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { files: { path: string }[] };
    (manifest.files[0] as { path: string }).path = '../outside.txt';
    await writeFile(manifestPath, JSON.stringify(manifest));
    const result = await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM });
    expect(result.problems).toContain('manifest.json: files[0] has an unsafe path "../outside.txt"');
  });

  it('a missing signature or manifest', async () => {
    await unlink(join(dir, 'manifest.sig'));
    expect((await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM })).problems).toEqual(['manifest.sig: missing']);
    await unlink(join(dir, 'manifest.json'));
    expect((await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM })).problems).toEqual(['manifest.json: missing']);
  });

  it('a replaced signature', async () => {
    const sigPath = join(dir, 'manifest.sig');
    const sig = JSON.parse(await readFile(sigPath, 'utf8')) as { signature: string };
    const bytes = Buffer.from(sig.signature, 'base64');
    bytes[0] = (bytes[0] as number) ^ 0xff;
    sig.signature = bytes.toString('base64');
    // Written canonically (issue 18: any other spelling is refused before the signature is checked).
    await writeFile(sigPath, canonicalJson(sig));
    const result = await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM });
    // Issue 16: manifest.sig is a subject of the attestation, which sees the replacement too.
    expect(result.problems).toEqual([
      'signature does not verify with the given key',
      "attestation.sigstore.json: subject manifest.sig has a different digest than the bundle's",
    ]);
  });

  it('symbolic links in place of files or added', async () => {
    const target = join(dir, 'raw/tencentcloud_kms_service.prod-gz.json');
    const copy = join(work, 'copy.json');
    await writeFile(copy, await readFile(target));
    await unlink(target);
    await symlink(copy, target);
    await symlink(copy, join(dir, 'raw/extra-link.json'));
    const result = await verifyEvidenceBundle(dir, { publicKey: SIGNING_PUBLIC_PEM });
    expect(result.problems).toEqual([
      'raw/tencentcloud_kms_service.prod-gz.json: not a regular file',
      'extra file not in manifest: raw/extra-link.json (not a regular file)',
    ]);
  });

  it('no key given is not a verified bundle', async () => {
    const result = await verifyEvidenceBundle(dir);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringContaining('signature not checked: no public key given')]);
  });

  it('a directory that does not exist', async () => {
    const result = await verifyEvidenceBundle(join(work, 'nope'));
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/nope: not found$/);
  });
});

function fakeContext(env: Record<string, string | undefined> = {}): { ctx: CliContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const redactor = new Redactor();
  const ctx: CliContext = {
    argv: [],
    env,
    cwd: work,
    stdout: { write: (t) => void out.push(redactor.redact(t)), isTTY: false },
    stderr: { write: (t) => void err.push(redactor.redact(t)), isTTY: false },
    color: false,
    debug: false,
    now: () => new Date('2026-11-22T03:00:00Z'),
    redactor,
    signal: new AbortController().signal,
  };
  return { ctx, out, err };
}

describe('driftwatch evidence verify (command module)', () => {
  it('prints the file count and the key, exit 0', async () => {
    await writeSample();
    const { ctx, out, err } = fakeContext();
    const code = await evidenceVerifyCommand.run(ctx, { flags: { 'public-key': signingPublicKeyPath }, positionals: ['bundle'] });
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    const id = publicKeyId(ed25519PublicKey(SIGNING_PUBLIC_PEM));
    expect(out.join('')).toBe(`Verified 18 files; signature OK (ed25519, key ${id}); in-toto attestation OK (Sigstore bundle)\n`);
  });

  it('lists problems and exits 1', async () => {
    const dir = await writeSample();
    await writeFile(join(dir, 'notes.txt'), 'x');
    const { ctx, out, err } = fakeContext();
    const code = await evidenceVerifyCommand.run(ctx, { flags: { 'public-key': otherPublicKeyPath }, positionals: ['bundle'] });
    expect(code).toBe(1);
    expect(out.join('')).toBe('');
    const text = err.join('');
    // Issue 16: the wrong key fails the manifest signature and the attestation.
    expect(text).toContain('failed verification (3 problems)');
    expect(text).toContain('  - extra file not in manifest: notes.txt\n');
    expect(text).toContain('  - signature does not verify with the given key');
  });

  it('verifies an HMAC bundle with the secret from an environment variable, never printing it', async () => {
    await writeEvidenceBundle(join(work, 'bundle'), sampleEvidenceInput(hmacSigningKey(HMAC_SECRET)));
    const { ctx, out } = fakeContext({ EVIDENCE_HMAC: HMAC_SECRET });
    const code = await evidenceVerifyCommand.run(ctx, { flags: { 'hmac-key-env': 'EVIDENCE_HMAC' }, positionals: ['bundle'] });
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/^Verified 18 files; signature OK \(hmac-sha256, key SHA256:[A-Za-z0-9+/]+\)\n$/);
    expect(out.join('')).not.toContain(HMAC_SECRET);
  });

  it('fails with a usage error for an unset variable or an unreadable key file', async () => {
    await writeSample();
    const { ctx } = fakeContext();
    await expect(evidenceVerifyCommand.run(ctx, { flags: { 'hmac-key-env': 'NOPE' }, positionals: ['bundle'] })).rejects.toMatchObject({
      code: 'DW_USAGE',
    });
    await expect(evidenceVerifyCommand.run(ctx, { flags: { 'public-key': 'missing.pem' }, positionals: ['bundle'] })).rejects.toMatchObject(
      { code: 'DW_USAGE' },
    );
    await writeFile(join(work, 'bad.pem'), 'not a key');
    await expect(evidenceVerifyCommand.run(ctx, { flags: { 'public-key': 'bad.pem' }, positionals: ['bundle'] })).rejects.toThrow(
      /not a PEM public key/,
    );
  });
});

describe('signing keys from the environment', () => {
  it('loads an Ed25519 key from a file or inline PEM, and an HMAC secret', async () => {
    expect((await loadSigningKey({ DRIFTWATCH_EVIDENCE_KEY_FILE: signingKeyPath })).algorithm).toBe('ed25519');
    expect((await loadSigningKey({ DRIFTWATCH_EVIDENCE_KEY: SIGNING_KEY_PEM })).algorithm).toBe('ed25519');
    const redactor = new Redactor();
    expect((await loadSigningKey({ DRIFTWATCH_EVIDENCE_HMAC_KEY: HMAC_SECRET }, { redactor })).algorithm).toBe('hmac-sha256');
    expect(redactor.redact(`x ${HMAC_SECRET} y`)).toBe('x [REDACTED] y');
  });

  it('refuses to run without a key, with two keys, with a short secret or a non-Ed25519 key, never quoting the key', async () => {
    await expect(loadSigningKey({})).rejects.toThrow(/needs a signing key/);
    await expect(loadSigningKey({ DRIFTWATCH_EVIDENCE_KEY: SIGNING_KEY_PEM, DRIFTWATCH_EVIDENCE_HMAC_KEY: HMAC_SECRET })).rejects.toThrow(
      /more than one/,
    );
    await expect(loadSigningKey({ DRIFTWATCH_EVIDENCE_HMAC_KEY: 'short' })).rejects.toThrow(/too short/);
    const notAKey = 'please-do-not-echo-this-value';
    const error = await loadSigningKey({ DRIFTWATCH_EVIDENCE_KEY: notAKey }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftwatchError);
    expect(String((error as Error).message)).not.toContain(notAKey);
    expect(() => ed25519SigningKey(SIGNING_PUBLIC_PEM)).toThrow(/not a PEM private key|not an Ed25519 private key/);
    await expect(loadSigningKey({ DRIFTWATCH_EVIDENCE_KEY_FILE: join(work, 'missing.pem') })).rejects.toThrow(/cannot read/);
  });
});
