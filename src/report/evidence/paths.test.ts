import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bundlePathFor, compareBundlePaths, isSafeBundlePath, safeSegment } from './paths.js';

describe('bundle paths', () => {
  it('keeps ordinary names and escapes everything else one-to-one', () => {
    expect(safeSegment('tencentcloud_kms_service.prod-gz')).toBe('tencentcloud_kms_service.prod-gz');
    expect(safeSegment('a b/c:~')).toBe('a~20b~2Fc~3A~7E');
    expect(safeSegment('..')).toBe('~2E~2E');
    expect(safeSegment('密钥')).toBe('~E5~AF~86~E9~92~A5');
  });

  it('maps configuration paths under the prefix and never outside it', () => {
    expect(bundlePathFor('config', 'main.yaml')).toBe('config/main.yaml');
    expect(bundlePathFor('config', './conf/team.yaml')).toBe('config/conf/team.yaml');
    expect(bundlePathFor('config', 'conf\\win.yaml')).toBe('config/conf/win.yaml');
    expect(bundlePathFor('config', '../other/x.yaml')).toBe('config/~2E~2E/other/x.yaml');
    expect(bundlePathFor('config', '/etc/driftwatch/x.yaml')).toBe('config/~root/etc/driftwatch/x.yaml');
    expect(bundlePathFor('policies', 'builtin:baseline')).toBe('policies/builtin~3Abaseline');
    expect(bundlePathFor('config', '')).toBe('config/~');
  });

  it('produces only safe paths, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (p) => {
        const out = bundlePathFor('config', p);
        expect(isSafeBundlePath(out)).toBe(true);
        expect(out.startsWith('config/')).toBe(true);
      }),
      { seed: 7, numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), (a, b) => {
        if (a !== b) expect(safeSegment(a)).not.toBe(safeSegment(b));
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it('rejects unsafe manifest paths', () => {
    for (const bad of ['', '/etc/passwd', '../x', 'a/../b', 'a//b', './a', 'a\\b', 'C:/x', 'a/\u0000'])
      expect(isSafeBundlePath(bad)).toBe(false);
    expect(isSafeBundlePath('raw/a.json')).toBe(true);
  });

  it('sorts by UTF-8 bytes', () => {
    expect(['b', 'B', 'a', 'é', 'z'].sort(compareBundlePaths)).toEqual(['B', 'a', 'b', 'z', 'é']);
  });
});
