// Waits for a promise for at most `ms`, or until a signal aborts — without ever cancelling the work
// behind the promise (a durable input's completion outlives the request that waited for it).

import { onAbort } from '../core/abort.js';

/** The promise's value, or `null` when the time ran out or a signal aborted first. */
export function waitFor<T>(
  promise: Promise<T>,
  ms: number,
  signals: readonly AbortSignal[],
): Promise<T | null> {
  return new Promise<T | null>((resolve, reject) => {
    if (signals.some((signal) => signal.aborted)) {
      resolve(null);
      return;
    }
    const cleanup = (): void => {
      clearTimeout(timer);
      for (const stop of stopListening) stop();
    };
    const giveUp = (): void => {
      cleanup();
      resolve(null);
    };
    const timer = setTimeout(giveUp, ms);
    const stopListening = signals.map((signal) => onAbort(signal, giveUp));
    promise.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}
