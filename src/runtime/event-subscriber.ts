// One event subscriber's bounded buffer of live events, by count and by bytes. Past either bound the
// subscriber has fallen behind: the buffer is dropped at once (it never holds more than its bounds) and
// the subscriber is ended with `overflow`, to resume from its cursor by replay.

import type { RuntimeEvent } from '../core/runtime-event.js';
import { serializedEvent } from './event-json.js';
import type { SessionEvents } from './session-events.js';
import { onAbort } from '../core/abort.js';

/** How far one subscriber may fall behind before it is ended with overflow. */
export interface SubscriberLimits {
  /** Live events buffered for a subscriber that has not pulled them yet (default 1,000). */
  readonly maxBufferedEvents: number;
  /** Their serialized size in UTF-8 bytes (default 1 MiB). */
  readonly maxBufferedBytes: number;
}

/** The default bounds of every subscriber of `runtime.events`. */
export const DEFAULT_SUBSCRIBER_LIMITS: SubscriberLimits = {
  maxBufferedEvents: 1_000,
  maxBufferedBytes: 1024 * 1024,
};

/** Totals over the live subscribers of one runtime (diagnostics, leak checks, memory tests). */
export interface SubscriberStatistics {
  readonly subscribers: number;
  readonly bufferedEvents: number;
  readonly bufferedBytes: number;
}

/**
 * A FIFO of events with a byte count. `push` refuses (and empties the buffer for good) when the event
 * would take it past a bound; an empty buffer always takes one event, so a subscriber that keeps up is
 * never ended for a single large event.
 */
export class SubscriberBuffer {
  #events: (RuntimeEvent | undefined)[] = [];
  #head = 0;
  #bytes = 0;
  #overflowed = false;

  constructor(readonly limits: SubscriberLimits) {}

  /** Adds a live event; false when the subscriber has fallen behind (now or earlier). */
  push(event: RuntimeEvent): boolean {
    if (this.#overflowed) return false;
    const { bytes } = serializedEvent(event);
    const size = this.size;
    if (
      size > 0 &&
      (size + 1 > this.limits.maxBufferedEvents ||
        this.#bytes + bytes > this.limits.maxBufferedBytes)
    ) {
      this.#overflowed = true;
      this.#events = [];
      this.#head = 0;
      this.#bytes = 0;
      return false;
    }
    this.#events.push(event);
    this.#bytes += bytes;
    return true;
  }

  /** The oldest buffered event, removed; undefined when empty. */
  shift(): RuntimeEvent | undefined {
    if (this.#head >= this.#events.length) return undefined;
    const event = this.#events[this.#head];
    this.#events[this.#head++] = undefined;
    // Compact now and then instead of Array#shift, which copies the whole array each time.
    if (this.#head === this.#events.length) {
      this.#events = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#events.length) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
    if (event !== undefined) this.#bytes -= serializedEvent(event).bytes;
    return event;
  }

  /** Events waiting. */
  get size(): number {
    return this.#events.length - this.#head;
  }

  /** Their serialized size. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True once the subscriber fell behind; it stays so. */
  get overflowed(): boolean {
    return this.#overflowed;
  }
}

/** A live subscription to one session's published events, through a bounded buffer. */
export interface LiveSubscription {
  /** The oldest event not pulled yet. */
  shift(): RuntimeEvent | undefined;
  /** True once the subscriber fell behind (its buffer is gone). */
  readonly overflowed: boolean;
  /** True once the session's stream ended or the signal aborted. */
  readonly ended: boolean;
  /** Resolves at the next publish, overflow or end. */
  wait(): Promise<void>;
  /** Unsubscribes and releases everything; idempotent. */
  release(): void;
}

/**
 * Subscribes to `events` through a new buffer registered in `live` (for statistics) until released.
 * Past a bound the buffer is dropped, the subscription released, and `onOverflow` called.
 */
export function subscribeLive(
  events: Pick<SessionEvents, 'subscribe' | 'onClose'>,
  limits: SubscriberLimits,
  options: {
    readonly live: Set<SubscriberBuffer>;
    readonly signal?: AbortSignal | undefined;
    readonly onOverflow?: (() => void) | undefined;
  },
): LiveSubscription {
  const { live, signal } = options;
  const buffer = new SubscriberBuffer(limits);
  let wake: (() => void) | null = null;
  let ended = false;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const onEnd = (): void => {
    ended = true;
    notify();
  };
  live.add(buffer);
  const unsubscribe = events.subscribe((event) => {
    const kept = buffer.push(event);
    if (!kept) release();
    notify();
    // Last: a hook that throws is reported by the publisher and cannot undo the release.
    if (!kept) options.onOverflow?.();
  });
  const unclose = events.onClose(onEnd);
  const stopListening = onAbort(signal, onEnd);
  // One place releases everything the subscription holds; it runs on overflow and when iteration ends.
  function release(): void {
    unsubscribe();
    unclose();
    stopListening();
    live.delete(buffer);
  }
  return {
    shift: () => buffer.shift(),
    get overflowed() {
      return buffer.overflowed;
    },
    get ended() {
      return ended || signal?.aborted === true;
    },
    wait: () => new Promise<void>((resolve) => (wake = resolve)),
    release,
  };
}

/** Sums the statistics of `buffers`. */
export function subscriberStatistics(buffers: Iterable<SubscriberBuffer>): SubscriberStatistics {
  let subscribers = 0;
  let bufferedEvents = 0;
  let bufferedBytes = 0;
  for (const buffer of buffers) {
    subscribers += 1;
    bufferedEvents += buffer.size;
    bufferedBytes += buffer.bytes;
  }
  return { subscribers, bufferedEvents, bufferedBytes };
}
