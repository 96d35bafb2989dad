// A small keyed mutex: one holder per key, FIFO hand-off, and the map entry is removed when idle.

import { onAbort } from '../core/abort.js';

/** Releases a held lock. Calling it twice is a no-op. */
export type Release = () => void;

interface Slot {
  readonly waiters: (() => void)[];
}

/**
 * Serialises work per key (the per-session mutation gate). Waiters are served in arrival order; the
 * lock is handed directly to the next waiter, so no newcomer can barge in between.
 *
 * @example
 * const release = await mutex.lock('s1');
 * try { ... } finally { release(); }
 */
export class KeyedMutex {
  readonly #slots = new Map<string, Slot>();

  /** Waits for the lock on `key`. With `signal`, an abort while waiting rejects with `signal.reason`. */
  lock(key: string, signal?: AbortSignal): Promise<Release> {
    signal?.throwIfAborted();
    const slot = this.#slots.get(key);
    if (slot === undefined) {
      this.#slots.set(key, { waiters: [] });
      return Promise.resolve(this.#releaser(key));
    }
    return new Promise<Release>((resolve, reject) => {
      const grant = (): void => {
        stopListening();
        resolve(this.#releaser(key));
      };
      slot.waiters.push(grant);
      const stopListening = onAbort(signal, (reason) => {
        const index = slot.waiters.indexOf(grant);
        if (index >= 0) slot.waiters.splice(index, 1);
        reject(reason);
      });
    });
  }

  /** Runs `work` holding the lock on `key`. */
  async with<T>(key: string, work: () => Promise<T> | T, signal?: AbortSignal): Promise<T> {
    const release = await this.lock(key, signal);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** True when `key` is held. */
  isLocked(key: string): boolean {
    return this.#slots.has(key);
  }

  /** Number of keys currently held (a leak check: zero when idle). */
  get size(): number {
    return this.#slots.size;
  }

  #releaser(key: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const slot = this.#slots.get(key);
      const next = slot?.waiters.shift();
      if (next !== undefined) next();
      else this.#slots.delete(key);
    };
  }
}
