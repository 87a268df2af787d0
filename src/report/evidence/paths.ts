import { posix } from 'node:path';

/**
 * File names inside a bundle. Every name is built from safe segments — ASCII letters, digits,
 * `.`, `_`, `-` — with any other byte written as `~XX` (uppercase hex of its UTF-8 bytes), so a
 * resource address or a configuration path can never escape the bundle, clash with a Windows
 * reserved character, or need quoting. `~` itself is always escaped, which keeps the mapping
 * one-to-one.
 */

const SAFE = /^[A-Za-z0-9._-]$/;

export function safeSegment(segment: string): string {
  let out = '';
  for (const ch of segment) {
    if (SAFE.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  // `.` and `..` would mean "here" and "up"; escape them so they stay names.
  if (out === '.' || out === '..') out = out.replace(/\./g, '~2E');
  return out === '' ? '~' : out;
}

/**
 * Where a configuration or policy file given as `path` goes under `prefix` (`config`, `policies`).
 * Relative paths keep their shape (`policies/team.yaml` → `config/policies/team.yaml`); a leading
 * `..` becomes `~2E~2E` and an absolute path is put under `~root/`, so nothing lands outside.
 */
export function bundlePathFor(prefix: string, path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const absolute = slashed.startsWith('/') || /^[A-Za-z]:\//.test(slashed);
  const normalized = posix.normalize(slashed).replace(/^\/+/, '');
  const segments = normalized.split('/').filter((s) => s !== '' && s !== '.');
  // An empty path still needs a file name of its own, not the prefix directory itself.
  const mapped = segments.length > 0 ? segments.map(safeSegment) : ['~'];
  return [prefix, ...(absolute ? ['~root'] : []), ...mapped].join('/');
}

/** A manifest path is safe to open under the bundle: relative, `/`-separated, no empty, `.` or `..` segment. */
export function isSafeBundlePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\u0000')) return false;
  if (/^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** Byte order of the UTF-8 spelling (what `LC_ALL=C sort` gives), so tools outside Node agree. */
export function compareBundlePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
