import { describe, expect, it } from 'vitest';
import { checkFingerprint } from './fingerprint.js';

describe('checkFingerprint', () => {
  it('is stable: pinned values (a change here re-opens every finding of every ledger)', () => {
    expect(checkFingerprint('a', 'expect', 'b', 'b')).toBe('160fe9bd707c7d9a');
    expect(checkFingerprint('tencentcloud_kms_service.gz', 'policy', 'kms.auto-renew', 'auto_renew')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('tells apart every part and where the parts split', () => {
    const prints = new Set([
      checkFingerprint('a.b', 'expect', 'edition', 'edition'),
      checkFingerprint('a.b', 'policy', 'edition', 'edition'),
      checkFingerprint('a.b', 'policy', 'edition', 'auto_renew'),
      checkFingerprint('a.c', 'expect', 'edition', 'edition'),
      checkFingerprint('a.be', 'expect', 'dition', 'edition'),
    ]);
    expect(prints.size).toBe(5);
  });
});
