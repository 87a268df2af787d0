import { createRequire } from 'node:module';
import type { isIP as IsIp } from 'node:net';

/**
 * `node:net` is loaded on first use: loading it costs start-up time (issue 17) that a
 * configuration without endpoints or webhook URLs never needs.
 */
const requireFromHere = createRequire(import.meta.url);
const isIP: typeof IsIp = (input) => (requireFromHere('node:net') as { isIP: typeof IsIp }).isIP(input);

/** Loopback only: 127.0.0.0/8, ::1 and `localhost` — the simulator, or a local debugging proxy. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return true;
  const family = isIP(lower);
  if (family === 4) return lower.split('.')[0] === '127';
  if (family === 6) return lower === '::1' || lower === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(lower);
  return false;
}
