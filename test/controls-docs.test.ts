import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_POLICY_DIR } from '../src/config/policy-ref.js';
import { createPolicyValidator, loadPolicyFile } from '../src/policy/policy-file.js';
import { FRAMEWORKS, FRAMEWORK_NAMES, controlIdOf } from '../src/report/controls.js';

const DOCS = readFileSync(fileURLToPath(new URL('../docs/controls.md', import.meta.url)), 'utf8');

async function builtinRules(): Promise<{ id: string; controls: readonly string[] }[]> {
  const validator = createPolicyValidator();
  const out: { id: string; controls: readonly string[] }[] = [];
  for (const name of ['baseline', 'strict']) {
    const { pack } = await loadPolicyFile(join(BUILTIN_POLICY_DIR, `${name}.yaml`), { cwd: BUILTIN_POLICY_DIR, validator });
    for (const rule of pack?.rules ?? []) out.push({ id: rule.id, controls: rule.controls });
  }
  return out;
}

/** The row of docs/controls.md for a control (its first cell starts with the id). */
function row(id: string): string | undefined {
  return DOCS.split('\n').find((l) => l.startsWith(`| ${id} `));
}

describe('docs/controls.md keeps step with the built-in packs', () => {
  it('every framework reference of a built-in rule names a catalog control, documented with that rule and a source', async () => {
    for (const rule of await builtinRules()) {
      for (const name of FRAMEWORK_NAMES) {
        for (const reference of rule.controls) {
          if (!reference.startsWith(FRAMEWORKS[name].reference)) continue;
          const id = controlIdOf(reference, FRAMEWORKS[name]);
          expect(id, `${rule.id}: ${reference}`).toBeDefined();
          expect(
            FRAMEWORKS[name].controls.map((c) => c.id),
            `${rule.id}: ${reference}`,
          ).toContain(id);
          const line = row(id as string);
          expect(line, `docs/controls.md has no row for ${reference}`).toBeDefined();
          const mentioned = line?.includes(`\`${rule.id}\``) || (id === 'A.8.24' && !line?.includes(`\`${rule.id}\` (`));
          expect(mentioned, `docs/controls.md row ${id} does not name ${rule.id}`).toBe(true);
        }
      }
    }
  });

  it('every rule without an MLPS clause is listed as having no authoritative mapping', async () => {
    const section = DOCS.slice(DOCS.indexOf('**No authoritative MLPS mapping**'), DOCS.indexOf('### ISO/IEC 27001:2022 Annex A'));
    for (const rule of await builtinRules()) {
      const mapped = rule.controls.some((c) => controlIdOf(c, FRAMEWORKS.mlps) !== undefined);
      expect(section.includes(`\`${rule.id}\``), rule.id).toBe(!mapped);
    }
  });

  it('no built-in rule cites MLPS without a clause any more', async () => {
    for (const rule of await builtinRules())
      for (const c of rule.controls)
        if (c.startsWith('GB/T 22239')) expect(controlIdOf(c, FRAMEWORKS.mlps), `${rule.id}: ${c}`).toBeDefined();
  });
});
