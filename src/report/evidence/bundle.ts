import { createPublicKey, randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, IoError } from '../../model/errors.js';
import type { Observation, RawExchange } from '../../model/observation.js';
import type { RunResult } from '../../model/run-result.js';
import type { FrameworkName } from '../controls.js';
import { FORMAT_SPECS, REPORT_FORMATS } from '../formats.js';
import type { ReportFormat } from '../formats.js';
import { REPORTERS } from '../index.js';
import { compareStrings } from '../../model/order.js';
import { canonicalJson } from './canonical-json.js';
import type { Manifest } from './manifest.js';
import { MANIFEST_FILE, SIGNATURE_FILE, buildManifest, entryFor, serializeManifest } from './manifest.js';
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
  readonly result: RunResult;
  readonly observations: readonly Observation[];
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

/** Builds every file of the bundle in memory. Pure: no clock, no I/O. */
export function buildEvidenceBundle(input: EvidenceInput): EvidenceBundle {
  const texts = new Map<string, string>();
  const lower = new Map<string, string>();
  const put = (path: string, text: string, what: string): void => {
    // Two names that differ only in case would overwrite each other on macOS and Windows.
    const folded = path.toLowerCase();
    const clash = lower.get(folded);
    if (clash !== undefined) {
      throw new InputError(
        `evidence: ${what} maps to ${path}, which clashes with ${clash}`,
        'Give the files or resources names that differ by more than letter case.',
      );
    }
    lower.set(folded, path);
    texts.set(path, input.redact(text));
  };

  put('README.md', readme(input.toolVersion, input.asOf), 'the README');
  put('result.json', canonicalJson(input.result), 'the run result');
  const observations = [...input.observations].sort((a, b) => compareStrings(a.address, b.address));
  put('observations.json', canonicalJson(observations), 'the observations');
  for (const o of observations)
    put(`raw/${safeSegment(o.address)}.json`, canonicalJson(rawDocument(o, input.exchanges?.[o.address])), `observation ${o.address}`);
  for (const f of input.configFiles) put(f.bundlePath ?? bundlePathFor('config', f.path), f.content, `configuration file ${f.path}`);
  for (const f of input.policyFiles ?? []) put(f.bundlePath ?? bundlePathFor('policies', f.path), f.content, `policy file ${f.path}`);

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
    const text = given[format] ?? REPORTERS[format].render(input.result, options);
    put(REPORT_FILES[format], text, `the ${format} report`);
  }

  const files = new Map<string, Buffer>();
  for (const [path, text] of texts) files.set(path, Buffer.from(text, 'utf8'));
  const manifest = buildManifest(
    { toolVersion: input.toolVersion, asOf: input.asOf, summary: input.result.summary },
    [...files].map(([path, bytes]) => entryFor(path, bytes)),
  );
  const manifestBytes = Buffer.from(serializeManifest(manifest), 'utf8');
  const signature = signManifest(manifestBytes, input.signingKey);
  files.set(MANIFEST_FILE, manifestBytes);
  files.set(SIGNATURE_FILE, Buffer.from(serializeSignature(signature), 'utf8'));
  if (input.signingKey.algorithm === 'ed25519') {
    files.set(ATTESTATION_FILE, Buffer.from(attest(buildStatement(files, manifest), input.signingKey.privateKey), 'utf8'));
  }
  return { files, manifest, signature };
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
  const bundle = buildEvidenceBundle(input);
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
  try {
    await mkdir(temp);
    for (const path of [...bundle.files.keys()].sort(compareStrings)) {
      const file = join(temp, ...path.split('/'));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, bundle.files.get(path) as Buffer, { flag: 'wx' });
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
    throw new IoError(
      `cannot write the evidence bundle to ${target} (${errnoCode(error)})`,
      'Check that the directory is writable and has free space.',
      { cause: error },
    );
  }
  options.tempFiles?.delete(temp);
  if (state === 'bundle') await rm(old, { recursive: true, force: true }).catch(() => undefined);
  return { dir: target, files: bundle.manifest.files.length, algorithm: bundle.signature.algorithm, keyId: bundle.signature.key_id };
}
