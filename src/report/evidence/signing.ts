import { createHash, createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify } from 'node:crypto';
import type { Hmac, KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../model/errors.js';
import type { Redactor } from '../../model/redactor.js';
import { isJsonObject } from '../../model/json.js';
import { sha256Hex } from '../../util/encoding.js';
import { canonicalJson } from './canonical-json.js';

/**
 * The detached signature over `manifest.json` (format `driftwatch-evidence-signature`, version 1),
 * stored as canonical JSON in `manifest.sig`:
 *
 * ```json
 * {
 *   "algorithm": "ed25519" | "hmac-sha256",
 *   "format": "driftwatch-evidence-signature",
 *   "format_version": "1",
 *   "key_id": "SHA256:<unpadded base64>",
 *   "manifest_sha256": "<hex of the exact manifest.json bytes>",
 *   "signature": "<base64>"
 * }
 * ```
 *
 * The signed message is the exact bytes of `manifest.json`. `ed25519`: a pure Ed25519 signature
 * (RFC 8032, deterministic), `key_id` = SHA-256 of the public key's DER SubjectPublicKeyInfo
 * (`openssl pkey -pubin -in pub.pem -outform DER | openssl dgst -sha256 -binary | base64`, padding
 * removed). `hmac-sha256`: HMAC-SHA256 keyed with the UTF-8 bytes of the shared secret, `key_id` =
 * HMAC-SHA256(secret, "driftwatch evidence key id"), which names the key without revealing it
 * beyond what the signature itself already does.
 */

export const SIGNATURE_FORMAT = 'driftwatch-evidence-signature';
export type SignatureAlgorithm = 'ed25519' | 'hmac-sha256';

/** Shortest HMAC secret accepted: 32 characters (e.g. `openssl rand -hex 32` gives 64). */
const HMAC_MIN_LENGTH = 32;

export type SigningKey =
  { readonly algorithm: 'ed25519'; readonly privateKey: KeyObject } | { readonly algorithm: 'hmac-sha256'; readonly secret: string };

export interface SignatureFile {
  readonly format: typeof SIGNATURE_FORMAT;
  readonly format_version: '1';
  readonly algorithm: SignatureAlgorithm;
  readonly key_id: string;
  readonly manifest_sha256: string;
  readonly signature: string;
}

/** Names of the environment variables `loadSigningKey` reads (documented in the user guide). */
export const SIGNING_KEY_ENV = {
  keyFile: 'DRIFTWATCH_EVIDENCE_KEY_FILE',
  keyPem: 'DRIFTWATCH_EVIDENCE_KEY',
  hmac: 'DRIFTWATCH_EVIDENCE_HMAC_KEY',
} as const;

function fingerprint(bytes: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(bytes).digest('base64').replace(/=+$/, '')}`;
}

/** The key id of an Ed25519 public key: SHA-256 over its DER SubjectPublicKeyInfo. */
export function publicKeyId(publicKey: KeyObject): string {
  return fingerprint(publicKey.export({ type: 'spki', format: 'der' }));
}

function hmacKeyId(secret: string): string {
  return `SHA256:${createHmac('sha256', secret).update('driftwatch evidence key id').digest('base64').replace(/=+$/, '')}`;
}

function keyIdOf(key: SigningKey): string {
  return key.algorithm === 'ed25519' ? publicKeyId(createPublicKey(key.privateKey)) : hmacKeyId(key.secret);
}

/** An Ed25519 signing key from a PKCS#8 PEM (or a KeyObject). The message never quotes the key. */
export function ed25519SigningKey(privateKey: KeyObject | string, source = 'the signing key'): SigningKey {
  let key: KeyObject;
  try {
    key = typeof privateKey === 'string' ? createPrivateKey({ key: privateKey, format: 'pem' }) : privateKey;
  } catch {
    throw new UsageError(
      `${source} is not a PEM private key`,
      'Create one with `openssl genpkey -algorithm ed25519 -out evidence-key.pem`.',
    );
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') {
    throw new UsageError(
      `${source} is not an Ed25519 private key`,
      'Create one with `openssl genpkey -algorithm ed25519 -out evidence-key.pem`.',
    );
  }
  return { algorithm: 'ed25519', privateKey: key };
}

export function hmacSigningKey(secret: string, source = 'the HMAC key'): SigningKey {
  if (secret.length < HMAC_MIN_LENGTH) {
    throw new UsageError(`${source} is too short (at least ${HMAC_MIN_LENGTH} characters)`, 'Generate one with `openssl rand -hex 32`.');
  }
  return { algorithm: 'hmac-sha256', secret };
}

/** A public key for verification from a KeyObject or PEM (SPKI public key, or a private key whose public half is used). */
export function ed25519PublicKey(key: KeyObject | string, source = 'the public key'): KeyObject {
  let pub: KeyObject;
  try {
    pub = typeof key === 'string' ? createPublicKey({ key, format: 'pem' }) : key.type === 'private' ? createPublicKey(key) : key;
  } catch {
    throw new UsageError(
      `${source} is not a PEM public key`,
      'Export it with `openssl pkey -in evidence-key.pem -pubout -out evidence-key.pub.pem`.',
    );
  }
  if (pub.asymmetricKeyType !== 'ed25519') throw new UsageError(`${source} is not an Ed25519 key`);
  return pub;
}

export interface LoadSigningKeyOptions {
  readonly cwd?: string;
  readonly readText?: (path: string) => Promise<string>;
  /** Registered with the HMAC secret and PEM text, so neither can reach any output. */
  readonly redactor?: Redactor;
}

/**
 * The evidence signing key from the environment: `DRIFTWATCH_EVIDENCE_KEY_FILE` (path to a
 * PKCS#8 PEM Ed25519 key), `DRIFTWATCH_EVIDENCE_KEY` (the PEM itself) or
 * `DRIFTWATCH_EVIDENCE_HMAC_KEY` (a shared secret). Exactly one must be set: a bundle is never
 * written unsigned.
 */
export async function loadSigningKey(
  env: Readonly<Record<string, string | undefined>>,
  options: LoadSigningKeyOptions = {},
): Promise<SigningKey> {
  const set = Object.values(SIGNING_KEY_ENV).filter((name) => (env[name] ?? '') !== '');
  const all = Object.values(SIGNING_KEY_ENV).join(', ');
  if (set.length === 0) {
    throw new UsageError(
      `--evidence needs a signing key: set one of ${all}`,
      'Create an Ed25519 key with `openssl genpkey -algorithm ed25519 -out evidence-key.pem` and set DRIFTWATCH_EVIDENCE_KEY_FILE=evidence-key.pem.',
    );
  }
  if (set.length > 1) throw new UsageError(`more than one evidence signing key is set (${set.join(', ')})`, 'Set only one of them.');
  const hmac = env[SIGNING_KEY_ENV.hmac];
  if (hmac) {
    options.redactor?.add(hmac);
    return hmacSigningKey(hmac, SIGNING_KEY_ENV.hmac);
  }
  const inline = env[SIGNING_KEY_ENV.keyPem];
  if (inline) {
    options.redactor?.add(inline);
    return ed25519SigningKey(inline, SIGNING_KEY_ENV.keyPem);
  }
  const file = env[SIGNING_KEY_ENV.keyFile] as string;
  const read = options.readText ?? ((p: string) => readFile(p, 'utf8'));
  let pem: string;
  try {
    pem = await read(resolve(options.cwd ?? '.', file));
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : 'unreadable';
    throw new UsageError(`${SIGNING_KEY_ENV.keyFile}: cannot read ${file} (${code})`, 'Point it at a PKCS#8 PEM Ed25519 private key.');
  }
  options.redactor?.add(pem);
  return ed25519SigningKey(pem, `${SIGNING_KEY_ENV.keyFile} (${file})`);
}

/**
 * A message given in pieces (a snapshot streamed from or to its file). HMAC-SHA256 runs over the
 * pieces as they come. Ed25519 has no incremental form in node (crypto.sign and crypto.verify are
 * one-shot, and Ed25519ph is not offered), so for it the pieces are kept until signed or verified:
 * the one whole copy of the message, made only then and dropped with this object.
 */
export class PiecewiseMessage {
  readonly #hmacKey: string | undefined;
  readonly #hmac: Hmac | undefined;
  readonly #pieces: Buffer[] | undefined;
  #digest: Buffer | undefined;

  constructor(keys: { readonly hmacKey?: string; readonly ed25519: boolean }) {
    this.#hmacKey = keys.hmacKey;
    this.#hmac = keys.hmacKey === undefined ? undefined : createHmac('sha256', keys.hmacKey);
    this.#pieces = keys.ed25519 ? [] : undefined;
  }

  /** For a signing key: HMAC over the pieces, or the pieces kept for Ed25519. */
  static for(key: SigningKey): PiecewiseMessage {
    return key.algorithm === 'ed25519'
      ? new PiecewiseMessage({ ed25519: true })
      : new PiecewiseMessage({ hmacKey: key.secret, ed25519: false });
  }

  update(piece: string): void {
    if (this.#digest !== undefined) throw new Error('PiecewiseMessage: updated after its HMAC was taken');
    this.#hmac?.update(piece, 'utf8');
    this.#pieces?.push(Buffer.from(piece, 'utf8'));
  }

  /** HMAC-SHA256 of the whole message, with the secret it was created for. */
  hmac(secret: string): Buffer {
    if (this.#hmac === undefined || secret !== this.#hmacKey) throw new Error('PiecewiseMessage: created without this HMAC key');
    this.#digest ??= this.#hmac.digest();
    return this.#digest;
  }

  /** The whole message (Ed25519 only). */
  bytes(): Uint8Array {
    if (this.#pieces === undefined) throw new Error('PiecewiseMessage: created without keeping its bytes');
    return Buffer.concat(this.#pieces);
  }
}

type Message = Uint8Array | PiecewiseMessage;

function hmacOf(message: Message, secret: string): Buffer {
  return message instanceof PiecewiseMessage ? message.hmac(secret) : createHmac('sha256', secret).update(message).digest();
}

function bytesOf(message: Message): Uint8Array {
  return message instanceof PiecewiseMessage ? message.bytes() : message;
}

function signatureOf(message: Message, key: SigningKey): string {
  return key.algorithm === 'ed25519'
    ? sign(null, bytesOf(message), key.privateKey).toString('base64')
    : hmacOf(message, key.secret).toString('base64');
}

export function signManifest(manifestBytes: Uint8Array, key: SigningKey): SignatureFile {
  const signature = signatureOf(manifestBytes, key);
  return {
    format: SIGNATURE_FORMAT,
    format_version: '1',
    algorithm: key.algorithm,
    key_id: keyIdOf(key),
    manifest_sha256: sha256Hex(manifestBytes),
    signature,
  };
}

export function serializeSignature(sig: SignatureFile): string {
  return canonicalJson(sig);
}

/**
 * True when `text` is the one canonical base64 spelling of the bytes it decodes to (padded, no
 * whitespace, no line breaks, no stray characters): Node's decoder skips what it does not
 * understand, so a signature split in two or followed by garbage would otherwise still "verify".
 */
function isCanonicalBase64(text: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 && Buffer.from(text, 'base64').toString('base64') === text;
}

export function parseSignature(text: string): { signature?: SignatureFile; problem?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'manifest.sig: not valid JSON' };
  }
  // Exactly the bytes this tool writes: no trailing data, no extra keys, no other spelling.
  if (isJsonObject(value) && text !== serializeSignature(value as unknown as SignatureFile)) {
    return { problem: 'manifest.sig: not in the canonical form driftwatch writes (extra keys, whitespace or trailing data)' };
  }
  if (!isJsonObject(value) || value.format !== SIGNATURE_FORMAT) return { problem: `manifest.sig: not a ${SIGNATURE_FORMAT} file` };
  if (value.format_version !== '1') return { problem: `manifest.sig: unsupported format_version ${JSON.stringify(value.format_version)}` };
  if (value.algorithm !== 'ed25519' && value.algorithm !== 'hmac-sha256')
    return { problem: `manifest.sig: unknown algorithm ${JSON.stringify(value.algorithm)}` };
  for (const key of ['key_id', 'manifest_sha256', 'signature'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '') return { problem: `manifest.sig: ${key} is missing` };
  }
  if (!isCanonicalBase64(value.signature as string)) return { problem: 'manifest.sig: signature is not canonical base64' };
  return { signature: value as unknown as SignatureFile };
}

export interface VerificationKeys {
  /** Ed25519 public key (KeyObject, or PEM text of the public or private key). */
  readonly publicKey?: KeyObject | string;
  /** Shared HMAC-SHA256 secret. */
  readonly hmacKey?: string;
}

/** Checks the signature over the exact manifest bytes; returns problems (empty when it verifies). */
export function verifySignature(manifestBytes: Uint8Array, sig: SignatureFile, keys: VerificationKeys): string[] {
  const problems: string[] = [];
  if (sig.manifest_sha256 !== sha256Hex(manifestBytes)) {
    problems.push('manifest.sig: signed a different manifest.json (manifest digest mismatch)');
  }
  return [...problems, ...signatureProblems(manifestBytes, sig, keys)];
}

/** Problems with the signature itself over `message` (empty when it verifies with `keys`). */
function signatureProblems(message: Message, sig: DetachedSignature, keys: VerificationKeys): string[] {
  const given = Buffer.from(sig.signature, 'base64');
  if (sig.algorithm === 'ed25519') {
    if (keys.publicKey === undefined) {
      return [`signature not checked: no public key given (the bundle is signed with ed25519 key ${sig.key_id}; use --public-key FILE)`];
    }
    let pub: KeyObject;
    try {
      pub = ed25519PublicKey(keys.publicKey);
    } catch (error) {
      return [`signature not checked: ${error instanceof Error ? error.message : String(error)}`];
    }
    const ok = given.length === 64 && verify(null, bytesOf(message), pub, given);
    if (ok) return [];
    const id = publicKeyId(pub);
    return [`signature does not verify with the given key${id === sig.key_id ? '' : ` (signed with ${sig.key_id}, given ${id})`}`];
  }
  if (keys.hmacKey === undefined) {
    return [`signature not checked: no HMAC key given (the bundle is signed with hmac-sha256 key ${sig.key_id}; use --hmac-key-env VAR)`];
  }
  const expected = hmacOf(message, keys.hmacKey);
  if (given.length === expected.length && timingSafeEqual(given, expected)) return [];
  const id = hmacKeyId(keys.hmacKey);
  return [`signature does not verify with the given key${id === sig.key_id ? '' : ` (signed with ${sig.key_id}, given ${id})`}`];
}

/** A signature over arbitrary bytes (an observation snapshot), with the evidence keys. */
export interface DetachedSignature {
  readonly algorithm: SignatureAlgorithm;
  readonly key_id: string;
  readonly signature: string;
}

export function signBytes(message: Uint8Array | PiecewiseMessage, key: SigningKey): DetachedSignature {
  return { algorithm: key.algorithm, key_id: keyIdOf(key), signature: signatureOf(message, key) };
}

/**
 * Verification keys from a key file's text: a PEM (Ed25519 public or private key) or, for HMAC,
 * the shared secret itself (the first line, at least HMAC_MIN_LENGTH characters). The message
 * names the file, never its content.
 */
export function verificationKeysFromFile(text: string, source: string): VerificationKeys {
  if (text.includes('-----BEGIN')) return { publicKey: ed25519PublicKey(text, source) };
  const secret = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (secret.length < HMAC_MIN_LENGTH) {
    throw new UsageError(
      `${source} is neither a PEM key nor an HMAC secret of at least ${HMAC_MIN_LENGTH} characters`,
      'Give the Ed25519 public key (PEM) the snapshot was signed with, or a file holding the HMAC secret.',
    );
  }
  return { hmacKey: secret };
}

/** Problems with a detached signature over `message` (empty when it verifies with `keys`). */
export function verifyDetached(message: Uint8Array | PiecewiseMessage, sig: DetachedSignature, keys: VerificationKeys): string[] {
  if (!isCanonicalBase64(sig.signature)) return ['the signature is not canonical base64'];
  return signatureProblems(message, sig, keys).map((p) =>
    p.replace(/ \(the bundle is signed/, ' (signed').replace(/; use --public-key FILE\)|; use --hmac-key-env VAR\)/, ')'),
  );
}
