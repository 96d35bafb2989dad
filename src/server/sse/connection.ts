// The socket under an SSE response, when the app runs on node:http (@hono/node-server passes the
// ServerResponse as `c.env.outgoing`): an ended stream whose client does not read its last bytes is
// destroyed, instead of holding the socket (and what node buffered for it) open forever.

import { ServerResponse } from 'node:http';
import type { Context } from 'hono';

/** What a stream may do to its connection. */
export interface SseConnection {
  /**
   * Destroys the connection unless the response is flushed (or the connection closed) first: after
   * `idleMs` in which the client read nothing (no `drain`), or after `maxMs` in any case. Its timers
   * and listeners go away when either happens.
   */
  closeAfter(limits: { readonly idleMs: number; readonly maxMs: number }): void;
}

/** The connection of a request served by node:http; undefined elsewhere (`app.request()` in tests). */
export function sseConnection(c: Context): SseConnection | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('outgoing' in env)) return undefined;
  const response = env.outgoing;
  if (!(response instanceof ServerResponse)) return undefined;
  return {
    closeAfter({ idleMs, maxMs }) {
      if (response.writableFinished || response.destroyed) return;
      // A client that stopped reading never lets node flush the last frame: destroy the socket. One
      // that still reads (slowly) keeps it while it drains, up to maxMs.
      const destroy = (): void => {
        response.destroy();
      };
      let idle = setTimeout(destroy, idleMs);
      const deadline = setTimeout(destroy, maxMs);
      idle.unref();
      deadline.unref();
      const progress = (): void => {
        clearTimeout(idle);
        idle = setTimeout(destroy, idleMs);
        idle.unref();
      };
      const settled = (): void => {
        clearTimeout(idle);
        clearTimeout(deadline);
        response.off('drain', progress);
        response.off('finish', settled);
        response.off('close', settled);
      };
      response.on('drain', progress);
      response.once('finish', settled);
      response.once('close', settled);
    },
  };
}
