import { basename, relative } from 'node:path';

/** A file as diagnostics show it: relative to the working directory, or its base name when that is the file itself. */
export function displayName(cwd: string, absolute: string): string {
  return relative(cwd, absolute) || basename(absolute);
}

/** Why an input file could not be read, in words (never the absolute path the error message carries). */
export function ioReason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
