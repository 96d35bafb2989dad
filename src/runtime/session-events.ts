// The per-session event stream: strictly increasing `seq`, publication in seq order, a recent-events
// buffer for replay, and listeners that can never break the runtime.
//
// Events that belong to a store commit get their seq before the commit (they are written with it) but
// are published only after it lands; an event reserved later (a progress event) waits behind them, so
// subscribers always see seq order. A failed commit discards its block: its seqs become a gap.

import type { RuntimeEvent, RuntimeEventData, RuntimeEventType } from '../core/runtime-event.js';

/** An event before it has a seq. */
export type EventDraft = {
  [T in RuntimeEventType]: { readonly type: T; readonly data: RuntimeEventData[T] };
}[RuntimeEventType];

/** A reserved block of events: publish it once its commit landed, or discard it. */
export interface EventBlock {
  readonly events: readonly RuntimeEvent[];
  state: 'pending' | 'ready' | 'discarded';
}

/** Receives events; a throw is caught and reported, never propagated. */
export type EventListener = (event: RuntimeEvent) => void;

/** Events of one session. */
/** What every session's stream shares: the clock, the runtime-wide listeners, and error reporting. */
export interface EventsShared {
  readonly now: () => string;
  /** Receives every published event of every session (it must not throw). */
  readonly fanout: (event: RuntimeEvent) => void;
  readonly onListenerError: (error: unknown) => void;
  readonly recentLimit: number;
}

/** Events of one session. Collections are created on first use: an idle session costs little. */
export class SessionEvents {
  #nextSeq: number;
  #blocks: EventBlock[] | null = null;
  #recent: RuntimeEvent[] | null = null;
  #listeners: Set<EventListener> | null = null;
  #closeListeners: Set<() => void> | null = null;
  #closed = false;

  constructor(
    readonly sessionId: string,
    readonly epochId: string,
    highWater: number,
    private readonly shared: EventsShared,
  ) {
    this.#nextSeq = highWater + 1;
  }

  /** The seq the next event will get. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Assigns seqs to drafts and holds them until the block is published or discarded. */
  reserve(drafts: readonly EventDraft[]): EventBlock {
    const at = this.shared.now();
    const events = drafts.map(
      (draft) =>
        ({
          seq: this.#nextSeq,
          id: `${this.epochId}.${this.#nextSeq++}`,
          at,
          sessionId: this.sessionId,
          type: draft.type,
          data: draft.data,
        }) as RuntimeEvent,
    );
    const block: EventBlock = { events, state: 'pending' };
    if (events.length > 0) {
      if (this.#blocks === null) this.#blocks = [block];
      else this.#blocks.push(block);
    }
    return block;
  }

  /** Marks a block ready (its commit landed) and publishes every ready block at the head, in order. */
  publish(block: EventBlock): void {
    block.state = 'ready';
    this.#flush();
  }

  /** Drops a block whose commit failed; its seqs stay unused. */
  discard(block: EventBlock): void {
    block.state = 'discarded';
    this.#flush();
  }

  /** Reserves and publishes at once (events not tied to a commit). */
  emitNow(drafts: readonly EventDraft[]): readonly RuntimeEvent[] {
    const block = this.reserve(drafts);
    this.publish(block);
    return block.events;
  }

  /** Recent published events with `seq > since`, oldest first, and whether the buffer covers `since`. */
  recent(since: number): { events: RuntimeEvent[]; complete: boolean } {
    const recent = this.#recent ?? [];
    const first = recent[0];
    const complete = first === undefined ? since >= this.#nextSeq - 1 : first.seq <= since + 1;
    return { events: recent.filter((event) => event.seq > since), complete };
  }

  /** Subscribes to published events; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    const listeners = (this.#listeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Called once when the session's stream ends (unregister, runtime close). */
  onClose(listener: () => void): () => void {
    if (this.#closed) {
      listener();
      return () => undefined;
    }
    const listeners = (this.#closeListeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Ends the stream: publishes what is ready, then tells close listeners. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#closeListeners ?? []) this.#safely(listener);
    this.#closeListeners = null;
    this.#listeners = null;
  }

  get closed(): boolean {
    return this.#closed;
  }

  #flush(): void {
    const blocks = this.#blocks;
    if (blocks === null) return;
    while (blocks.length > 0 && (blocks[0] as EventBlock).state !== 'pending') {
      const block = blocks.shift() as EventBlock;
      if (block.state === 'discarded') continue;
      for (const event of block.events) {
        // Exact-size arrays on first use: most sessions hold one or two events.
        if (this.#recent === null) this.#recent = [event];
        else this.#recent.push(event);
        if (this.#recent.length > this.shared.recentLimit) this.#recent.shift();
        this.#safely(() => this.shared.fanout(event));
        for (const listener of this.#listeners ?? []) this.#safely(() => listener(event));
      }
    }
    if (blocks.length === 0) this.#blocks = null;
  }

  #safely(call: () => void): void {
    try {
      call();
    } catch (error: unknown) {
      this.shared.onListenerError(error);
    }
  }
}
