import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { ProviderConfig } from '../model/desired-state.js';
import { CredentialsError } from '../model/errors.js';
import type { Redactor } from '../model/redactor.js';
import { RoleCredentialsError } from '../providers/credential-plan.js';
import { defaultQpsFor } from '../providers/registry.js';
import { createCallExecutor } from '../providers/call-executor.js';
import type { CallEvent, CallExecutor, CallExecutorOptions } from '../providers/call-executor.js';
import { createRoleResolver, staticKeyIdOf } from '../providers/role-credentials.js';
import type { ResolveCredentials } from '../providers/role-credentials.js';
import type { ProgressEvent } from '../ui/progress.js';
import type { Progress } from '../ui/progress.js';
import type { RunContext } from './context.js';
import { DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_RUN_TIMEOUT_MS } from './request.js';

/**
 * The one place where a run's call executor is built (check, plan, demo, import and the
 * benchmarks): credentials, endpoint override, timeouts, documented rate limits and the wiring of
 * call events to progress and `--debug`.
 */

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function chainContext(ctx: RunContext): { env: RunContext['env']; homeDir: string; readFile: (path: string) => string | undefined } {
  return { env: ctx.env, homeDir: ctx.env.HOME ?? homedir(), readFile: readOptional };
}

/**
 * Resolves a provider's credentials from its `credentials:` source: the vendor's chain, profiles of
 * every mode, assumed roles, instance roles and OIDC (role-credentials.ts). The call executor asks on
 * each call and registers the secrets (and their encoded spellings) with the redactor before the
 * first request; temporary credentials are cached and refreshed by the resolver.
 */
export function credentialResolver(ctx: RunContext): ResolveCredentials {
  return createRoleResolver({ ctx: chainContext(ctx), now: () => Date.now() });
}

/** Key id of long-lived keys a provider would use, read locally (for the shard partition); undefined when not static. */
export function staticKeyId(ctx: RunContext): (provider: ProviderConfig) => string | undefined {
  return staticKeyIdOf(chainContext(ctx));
}

const PROGRESS_EVENTS: Readonly<Record<CallEvent['type'], ProgressEvent | undefined>> = {
  start: undefined,
  success: 'done',
  failure: 'failed',
  retry: 'retry',
  throttled: 'throttled',
};

/** One line per call event for `--debug` (the redactor still scrubs it on the way out). */
function describeCallEvent(event: CallEvent): string {
  const head = `${event.provider} ${event.api} ${event.type}`;
  switch (event.type) {
    case 'start':
      return head;
    case 'success':
      return `${head} after ${event.attempts} attempt(s), request id ${event.requestId ?? 'none'}`;
    case 'retry':
      return `${head} #${event.attempt} in ${Math.round(event.delayMs)} ms after ${event.error.code}: ${event.error.message}`;
    case 'throttled':
      return `${head} on attempt ${event.attempt}: ${event.error.code}`;
    case 'failure':
      return `${head} after ${event.attempts} attempt(s): ${event.error.code}: ${event.error.message} (request id ${event.error.request_id ?? 'none'})`;
  }
}

/** Timeouts of a live run: `--timeout` (else each provider's `timeout:`) and `--run-timeout`. */
export interface RunTimeouts {
  readonly providers: readonly ProviderConfig[];
  readonly attemptTimeoutMs?: number | undefined;
  readonly runTimeoutMs?: number | undefined;
}

export interface RunExecutorOptions {
  readonly redactor: Redactor;
  readonly resolveCredentials: CallExecutorOptions['resolveCredentials'];
  /** `--endpoint`: wins over every provider's `endpoint`. */
  readonly endpoint?: string;
  /** Without them an attempt has only the HTTP client's own timeouts (as `import` reads). */
  readonly timeouts?: RunTimeouts;
  /** Call events for progress and `--debug`. */
  readonly events?: { readonly progress: () => Progress | undefined; readonly debug?: (line: string) => void };
}

function timeoutOptions(timeouts: RunTimeouts): Pick<CallExecutorOptions, 'attemptTimeoutMs' | 'deadlineAt' | 'http'> {
  const attemptTimeout = (provider: ProviderConfig): number =>
    timeouts.attemptTimeoutMs ?? provider.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const longestAttempt = Math.max(DEFAULT_ATTEMPT_TIMEOUT_MS, ...timeouts.providers.map(attemptTimeout));
  return {
    attemptTimeoutMs: attemptTimeout,
    deadlineAt: Date.now() + (timeouts.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS),
    // undici's own header/body timeouts must not cut an attempt shorter than its --timeout.
    http: { headersTimeoutMs: longestAttempt, bodyTimeoutMs: longestAttempt },
  };
}

/** The call executor of a run. An API's rate is the one its resource type or cloud adapter documents. */
export function createRunExecutor(options: RunExecutorOptions): CallExecutor {
  const events = options.events;
  const timeouts = options.timeouts ? timeoutOptions(options.timeouts) : {};
  return createCallExecutor({
    resolveCredentials: options.resolveCredentials,
    ...(options.endpoint ? { endpointOverride: options.endpoint } : {}),
    ...timeouts,
    defaultQps: defaultQpsFor,
    redactor: options.redactor,
    ...(events
      ? {
          onEvent: (event: CallEvent) => {
            const mapped = PROGRESS_EVENTS[event.type];
            if (mapped) events.progress()?.record(event.provider, mapped);
            events.debug?.(`debug: ${describeCallEvent(event)}\n`);
          },
        }
      : {}),
  });
}

/**
 * Every provider the run calls must have credentials before the first request: a missing or
 * half-set key is a broken setup (exit 1), not a resource that could not be verified (exit 3).
 */
export async function requireCredentials(executor: CallExecutor, providers: readonly ProviderConfig[]): Promise<void> {
  const unique = [...new Map(providers.map((p) => [p.ref, p])).values()];
  const failures: string[] = [];
  const hints = new Set<string>();
  for (const provider of unique) {
    try {
      await executor.credentials(provider);
    } catch (error) {
      // A role that STS or the metadata service refused leaves only that provider's resources unknown (issue 13).
      if (error instanceof RoleCredentialsError) continue;
      failures.push(`${provider.ref}: ${error instanceof Error ? error.message : String(error)}`);
      if (error instanceof CredentialsError && error.hint) hints.add(error.hint);
    }
  }
  if (failures.length > 0) {
    throw new CredentialsError(
      `no usable credentials for ${failures.length === 1 ? 'provider' : 'providers'} ${failures.join('; ')}`,
      [...hints].join(' ') ||
        "Set the vendor's environment variables or profile file, or name a source with credentials: in the provider block.",
    );
  }
}
