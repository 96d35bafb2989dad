// Events of a session another live host owns (issue 11, item 5): this host neither activates nor
// claims it; it replays the session's events from the store and then tails them by seq, read when the
// owner's commit NOTIFYs (PostgreSQL) and polled every `eventPollMs` regardless, so a dropped LISTEN
// connection delays the tail by at most one poll and loses nothing. The owner writes every durable
// event in the commit that carries it, so what the store holds is exactly what the owner's subscribers see (transient events, seq null, are
// the owner's alone). Ends when the signal aborts, the runtime closes, or the session is unregistered.

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RuntimeEvent } from '../../core/runtime-event.js';
import type { RuntimeStore } from '../../store/runtime-store.js';
import { runtimeIdOf } from '../../store/runtime-store.js';
import type { EventStreamOptions } from './stream.js';
import type { RuntimeContext } from '../runtime-context.js';

/** Events read per store query. */
const PAGE = 200;

/**
 * Yields the stored events with `seq > since` (without `since`, only events written from now on), in
 * seq order, then polls for newer ones. Reads only: no lease, no session entry on this host.
 */
export async function* storeEventTail(
  ctx: RuntimeContext,
  store: RuntimeStore,
  sessionId: string,
  options: EventStreamOptions = {},
): AsyncGenerator<RuntimeEvent, void, undefined> {
  const runtimeId = runtimeIdOf(sessionId);
  const { signal } = options;
  const stopped = (): boolean => signal?.aborted === true || ctx.closing;
  let cursor = options.since ?? (await store.load(runtimeId))?.eventHighWater ?? 0;
  while (!stopped()) {
    const page = await store.readEvents(runtimeId, cursor, PAGE);
    for (const event of page) {
      if (event.seq <= cursor) continue;
      cursor = event.seq;
      yield event;
      if (stopped() || event.type === 'session.unregistered') return;
    }
    if (page.length === PAGE) {
      // A long backlog never holds the event loop.
      await nextTurn();
      continue;
    }
    try {
      // The owner's commit NOTIFYs (PostgreSQL): read at once; otherwise at the next poll.
      await ctx.wakeups.wait(`events:${runtimeId}`, ctx.options.eventPollMs, signal);
    } catch {
      return;
    }
  }
}
