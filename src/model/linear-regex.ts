import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

/**
 * `matches:` patterns run on RE2 semantics (re2js, a pure-JavaScript port of RE2): matching time
 * is linear in the input whatever the pattern, so `^(a+)+$` against a long vendor value cannot
 * hold the event loop for minutes — where SIGINT/SIGTERM could not even be handled. The price is
 * RE2's syntax: no lookaround and no backreferences, which validation reports up front.
 *
 * re2js is loaded on first use, synchronously (its CommonJS build), so commands whose
 * configuration has no `matches:` do not pay for it at start-up.
 */

export interface LinearRegex {
  /** True when the pattern matches anywhere in `text` (like RegExp#test without flags). */
  test(text: string): boolean;
}

export type CompiledRegex =
  { readonly regex: LinearRegex; readonly error?: undefined } | { readonly regex?: undefined; readonly error: string };

type Re2Module = { readonly RE2JS: typeof RE2JS };

const load = createRequire(import.meta.url);

export function compileLinearRegex(source: string): CompiledRegex {
  const { RE2JS: Engine } = load('re2js') as Re2Module;
  try {
    const compiled = Engine.compile(source);
    return { regex: { test: (text) => compiled.test(text) } };
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    return { error: `${message} (patterns use RE2 syntax: no lookahead, lookbehind or backreferences)` };
  }
}
