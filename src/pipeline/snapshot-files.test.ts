/**
 * `--save-observed` streams a snapshot to its file and `--observed` reads it back through the
 * trust checks: the written bytes are the ones the whole-text path wrote (redacted, signed), and
 * the signature of a streamed snapshot is checked as strictly as a held one.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scenarioObservations } from '../../test/fixtures/results/scenario.js';
import { openSnapshotFile } from '../engine/snapshot-stream.js';
import { createSnapshot, parseSnapshot, serializeSnapshot } from '../engine/snapshot.js';
import { InputError } from '../model/errors.js';
import type { Observation, ObservationSource } from '../model/observation.js';
import { compareStrings } from '../model/order.js';
import { Redactor } from '../model/redactor.js';
import { ed25519SigningKey, hmacSigningKey } from '../report/evidence/signing.js';
import type { SigningKey, VerificationKeys } from '../report/evidence/signing.js';
import type { RunContext } from './context.js';
import { readTrustedSnapshot, signSnapshot } from './snapshot-trust.js';
import { saveObserved } from './write.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-snapshot-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = new Date('2026-11-22T03:00:00.000Z');
const SECRET = 'CnrySnapSecret/0a1+Zq=7731-long';
const HMAC = 'snapshot-files-test-hmac-secret-0123456789';
const ED25519 = generateKeyPairSync('ed25519');
const SCOPE = { provider: 'tencentcloud.main', region: 'ap-guangzhou', instance_id: null };

function context(secrets: readonly string[] = [SECRET]): RunContext & { errors: string[] } {
  const redactor = new Redactor();
  for (const s of secrets) redactor.add(s);
  const errors: string[] = [];
  return {
    env: {},
    cwd: dir,
    stdout: { write: () => undefined, isTTY: false },
    stderr: { write: (text: string) => void errors.push(text), isTTY: false },
    color: false,
    debug: false,
    now: () => NOW,
    redactor,
    signal: new AbortController().signal,
    errors,
  };
}

/** Every shape an observation takes, with the secret where a misbehaving gateway could put it. */
const varied: readonly Observation[] = [
  ...scenarioObservations.map((o) => ({ ...o, scope: SCOPE })),
  {
    address: 'tencentcloud_kms_service.ünïcode-名前',
    type: 'tencentcloud_kms_service',
    scope: { provider: 'tencentcloud.other', region: null, instance_id: 'ins-1' },
    status: 'ok',
    attributes: { zeta: 'Ω≈ç √ 𝄞', alpha: [1, { b: 2, a: [null, true] }], echoed: `token ${SECRET} end`, bell: 'ding\u0007dong\u202e' },
    raw: { Nested: { Deep: { Echo: [{ Z: encodeURIComponent(SECRET), A: Buffer.from(SECRET).toString('base64') }] } }, Empty: {} },
    request_ids: ['req-1', 'req-2'],
    observed_at: '2026-11-22T02:58:00.000Z',
    error: null,
  },
  {
    address: 'tencentcloud_kms_service.errored',
    type: 'tencentcloud_kms_service',
    scope: null,
    status: 'error',
    attributes: {},
    raw: null,
    request_ids: [],
    observed_at: '2026-11-22T02:59:00Z',
    error: {
      kind: 'signature',
      code: 'SignatureDoesNotMatch',
      message: `calculated with ${SECRET.toUpperCase()}`,
      request_id: 'r-9',
      retryable: false,
      hint: 'Check the key.',
    },
  },
];

/** A source that counts its passes: one for a streamed write; a write done whole reads it once more. */
function passes(source: ObservationSource): ObservationSource & { count: number } {
  const counted = { count: 0, sorted: () => (counted.count++, source.sorted()) };
  return counted;
}

/** What `--save-observed` wrote before it streamed: the whole text, redacted, parsed back, signed. */
function wholeTextPath(ctx: RunContext, path: string, observations: readonly Observation[], key: SigningKey | undefined): string {
  const unsigned = createSnapshot(ctx.redactor.redactValue(observations), { toolVersion: '9.9.9', observedAt: NOW.toISOString() });
  const redacted = parseSnapshot(ctx.redactor.redact(serializeSnapshot(unsigned)), path);
  return serializeSnapshot(key ? signSnapshot(redacted, key) : redacted);
}

const KEYS: readonly [string, SigningKey | undefined, VerificationKeys | undefined][] = [
  ['unsigned', undefined, undefined],
  ['hmac', hmacSigningKey(HMAC), { hmacKey: HMAC }],
  ['ed25519', ed25519SigningKey(ED25519.privateKey), { publicKey: ED25519.publicKey }],
];

describe('--save-observed streams the bytes the whole-text path wrote', () => {
  it.each(KEYS)('%s', async (name, key, keys) => {
    const ctx = context();
    const path = join(dir, `saved-${name}.json`);
    await saveObserved(ctx, path, [...varied].reverse(), key, '9.9.9');
    const written = readFileSync(path, 'utf8');
    expect(written).toBe(wholeTextPath(ctx, path, varied, key));
    expect(written).toContain('[REDACTED]');
    expect(written).not.toContain('\u0007');
    for (const spelling of [SECRET, encodeURIComponent(SECRET), Buffer.from(SECRET).toString('base64'), SECRET.toUpperCase()]) {
      expect(written).not.toContain(spelling);
    }

    // It reads back (streamed), and verifies with the key.
    const read = readTrustedSnapshot(ctx, path, keys ? { keys, keySource: 'test' } : {}, NOW);
    expect('sorted' in read.observations).toBe(true);
    const back = [...(read.observations as ObservationSource).sorted()];
    expect(back).toEqual(parseSnapshot(written, path).observations);

    // Saved again from the streamed snapshot: the same bytes.
    const again = join(dir, `again-${name}.json`);
    const source = passes(read.observations as ObservationSource);
    await saveObserved(ctx, again, source, key, '9.9.9');
    expect(source.count).toBe(1);
    expect(readFileSync(again, 'utf8')).toBe(written);
  });

  it('a secret inside an address that reorders the snapshot: written whole, as before', async () => {
    const ctx = context();
    const reordering = [
      { ...(varied[0] as Observation), address: `zz_type.${SECRET}` },
      { ...(varied[1] as Observation), address: 'zz_type.D-plain-name' },
    ];
    const path = join(dir, 'reordered.json');
    const source = passes({ sorted: () => [...reordering].sort((x, y) => compareStrings(x.address, y.address)) });
    await saveObserved(ctx, path, source, undefined, '9.9.9');
    // The streamed attempt, given up at the reordered address, then the whole-text path's read.
    expect(source.count).toBe(2);
    const written = readFileSync(path, 'utf8');
    expect(written).toBe(wholeTextPath(ctx, path, reordering, undefined));
    const addresses = parseSnapshot(written, path).observations.map((o) => o.address);
    expect(addresses).toEqual(['zz_type.D-plain-name', 'zz_type.[REDACTED]']);
  });
});

describe('--observed checks a streamed snapshot signature', () => {
  const signedWith = async (name: string, key: SigningKey): Promise<string> => {
    const path = join(dir, `${name}.json`);
    await saveObserved(context(), path, varied, key, '9.9.9');
    return path;
  };

  it.each(KEYS.slice(1))('%s: verifies; a changed observation or the other key is refused (exit 1)', async (name, key, keys) => {
    const path = await signedWith(`signed-${name}`, key as SigningKey);
    const ctx = context();
    expect(() => readTrustedSnapshot(ctx, path, { keys: keys, keySource: 'test' }, NOW)).not.toThrow();

    // Still in the canonical layout (so streamed), one value changed.
    const tampered = join(dir, `tampered-${name}.json`);
    writeFileSync(tampered, readFileSync(path, 'utf8').replace('"status": "absent"', '"status": "ok"'));
    expect('sorted' in openSnapshotFile(tampered).observations).toBe(true);
    expect(() => readTrustedSnapshot(ctx, tampered, { keys: keys, keySource: 'test' }, NOW)).toThrow(
      /the snapshot signature does not verify: signature does not verify with the given key/,
    );

    const other: VerificationKeys =
      name === 'hmac' ? { hmacKey: 'another-hmac-secret-0123456789abcdefgh' } : { publicKey: generateKeyPairSync('ed25519').publicKey };
    expect(() => readTrustedSnapshot(ctx, path, { keys: other, keySource: 'test' }, NOW)).toThrow(InputError);
  });

  it('a signed snapshot read whole (another layout) verifies the same way', async () => {
    const path = await signedWith('signed-minified', hmacSigningKey(HMAC));
    const minified = join(dir, 'minified.json');
    writeFileSync(minified, JSON.stringify(JSON.parse(readFileSync(path, 'utf8'))));
    const read = readTrustedSnapshot(context(), minified, { keys: { hmacKey: HMAC }, keySource: 'test' }, NOW);
    expect(Array.isArray(read.observations)).toBe(true);
  });

  it('an unsigned snapshot is refused when a key is configured; a signed one without a key warns', async () => {
    const unsigned = join(dir, 'plain.json');
    await saveObserved(context(), unsigned, varied, undefined, '9.9.9');
    expect(() => readTrustedSnapshot(context(), unsigned, { keys: { hmacKey: HMAC }, keySource: 'test' }, NOW)).toThrow(/is not signed/);
    const ctx = context();
    readTrustedSnapshot(ctx, await signedWith('signed-nokey', hmacSigningKey(HMAC)), {}, NOW);
    expect(ctx.errors.join('')).toMatch(/is signed, but no key was given/);
  });

  it('a stale snapshot streams every observation as unknown (DW_SNAPSHOT_STALE)', async () => {
    const path = join(dir, 'stale.json');
    await saveObserved(context(), path, varied, undefined, '9.9.9');
    const later = new Date(NOW.getTime() + 3 * 86_400_000);
    const read = readTrustedSnapshot(context(), path, { maxAge: { ms: 86_400_000, text: '1d', source: '--max-age' } }, later);
    expect('sorted' in read.observations).toBe(true);
    const all = [...(read.observations as ObservationSource).sorted()];
    expect(all).toHaveLength(varied.length);
    for (const o of all) expect(o).toMatchObject({ status: 'error', attributes: {}, raw: null, error: { code: 'DW_SNAPSHOT_STALE' } });
    expect(read.info.age).toBe('3d 2m');
  });
});
