/**
 * Issue 18: a missing golden or snapshot must fail the run, not be written silently. Vitest writes
 * a missing snapshot unless CI is set, so .ci/run sets it; and every test file that compares with
 * a snapshot has its snapshot file committed next to it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli.js';

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== '__snapshots__') out.push(...testFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

describe('goldens and snapshots', () => {
  it('CI runs vitest with CI=true, so a missing snapshot fails instead of being written', () => {
    expect(readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^export CI=true$/m);
  });

  it('every test file that matches a snapshot has its snapshot file committed', () => {
    const users = [...testFiles(join(REPO_ROOT, 'src')), ...testFiles(join(REPO_ROOT, 'test'))].filter((f) =>
      /\.toMatchSnapshot\(/.test(readFileSync(f, 'utf8')),
    );
    expect(users.length).toBeGreaterThan(0);
    for (const file of users) expect(existsSync(join(dirname(file), '__snapshots__', `${basename(file)}.snap`)), file).toBe(true);
  });
});
