import { chmod, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { DriftwatchError, IoError } from '../model/errors.js';

/**
 * Temporary files of atomic writes are named `.<target>.<pid>.<random>.tmp` next to the target.
 * The running process records its own in `tempFiles` (the CLI removes them on exit, whatever
 * ends the process: a signal handler's process.exit included); a temporary left by a process
 * that no longer runs (killed -9, power cut) is removed by the next write to the same target.
 */

/** Registry of this process's temporaries in flight; main.ts removes what is left on exit. */
export type TempFiles = Set<string>;

function tempNameFor(target: string, suffix = 'tmp'): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.${suffix}`);
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still running.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporaries of `target` left by processes that are gone. Best effort: never fails a write. */
export async function removeStaleTemps(target: string): Promise<void> {
  const prefix = `.${basename(target)}.`;
  let entries: string[];
  try {
    entries = await readdir(dirname(target));
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-f]{12}\.(tmp|old)$/.exec(entry.slice(prefix.length));
    if (!match || isRunning(Number(match[1]))) continue;
    await rm(join(dirname(target), entry), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Streams chunks to a new file, honouring back-pressure, and waits until it is flushed and closed. */
async function writeChunks(path: string, chunks: Iterable<string>, mode: number | undefined): Promise<void> {
  const stream = createWriteStream(path, { encoding: 'utf8', ...(mode !== undefined ? { mode } : {}) });
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), failed]);
  }
  stream.end();
  await Promise.race([once(stream, 'close'), failed]);
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.mode & 0o7777 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes a file so that readers see either the old content or the whole new content, never a
 * half-written file: write to a temporary name in the same directory, then rename over. A file
 * that already exists keeps its permissions (a report someone made private stays private).
 */
export async function writeFileAtomic(path: string, content: string | Iterable<string>, tempFiles?: TempFiles): Promise<void> {
  const dir = dirname(path);
  const temp = tempNameFor(path);
  tempFiles?.add(temp);
  try {
    await mkdir(dir, { recursive: true });
    await removeStaleTemps(path);
    const mode = await existingMode(path);
    if (typeof content === 'string') await writeFile(temp, content, { encoding: 'utf8', ...(mode !== undefined ? { mode } : {}) });
    else await writeChunks(temp, content, mode);
    // The umask may have narrowed the mode on creation: set it exactly.
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    // The content failed, not the disk (a streamed report's input went bad): its own error says why.
    if (error instanceof DriftwatchError) throw error;
    const reason = error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : String(error);
    throw new IoError(`cannot write ${path} (${reason})`, 'Check that the directory exists and is writable.', { cause: error });
  } finally {
    tempFiles?.delete(temp);
  }
}
