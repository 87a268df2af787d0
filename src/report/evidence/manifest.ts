import type { RunSummary } from '../../model/run-result.js';
import { isJsonObject } from '../../model/json.js';
import { sha256Hex } from '../../util/encoding.js';
import { canonicalJson } from './canonical-json.js';
import { compareBundlePaths, isSafeBundlePath } from './paths.js';

/**
 * `manifest.json` of an evidence bundle (format `driftwatch-evidence`, version 1):
 *
 * ```json
 * {
 *   "as_of": "2026-11-22T03:00:00Z",
 *   "config_digest": "sha256:…",
 *   "files": [{ "path": "config/main.yaml", "sha256": "…", "size": 1234 }, …],
 *   "format": "driftwatch-evidence",
 *   "format_version": "1",
 *   "policies_digest": "sha256:…",
 *   "summary": { … the run summary … },
 *   "tool": { "name": "driftwatch", "version": "0.1.0" }
 * }
 * ```
 *
 * `files` lists every file of the bundle except `manifest.json` and `manifest.sig`, sorted by the
 * bytes of the path, with its size in bytes and lowercase hex SHA-256. `config_digest` is the
 * SHA-256 of the `sha256sum`-style listing (`<hex>  <path>\n`, same order) of the `config/` files,
 * so `cd BUNDLE && find config -type f | LC_ALL=C sort | xargs sha256sum | sha256sum` reproduces
 * it; `policies_digest` is the same over `policies/`. The JSON is canonical (sorted keys,
 * two-space indent, LF, final newline).
 */

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const MANIFEST_FORMAT = 'driftwatch-evidence';

export interface ManifestEntry {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly format_version: '1';
  readonly tool: { readonly name: 'driftwatch'; readonly version: string };
  readonly as_of: string;
  readonly summary?: RunSummary;
  readonly config_digest: string;
  readonly policies_digest: string;
  readonly files: readonly ManifestEntry[];
}

export function entryFor(path: string, content: Uint8Array): ManifestEntry {
  return { path, size: content.byteLength, sha256: sha256Hex(content) };
}

/** `sha256:` + SHA-256 of the `sha256sum` listing of the entries under `prefix/`. */
export function directoryDigest(entries: readonly ManifestEntry[], prefix: string): string {
  const listing = entries
    .filter((e) => e.path.startsWith(`${prefix}/`))
    .sort((a, b) => compareBundlePaths(a.path, b.path))
    .map((e) => `${e.sha256}  ${e.path}\n`)
    .join('');
  return `sha256:${sha256Hex(listing)}`;
}

export interface ManifestHeader {
  readonly toolVersion: string;
  readonly asOf: string;
  readonly summary?: RunSummary;
}

export function buildManifest(header: ManifestHeader, entries: readonly ManifestEntry[]): Manifest {
  const files = [...entries].sort((a, b) => compareBundlePaths(a.path, b.path));
  return {
    format: MANIFEST_FORMAT,
    format_version: '1',
    tool: { name: 'driftwatch', version: header.toolVersion },
    as_of: header.asOf,
    ...(header.summary ? { summary: header.summary } : {}),
    config_digest: directoryDigest(files, 'config'),
    policies_digest: directoryDigest(files, 'policies'),
    files,
  };
}

export function serializeManifest(manifest: Manifest): string {
  return canonicalJson(manifest);
}

/**
 * Reads a manifest back, returning problems as data. Only the fields verification relies on are
 * checked strictly; anything malformed there is a problem, never silently skipped.
 */
export function parseManifest(text: string): { manifest?: Manifest; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problems: [`${MANIFEST_FILE}: not valid JSON (${error instanceof Error ? error.message : String(error)})`] };
  }
  const problems: string[] = [];
  const where = MANIFEST_FILE;
  if (!isJsonObject(value)) return { problems: [`${where}: not a JSON object`] };
  if (value.format !== MANIFEST_FORMAT) problems.push(`${where}: format is not '${MANIFEST_FORMAT}'`);
  if (value.format_version !== '1')
    problems.push(`${where}: unsupported format_version ${JSON.stringify(value.format_version)} (this driftwatch reads '1')`);
  if (!isJsonObject(value.tool) || typeof value.tool.version !== 'string') problems.push(`${where}: tool.version is missing`);
  if (typeof value.as_of !== 'string') problems.push(`${where}: as_of is missing`);
  for (const key of ['config_digest', 'policies_digest'] as const) {
    if (typeof value[key] !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(value[key]))
      problems.push(`${where}: ${key} is missing or malformed`);
  }
  if (!Array.isArray(value.files)) {
    problems.push(`${where}: files is not a list`);
    return { problems };
  }
  const seen = new Set<string>();
  const files: ManifestEntry[] = [];
  value.files.forEach((entry: unknown, i: number) => {
    if (!isJsonObject(entry) || typeof entry.path !== 'string') {
      problems.push(`${where}: files[${i}] has no path`);
      return;
    }
    const path = entry.path;
    if (!isSafeBundlePath(path) || path === MANIFEST_FILE || path === SIGNATURE_FILE) {
      problems.push(`${where}: files[${i}] has an unsafe path ${JSON.stringify(path)}`);
      return;
    }
    if (seen.has(path)) {
      problems.push(`${where}: ${path} is listed twice`);
      return;
    }
    seen.add(path);
    if (typeof entry.size !== 'number' || !Number.isSafeInteger(entry.size) || entry.size < 0) {
      problems.push(`${where}: ${path} has no valid size`);
      return;
    }
    if (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256)) {
      problems.push(`${where}: ${path} has no valid sha256`);
      return;
    }
    files.push({ path, size: entry.size, sha256: entry.sha256 });
  });
  for (let i = 1; i < files.length; i++) {
    if (compareBundlePaths((files[i - 1] as ManifestEntry).path, (files[i] as ManifestEntry).path) > 0) {
      problems.push(`${where}: files are not sorted by path`);
      break;
    }
  }
  if (problems.length > 0) return { problems };
  return { manifest: value as unknown as Manifest, problems };
}
