import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** CI checks out shared/ beside the clone; the vectors are the contract, so they are read, never copied. */
const VECTORS_FILE = fileURLToPath(new URL('../../../shared/docs/signing-vectors.json', import.meta.url));

/** shared/docs/signing-vectors.json, parsed; each signature test states the shape of its own section. */
export function readSigningVectors(): unknown {
  return JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as unknown;
}
