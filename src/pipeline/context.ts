/**
 * Everything a run may touch of the outside world, passed in so that the pipeline stays testable
 * and only `cli/main.ts` reads `process` (design.md §6).
 */
import type { Redactor } from '../model/redactor.js';

export interface OutputStream {
  write(text: string): void;
  /**
   * Resolves once what was written has left the process (a pipe read slowly buffers it):
   * writers of large output await it between pieces, so memory does not grow with the report.
   */
  readonly drained?: () => Promise<void>;
  readonly isTTY: boolean;
}

export interface RunContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Colors on: a TTY, no `--no-color`, no `NO_COLOR`. Decided per stream by the caller. */
  readonly color: boolean;
  readonly debug: boolean;
  /** Wall clock; tests and `--as-of` replace it. */
  readonly now: () => Date;
  /** Every secret the run has seen; all output passes through it before being written. */
  readonly redactor: Redactor;
  /** Resolves when SIGINT/SIGTERM arrives (long-running commands such as `simulator`). */
  readonly signal: AbortSignal;
  /** Temporary files of atomic writes in flight; main.ts removes any left when the process exits. */
  readonly tempFiles?: Set<string>;
}
