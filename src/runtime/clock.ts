// The injected clock: time and timers come from here, so tests control them instead of sleeping.

import { setTimeout as delay } from 'node:timers/promises';

/** Time and timers. `sleep` rejects with `signal.reason` when the signal aborts, and clears its timer. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    signal?.throwIfAborted();
    await delay(Math.max(0, ms), undefined, signal === undefined ? undefined : { signal });
  },
};

let lastMs = Number.NaN;
let lastIso = '';

/** ISO-8601 time for `ms` since the epoch (memoised for the last millisecond: it is asked for often). */
export function isoAt(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
