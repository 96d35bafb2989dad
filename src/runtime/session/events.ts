// The per-session event stream: seqs assigned in commit order, publication only after the commit that
// carries an event landed, transient events delivered live with no seq, a recent-events buffer for
// replay, and listeners that can never break the runtime.
//
// The rule this module holds (03, "Events"): a durable event gets its seq when its commit is built,
// under the session's gate, continuing after the last composed event; it is published once the store
// took it, and a failed commit releases its seqs (nobody saw them, nothing was written). So a seq is
// never published before it is durable (a crash cannot make the next incarnation reuse one a
// subscriber saw), never skipped, and a replay from the store equals what subscribers saw live.

import type {
  DurableEvent,
  DurableEventType,
  RuntimeEvent,
  RuntimeEventData,
  TransientEvent,
  TransientEventType,
} from '../../core/runtime-event.js';

/** A durable event before its commit gives it a seq. */
export type EventDraft = {
  [T in DurableEventType]: { readonly type: T; readonly data: RuntimeEventData[T] };
}[DurableEventType];

/** A transient event before it is published. */
export type TransientDraft = {
  [T in TransientEventType]: { readonly type: T; readonly data: RuntimeEventData[T] };
}[TransientEventType];

/** Receives events; a throw is caught and reported, never propagated. */
export type EventListener = (event: RuntimeEvent) => void;

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
  /** The seq the next composed event gets (beyond `#nextSeq` while composed commits are in flight). */
  #composedSeq: number;
  #recent: DurableEvent[] | null = null;
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
    this.#composedSeq = highWater + 1;
  }

  /** The seq of the last published durable event (0 when none). */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  /**
   * Gives the drafts of one commit their seqs, continuing after the last composed event. Several
   * compositions may be outstanding (accepts written ahead share a write, session/writer.ts); their
   * commits land in the order they were composed, and each is published or released by its own call.
   */
  compose(drafts: readonly EventDraft[]): readonly DurableEvent[] {
    const at = this.shared.now();
    const first = this.#composedSeq;
    const events = drafts.map(
      (draft, i) =>
        ({
          seq: first + i,
          id: `${this.epochId}.${first + i}`,
          at,
          sessionId: this.sessionId,
          type: draft.type,
          data: draft.data,
        }) as DurableEvent,
    );
    this.#composedSeq += events.length;
    return events;
  }

  /**
   * The commit that carried `events` (one composition) landed: they are published, in seq order.
   * Commits land in composition order, so they continue right after the last published event; one
   * that does not is a bug, and it throws rather than publish a gap.
   */
  committed(events: readonly DurableEvent[]): void {
    const first = events[0];
    if (first === undefined) return;
    if (first.seq !== this.#nextSeq)
      throw new Error(
        `session ${this.sessionId}: event ${first.seq} landed before ${this.#nextSeq}`,
      );
    this.#nextSeq += events.length;
    for (const event of events) {
      // Exact-size arrays on first use: most sessions hold one or two events.
      if (this.#recent === null) this.#recent = [event];
      else this.#recent.push(event);
      if (this.#recent.length > this.shared.recentLimit) this.#recent.shift();
      this.#deliver(event);
    }
  }

  /**
   * The commit that carried `events` failed: their seqs and every later composed one are released
   * (nothing was written or published; a later composition was computed on the failed one and fails
   * with it).
   */
  abandoned(events: readonly DurableEvent[]): void {
    const first = events[0];
    if (first !== undefined) this.#composedSeq = Math.min(this.#composedSeq, first.seq);
  }

  /** Publishes a transient event at once: no seq; `after` places it after the last durable event. */
  emitTransient(draft: TransientDraft): TransientEvent {
    const event = {
      seq: null,
      id: null,
      after: this.lastSeq,
      at: this.shared.now(),
      sessionId: this.sessionId,
      type: draft.type,
      data: draft.data,
    } as TransientEvent;
    this.#deliver(event);
    return event;
  }

  /** Recent published durable events with `seq > since`, oldest first, and whether the buffer covers `since`. */
  recent(since: number): { events: DurableEvent[]; complete: boolean } {
    const recent = this.#recent ?? [];
    const first = recent[0];
    const complete = first === undefined ? since >= this.lastSeq : first.seq <= since + 1;
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

  /** Ends the stream and tells close listeners. */
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

  #deliver(event: RuntimeEvent): void {
    this.#safely(() => this.shared.fanout(event));
    for (const listener of this.#listeners ?? []) this.#safely(() => listener(event));
  }

  #safely(call: () => void): void {
    try {
      call();
    } catch (error: unknown) {
      this.shared.onListenerError(error);
    }
  }
}
