import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The static and lazy relative imports of a source file, as paths relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  const dir = file.split('/').slice(0, -1);
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)\.js'/g)) {
    const parts = [...dir];
    for (const seg of (m[1] as string).split('/')) {
      if (seg === '..') parts.pop();
      else if (seg !== '.') parts.push(seg);
    }
    out.push(`${parts.join('/')}.ts`);
  }
  return out;
}

describe('file-level import cycles broken by issue 19', () => {
  it.each([
    ['cli/registry.ts', 'cli/commands/completion.ts'],
    ['model/run-result.ts', 'model/comparison.ts'],
  ])('%s and %s do not import each other both ways', (a, b) => {
    expect(importsOf(a).includes(b) && importsOf(b).includes(a)).toBe(false);
    // The dependency that remains points one way only.
    expect(importsOf(b)).not.toContain(a);
  });
});
