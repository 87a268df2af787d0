import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/**
 * Serves `server` on a free 127.0.0.1 port from before the calling file's tests until after them
 * (open connections are cut, so a test that left one hanging does not stall the run). `url` is the
 * base URL and can be read only inside tests and hooks.
 */
export function useLoopbackServer(server: Server): { readonly url: URL } {
  let url: URL | undefined;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    get url(): URL {
      if (url === undefined) throw new Error('the loopback server is not listening (read its url inside a test)');
      return url;
    },
  };
}
