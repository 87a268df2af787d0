import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Finding test files. A test file is named `*.test.yaml` or `*.test.yml`, so configurations,
 * policy files and fixtures can live beside the tests without being mistaken for them.
 * - A PATH that is a file is run as a test file whatever its name.
 * - A PATH that is a directory is searched recursively (skipping `node_modules` and dot-directories).
 * - No PATH: `policies/tests` and `tests` under the working directory, those that exist — where a
 *   repository keeps the tests of its own policy packs (the layout of the built-in packs).
 */

export const DEFAULT_TEST_DIRS: readonly string[] = ['policies/tests', 'tests'];

const TEST_FILE = /\.test\.ya?ml$/i;

export interface Discovery {
  /** Absolute paths, in a stable order (per PATH, sorted within a directory). */
  readonly files: readonly string[];
  /** PATHs that do not exist or could not be read. */
  readonly missing: readonly string[];
  /** The directories searched when no PATH was given. */
  readonly searched: readonly string[];
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out);
    else if (entry.isFile() && TEST_FILE.test(entry.name)) out.push(path);
  }
}

async function kind(path: string): Promise<'file' | 'directory' | undefined> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'directory' : 'file';
  } catch {
    return undefined;
  }
}

export async function discoverTestFiles(paths: readonly string[], cwd: string): Promise<Discovery> {
  const files: string[] = [];
  const missing: string[] = [];
  const searched: string[] = [];
  const given = paths.length > 0;
  const roots = given ? paths : DEFAULT_TEST_DIRS;
  for (const root of roots) {
    const absolute = resolve(cwd, root);
    const k = await kind(absolute);
    if (k === undefined) {
      if (given) missing.push(root);
      continue;
    }
    if (!given) searched.push(root);
    if (k === 'file') {
      files.push(absolute);
      continue;
    }
    try {
      await walk(absolute, files);
    } catch {
      missing.push(root);
    }
  }
  return { files: [...new Set(files)], missing, searched };
}
