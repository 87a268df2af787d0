/**
 * Runs a credential process (aliyun CLI `External` mode, `process_command`) the way the vendor's
 * SDKs do (@alicloud/credentials `providers/external.js`, credentials-go `providers/external.go`):
 * the command split into argv and executed without a shell, the environment passed on, a 60-second
 * timeout, only stdout read. Unlike the SDKs — which print the command's output when it is not JSON —
 * nothing the command writes is ever shown: stdout holds the keys, stderr may too. stdin is closed,
 * so a command that waits for a person fails at once instead of hanging the run.
 */

/** The SDKs' default timeout for the command. */
export const CREDENTIAL_PROCESS_TIMEOUT_MS = 60_000;
/** A JSON object with three keys is far below this; anything larger is not an answer. */
const MAX_OUTPUT_BYTES = 64 * 1024;

export type CredentialProcessFailure = 'not-found' | 'timeout' | 'failed';

export class CredentialProcessError extends Error {
  readonly reason: CredentialProcessFailure;
  constructor(reason: CredentialProcessFailure, message: string) {
    super(message);
    this.name = 'CredentialProcessError';
    this.reason = reason;
  }
}

export interface CredentialProcessOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
}

/** The command's stdout; rejects with a CredentialProcessError whose message quotes none of its output. */
export async function runCredentialProcess(argv: readonly string[], options: CredentialProcessOptions): Promise<string> {
  const [program, ...args] = argv;
  if (program === undefined || program === '') throw new CredentialProcessError('not-found', 'process_command is empty');
  // Loaded when a profile needs it: most runs never start a process.
  const { execFile } = await import('node:child_process');
  const env = Object.fromEntries(Object.entries(options.env).filter((e): e is [string, string] => e[1] !== undefined));
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      args,
      {
        env,
        shell: false,
        windowsHide: true,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        encoding: 'utf8',
      },
      (error, stdout) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        // A spawn failure's code is a string (ENOENT); a finished command's is its exit status.
        const code: unknown = (error as { code?: unknown }).code;
        if (code === 'ENOENT' || code === 'EACCES') {
          reject(new CredentialProcessError('not-found', `the program ${program} cannot be run (${code})`));
        } else if (error.killed && code !== 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          const limit = options.timeoutMs >= 1000 ? `${Math.round(options.timeoutMs / 1000)} s` : `${options.timeoutMs} ms`;
          reject(new CredentialProcessError('timeout', `the command did not finish within ${limit}`));
        } else if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          reject(new CredentialProcessError('failed', `the command printed more than ${MAX_OUTPUT_BYTES / 1024} KiB`));
        } else {
          const how = typeof code === 'number' ? `exited with code ${code}` : error.signal ? `was stopped by ${error.signal}` : 'failed';
          reject(new CredentialProcessError('failed', `the command ${how}`));
        }
      },
    );
    child.stdin?.end();
  });
}
