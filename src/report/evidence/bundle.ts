import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { lstat, mkdir, open as fsOpen, readdir, rename, rm, rmdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, IoError } from '../../model/errors.js';
import type { Observation, Observations, RawExchange } from '../../model/observation.js';
import type { RunReport } from '../../model/run-result.js';
import type { FrameworkName } from '../controls.js';
import { FORMAT_SPECS, REPORT_FORMATS } from '../formats.js';
import type { ReportFormat } from '../formats.js';
import { REPORTERS } from '../index.js';
import { compareStrings } from '../../model/order.js';
import { canonicalJson } from './canonical-json.js';
import { spliceJson } from '../json-splice.js';
import type { Splice } from '../json-splice.js';
import type { Manifest, ManifestEntry } from './manifest.js';
import { sha256Hex } from '../../util/encoding.js';
import { MANIFEST_FILE, SIGNATURE_FILE, buildManifest, serializeManifest } from './manifest.js';
import { bundlePathFor, safeSegment } from './paths.js';
import { ATTESTATION_FILE, PREDICATE_TYPE, attest, buildStatement } from './attestation.js';
import type { SignatureFile, SigningKey, VerificationKeys } from './signing.js';
import { verifyEvidenceBundle } from './verify.js';
import { clipText } from '../../model/clip.js';
import { serializeSignature, signManifest } from './signing.js';

/**
 * The audit-evidence bundle (design.md §8). Layout:
 *
 *   README.md                  what the bundle is and how to verify it
 *   result.json                the run result (§5), canonical JSON
 *   observations.json          normalized observations, sorted by address
 *   raw/<address>.json         per resource: the vendor object, request ids, error, API exchanges
 *   config/<path>              each configuration file as evaluated
 *   policies/<path>            each policy file as evaluated
 *   reports/report.<ext>       every report format of report/formats.ts (txt, json, junit.xml,
 *                              sarif, md, github.txt, html, oscal.json)
 *   manifest.json              size and SHA-256 of every file above (see manifest.ts)
 *   manifest.sig               detached signature over manifest.json (see signing.ts)
 *   attestation.sigstore.json  in-toto statement over every file above, DSSE-signed, as a
 *                              Sigstore bundle (Ed25519 keys only; see attestation.ts)
 *
 * Every file's text goes through `redact` before it is hashed, so no secret is written or
 * covered by a digest. Nothing depends on the clock or on map order: the same input gives the
 * same bytes. Paths come from `bundlePathFor`/`safeSegment` and can never leave the bundle.
 *
 * Writing is atomic: the bundle is built in a hidden sibling directory and renamed into place.
 * An existing non-empty target is replaced only with `force` and only when it is a bundle this
 * tool wrote and can verify with the run's own key (every file listed, digests and signature
 * correct, nothing else in it). A directory of user files with a forged, unsigned manifest.json
 * is refused like any other, so `--evidence .` can never wipe a working tree.
 */

export interface EvidenceFileInput {
  /** As the user gave it (relative to the working directory, normally). */
  readonly path: string;
  readonly content: string;
  /** Where it already lives in a bundle (merging bundles keeps their names as they are). */
  readonly bundlePath?: string;
}

export interface EvidenceInput {
  readonly result: RunReport;
  /** A list, or a snapshot streamed from its file (read once for observations.json, once for raw/). */
  readonly observations: Observations;
  /** Raw API exchanges keyed by resource address, when the fetch layer kept them. */
  readonly exchanges?: Readonly<Record<string, readonly RawExchange[]>>;
  readonly configFiles: readonly EvidenceFileInput[];
  readonly policyFiles?: readonly EvidenceFileInput[];
  /**
   * Reports the caller already rendered (and printed), by format, so the bundle holds those very
   * bytes. Every format not given here is rendered from `result`, so every format of the registry
   * is in every bundle and agrees with result.json.
   */
  readonly reports?: Readonly<Partial<Record<ReportFormat, string>>>;
  readonly toolVersion: string;
  readonly asOf: string;
  readonly signingKey: SigningKey;
  /** `--framework`: the control summary in the reports rendered here (HTML, Markdown, OSCAL). */
  readonly framework?: FrameworkName;
  /** Scrubs every secret of the run from a text; applied to every file before hashing. */
  readonly redact: (text: string) => string;
}

export interface EvidenceBundle {
  /** Bundle-relative path → bytes, including manifest.json and manifest.sig. */
  readonly files: ReadonlyMap<string, Buffer>;
  readonly manifest: Manifest;
  readonly signature: SignatureFile;
}

/** Bundle path of each format's report, from the format registry. */
const REPORT_FILES: Readonly<Record<ReportFormat, string>> = Object.fromEntries(
  REPORT_FORMATS.map((format) => [format, FORMAT_SPECS[format].evidenceFile]),
) as Record<ReportFormat, string>;

function readme(toolVersion: string, asOf: string): string {
  return [
    '# driftwatch evidence bundle',
    '',
    `Written by driftwatch ${toolVersion} for the run as of ${asOf}.`,
    '',
    '- `result.json`: the run result (checks, statuses, summary).',
    '- `observations.json`: the normalized status of every resource as observed.',
    '- `raw/`: per resource, the vendor response object, request ids and any error (secrets redacted).',
    '- `config/`, `policies/`: the configuration and policy files as evaluated.',
    '- `reports/`: the same run in every report format.',
    '- `manifest.json`: size and SHA-256 of every file; `config_digest` and `policies_digest` are the',
    '  SHA-256 of the `sha256sum` listing of `config/` and `policies/`.',
    '- `manifest.sig`: signature over the exact bytes of `manifest.json` (ed25519 or hmac-sha256).',
    '- `attestation.sigstore.json` (Ed25519 keys): an in-toto Statement v1 whose subjects are every',
    `  other file with its SHA-256 (predicate type ${PREDICATE_TYPE}),`,
    '  signed in a DSSE envelope and packaged as a Sigstore bundle v0.3 (public-key hint, no transparency log).',
    '- `reports/report.oscal.json`: the run as NIST OSCAL 1.2.1 assessment results, for GRC tools.',
    '- `reports/report.html`: the run as one self-contained web page.',
    '',
    'Verify with:',
    '',
    '    driftwatch evidence verify BUNDLE_DIR --public-key evidence-key.pub.pem',
    '    driftwatch evidence verify BUNDLE_DIR --hmac-key-env DRIFTWATCH_EVIDENCE_HMAC_KEY',
    '',
    'or, for the attestation, with cosign (any subject file, e.g. manifest.json):',
    '',
    '    cosign verify-blob-attestation --key evidence-key.pub.pem --insecure-ignore-tlog \\',
    `      --bundle BUNDLE_DIR/attestation.sigstore.json --new-bundle-format --type ${PREDICATE_TYPE} \\`,
    '      BUNDLE_DIR/manifest.json',
    '',
    'Verification fails on any changed, missing or extra file and on a signature that does not match.',
    '',
  ].join('\n');
}

function rawDocument(observation: Observation, exchanges: readonly RawExchange[] | undefined): unknown {
  return {
    address: observation.address,
    type: observation.type,
    status: observation.status,
    observed_at: observation.observed_at,
    request_ids: observation.request_ids,
    error: observation.error,
    raw: observation.raw,
    ...(exchanges !== undefined ? { exchanges } : {}),
  };
}

/** One file of the bundle: its path, what it is (for messages), and its text in pieces. */
interface BundleFile {
  readonly path: string;
  readonly what: string;
  readonly chunks: Iterable<string>;
}

/** Canonical JSON without its final newline, for the pieces of a document. */
const canonicalPiece = (value: unknown): string => canonicalJson(value).slice(0, -1);

/**
 * result.json and observations.json in pieces: their canonical JSON, with the resources and the
 * observations written one at a time (a streamed run's resources are evaluated as they are read).
 */
function* canonicalJsonChunks(build: (splice: Splice) => unknown): Generator<string, void, undefined> {
  yield* spliceJson(build, canonicalPiece);
  yield '\n';
}

/** Every file of the bundle but the manifest, its signature and the attestation, in a fixed order. */
function* bundleFiles(input: EvidenceInput): Generator<BundleFile, void, undefined> {
  yield { path: 'README.md', what: 'the README', chunks: [readme(input.toolVersion, input.asOf)] };
  yield {
    path: 'result.json',
    what: 'the run result',
    chunks: canonicalJsonChunks((splice) => ({ ...input.result, resources: splice(input.result.resources) })),
  };
  const observed = input.observations;
  const sorted = 'sorted' in observed ? observed.sorted : () => [...observed].sort((a, b) => compareStrings(a.address, b.address));
  yield { path: 'observations.json', what: 'the observations', chunks: canonicalJsonChunks((splice) => splice(sorted())) };
  for (const o of sorted()) {
    const raw = canonicalJson(rawDocument(o, input.exchanges?.[o.address]));
    yield { path: `raw/${safeSegment(o.address)}.json`, what: `observation ${o.address}`, chunks: [raw] };
  }
  for (const f of input.configFiles)
    yield { path: f.bundlePath ?? bundlePathFor('config', f.path), what: `configuration file ${f.path}`, chunks: [f.content] };
  for (const f of input.policyFiles ?? [])
    yield { path: f.bundlePath ?? bundlePathFor('policies', f.path), what: `policy file ${f.path}`, chunks: [f.content] };

  const framework = input.framework;
  const given: Readonly<Record<string, string | undefined>> = input.reports ?? {};
  for (const format of Object.keys(given)) {
    // Typed callers cannot get here; a bundle merged from JSON input could.
    if (!REPORT_FORMATS.includes(format as ReportFormat)) {
      throw new InputError(`evidence: unknown report format '${format}'`, `Expected one of: ${REPORT_FORMATS.join(', ')}.`);
    }
  }
  const options = { color: false, ...(framework ? { framework } : {}) };
  for (const format of [...REPORT_FORMATS].sort(compareStrings)) {
    const text = given[format];
    const chunks = text !== undefined ? [text] : REPORTERS[format].renderChunks(input.result, options);
    yield { path: REPORT_FILES[format], what: `the ${format} report`, chunks };
  }
}

/**
 * The bundle's files as redacted pieces of bytes, file after file; each file's manifest entry is
 * added to `entries` once its last piece is out. Refuses two names that differ only in case
 * (they would overwrite each other on macOS and Windows).
 */
function* redactedPieces(input: EvidenceInput, entries: ManifestEntry[]): Generator<{ path: string; bytes: Buffer }, void, undefined> {
  const lower = new Map<string, string>();
  for (const file of bundleFiles(input)) {
    const folded = file.path.toLowerCase();
    const clash = lower.get(folded);
    if (clash !== undefined) {
      throw new InputError(
        `evidence: ${file.what} maps to ${file.path}, which clashes with ${clash}`,
        'Give the files or resources names that differ by more than letter case.',
      );
    }
    lower.set(folded, file.path);
    const hash = createHash('sha256');
    let size = 0;
    for (const chunk of file.chunks) {
      const bytes = Buffer.from(input.redact(chunk), 'utf8');
      hash.update(bytes);
      size += bytes.byteLength;
      yield { path: file.path, bytes };
    }
    if (size === 0) yield { path: file.path, bytes: Buffer.alloc(0) };
    entries.push({ path: file.path, size, sha256: hash.digest('hex') });
  }
}

/** The manifest, its signature and (Ed25519) the attestation, from the other files' entries. */
function sealFiles(
  input: EvidenceInput,
  entries: readonly ManifestEntry[],
): { files: Map<string, Buffer>; manifest: Manifest; signature: SignatureFile } {
  const manifest = buildManifest({ toolVersion: input.toolVersion, asOf: input.asOf, summary: input.result.summary }, entries);
  const manifestBytes = Buffer.from(serializeManifest(manifest), 'utf8');
  const signature = signManifest(manifestBytes, input.signingKey);
  const files = new Map<string, Buffer>([
    [MANIFEST_FILE, manifestBytes],
    [SIGNATURE_FILE, Buffer.from(serializeSignature(signature), 'utf8')],
  ]);
  if (input.signingKey.algorithm === 'ed25519') {
    const digests = new Map(entries.map((e) => [e.path, e.sha256]));
    for (const [path, bytes] of files) digests.set(path, sha256Hex(bytes));
    files.set(ATTESTATION_FILE, Buffer.from(attest(buildStatement(digests, manifest), input.signingKey.privateKey), 'utf8'));
  }
  return { files, manifest, signature };
}

/** Builds every file of the bundle in memory. Pure: no clock, no I/O. */
export function buildEvidenceBundle(input: EvidenceInput): EvidenceBundle {
  const pieces = new Map<string, Buffer[]>();
  const entries: ManifestEntry[] = [];
  for (const { path, bytes } of redactedPieces(input, entries)) {
    const list = pieces.get(path);
    if (list === undefined) pieces.set(path, [bytes]);
    else list.push(bytes);
  }
  const sealed = sealFiles(input, entries);
  const files = new Map<string, Buffer>();
  for (const [path, list] of pieces) files.set(path, Buffer.concat(list));
  for (const [path, bytes] of sealed.files) files.set(path, bytes);
  return { files, manifest: sealed.manifest, signature: sealed.signature };
}

function errnoCode(error: unknown): string {
  return error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : String(error);
}

function keysOf(key: SigningKey): VerificationKeys {
  return key.algorithm === 'ed25519' ? { publicKey: createPublicKey(key.privateKey) } : { hmacKey: key.secret };
}

type TargetState = 'missing' | 'empty' | 'bundle';

async function targetState(target: string, key: SigningKey, force: boolean): Promise<TargetState> {
  let stats;
  try {
    stats = await lstat(target);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 'missing';
    throw new IoError(
      `cannot write the evidence bundle to ${target} (${errnoCode(error)})`,
      'Check that the parent directory is readable.',
      { cause: error },
    );
  }
  if (!stats.isDirectory())
    throw new IoError(
      `cannot write the evidence bundle to ${target}: it exists and is not a directory`,
      'Choose a new directory for --evidence.',
    );
  if ((await readdir(target)).length === 0) return 'empty';
  if (!force) {
    throw new IoError(
      `refusing to write the evidence bundle to ${target}: the directory is not empty`,
      'Choose a new or empty directory for --evidence, or pass --force to replace a previous bundle (only one this key signed and that still verifies is replaced).',
    );
  }
  const verified = await verifyEvidenceBundle(target, keysOf(key));
  if (verified.ok) return 'bundle';
  throw new IoError(
    `refusing to replace ${target} with --force: it is not a driftwatch evidence bundle that verifies with this key (${clipText(verified.problems[0] ?? 'unverified', 120)}${verified.problems.length > 1 ? ` and ${verified.problems.length - 1} more` : ''})`,
    'Nothing was deleted. Choose a new or empty directory for --evidence.',
  );
}

export interface WrittenBundle {
  readonly dir: string;
  readonly files: number;
  readonly algorithm: SignatureFile['algorithm'];
  readonly keyId: string;
}

/**
 * Writes the bundle to `dir` atomically (see the module comment for the overwrite rule).
 * On any failure the target is left as it was and the temporary directory is removed.
 */
export async function writeEvidenceBundle(
  dir: string,
  input: EvidenceInput,
  options: { readonly force?: boolean; readonly tempFiles?: Set<string> } = {},
): Promise<WrittenBundle> {
  const target = resolve(dir);
  const parent = dirname(target);
  // Named like atomic-write.ts's temporaries (`.<name>.<pid>.<random>.tmp|old`), so a run that
  // was killed leaves nothing the next one does not clean up.
  const suffix = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const temp = join(parent, `.${basename(target)}.${suffix}.tmp`);
  const old = join(parent, `.${basename(target)}.${suffix}.old`);
  options.tempFiles?.add(temp);
  try {
    await mkdir(parent, { recursive: true });
  } catch (error) {
    throw new IoError(`cannot create ${parent} (${errnoCode(error)})`, 'Check that the path is writable.', { cause: error });
  }
  const state = await targetState(target, input.signingKey, options.force === true);
  let sealed: ReturnType<typeof sealFiles> | undefined;
  try {
    await mkdir(temp);
    // Each file is written as its pieces come (a large run's reports are never held whole).
    let open: { path: string; handle: FileHandle } | undefined;
    const write = async (path: string, bytes: Buffer): Promise<void> => {
      if (open?.path !== path) {
        await open?.handle.close();
        const file = join(temp, ...path.split('/'));
        await mkdir(dirname(file), { recursive: true });
        open = { path, handle: await fsOpen(file, 'wx') };
      }
      await open.handle.write(bytes);
    };
    try {
      const entries: ManifestEntry[] = [];
      for (const { path, bytes } of redactedPieces(input, entries)) await write(path, bytes);
      sealed = sealFiles(input, entries);
      for (const [path, bytes] of sealed.files) await write(path, bytes);
    } finally {
      await open?.handle.close();
    }
    if (state === 'empty') await rmdir(target);
    if (state === 'bundle') await rename(target, old);
    try {
      await rename(temp, target);
    } catch (error) {
      if (state === 'bundle') await rename(old, target).catch(() => undefined);
      throw error;
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    // A bundle that cannot be made (a name clash) is the input's fault, not the disk's.
    if (error instanceof InputError) throw error;
    throw new IoError(
      `cannot write the evidence bundle to ${target} (${errnoCode(error)})`,
      'Check that the directory is writable and has free space.',
      { cause: error },
    );
  }
  options.tempFiles?.delete(temp);
  if (state === 'bundle') await rm(old, { recursive: true, force: true }).catch(() => undefined);
  const { manifest, signature } = sealed;
  return { dir: target, files: manifest.files.length, algorithm: signature.algorithm, keyId: signature.key_id };
}
