import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLOUD_IDENTITIES, CLOUDS, cloudOfInstanceRole, cloudOfRef, isCloud } from './clouds.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.generated.ts') ? [path] : [];
  });
}

/** A cloud's own folders, where its name may decide anything; everywhere else it may only be declared. */
function inCloudFolder(file: string): boolean {
  const rel = relative(SRC, file).split(sep).join('/');
  return (
    rel === 'model/clouds.ts' || CLOUDS.some((cloud) => rel.startsWith(`providers/${cloud}/`) || rel.startsWith(`simulator/${cloud}/`))
  );
}

/** The ways code decides on a cloud's name: comparisons, `case`, string tests, and a ternary that picks one. */
function branchesOnCloud(text: string): string[] {
  const name = `(['"\`])(?:${CLOUDS.join('|')})`;
  const patterns = [
    new RegExp(`[!=]==?\\s*${name}\\1`, 'g'),
    new RegExp(`${name}\\1\\s*[!=]==?`, 'g'),
    new RegExp(`\\bcase\\s+${name}\\1\\s*:`, 'g'),
    new RegExp(`\\.(?:includes|startsWith|endsWith|has|test)\\(\\s*${name}`, 'g'),
    new RegExp(`\\?\\s*${name}\\1\\s*:`, 'g'),
  ];
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    const code = line.replace(/\/\/.*$/, '');
    if (
      patterns.some((p) => {
        p.lastIndex = 0;
        return p.test(code);
      })
    )
      found.push(`${index + 1}: ${line.trim()}`);
  });
  return found;
}

describe('the cloud list (model/clouds.ts)', () => {
  it('names each cloud once, with its identity', () => {
    expect(CLOUDS).toEqual(Object.keys(CLOUD_IDENTITIES));
    expect(new Set(CLOUDS).size).toBe(CLOUDS.length);
    for (const cloud of CLOUDS) {
      expect(isCloud(cloud)).toBe(true);
      expect(cloudOfRef(`${cloud}.main`)).toBe(cloud);
      expect(cloudOfRef(`${cloud}_some_type`)).toBe(cloud);
      expect(cloudOfInstanceRole(CLOUD_IDENTITIES[cloud].instanceRoleSource)).toBe(cloud);
      expect(CLOUD_IDENTITIES[cloud].roleArn.pattern.exec(CLOUD_IDENTITIES[cloud].roleArn.example)?.[1]).toMatch(/^\d+$/);
      expect(CLOUD_IDENTITIES[cloud].roleArn.example.startsWith(CLOUD_IDENTITIES[cloud].roleArn.prefix)).toBe(true);
    }
    expect(isCloud('aws')).toBe(false);
    expect(isCloud('toString')).toBe(false);
    expect(cloudOfRef('aws.main')).toBeUndefined();
  });

  it('gives each cloud its own instance-role source and role-ARN prefix', () => {
    const sources = CLOUDS.map((c) => CLOUD_IDENTITIES[c].instanceRoleSource);
    const prefixes = CLOUDS.map((c) => CLOUD_IDENTITIES[c].roleArn.prefix);
    expect(new Set(sources).size).toBe(CLOUDS.length);
    expect(new Set(prefixes).size).toBe(CLOUDS.length);
  });
});

describe("nothing outside a cloud's folders branches on its name", () => {
  it('finds the patterns it looks for (the scan itself can fail)', () => {
    const [a = '', b = ''] = CLOUDS;
    expect(branchesOnCloud(`if (cloud === '${a}') x();`)).toHaveLength(1);
    expect(branchesOnCloud(`const y = '${b}' !== c ? 1 : 2;`)).toHaveLength(1);
    expect(branchesOnCloud(`switch (c) {\n  case "${a}":\n}`)).toHaveLength(1);
    expect(branchesOnCloud(`ref.startsWith('${b}.')`)).toHaveLength(1);
    expect(branchesOnCloud(`const c = ecs ? '${b}' : '${a}';`)).toHaveLength(1);
    // Declarations that merely name their cloud are data, not branches.
    expect(branchesOnCloud(`{ cloud: '${a}', product: 'kms' }`)).toEqual([]);
    expect(branchesOnCloud(`type X = '${a}' | '${b}';`)).toEqual([]);
  });

  it('holds for every source file under src/', () => {
    const offenders: string[] = [];
    for (const file of sources(SRC)) {
      if (inCloudFolder(file)) continue;
      const hits = branchesOnCloud(readFileSync(file, 'utf8'));
      offenders.push(...hits.map((hit) => `src/${relative(SRC, file).split(sep).join('/')}:${hit}`));
    }
    expect(offenders, 'look the cloud up in providers/clouds.ts or simulator/clouds.ts instead').toEqual([]);
  });
});
