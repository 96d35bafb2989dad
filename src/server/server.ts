// startServer: listens with @hono/node-server, refuses a non-loopback address without a token, and
// closes in order — stop accepting, end event streams, wait for the socket to close.

import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { BurrowError } from '../core/errors.js';
import type { AppOptions } from './app.js';
import { createApp } from './app.js';
import { isLoopbackHost } from './loopback.js';
import { answerClientError } from './client-error.js';

/** Options of {@link startServer}. */
export interface ServerOptions extends AppOptions {
  /** Address to listen on; anything but loopback needs a token. */
  readonly host: string;
  /** Port; 0 picks a free one (read it from `url`). */
  readonly port: number;
  /** After this long, `close()` drops connections still open (default 5,000 ms). */
  readonly closeGraceMs?: number;
}

/** A listening server. */
export interface RunningServer {
  /** `http://host:port` as bound. */
  readonly url: string;
  /** Stops accepting, ends SSE streams, resolves when the socket is closed. Idempotent. Does not close the runtime. */
  close(): Promise<void>;
}

/**
 * Starts the HTTP server.
 *
 * @example
 * const server = await startServer({ runtime, executorFactory: () => echoExecutor(), host: '127.0.0.1', port: 7420 });
 * console.log(server.url);
 * await server.close();
 * await runtime.close();
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!isLoopbackHost(options.host) && options.token === undefined) {
    throw new BurrowError(
      'validation_failed',
      `refusing to listen on ${options.host} without a token: set a token (BURROW_TOKEN) or listen on 127.0.0.1`,
      { issues: ['token: required when the host is not loopback'] },
    );
  }
  const bundle = createApp(options);
  // Without TLS or HTTP/2 options the adaptor builds a plain node:http server.
  const server = createAdaptorServer({ fetch: bundle.app.fetch }) as Server;
  server.on('clientError', answerClientError);
  let closing = false;
  const closeIdle = (): void => {
    server.closeIdleConnections();
  };
  // While closing, a connection that finishes its response (an SSE stream that just ended, a request
  // that was in flight) is idle: close it at once instead of waiting for the keep-alive timeout.
  server.on('request', (req, res) => {
    unused.delete(req.socket);
    res.on('finish', () => {
      if (closing) setImmediate(closeIdle);
    });
  });
  // Connections that never carried a request (clients pre-connect, e.g. after aborting a stream) are
  // not "idle" to node:http, and would hold `close()` until they time out.
  const unused = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, options.host);
  }).catch((error: unknown) => {
    bundle.shutdown();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${host}:${address.port}`,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing = true;
        bundle.shutdown();
        // A connection still busy after the grace period is dropped.
        const grace = setTimeout(() => {
          server.closeAllConnections();
        }, options.closeGraceMs ?? 5000);
        server.close((error) => {
          clearTimeout(grace);
          if (error === undefined) resolve();
          else reject(error);
        });
        closeIdle();
        for (const socket of unused) socket.destroy();
      });
      return closed;
    },
  };
}
