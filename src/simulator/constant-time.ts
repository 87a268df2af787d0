import { timingSafeEqual } from 'node:crypto';

/** Compares a presented signature with the expected one without leaking where they differ. */
export function sameSignature(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length) {
    // Still spend the comparison so that a length probe is not much cheaper than a content probe.
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}
