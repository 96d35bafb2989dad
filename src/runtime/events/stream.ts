// `events(id, { since, signal })`: an async iterable over a session's events — replay, then live —
// through a bounded buffer per subscriber, so a consumer that stops pulling costs a bounded amount of
// memory and is ended with `overflow`, and a long backlog never holds the event loop.
//
// Modes, in order: store replay (one page of about 1 MiB at a time, while memory does not cover the cursor) → memory
// replay (a copy of the session's recent events, taken in the same tick as the subscription, so nothing
// falls between the two) → live (the subscriber's buffer). Every mode stops at once when the signal
// aborts; transient events (`seq: null`) are live only, never replayed.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { BurrowError } from '../../core/errors.js';
import type { RuntimeEvent } from '../../core/runtime-event.js';
import { serializedEvent } from './json.js';
import type { SubscriberLimits, SubscriberStatistics } from './subscriber.js';
import type { SubscriberBuffer } from './subscriber.js';
import { DEFAULT_SUBSCRIBER_LIMITS, subscribeLive, subscriberStatistics } from './subscriber.js';
import { requireEntry } from '../session/refusals.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { EventStreamOptions } from '../runtime-reports.js';

export type { EventStreamOptions } from '../runtime-reports.js';

/** A replay reads the store a page at a time: at most this many events... */
const PAGE_EVENTS = 500;
/** ...and about this many bytes (the next page's size follows the sizes seen so far). */
const PAGE_BYTES = 1024 * 1024;
/** Events yielded back to back before the stream lets the event loop run (timers, sockets, health checks). */
const CHUNK = 64;

const live = new WeakMap<RuntimeContext, Set<SubscriberBuffer>>();

/** Totals over the runtime's live subscribers (for diagnostics). */
export function eventSubscriberStatistics(ctx: RuntimeContext): SubscriberStatistics {
  return subscriberStatistics(live.get(ctx) ?? []);
}

// Large events make short pages, so a replay holds about PAGE_BYTES whatever the events weigh.
function nextPageSize(page: readonly RuntimeEvent[]): number {
  let bytes = 0;
  for (const event of page) bytes += serializedEvent(event).bytes;
  const average = page.length === 0 ? 1 : Math.max(1, bytes / page.length);
  return Math.max(1, Math.min(PAGE_EVENTS, Math.floor(PAGE_BYTES / average)));
}

function overflowError(sessionId: string, limits: SubscriberLimits, cursor: number): BurrowError {
  return new BurrowError(
    'queue_full',
    `the event subscriber of session ${sessionId} fell behind (more than ${limits.maxBufferedEvents} events or ${limits.maxBufferedBytes} bytes waiting): resume with since=${cursor}`,
    { sessionId, limit: limits.maxBufferedEvents },
  );
}

/**
 * Yields the session's events with `seq > since` (replayed from memory, or page by page from the store
 * when memory no longer covers `since`), then live events as they are published, in seq order and
 * without gaps in what was published durably. Without `since`, only new events. Ends when the signal
 * aborts or the session's stream ends (unregister, runtime close).
 *
 * A subscriber that lets more than `maxBufferedEvents` events or `maxBufferedBytes` bytes pile up
 * unpulled has fallen behind: its buffer is dropped at once and its next pull throws a `queue_full`
 * BurrowError (`overflow`); it resumes without a gap by calling `events` again with `since` set to the
 * last seq it received.
 *
 * @example
 * let cursor = 0;
 * for (;;) {
 *   try {
 *     for await (const event of runtime.events('s1', { since: cursor, signal })) {
 *       if (event.seq !== null) cursor = event.seq;
 *     }
 *     break;
 *   } catch (error) {
 *     if (!isBurrowError(error, 'queue_full')) throw error; // fell behind: resume from the cursor
 *   }
 * }
 */
export async function* sessionEvents(
  ctx: RuntimeContext,
  sessionId: string,
  options: EventStreamOptions = {},
): AsyncGenerator<RuntimeEvent, void, undefined> {
  const entry = requireEntry(ctx, sessionId);
  const { signal } = options;
  const limits: SubscriberLimits = {
    maxBufferedEvents: options.maxBufferedEvents ?? DEFAULT_SUBSCRIBER_LIMITS.maxBufferedEvents,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_SUBSCRIBER_LIMITS.maxBufferedBytes,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new BurrowError('validation_failed', `${name} must be a positive integer`, {
        sessionId,
        issues: [`${name}: a positive integer`],
      });
    }
  }
  let cursor = options.since ?? entry.events.lastSeq;
  let backToBack = 0;
  const stopped = (): boolean => signal?.aborted === true;
  // A consumer that never awaits real I/O would otherwise run a whole backlog as one microtask chain.
  const breathe = async (): Promise<void> => {
    backToBack += 1;
    if (backToBack < CHUNK) return;
    backToBack = 0;
    await nextTurn();
  };

  // Yields the events after the cursor, durable ones only (transient events are never replayed).
  const replay = async function* (events: Iterable<RuntimeEvent>) {
    for (const event of events) {
      if (event.seq === null || event.seq <= cursor) continue;
      cursor = event.seq;
      yield event;
      if (stopped()) return;
      await breathe();
    }
  };

  if (options.since !== undefined && ctx.store !== null) {
    let pageSize = 64;
    while (!stopped() && !entry.events.recent(cursor).complete) {
      const page = await ctx.store.readEvents(entry.runtimeId, cursor, pageSize);
      pageSize = nextPageSize(page);
      const before = cursor;
      yield* replay(page);
      // The store holds nothing newer (a storeless gap, or events not written yet): memory is all there is.
      if (cursor === before) break;
    }
  }
  if (stopped()) return;

  // One tick: copy what memory holds after the cursor and subscribe, so no event falls between them.
  const backlog = options.since === undefined ? [] : entry.events.recent(cursor).events;
  const buffers = live.get(ctx) ?? new Set<SubscriberBuffer>();
  live.set(ctx, buffers);
  const subscription = subscribeLive(entry.events, limits, {
    live: buffers,
    signal,
    onOverflow: options.onOverflow,
  });
  try {
    yield* replay(backlog);
    for (;;) {
      if (stopped()) return;
      const event = subscription.shift();
      if (event === undefined) {
        if (subscription.overflowed) throw overflowError(sessionId, limits, cursor);
        if (subscription.ended) return;
        backToBack = 0;
        await subscription.wait();
        continue;
      }
      // Transient events have no seq: delivered live as they come, never replayed.
      if (event.seq !== null) {
        if (event.seq <= cursor) continue;
        cursor = event.seq;
      }
      yield event;
      await breathe();
    }
  } finally {
    subscription.release();
  }
}
