import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { CredentialsError } from '../../src/model/errors.js';
import type { CredentialContext } from '../../src/providers/credentials.js';

/** The fake home directory of `ctx`; files are given relative to it. */
export const TEST_HOME = '/home/tester';

export interface CredentialTestKit {
  /** A context over `env` and in-memory files (paths relative to TEST_HOME); nothing real is read. */
  readonly ctx: (env: Record<string, string | undefined>, files?: Record<string, string>) => CredentialContext;
  /** The CredentialsError `fn` throws, after checking that no printed form of it carries a canary. */
  readonly failure: (fn: () => unknown) => CredentialsError;
  /** Checks that no printed form of resolved credentials carries a canary. */
  readonly expectHidden: (creds: object) => void;
}

/**
 * Helpers shared by the Tencent and Alibaba credential-chain tests. `canaries` are the secret and
 * token values of the test file: every error and every printed credential must keep them out
 * (design.md §10).
 */
export function credentialTestKit(canaries: readonly string[]): CredentialTestKit {
  const expectNoCanary = (text: string): void => {
    for (const canary of canaries) expect(text).not.toContain(canary);
  };
  return {
    ctx: (env, files = {}) => {
      const byPath = new Map(Object.entries(files).map(([rel, text]) => [path.join(TEST_HOME, rel), text]));
      return { env, homeDir: TEST_HOME, readFile: (file) => byPath.get(file) };
    },
    failure: (fn) => {
      try {
        fn();
      } catch (error) {
        if (error instanceof CredentialsError) {
          for (const text of [error.message, error.hint ?? '', JSON.stringify(error), inspect(error), String(error.stack)])
            expectNoCanary(text);
          expect(error.code).toBe('DW_CREDENTIALS');
          return error;
        }
        throw error;
      }
      throw new Error('expected a CredentialsError');
    },
    expectHidden: (creds) => {
      // The object defines toString; the Credentials interface just does not declare it.
      const printable = creds as { toString(): string };
      for (const text of [JSON.stringify(creds), inspect(creds), String(printable)]) expectNoCanary(text);
    },
  };
}

/** A `readFile` over the real file system, for the tests that write a temporary home directory. */
export function readFileOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
