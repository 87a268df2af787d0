import type { NotifyTarget } from '../model/desired-state.js';
import type { NotificationOutcome, RunReport } from '../model/run-result.js';
import { isLoopbackHost } from '../util/loopback.js';
import { messageOf, triggeredEvents } from './message.js';
import type { Message } from './message.js';
import { buildRequest, vendorRefusal } from './vendors.js';

/**
 * Sends the run's notifications: one message per target when something the target listens for
 * (`on:`) changed since the previous run, none otherwise. A target that cannot be reached is
 * retried with exponential backoff; what finally happened is returned per target, and nothing here
 * throws — a notification never changes the run's verdict. Messages and errors never carry the
 * URL or the secret (they are registered with the redactor too).
 */

export interface SendOptions {
  /** Wall-clock time for the robots' signatures (their servers reject stale timestamps; never `--as-of`). */
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Scrubs secrets from any text that leaves this module. */
  readonly redact: (text: string) => string;
  readonly fetch?: typeof fetch;
  /** Attempts per target, the first included (default 3). */
  readonly attempts?: number;
  /** First retry delay; doubled on each retry (default 500 ms). */
  readonly backoffMs?: number;
  /** Per-attempt timeout (default 10 s). */
  readonly timeoutMs?: number;
}

type Attempt = { readonly ok: true } | { readonly ok: false; readonly retry: boolean; readonly why: string };

async function attemptOnce(target: NotifyTarget, message: Message, options: SendOptions): Promise<Attempt> {
  const request = buildRequest(target.type, target.url, message, target.reportUrl, { secret: target.secret, now: options.clock() });
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: request.body,
      // A redirect could carry the token-bearing URL elsewhere.
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    return { ok: false, retry: true, why: `request failed: ${cause}` };
  }
  const body = await response.text().catch(() => '');
  if (response.status === 429 || response.status >= 500) return { ok: false, retry: true, why: `HTTP ${response.status}` };
  if (response.status < 200 || response.status > 299) return { ok: false, retry: false, why: `HTTP ${response.status}` };
  const refusal = vendorRefusal(target.type, body);
  return refusal === undefined ? { ok: true } : { ok: false, retry: false, why: refusal };
}

function unsafeUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the URL is not valid';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return undefined;
  return 'plain http:// is allowed only to loopback';
}

async function sendOne(target: NotifyTarget, message: Message, options: SendOptions): Promise<NotificationOutcome> {
  const base = { type: target.type, target: target.urlVariable };
  const events = triggeredEvents(message, target);
  if (events.length === 0)
    return { ...base, status: 'skipped', attempts: 0, message: `nothing in on: [${target.on.join(', ')}] changed since the previous run` };
  const unsafe = unsafeUrl(target.url);
  if (unsafe !== undefined) return { ...base, status: 'failed', attempts: 0, message: unsafe };
  const attempts = Math.max(1, options.attempts ?? 3);
  let delay = options.backoffMs ?? 500;
  let last = '';
  for (let n = 1; n <= attempts; n++) {
    const outcome = await attemptOnce(target, message, options);
    if (outcome.ok) return { ...base, status: 'sent', attempts: n, message: `sent for ${events.join(', ')}` };
    last = options.redact(outcome.why);
    if (!outcome.retry || n === attempts) return { ...base, status: 'failed', attempts: n, message: last };
    await options.sleep(delay);
    delay *= 2;
  }
  return { ...base, status: 'failed', attempts, message: last };
}

/** One outcome per target, in configuration order. Without history nothing is sent: there is no "change" to tell. */
export async function sendNotifications(
  targets: readonly NotifyTarget[],
  result: RunReport,
  options: SendOptions,
): Promise<NotificationOutcome[]> {
  if (result.history === undefined) {
    return targets.map((t) => ({
      type: t.type,
      target: t.urlVariable,
      status: 'skipped',
      attempts: 0,
      message: 'notifications need the run history (--history DIR or history: in the configuration) to know what changed',
    }));
  }
  const message = messageOf(result);
  const out: NotificationOutcome[] = [];
  // One after another: a handful of targets, and the order of stderr lines stays stable.
  for (const target of targets) out.push(await sendOne(target, message, options));
  return out;
}
