import { createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { RunSummary } from '../../model/run-result.js';
import { isJsonObject } from '../../model/json.js';
import { compareBundlePaths } from './paths.js';
import { canonicalJson } from './canonical-json.js';
import type { Manifest } from './manifest.js';
import { publicKeyId } from './signing.js';

/**
 * The bundle's standard attestation, `attestation.sigstore.json`: an in-toto Statement v1 in a
 * DSSE envelope, packaged as a Sigstore bundle v0.3 whose verification material is a public-key
 * hint (the Ed25519 key id) with no transparency-log entry and no timestamp — an offline,
 * key-based attestation that `@sigstore/verify` and `cosign verify-blob-attestation --key …
 * --insecure-ignore-tlog` check.
 *
 * - Subjects: every other file of the bundle (manifest.json and manifest.sig included), by
 *   bundle-relative path, with its SHA-256; sorted like the manifest.
 * - Predicate type PREDICATE_TYPE (an identifier, not a URL to fetch): the run — tool and
 *   version, as-of, the configuration digest (the manifest's `config_digest`, with every
 *   configuration file), the summary, the policy packs with their digests, and the manifest's
 *   digest.
 * - The payload is canonical JSON and Ed25519 signatures are deterministic, so the same inputs
 *   give the same bytes.
 *
 * Only Ed25519 keys attest: a Sigstore bundle carries public-key signatures, and an HMAC tag
 * could be checked by nobody but the holder of the secret. HMAC-signed bundles have no
 * attestation.
 */

export const ATTESTATION_FILE = 'attestation.sigstore.json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE = 'https://driftwatch.dev/attestation/evidence-run/v1';
export const DSSE_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const SIGSTORE_BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export interface ResourceDescriptor {
  readonly name: string;
  readonly digest: { readonly sha256: string };
}

export interface EvidencePredicate {
  readonly tool: { readonly name: 'driftwatch'; readonly version: string };
  readonly as_of: string;
  readonly configuration: { readonly digest: { readonly sha256: string }; readonly files: readonly ResourceDescriptor[] };
  readonly policy_packs: readonly (ResourceDescriptor & { readonly uri: string })[];
  readonly summary?: RunSummary;
  readonly manifest: ResourceDescriptor;
}

export interface Statement {
  readonly _type: typeof STATEMENT_TYPE;
  readonly subject: readonly ResourceDescriptor[];
  readonly predicateType: typeof PREDICATE_TYPE;
  readonly predicate: EvidencePredicate;
}

/** DSSE v1 pre-authentication encoding: what is actually signed. */
function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const head = `DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.byteLength} `;
  return Buffer.concat([Buffer.from(head, 'utf8'), payload]);
}

/** `policies/builtin/baseline.yaml` → `builtin:baseline`; a team pack keeps its path. */
function packName(path: string): string {
  const rest = path.slice('policies/'.length);
  const builtin = /^builtin\/([^/]+)\.yaml$/.exec(rest);
  return builtin ? `builtin:${builtin[1]}` : rest;
}

/** The statement over `files` (every bundle file except the attestation itself). Pure. */
/** `digests`: every file the statement covers, by bundle path, with its lowercase hex SHA-256. */
export function buildStatement(digests: ReadonlyMap<string, string>, manifest: Manifest): Statement {
  const paths = [...digests.keys()].sort(compareBundlePaths);
  const subject = paths.map((name) => ({ name, digest: { sha256: digests.get(name) as string } }));
  const manifestSubject = subject.find((s) => s.name === 'manifest.json');
  if (manifestSubject === undefined) throw new Error('the attestation covers a bundle without manifest.json');
  return {
    _type: STATEMENT_TYPE,
    subject,
    predicateType: PREDICATE_TYPE,
    predicate: {
      tool: { name: 'driftwatch', version: manifest.tool.version },
      as_of: manifest.as_of,
      configuration: {
        digest: { sha256: manifest.config_digest.replace(/^sha256:/, '') },
        files: subject.filter((s) => s.name.startsWith('config/')),
      },
      policy_packs: subject
        .filter((s) => s.name.startsWith('policies/'))
        .map((s) => ({ name: packName(s.name), uri: s.name, digest: s.digest })),
      ...(manifest.summary ? { summary: manifest.summary } : {}),
      manifest: manifestSubject,
    },
  };
}

/** Signs the statement with an Ed25519 key and returns the Sigstore bundle text (canonical JSON). */
export function attest(statement: Statement, privateKey: KeyObject): string {
  const payload = Buffer.from(canonicalJson(statement), 'utf8');
  const keyId = publicKeyId(createPublicKey(privateKey));
  const sig = sign(null, preAuthEncoding(DSSE_PAYLOAD_TYPE, payload), privateKey).toString('base64');
  return canonicalJson({
    mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint: keyId }, tlogEntries: [] },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType: DSSE_PAYLOAD_TYPE, signatures: [{ sig, keyid: keyId }] },
  });
}

export interface AttestationCheck {
  readonly problems: readonly string[];
  readonly keyId?: string;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Verifies the attestation with the maintained Sigstore verifier (`@sigstore/verify`, given the
 * public key, no transparency log, no timestamp authority), then checks that its subjects are
 * exactly `expected` (path → SHA-256). Problems as data; none means verified.
 */
export async function verifyAttestation(
  text: string,
  publicKey: KeyObject,
  expected: ReadonlyMap<string, string>,
): Promise<AttestationCheck> {
  const where = ATTESTATION_FILE;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problems: [`${where}: not valid JSON`] };
  }
  if (!isJsonObject(json) || json.mediaType !== SIGSTORE_BUNDLE_MEDIA_TYPE)
    return { problems: [`${where}: not a Sigstore bundle v0.3 (${SIGSTORE_BUNDLE_MEDIA_TYPE})`] };

  // Loaded here: only `evidence verify` needs the verifier, and it is not small.
  const [{ bundleFromJSON }, { Verifier, toSignedEntity, toTrustMaterial }] = await Promise.all([
    import('@sigstore/bundle'),
    import('@sigstore/verify'),
  ]);
  let entity;
  try {
    entity = toSignedEntity(bundleFromJSON(json));
  } catch (error) {
    return { problems: [`${where}: not a valid Sigstore bundle (${message(error)})`] };
  }
  const keyId = publicKeyId(publicKey);
  const trust = toTrustMaterial(
    {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [],
      certificateAuthorities: [],
      ctlogs: [],
      timestampAuthorities: [],
    },
    () => ({
      publicKey,
      validFor: () => true,
    }),
  );
  try {
    new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(entity);
  } catch (error) {
    const hint = entity.key.$case === 'public-key' ? entity.key.hint : '';
    // A wrong key or a changed envelope is a signature error; name anything else the verifier reports.
    const detail = error instanceof Error && 'code' in error && error.code === 'SIGNATURE_ERROR' ? '' : ` (${message(error)})`;
    return {
      problems: [
        `${where}: signature does not verify with the given key${hint && hint !== keyId ? ` (signed with ${hint}, given ${keyId})` : ''}${detail}`,
      ],
    };
  }

  const envelope = (json as { dsseEnvelope?: { payload?: unknown; payloadType?: unknown } }).dsseEnvelope;
  if (envelope?.payloadType !== DSSE_PAYLOAD_TYPE || typeof envelope.payload !== 'string')
    return { problems: [`${where}: the envelope is not an in-toto statement`] };
  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
  } catch {
    return { problems: [`${where}: the signed statement is not valid JSON`] };
  }
  if (!isJsonObject(statement) || statement._type !== STATEMENT_TYPE) return { problems: [`${where}: not an in-toto Statement v1`] };
  if (statement.predicateType !== PREDICATE_TYPE)
    return { problems: [`${where}: unexpected predicate type ${JSON.stringify(statement.predicateType)}`] };
  if (!Array.isArray(statement.subject)) return { problems: [`${where}: the statement has no subjects`] };

  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of statement.subject as unknown[]) {
    const name = isJsonObject(s) && typeof s.name === 'string' ? s.name : undefined;
    const digest = isJsonObject(s) && isJsonObject(s.digest) && typeof s.digest.sha256 === 'string' ? s.digest.sha256 : undefined;
    if (name === undefined || digest === undefined) {
      problems.push(`${where}: a subject has no name or sha256 digest`);
      continue;
    }
    seen.add(name);
    const actual = expected.get(name);
    if (actual === undefined) problems.push(`${where}: subject ${name} is not a file of the bundle`);
    else if (actual !== digest) problems.push(`${where}: subject ${name} has a different digest than the bundle's`);
  }
  for (const name of [...expected.keys()].sort(compareBundlePaths))
    if (!seen.has(name)) problems.push(`${where}: ${name} is not a subject of the attestation`);
  return { problems, keyId };
}
