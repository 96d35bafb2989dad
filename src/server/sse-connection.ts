// The socket under an SSE response, when the app runs on node:http (@hono/node-server passes the
// ServerResponse as `c.env.outgoing`): an ended stream whose client does not read its last bytes is
// destroyed, instead of holding the socket (and what node buffered for it) open forever.

import { ServerResponse } from 'node:http';
import type { Context } from 'hono';

/** What a stream may do to its connection. */
export interface SseConnection {
  /**
   * Destroys the connection unless the response has been flushed (or the connection closed) within
   * `ms`. Its timer and listeners go away when either happens.
   */
  closeAfter(ms: number): void;
}

/** The connection of a request served by node:http; undefined elsewhere (`app.request()` in tests). */
export function sseConnection(c: Context): SseConnection | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('outgoing' in env)) return undefined;
  const response = env.outgoing;
  if (!(response instanceof ServerResponse)) return undefined;
  return {
    closeAfter(ms) {
      if (response.writableFinished || response.destroyed) return;
      // A client that stopped reading never lets node flush the last frame: destroy the socket.
      const timer = setTimeout(() => response.destroy(), ms);
      timer.unref();
      const settled = (): void => {
        clearTimeout(timer);
        response.off('finish', settled);
        response.off('close', settled);
      };
      response.once('finish', settled);
      response.once('close', settled);
    },
  };
}
