// Server-Sent Event streams: framing, heartbeats, backpressure, and the registry that ends every open
// stream when the server shuts down. A stream ends with an `end` event that says why.
//
// A stream is open (registered, heartbeating, its `run` writing) until `end(reason)`: the final frame
// is queued, everything the stream holds is released in `finish`, and the connection (when there is
// one) is destroyed if the client then reads nothing for `lingerMs` (or has not reached the end after
// `stallMs`). A client that stops reading costs at most the stream's queue bound; past it, or after
// `stallMs` without reading while a sender waits, the stream ends with `overflow`.

import { toError } from '../core/errors.js';
import type { ServerLogger } from './server-logger.js';
import type { SseConnection } from './sse-connection.js';
import { createFrameQueue } from './sse-queue.js';
import { onAbort } from '../core/abort.js';

/** One event on the wire. */
export interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

/** Why a stream ended (the `reason` of its final `end` event). */
export type SseEndReason = 'session_ended' | 'server_shutdown' | 'overflow' | 'error' | 'closed';

/** The writing side of one open stream. */
export interface SseChannel {
  /** Aborted when the client goes away, the server shuts down, or the stream ends. */
  readonly signal: AbortSignal;
  /**
   * Queues a framed event (see {@link formatSse}). Resolves at once while the client keeps up, else once
   * it has read (await it to be paced by the client). A frame past the queue's bound ends the stream
   * with `overflow`. A no-op once the stream ended.
   */
  send(frame: string): Promise<void>;
  /** Ends the stream now, as if `run` had resolved to `reason` (for callbacks that cannot return it). */
  end(reason: SseEndReason): void;
}

/** Options of one stream. */
export interface SseOptions {
  readonly heartbeatMs: number;
  /** The request's signal: aborts when the client disconnects. */
  readonly requestSignal: AbortSignal;
  /** The connection under the response, when there is one: destroyed if an ended stream is not read. */
  readonly connection?: SseConnection | undefined;
}

/** The open streams of one app; `shutdown` ends them all and refuses new ones. */
export interface StreamRegistry {
  /** Opens a stream whose events `run` writes; the stream ends with the reason `run` resolves to. */
  open(options: SseOptions, run: (channel: SseChannel) => Promise<SseEndReason>): Response;
  /** Ends every open stream with `server_shutdown`; later streams end at once. Idempotent. */
  shutdown(): void;
  /** How many streams are open. */
  size(): number;
}

const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ');

/** Frames one event (multi-line data becomes several `data:` lines). */
export function formatSse(event: SseEvent): string {
  let out = '';
  if (event.id !== undefined) out += `id: ${oneLine(event.id)}\n`;
  if (event.event !== undefined) out += `event: ${oneLine(event.event)}\n`;
  for (const line of event.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** The headers of every event-stream response. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/** The reconnection delay a stream announces (`retry:`), in ms. */
export const SSE_RETRY_MS = 2000;

/** Buffering limits of a registry's streams. */
export interface StreamLimits {
  /** Bytes queued for a client before `send` waits for it to read (default 64 KiB). */
  readonly highWaterBytes?: number;
  /** Bytes queued at most; a frame past it ends the stream with `overflow` (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  /** Frames queued at most; one more ends the stream with `overflow` (default 1,000). */
  readonly maxBufferedFrames?: number;
  /** A sender waiting this long for a client that reads nothing ends it with `overflow` (default 30 s). */
  readonly stallMs?: number;
  /**
   * After the final frame, how long a client may read nothing before its connection is destroyed
   * (default 2 s); one that keeps reading has up to `stallMs` to reach the end.
   */
  readonly lingerMs?: number;
}

/**
 * Creates the registry of one app's streams. A sender that awaits `send` is paced by its client
 * (backpressure); a client that stops reading for `stallMs`, or falls `maxBufferedBytes` or
 * `maxBufferedFrames` behind a sender that cannot wait, gets `end` with `overflow` and its connection
 * closed — it reconnects (with `Last-Event-ID` where the route replays), and a stalled reader never
 * costs more than the queue bound.
 */
export function createStreamRegistry(log: ServerLogger, limits: StreamLimits = {}): StreamRegistry {
  const highWater = limits.highWaterBytes ?? 64 * 1024;
  const queueLimits = {
    maxBytes: limits.maxBufferedBytes ?? 1024 * 1024,
    maxFrames: limits.maxBufferedFrames ?? 1000,
  };
  const stallMs = limits.stallMs ?? 30_000;
  const lingerMs = limits.lingerMs ?? 2_000;
  const ends = new Set<(reason: SseEndReason) => void>();
  let closed = false;

  const open = (options: SseOptions, run: (channel: SseChannel) => Promise<SseEndReason>) => {
    const abort = new AbortController();
    let finished = false;
    let heartbeat: NodeJS.Timeout | undefined;
    let stopListening = (): void => undefined;
    let room: { promise: Promise<void>; resolve: () => void; stall: NodeJS.Timeout } | null = null;
    const releaseRoom = (): void => {
      if (room === null) return;
      clearTimeout(room.stall);
      room.resolve();
      room = null;
    };
    const queue = createFrameQueue(queueLimits, {
      onTaken: () => {
        if (queue.bytes < highWater) releaseRoom();
      },
      onCancel: () => finish(),
    });
    // One place releases everything a stream holds: timers, registry entry, listeners, waiting senders.
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearInterval(heartbeat);
      ends.delete(end);
      stopListening();
      abort.abort();
      releaseRoom();
    };
    // The client went away: nothing will read what is queued.
    const gone = (): void => {
      queue.clear();
      finish();
    };
    const end = (reason: SseEndReason): void => {
      if (finished) return;
      // A client that fell behind resumes from the last event it received: what waits is dropped now.
      if (reason === 'overflow') queue.clear();
      queue.close(formatSse({ event: 'end', data: JSON.stringify({ reason }) }));
      finish();
      options.connection?.closeAfter({ idleMs: lingerMs, maxMs: stallMs });
    };
    const waitForRoom = (): Promise<void> => {
      if (room === null) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        room = { promise, resolve, stall: setTimeout(() => end('overflow'), stallMs) };
      }
      return room.promise;
    };
    const channel: SseChannel = {
      signal: abort.signal,
      send(frame) {
        if (finished) return Promise.resolve();
        if (!queue.push(frame)) {
          end('overflow');
          return Promise.resolve();
        }
        return queue.bytes < highWater ? Promise.resolve() : waitForRoom();
      },
      end: (reason) => end(reason),
    };
    queue.push(`retry: ${SSE_RETRY_MS}\n: connected\n\n`);
    if (closed || options.requestSignal.aborted) {
      end(closed ? 'server_shutdown' : 'closed');
    } else {
      ends.add(end);
      stopListening = onAbort(options.requestSignal, gone);
      heartbeat = setInterval(() => {
        if (queue.frames === 0) queue.push(': heartbeat\n\n');
      }, options.heartbeatMs);
      heartbeat.unref();
      // Fire and forget: the stream's lifetime is the response's, and every exit path calls `end`.
      void run(channel).then(end, (error: unknown) => {
        log.error({ err: toError(error) }, 'event stream failed');
        end('error');
      });
    }
    return new Response(queue.body, { status: 200, headers: SSE_HEADERS });
  };

  return {
    open,
    shutdown() {
      closed = true;
      for (const end of [...ends]) end('server_shutdown');
    },
    size: () => ends.size,
  };
}
