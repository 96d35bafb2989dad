// Server-Sent Event streams: framing, heartbeats, backpressure, and the registry that ends every open
// stream when the server shuts down. A stream ends with an `end` event that says why.

import { toError } from '../core/errors.js';
import type { ServerLogger } from './server-logger.js';

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
   * Queues an event. Resolves at once while the client keeps up, else once it has read (await it to be
   * paced by the client). A no-op once the stream ended.
   */
  send(event: SseEvent): Promise<void>;
}

/** Options of one stream. */
export interface SseOptions {
  readonly heartbeatMs: number;
  /** The request's signal: aborts when the client disconnects. */
  readonly requestSignal: AbortSignal;
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

const encoder = new TextEncoder();
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

/** Buffering limits of a registry's streams. */
export interface StreamLimits {
  /** Frames queued for a client before `send` waits for it to read (default 64). */
  readonly highWater?: number;
  /** Frames queued at most; one more ends the stream with `overflow` (default 1,000). */
  readonly maxBuffered?: number;
  /** A sender waiting this long for a client that reads nothing ends it with `overflow` (default 30 s). */
  readonly stallMs?: number;
}

/**
 * Creates the registry of one app's streams. A sender that awaits `send` is paced by its client
 * (backpressure); a client that stops reading for `stallMs`, or falls `maxBuffered` frames behind a
 * sender that cannot wait, gets `end` with `overflow` — it reconnects (with `Last-Event-ID` where the
 * route replays), and a stalled reader never costs unbounded memory.
 */
export function createStreamRegistry(log: ServerLogger, limits: StreamLimits = {}): StreamRegistry {
  const highWater = limits.highWater ?? 64;
  const maxBuffered = limits.maxBuffered ?? 1000;
  const stallMs = limits.stallMs ?? 30_000;
  const ends = new Set<(reason: SseEndReason) => void>();
  let closed = false;

  const open = (options: SseOptions, run: (channel: SseChannel) => Promise<SseEndReason>) => {
    const abort = new AbortController();
    let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
    let finished = false;
    let heartbeat: NodeJS.Timeout | undefined;
    let room: { promise: Promise<void>; resolve: () => void; stall: NodeJS.Timeout } | null = null;
    const releaseRoom = (): void => {
      if (room === null) return;
      clearTimeout(room.stall);
      room.resolve();
      room = null;
    };
    // One place releases everything a stream holds: timers, registry entry, listeners, waiting senders.
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearInterval(heartbeat);
      ends.delete(end);
      options.requestSignal.removeEventListener('abort', finish);
      abort.abort();
      releaseRoom();
    };
    const enqueue = (text: string): void => {
      if (finished || controller === null) return;
      try {
        controller.enqueue(encoder.encode(text));
      } catch {
        finish();
      }
    };
    const end = (reason: SseEndReason): void => {
      if (finished) return;
      enqueue(formatSse({ event: 'end', data: JSON.stringify({ reason }) }));
      try {
        controller?.close();
      } catch {
        // already closed by the client
      }
      finish();
    };
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          controller = c;
        },
        pull: releaseRoom,
        cancel: () => finish(),
      },
      new CountQueuingStrategy({ highWaterMark: highWater }),
    );
    const queued = (): number => highWater - (controller?.desiredSize ?? highWater);
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
      send(event) {
        if (finished) return Promise.resolve();
        if (queued() >= maxBuffered) {
          end('overflow');
          return Promise.resolve();
        }
        enqueue(formatSse(event));
        return queued() < highWater ? Promise.resolve() : waitForRoom();
      },
    };
    enqueue('retry: 2000\n: connected\n\n');
    if (closed || options.requestSignal.aborted) {
      end(closed ? 'server_shutdown' : 'closed');
    } else {
      ends.add(end);
      options.requestSignal.addEventListener('abort', finish, { once: true });
      heartbeat = setInterval(() => {
        if (queued() <= 0) enqueue(': heartbeat\n\n');
      }, options.heartbeatMs);
      heartbeat.unref();
      // Fire and forget: the stream's lifetime is the response's, and every exit path calls `end`.
      void run(channel).then(end, (error: unknown) => {
        log.error({ err: toError(error) }, 'event stream failed');
        end('error');
      });
    }
    return new Response(stream, { status: 200, headers: SSE_HEADERS });
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
