// `events(id, { since, signal })`: an async iterable over a session's events — replay, then live.

import type { RuntimeEvent } from '../core/runtime-event.js';
import { requireEntry } from './machine-errors.js';
import type { RuntimeContext } from './runtime-context.js';

const PAGE = 500;

/**
 * Yields the session's events with `seq > since` (replayed from memory, or from the store when memory
 * no longer covers `since`), then live events as they are published, in seq order and without gaps in
 * what was published. Without `since`, only new events. Ends when the signal aborts or the session's
 * stream ends (unregister, runtime close).
 */
export async function* sessionEvents(
  ctx: RuntimeContext,
  sessionId: string,
  options: { since?: number; signal?: AbortSignal } = {},
): AsyncGenerator<RuntimeEvent, void, undefined> {
  const entry = requireEntry(ctx, sessionId);
  const { signal } = options;
  const buffer: RuntimeEvent[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const unsubscribe = entry.events.subscribe((event) => {
    buffer.push(event);
    notify();
  });
  const unclose = entry.events.onClose(() => {
    ended = true;
    notify();
  });
  const onAbort = (): void => {
    ended = true;
    notify();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let last = options.since ?? entry.events.lastSeq;
    if (options.since !== undefined) {
      const recent = entry.events.recent(last);
      if (!recent.complete && ctx.store !== null) {
        const until = recent.events[0]?.seq ?? Number.POSITIVE_INFINITY;
        for (;;) {
          const page = await ctx.store.readEvents(entry.runtimeId, last, PAGE);
          for (const event of page) {
            if (event.seq >= until || signal?.aborted === true) break;
            last = event.seq;
            yield event;
          }
          if (page.length < PAGE || last + 1 >= until || signal?.aborted === true) break;
        }
      }
      for (const event of recent.events) {
        if (event.seq <= last) continue;
        last = event.seq;
        yield event;
      }
    }
    for (;;) {
      while (buffer.length > 0) {
        const event = buffer.shift() as RuntimeEvent;
        // Transient events have no seq: delivered live as they come, never replayed.
        if (event.seq !== null) {
          if (event.seq <= last) continue;
          last = event.seq;
        }
        yield event;
      }
      if (ended || signal?.aborted === true) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    unsubscribe();
    unclose();
    signal?.removeEventListener('abort', onAbort);
  }
}
