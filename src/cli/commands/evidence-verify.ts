import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { stringFlag } from '../command.js';
import { UsageError } from '../../model/errors.js';
import { ed25519PublicKey } from '../../report/evidence/signing.js';
import type { VerificationKeys } from '../../report/evidence/signing.js';
import { verifyEvidenceBundle } from '../../report/evidence/verify.js';

/** The keys of `--public-key FILE` / `--hmac-key-env VAR` (also used by `merge` to check bundles before merging them). */
export async function verificationKeys(ctx: CliContext, input: ParsedInput): Promise<VerificationKeys> {
  const keys: { publicKey?: VerificationKeys['publicKey']; hmacKey?: string } = {};

  const keyFile = stringFlag(input, 'public-key');
  if (keyFile !== undefined) {
    let pem: string;
    try {
      pem = await readFile(resolve(ctx.cwd, keyFile), 'utf8');
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : 'unreadable';
      throw new UsageError(
        `--public-key: cannot read ${keyFile} (${code})`,
        'Give the PEM file of the Ed25519 public key the bundle was signed for.',
      );
    }
    if (pem.includes('PRIVATE KEY')) ctx.redactor.add(pem);
    keys.publicKey = ed25519PublicKey(pem, `--public-key ${keyFile}`);
  }

  const hmacVar = stringFlag(input, 'hmac-key-env');
  if (hmacVar !== undefined) {
    const secret = ctx.env[hmacVar];
    if (secret === undefined || secret === '') {
      throw new UsageError(
        `--hmac-key-env: the environment variable ${hmacVar} is not set`,
        'Export the shared HMAC secret in that variable (its value is never printed).',
      );
    }
    ctx.redactor.add(secret);
    keys.hmacKey = secret;
  }
  return keys;
}

/**
 * `driftwatch evidence verify BUNDLE_DIR [--public-key FILE] [--hmac-key-env VAR]`: exit 0 when
 * every file matches the manifest and the signature verifies with the given key; otherwise the
 * problems on stderr and exit 1. Without a key the signature cannot be checked, which fails too.
 */
export const evidenceVerifyCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const dirArg = input.positionals[0];
    if (dirArg === undefined)
      throw new UsageError('evidence verify: expected a BUNDLE_DIR', 'Expected: driftwatch evidence verify BUNDLE_DIR [--public-key FILE]');
    const keys = await verificationKeys(ctx, input);
    const dir = resolve(ctx.cwd, dirArg);
    const result = await verifyEvidenceBundle(dir, keys);
    if (result.ok && result.signature) {
      const n = result.files;
      const attested = result.attestation?.verified ? '; in-toto attestation OK (Sigstore bundle)' : '';
      ctx.stdout.write(
        `Verified ${n} file${n === 1 ? '' : 's'}; signature OK (${result.signature.algorithm}, key ${result.signature.keyId})${attested}\n`,
      );
      return 0;
    }
    const count = result.problems.length;
    ctx.stderr.write(`Evidence bundle ${dirArg} failed verification (${count} problem${count === 1 ? '' : 's'}):\n`);
    for (const p of result.problems) ctx.stderr.write(`  - ${p}\n`);
    return 1;
  },
};
