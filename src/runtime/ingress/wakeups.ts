// Wake-ups between hosts (issue 11): what the store's LISTEN connection hears, handed to whoever is
// sleeping on it. A wake-up only cuts a poll short; every waiter polls anyway, so a lost wake-up
// (a dropped LISTEN connection, a store without NOTIFY) costs at most one poll interval.

import type { RuntimeId, StoreWakeup } from '../../store/runtime-store.js';
import type { Clock } from '../clock.js';

/** What a waiter sleeps on: new events of a session, mailbox work for this host, one answer. */
export type WakeKey = `events:${RuntimeId}` | 'mailbox' | `answer:${string}`;

/** The hub of wake-ups of one runtime. */
export interface Wakeups {
  /** Hands a store wake-up to its waiters. */
  notice(wake: StoreWakeup): void;
  /**
   * Sleeps `ms` or until a wake-up for `key` arrives, whichever is first. Rejects with
   * `signal.reason` when `signal` aborts.
   */
  wait(key: WakeKey, ms: number, signal?: AbortSignal): Promise<void>;
  /** Wakes every waiter now, and every later `wait` at once (the runtime closed: no timer outlives it). */
  release(): void;
}

/**
 * Creates the hub. `ownsSession` filters mailbox wake-ups: a request posted for a session another
 * host owns is not this host's work.
 */
export function createWakeups(
  clock: Clock,
  ownsSession: (runtimeId: RuntimeId) => boolean,
): Wakeups {
  const waiters = new Map<WakeKey, Set<() => void>>();
  let released = false;
  const wakeAll = (key: WakeKey): void => {
    for (const wake of waiters.get(key) ?? []) wake();
  };
  return {
    notice(wake) {
      switch (wake.kind) {
        case 'events':
          wakeAll(`events:${wake.runtimeId}`);
          return;
        case 'mailbox':
          if (ownsSession(wake.runtimeId)) wakeAll('mailbox');
          return;
        case 'answer':
          wakeAll(`answer:${wake.requestId}`);
          return;
      }
    },
    release() {
      released = true;
      for (const set of waiters.values()) for (const wake of set) wake();
    },
    async wait(key, ms, signal) {
      signal?.throwIfAborted();
      if (released) return;
      const woken = new AbortController();
      const wake = (): void => woken.abort();
      const set = waiters.get(key) ?? new Set<() => void>();
      waiters.set(key, set);
      set.add(wake);
      try {
        await clock.sleep(
          ms,
          signal === undefined ? woken.signal : AbortSignal.any([signal, woken.signal]),
        );
      } catch (error: unknown) {
        if (signal?.aborted === true) throw signal.reason;
        if (!woken.signal.aborted) throw error;
      } finally {
        set.delete(wake);
        if (set.size === 0) waiters.delete(key);
      }
    },
  };
}
