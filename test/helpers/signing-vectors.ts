import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The contract's vectors, vendored byte for byte (test/fixtures/vendor/README.md names source and digest). */
const VECTORS_FILE = fileURLToPath(new URL('../fixtures/vendor/signing-vectors.json', import.meta.url));

/** test/fixtures/vendor/signing-vectors.json, parsed; each signature test states the shape of its own section. */
export function readSigningVectors(): unknown {
  return JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as unknown;
}
