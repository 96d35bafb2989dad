// Listening for an abort in one way: the listener runs once with the signal's reason (at once when the
// signal has already aborted), and the caller removes it when its work settles, so a long-lived
// signal (a runtime's, a server's) holds no listener of work that is done.

const nothingToRemove = (): void => undefined;

/**
 * Calls `listener` with `signal.reason` once `signal` aborts: at once when it already has, never
 * without a signal. Returns the function that removes the listener; call it when the work settles.
 *
 * @example
 * const stop = onAbort(signal, (reason) => reject(reason));
 * try { return await work; } finally { stop(); }
 */
export function onAbort(
  signal: AbortSignal | null | undefined,
  listener: (reason: unknown) => void,
): () => void {
  if (signal === null || signal === undefined) return nothingToRemove;
  if (signal.aborted) {
    listener(signal.reason);
    return nothingToRemove;
  }
  const handler = (): void => listener(signal.reason);
  signal.addEventListener('abort', handler, { once: true });
  return () => signal.removeEventListener('abort', handler);
}
