// Waits for a promise for at most `ms`, or until a signal aborts — without ever cancelling the work
// behind the promise (a durable input's completion outlives the request that waited for it).

/** The promise's value, or `null` when the time ran out or a signal aborted first. */
export function waitFor<T>(
  promise: Promise<T>,
  ms: number,
  signals: readonly AbortSignal[],
): Promise<T | null> {
  return new Promise<T | null>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', giveUp);
    };
    function giveUp(): void {
      cleanup();
      resolve(null);
    }
    if (signals.some((signal) => signal.aborted)) {
      resolve(null);
      return;
    }
    for (const signal of signals) signal.addEventListener('abort', giveUp, { once: true });
    const timer = setTimeout(giveUp, ms);
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
