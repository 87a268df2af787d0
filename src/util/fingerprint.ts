/**
 * The stable identity of a check across runs: its resource address, its source (`expect` or
 * `policy`), its rule (attribute or policy rule id) and the attribute it reads (a policy rule may
 * assert several). Nothing about the outcome, the operand or the message takes part, so changing a
 * threshold or a vendor's wording keeps a finding's history; renaming the resource starts a new one.
 *
 * The hash is 64 bits from two independent 32-bit mixes (not a cryptographic digest: this runs once
 * per check of 100,000-resource runs, and the fingerprint only has to tell checks of one
 * configuration apart — a collision among 10^7 checks has odds of about 1 in 400,000).
 */
export function checkFingerprint(address: string, source: 'expect' | 'policy', rule: string, attribute: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  // The four parts joined by NUL, without building the joined string (a NUL only multiplies).
  for (let p = 0; p < 4; p++) {
    const text = p === 0 ? address : p === 1 ? source : p === 2 ? rule : attribute;
    if (p > 0) {
      h1 = Math.imul(h1, 2654435761);
      h2 = Math.imul(h2, 1597334677);
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return hex32(h2 >>> 0) + hex32(h1 >>> 0);
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(n: number): string {
  return (
    (HEX_BYTE[n >>> 24] as string) +
    (HEX_BYTE[(n >>> 16) & 255] as string) +
    (HEX_BYTE[(n >>> 8) & 255] as string) +
    (HEX_BYTE[n & 255] as string)
  );
}
