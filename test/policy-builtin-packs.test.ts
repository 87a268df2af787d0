import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_POLICY_DIR } from '../src/config/policy-ref.js';
import { createPolicyValidator, loadPolicyFile } from '../src/policy/policy-file.js';
import { discoverTestFiles } from '../src/testing/discover.js';
import { renderTestText } from '../src/testing/render.js';
import { runTestFiles } from '../src/testing/runner.js';

const DOCS = fileURLToPath(new URL('../docs/policies.md', import.meta.url));

describe('built-in policy packs', () => {
  it('pass their own tests in policies/tests (run through the driftwatch test runner)', async () => {
    const { files } = await discoverTestFiles([join(BUILTIN_POLICY_DIR, 'tests')], BUILTIN_POLICY_DIR);
    // Issue 11 adds the vendors' example answers, run through the simulator, as a third file.
    expect(files.map((f) => f.slice(BUILTIN_POLICY_DIR.length)).sort()).toEqual([
      'tests/baseline.test.yaml',
      'tests/strict.test.yaml',
      'tests/vendor-examples.test.yaml',
    ]);
    const run = await runTestFiles(files, { cwd: BUILTIN_POLICY_DIR });
    expect(run.summary.cases).toBeGreaterThanOrEqual(25);
    expect(renderTestText(run, { color: false })).not.toMatch(/^(FAIL|ERROR)/m);
    expect(run.summary.failed + run.summary.errors).toBe(0);
    expect(run.exitCode).toBe(0);
  });

  it("test every rule of both packs against the vendors' own example answers", async () => {
    const examples = readFileSync(join(BUILTIN_POLICY_DIR, 'tests', 'vendor-examples.test.yaml'), 'utf8');
    const validator = createPolicyValidator();
    for (const name of ['baseline', 'strict']) {
      const { pack } = await loadPolicyFile(join(BUILTIN_POLICY_DIR, `${name}.yaml`), { cwd: BUILTIN_POLICY_DIR, validator });
      for (const rule of pack?.rules ?? [])
        expect(examples, `${rule.id} has no vendor-example case`).toMatch(new RegExp(`/${rule.id.replace(/\./g, '\\.')}: `));
    }
  });

  it('are documented in docs/policies.md with the same severity and controls', async () => {
    const docs = readFileSync(DOCS, 'utf8');
    const validator = createPolicyValidator();
    for (const name of ['baseline', 'strict']) {
      const { pack } = await loadPolicyFile(join(BUILTIN_POLICY_DIR, `${name}.yaml`), { cwd: BUILTIN_POLICY_DIR, validator });
      for (const rule of pack?.rules ?? []) {
        const row = docs.split('\n').find((l) => l.startsWith(`| \`${rule.id}\` |`));
        expect(row, `${rule.id} is missing from the table`).toBeDefined();
        const cells = (row ?? '').split('|').map((c) => c.trim());
        expect(cells[2]?.replace(/\\_/g, '_'), rule.id).toBe(rule.resourceType);
        expect(cells[3], rule.id).toBe(rule.severity);
        expect(cells[5], rule.id).toBe(rule.controls.join('; '));
      }
    }
  });
});
