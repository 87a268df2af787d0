import type { ResourceConfig } from '../model/desired-state.js';
import type { PolicySelector } from './policy-pack.js';

/**
 * `where` selectors. Patterns are globs — `*` matches any run of characters (including none),
 * `?` exactly one — anchored at both ends and case-sensitive, because resource names and labels
 * are case-sensitive identifiers. Everything else is literal (no character classes), so a
 * name such as `prod.v2` needs no escaping.
 */

export type ResourceMatcher = (resource: ResourceConfig) => boolean;

/**
 * Compiles one glob into a matcher that runs in O(pattern × value) time at worst. A glob turned
 * into a backtracking RegExp (`^.*a.*a.*a…b$`) takes exponential time on a near-miss, which held
 * the event loop for minutes; here a `*` only ever remembers its latest position (the classic
 * greedy wildcard match), which is enough because a later `*` can absorb anything an earlier
 * one would have. Code points, not UTF-16 units, so `?` matches one character.
 */
export function globMatcher(pattern: string): (value: string) => boolean {
  const p = Array.from(pattern);
  return (value) => {
    const s = Array.from(value);
    let pi = 0;
    let si = 0;
    let star = -1;
    let mark = 0;
    while (si < s.length) {
      if (pi < p.length && p[pi] !== '*' && (p[pi] === '?' || p[pi] === s[si])) {
        pi++;
        si++;
      } else if (pi < p.length && p[pi] === '*') {
        star = pi++;
        mark = si;
      } else if (star >= 0) {
        pi = star + 1;
        si = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length && p[pi] === '*') pi++;
    return pi === p.length;
  };
}

function anyOf(patterns: readonly string[]): (value: string) => boolean {
  const matchers = patterns.map(globMatcher);
  return (value) => matchers.some((match) => match(value));
}

/**
 * A provider pattern with a `.` names a full reference (`alicloud.prod`, `alicloud.*`); without
 * one it names an alias of either cloud (`prod`), so a pack can say "production accounts"
 * without knowing which cloud each lives in.
 */
function providerMatcher(patterns: readonly string[]): (ref: string) => boolean {
  const full = anyOf(patterns.filter((p) => p.includes('.')));
  const aliasOnly = patterns.filter((p) => !p.includes('.'));
  const alias = anyOf(aliasOnly);
  return (ref) => {
    if (full(ref)) return true;
    if (aliasOnly.length === 0) return false;
    const dot = ref.indexOf('.');
    return dot >= 0 && alias(ref.slice(dot + 1));
  };
}

/** Compiles a selector once per rule; an absent selector matches every resource of the type. */
export function compileSelector(selector: PolicySelector | undefined): ResourceMatcher {
  if (selector === undefined) return () => true;
  const tests: ResourceMatcher[] = [];
  if (selector.provider !== undefined) {
    const match = providerMatcher(selector.provider);
    tests.push((r) => match(r.provider));
  }
  if (selector.name !== undefined) {
    const match = anyOf(selector.name);
    tests.push((r) => match(r.name));
  }
  if (selector.labels !== undefined) {
    const labels = Object.entries(selector.labels).map(([key, values]) => [key, anyOf(values)] as const);
    tests.push((r) =>
      labels.every(([key, match]) => {
        const value = Object.hasOwn(r.labels, key) ? r.labels[key] : undefined;
        return value !== undefined && match(value);
      }),
    );
  }
  return (resource) => tests.every((t) => t(resource));
}
