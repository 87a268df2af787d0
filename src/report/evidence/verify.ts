import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../../util/encoding.js';
import type { ManifestEntry } from './manifest.js';
import { MANIFEST_FILE, SIGNATURE_FILE, directoryDigest, parseManifest } from './manifest.js';
import { compareBundlePaths } from './paths.js';
import type { SignatureAlgorithm, VerificationKeys } from './signing.js';
import { ed25519PublicKey, parseSignature, verifySignature } from './signing.js';
import { ATTESTATION_FILE, verifyAttestation } from './attestation.js';

/**
 * `evidence verify`: recomputes every digest listed in manifest.json, looks for missing and
 * extra files, checks the config and policy digests and the signature over the manifest bytes.
 * Problems are returned as data with the bundle-relative path first; an empty list is the only
 * success. A signature that could not be checked (no key given) is a problem too: an unverified
 * bundle is not a verified one.
 *
 * An Ed25519-signed bundle must also carry `attestation.sigstore.json`, verified with the same
 * public key by `@sigstore/verify`; its subjects must be exactly the manifest's files plus
 * manifest.json and manifest.sig with their digests. Since every listed file is checked against
 * the manifest, a file that changed is reported once, against the manifest; the attestation adds
 * the problems the manifest cannot see (a rewritten manifest or signature, a bad attestation).
 */

export interface VerifyResult {
  readonly ok: boolean;
  /** Files listed in the manifest. */
  readonly files: number;
  readonly signature?: { readonly algorithm: SignatureAlgorithm; readonly keyId: string; readonly verified: boolean };
  /** Ed25519 bundles: whether the in-toto attestation verified. */
  readonly attestation?: { readonly verified: boolean };
  readonly problems: readonly string[];
}

function errnoCode(error: unknown): string {
  return error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : String(error);
}

async function walk(root: string, prefix: string, out: { files: string[]; odd: string[] }): Promise<void> {
  for (const entry of await readdir(prefix ? join(root, ...prefix.split('/')) : root, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await walk(root, rel, out);
    else if (entry.isFile()) out.files.push(rel);
    else out.odd.push(rel);
  }
}

async function checkEntry(dir: string, entry: ManifestEntry): Promise<string | undefined> {
  const file = join(dir, ...entry.path.split('/'));
  try {
    const stats = await lstat(file);
    if (!stats.isFile()) return `${entry.path}: not a regular file`;
  } catch (error) {
    return errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR'
      ? `${entry.path}: missing`
      : `${entry.path}: unreadable (${errnoCode(error)})`;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return `${entry.path}: unreadable (${errnoCode(error)})`;
  }
  if (sha256Hex(bytes) === entry.sha256 && bytes.byteLength === entry.size) return undefined;
  const size = bytes.byteLength === entry.size ? '' : ` (${bytes.byteLength} bytes, manifest says ${entry.size})`;
  return `${entry.path}: digest mismatch${size}`;
}

export async function verifyEvidenceBundle(dir: string, keys: VerificationKeys = {}): Promise<VerifyResult> {
  try {
    const stats = await lstat(dir);
    if (!stats.isDirectory()) return { ok: false, files: 0, problems: [`${dir}: not a directory`] };
  } catch (error) {
    return {
      ok: false,
      files: 0,
      problems: [`${dir}: ${errnoCode(error) === 'ENOENT' ? 'not found' : `unreadable (${errnoCode(error)})`}`],
    };
  }

  let manifestBytes: Buffer;
  try {
    manifestBytes = await readFile(join(dir, MANIFEST_FILE));
  } catch (error) {
    return {
      ok: false,
      files: 0,
      problems: [`${MANIFEST_FILE}: ${errnoCode(error) === 'ENOENT' ? 'missing' : `unreadable (${errnoCode(error)})`}`],
    };
  }
  const parsed = parseManifest(manifestBytes.toString('utf8'));
  const problems: string[] = [...parsed.problems];
  const manifest = parsed.manifest;
  const entries = manifest?.files ?? [];

  for (const entry of entries) {
    const problem = await checkEntry(dir, entry);
    if (problem) problems.push(problem);
  }

  if (manifest) {
    if (directoryDigest(entries, 'config') !== manifest.config_digest)
      problems.push(`${MANIFEST_FILE}: config_digest does not match the config/ files listed`);
    if (directoryDigest(entries, 'policies') !== manifest.policies_digest)
      problems.push(`${MANIFEST_FILE}: policies_digest does not match the policies/ files listed`);
  }

  const found = { files: [] as string[], odd: [] as string[] };
  await walk(dir, '', found);
  // The attestation belongs to Ed25519 bundles; in an HMAC bundle it is an extra file like any other.
  const sigAlgorithm = await peekAlgorithm(dir);
  const listed = new Set([
    MANIFEST_FILE,
    SIGNATURE_FILE,
    ...(sigAlgorithm === 'hmac-sha256' ? [] : [ATTESTATION_FILE]),
    ...entries.map((e) => e.path),
  ]);
  // With an unreadable manifest every file would look extra; that adds noise, not information.
  if (manifest) {
    for (const f of found.files.sort(compareBundlePaths)) if (!listed.has(f)) problems.push(`extra file not in manifest: ${f}`);
  }
  for (const f of found.odd.sort(compareBundlePaths))
    if (!listed.has(f)) problems.push(`extra file not in manifest: ${f} (not a regular file)`);

  let signatureInfo: VerifyResult['signature'];
  let sigText: string | undefined;
  let sigBytes: Buffer | undefined;
  try {
    sigBytes = await readFile(join(dir, SIGNATURE_FILE));
    sigText = sigBytes.toString('utf8');
  } catch (error) {
    problems.push(`${SIGNATURE_FILE}: ${errnoCode(error) === 'ENOENT' ? 'missing' : `unreadable (${errnoCode(error)})`}`);
  }
  if (sigText !== undefined) {
    const { signature, problem } = parseSignature(sigText);
    if (problem) problems.push(problem);
    if (signature) {
      const sigProblems = verifySignature(manifestBytes, signature, keys);
      problems.push(...sigProblems);
      signatureInfo = { algorithm: signature.algorithm, keyId: signature.key_id, verified: sigProblems.length === 0 };
    }
  }

  let attestationInfo: VerifyResult['attestation'];
  if (signatureInfo?.algorithm === 'ed25519' && keys.publicKey !== undefined && sigBytes !== undefined) {
    const attestationProblems = await checkAttestation(dir, keys.publicKey, manifestBytes, sigBytes, entries);
    problems.push(...attestationProblems);
    attestationInfo = { verified: attestationProblems.length === 0 };
  }

  return {
    ok: problems.length === 0,
    files: entries.length,
    ...(signatureInfo ? { signature: signatureInfo } : {}),
    ...(attestationInfo ? { attestation: attestationInfo } : {}),
    problems,
  };
}

async function peekAlgorithm(dir: string): Promise<SignatureAlgorithm | undefined> {
  try {
    return parseSignature(await readFile(join(dir, SIGNATURE_FILE), 'utf8')).signature?.algorithm;
  } catch {
    return undefined;
  }
}

async function checkAttestation(
  dir: string,
  publicKey: NonNullable<VerificationKeys['publicKey']>,
  manifestBytes: Buffer,
  sigBytes: Buffer,
  entries: readonly ManifestEntry[],
): Promise<string[]> {
  let text: string;
  try {
    const stats = await lstat(join(dir, ATTESTATION_FILE));
    if (!stats.isFile()) return [`${ATTESTATION_FILE}: not a regular file`];
    text = await readFile(join(dir, ATTESTATION_FILE), 'utf8');
  } catch (error) {
    return [
      `${ATTESTATION_FILE}: ${errnoCode(error) === 'ENOENT' ? 'missing (an Ed25519-signed bundle carries an in-toto attestation)' : `unreadable (${errnoCode(error)})`}`,
    ];
  }
  let key;
  try {
    key = ed25519PublicKey(publicKey);
  } catch (error) {
    return [`${ATTESTATION_FILE}: not checked: ${error instanceof Error ? error.message : String(error)}`];
  }
  const expected = new Map<string, string>(entries.map((e) => [e.path, e.sha256]));
  expected.set(MANIFEST_FILE, sha256Hex(manifestBytes));
  expected.set(SIGNATURE_FILE, sha256Hex(sigBytes));
  return [...(await verifyAttestation(text, key, expected)).problems];
}
