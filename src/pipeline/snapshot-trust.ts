import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RunContext } from './context.js';
import type { RunRequest } from './request.js';
import type { DesiredState } from '../model/desired-state.js';
import { InputError, UsageError } from '../model/errors.js';
import type { Observation, ObservationError, Observations, ObservationSnapshot } from '../model/observation.js';
import { formatAge } from '../model/run-result.js';
import type { SnapshotInfo } from '../model/run-result.js';
import { snapshotSigningText } from '../engine/snapshot.js';
import { openSnapshotFile } from '../engine/snapshot-stream.js';
import { PiecewiseMessage, signBytes, verificationKeysFromFile, verifyDetached } from '../report/evidence/signing.js';
import type { SigningKey, VerificationKeys } from '../report/evidence/signing.js';

/**
 * How far `--observed` trusts a saved snapshot. A pull request can carry a hand-edited snapshot,
 * so with a key configured the snapshot must carry a signature that verifies (made by
 * `--save-observed` with the evidence signing key); without one nothing can tell an edit, and
 * the report says so. Independently of the key: every observation must name its scope, a
 * snapshot from the future is unknown, and one older than the maximum age is unknown.
 */

/** Environment variables for the verification key (the flag and the config key are the others). */
const OBSERVED_KEY_ENV = { keyFile: 'DRIFTWATCH_OBSERVED_KEY_FILE', hmac: 'DRIFTWATCH_OBSERVED_HMAC_KEY' } as const;

/** Clock difference tolerated before a snapshot counts as observed in the future. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface SnapshotTrust {
  readonly keys?: VerificationKeys;
  /** Where the key came from, for messages. */
  readonly keySource?: string;
  readonly maxAge?: { readonly ms: number; readonly text: string; readonly source: string };
}

async function readKeyFile(path: string, source: string): Promise<VerificationKeys> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : 'unreadable';
    throw new UsageError(
      `${source}: cannot read ${path} (${code})`,
      'Point it at the Ed25519 public key (PEM) or the HMAC secret file the snapshot was signed with.',
    );
  }
  return verificationKeysFromFile(text, `${source} (${path})`);
}

/** The key and maximum age for this run: flag, then environment, then the configuration's `snapshots:`. */
export async function resolveSnapshotTrust(ctx: RunContext, options: RunRequest, state: DesiredState): Promise<SnapshotTrust> {
  let keys: VerificationKeys | undefined;
  let keySource: string | undefined;
  const envFile = ctx.env[OBSERVED_KEY_ENV.keyFile];
  const envHmac = ctx.env[OBSERVED_KEY_ENV.hmac];
  if (options.observedKey !== undefined) {
    keySource = '--observed-key';
    keys = await readKeyFile(options.observedKey, keySource);
  } else if (envFile) {
    keySource = OBSERVED_KEY_ENV.keyFile;
    keys = await readKeyFile(resolve(ctx.cwd, envFile), keySource);
  } else if (envHmac) {
    keySource = OBSERVED_KEY_ENV.hmac;
    keys = verificationKeysFromFile(envHmac, keySource);
  } else if (state.snapshots?.keyFile !== undefined) {
    keySource = 'snapshots.key_file';
    keys = await readKeyFile(state.snapshots.keyFile, keySource);
  }
  if (keys?.hmacKey !== undefined) ctx.redactor.add(keys.hmacKey);
  const maxAge =
    options.maxAge !== undefined
      ? { ...options.maxAge, source: '--max-age' }
      : state.snapshots?.maxAgeMs !== undefined && state.snapshots.maxAge !== undefined
        ? { ms: state.snapshots.maxAgeMs, text: state.snapshots.maxAge, source: 'snapshots.max_age' }
        : undefined;
  return { ...(keys ? { keys, keySource } : {}), ...(maxAge ? { maxAge } : {}) };
}

/** The evidence signing key when one is configured, else undefined (for signing snapshots). */
export async function optionalSigningKey(ctx: RunContext): Promise<SigningKey | undefined> {
  const signing = await import('../report/evidence/signing.js');
  if (!Object.values(signing.SIGNING_KEY_ENV).some((name) => (ctx.env[name] ?? '') !== '')) return undefined;
  return signing.loadSigningKey(ctx.env, { cwd: ctx.cwd, redactor: ctx.redactor });
}

/** Signs a snapshot for `--save-observed` when an evidence signing key is configured. */
export function signSnapshot(snapshot: ObservationSnapshot, key: SigningKey): ObservationSnapshot {
  const signature = signBytes(Buffer.from(snapshotSigningText(snapshot), 'utf8'), key);
  return { ...snapshot, signature };
}

function unknownFor(observation: Observation, error: ObservationError): Observation {
  return { ...observation, status: 'error', attributes: {}, raw: null, error };
}

/** Every observation unknown for the same reason; a streamed snapshot stays streamed. */
function allUnknown(observations: Observations, error: ObservationError): Observations {
  if (!('sorted' in observations)) return observations.map((o) => unknownFor(o, error));
  return {
    sorted: function* () {
      for (const o of observations.sorted()) yield unknownFor(o, error);
    },
  };
}

export interface TrustedSnapshot {
  readonly observations: Observations;
  readonly info: SnapshotInfo;
  /** The first observation that records a driftwatch bug (DW_INTERNAL), unless the snapshot's age made all unknown. */
  readonly internal?: Observation;
}

/** Where a snapshot's signed text goes while it is read: HMAC as it streams, or the bytes for Ed25519. */
function signedTextFor(keys: VerificationKeys): () => PiecewiseMessage {
  return () =>
    new PiecewiseMessage({ ...(keys.hmacKey !== undefined ? { hmacKey: keys.hmacKey } : {}), ed25519: keys.publicKey !== undefined });
}

/**
 * Reads, checks and ages a snapshot file. Throws (exit 1) for what must stop the run — an
 * unreadable file, a missing scope, a missing or bad signature when a key is configured — and
 * turns a stale or future snapshot into unknown observations whose message says its age. The
 * file is checked through here; a snapshot in the canonical layout is then read again, not held.
 */
export function readTrustedSnapshot(ctx: RunContext, path: string, trust: SnapshotTrust, now: Date): TrustedSnapshot {
  // "From the future" is judged by the wall clock: --as-of may pin the evaluation to an earlier time.
  const wall = ctx.now().getTime();
  const snapshot = openSnapshotFile(path, {
    requireScope: true,
    find: (o) => o.error?.code === 'DW_INTERNAL',
    ...(trust.keys !== undefined ? { signingText: signedTextFor(trust.keys) } : {}),
  });
  if (trust.keys !== undefined) {
    if (snapshot.signature === undefined) {
      throw new InputError(
        `${path}: the snapshot is not signed, and ${trust.keySource ?? 'a key'} requires a signed one`,
        'Save it with --save-observed while an evidence signing key (DRIFTWATCH_EVIDENCE_KEY_FILE or DRIFTWATCH_EVIDENCE_HMAC_KEY) is set.',
      );
    }
    const problems = verifyDetached(snapshot.signingText as PiecewiseMessage, snapshot.signature, trust.keys);
    if (problems.length > 0) {
      throw new InputError(
        `${path}: the snapshot signature does not verify: ${problems.join('; ')}`,
        'The snapshot was changed after it was saved, or signed with another key: record it again with --save-observed.',
      );
    }
  } else if (snapshot.signature !== undefined) {
    ctx.stderr.write(
      `warning: ${path} is signed, but no key was given to check it (--observed-key, ${OBSERVED_KEY_ENV.keyFile} or snapshots.key_file)\n`,
    );
  }

  const { oldest, newest } = snapshot;
  const ageSeconds = Math.floor((now.getTime() - oldest) / 1000);
  const info: SnapshotInfo = { observed_at: snapshot.observedAt, age: formatAge(ageSeconds), age_seconds: ageSeconds };
  let problem: ObservationError | undefined;
  if (newest > Math.max(wall, now.getTime()) + FUTURE_TOLERANCE_MS) {
    problem = {
      kind: 'invalid_response',
      code: 'DW_SNAPSHOT_FUTURE',
      message: `the snapshot says it was observed at ${new Date(newest).toISOString()}, which is in the future`,
      request_id: null,
      retryable: false,
      hint: 'A snapshot cannot come from the future: record it again with --save-observed (or check --as-of).',
    };
  } else if (trust.maxAge !== undefined && now.getTime() - oldest > trust.maxAge.ms) {
    problem = {
      kind: 'invalid_response',
      code: 'DW_SNAPSHOT_STALE',
      message: `the snapshot was observed ${formatAge(ageSeconds)} ago (${new Date(oldest).toISOString()}), more than ${trust.maxAge.source} ${trust.maxAge.text}`,
      request_id: null,
      retryable: false,
      hint: 'Record a fresh snapshot with --save-observed.',
    };
  }
  if (problem !== undefined) return { observations: allUnknown(snapshot.observations, problem), info };
  return { observations: snapshot.observations, info, ...(snapshot.found ? { internal: snapshot.found } : {}) };
}
