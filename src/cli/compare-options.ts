import type { FlagSpec, ParsedInput } from './command.js';
import { boolFlag, stringFlag } from './command.js';
import { UsageError } from '../model/errors.js';
import type { RunReport } from '../model/run-result.js';
import type { CompareBase, CompareOptions } from '../pipeline/request.js';

/** The `--compare` flags of `plan` and `check` (design.md §12). */
export const COMPARE_FLAGS = {
  compare: {
    type: 'string',
    value: 'PATH',
    description: 'Also evaluate the base configuration at PATH on the same observations and report what the change does.',
  },
  'compare-ref': {
    type: 'string',
    value: 'REF',
    description: 'Like --compare, with the base read from git revision REF (git show, no checkout).',
  },
  'fail-on-weakening': { type: 'boolean', description: 'Exit 2 when the change weakens a control (needs --compare or --compare-ref).' },
} as const satisfies Record<string, FlagSpec>;

export function parseCompareOptions(input: ParsedInput): CompareOptions {
  const path = stringFlag(input, 'compare');
  const ref = stringFlag(input, 'compare-ref');
  const failOnWeakening = boolFlag(input, 'fail-on-weakening');
  if (path !== undefined && ref !== undefined) {
    throw new UsageError(
      '--compare and --compare-ref cannot be used together',
      'Give the base either as a directory (--compare PATH) or as a git revision (--compare-ref REF).',
    );
  }
  if (path === '') throw new UsageError('--compare: expected a path to the base configuration');
  if (failOnWeakening && path === undefined && ref === undefined) {
    throw new UsageError(
      '--fail-on-weakening needs a base to compare with',
      'Add --compare PATH or --compare-ref REF, e.g. --compare-ref origin/main.',
    );
  }
  const compare: CompareBase | undefined =
    path !== undefined ? { kind: 'path', path } : ref !== undefined ? { kind: 'ref', ref } : undefined;
  return { ...(compare ? { compare } : {}), failOnWeakening };
}

/** The exit code is head's verdict; `--fail-on-weakening` turns a weakened control into 2. */
export function withWeakening(code: number, result: RunReport, options: CompareOptions): number {
  return options.failOnWeakening === true && (result.comparison?.weakenings ?? 0) > 0 ? 2 : code;
}
