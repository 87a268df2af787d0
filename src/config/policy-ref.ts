import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's built-in policy packs, beside `dist/` and `src/`. */
export const BUILTIN_POLICY_DIR = fileURLToPath(new URL('../../policies/', import.meta.url));

export type PolicyResolution = { readonly path: string } | { readonly problem: string };

/**
 * Resolves a `policies` entry: `builtin:NAME` is a pack shipped with driftwatch; anything else is
 * a path relative to the file that names it (as Terraform module sources are).
 */
export function resolvePolicyRef(ref: string, namingFile: string): PolicyResolution {
  if (ref.startsWith('builtin:')) {
    const name = ref.slice('builtin:'.length);
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(name))
      return { problem: `invalid built-in policy pack name '${name}' (lowercase letters, digits, '_' and '-')` };
    return { path: resolve(BUILTIN_POLICY_DIR, `${name}.yaml`) };
  }
  return { path: isAbsolute(ref) ? ref : resolve(dirname(namingFile), ref) };
}
