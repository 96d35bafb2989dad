// A manual clock for tests: time moves only when the test advances it; sleeps are observable.

import type { Clock } from '../../src/runtime/clock.js';

interface Sleeper {
  readonly until: number;
  readonly resolve: () => void;
}

/** A clock the test drives: `advance(ms)` fires due sleeps in order; `sleepers()` tells what is waiting. */
export class ManualClock implements Clock {
  #now: number;
  readonly #sleepers = new Set<Sleeper>();
  readonly #watchers: (() => void)[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        until: this.#now + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#sleepers.delete(sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.add(sleeper);
      for (const watcher of this.#watchers.splice(0)) watcher();
    });
  }

  /** Pending sleeps (a leak check: zero when everything finished). */
  get pending(): number {
    return this.#sleepers.size;
  }

  /** Resolves once at least `count` sleeps are pending. */
  async untilSleepers(count = 1): Promise<void> {
    while (this.#sleepers.size < count)
      await new Promise<void>((resolve) => this.#watchers.push(resolve));
  }

  /** Moves time forward and wakes every sleep that is due, oldest deadline first. */
  advance(ms: number): void {
    this.#now += ms;
    const due = [...this.#sleepers]
      .filter((s) => s.until <= this.#now)
      .sort((a, b) => a.until - b.until);
    for (const sleeper of due) {
      this.#sleepers.delete(sleeper);
      sleeper.resolve();
    }
  }
}
