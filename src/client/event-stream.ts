// A session's event stream as an async iterator: SSE frames parsed into runtime events, resumed with
// `Last-Event-ID` after a drop or a server restart (no event lost, none repeated), until the session
// is unregistered. A server that cannot be reached at the first attempt fails at once.

import type { RuntimeEvent } from '../core/runtime-event.js';
import { BurrowUnreachableError } from './client-errors.js';
import type { SseMessage } from './sse-parser.js';
import { createSseParser } from './sse-parser.js';
import { onAbort } from '../core/abort.js';

/** Why a stream ended, as the server said it (`end` frame), or `dropped` when the connection broke. */
export type StreamEndReason =
  'session_ended' | 'server_shutdown' | 'overflow' | 'error' | 'dropped';

/** Options of an event stream. */
export interface EventStreamOptions {
  /** Replay the events after this sequence number first (0: everything); absent: new events only. */
  readonly since?: number;
  /** Ends the iteration (it rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Reconnections in a row without an event before giving up (default 5). */
  readonly reconnectAttempts?: number;
  /** The first reconnection delay; it doubles each time, up to 5 s (default 250 ms). */
  readonly retryDelayMs?: number;
  /** Called when a connection ended, with the reason, before reconnecting or returning. */
  readonly onEnd?: (reason: StreamEndReason) => void;
  /** Called before each reconnection, with the sequence number it resumes after. */
  readonly onReconnect?: (info: {
    readonly afterSeq: number | null;
    readonly attempt: number;
  }) => void;
}

/** Opens one connection; the headers carry `Last-Event-ID` when resuming. */
export type OpenStream = (
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
) => Promise<Response>;

const END_REASONS: readonly StreamEndReason[] = [
  'session_ended',
  'server_shutdown',
  'overflow',
  'error',
];

function endReason(message: SseMessage): StreamEndReason {
  try {
    const { reason } = JSON.parse(message.data) as { reason?: unknown };
    return END_REASONS.find((r) => r === reason) ?? 'error';
  } catch {
    return 'error';
  }
}

/** Waits `ms`, or rejects with the signal's reason. Clears its timer and listener either way. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      stopListening();
      resolve();
    }, ms);
    const stopListening = onAbort(signal, (reason) => {
      clearTimeout(timer);
      reject(reason);
    });
  });
}

/** The SSE messages of one response body, until it ends. */
async function* messages(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const parser = createSseParser();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** The events of one session across as many connections as it takes. */
export async function* sessionEvents(
  open: OpenStream,
  options: EventStreamOptions = {},
  url = '',
): AsyncGenerator<RuntimeEvent> {
  const signal = options.signal ?? new AbortController().signal;
  const attempts = options.reconnectAttempts ?? 5;
  let cursor: number | null = options.since ?? null;
  let connected = false;
  let failures = 0;
  for (;;) {
    if (signal.aborted) throw signal.reason as Error;
    const headers: Record<string, string> =
      cursor === null ? {} : { 'last-event-id': String(cursor) };
    let reason: StreamEndReason = 'dropped';
    try {
      const response = await open(headers, signal);
      connected = true;
      for await (const message of messages(response.body ?? new ReadableStream())) {
        // Frames already read when the signal aborted are not handed out.
        if (signal.aborted) throw signal.reason as Error;
        if (message.event === 'end') {
          reason = endReason(message);
          break;
        }
        const event = JSON.parse(message.data) as RuntimeEvent;
        // Transient events (no seq) are live only: yielded as they come, never a resume point.
        if (event.seq !== null) {
          // A replay after a reconnect may overlap what was already seen: skip it.
          if (cursor !== null && event.seq <= cursor) continue;
          cursor = event.seq;
        }
        failures = 0;
        yield event;
      }
    } catch (error: unknown) {
      if (signal.aborted) throw signal.reason as Error;
      // Refusals (404, 401, ...) are final; so is a server never reached at all.
      if (!(error instanceof BurrowUnreachableError) || !connected) throw error;
    }
    options.onEnd?.(reason);
    if (reason === 'session_ended') return;
    failures += 1;
    if (failures > attempts) {
      throw new BurrowUnreachableError(
        url,
        `lost the event stream after ${attempts} reconnections`,
      );
    }
    options.onReconnect?.({ afterSeq: cursor, attempt: failures });
    await pause(Math.min((options.retryDelayMs ?? 250) * 2 ** (failures - 1), 5000), signal);
  }
}
