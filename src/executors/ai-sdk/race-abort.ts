// Racing a promise against an AbortSignal, so a turn never waits on work that ignores its signal.

import { onAbort } from '../../core/abort.js';

/**
 * Resolves or rejects like `promise`, unless `signal` aborts first: then rejects with
 * `signal.reason` at once. The listener is removed in one place whichever side wins, and the
 * losing promise keeps a handler attached, so a late rejection is never unhandled.
 *
 * @example
 * const output = await raceAbort(tool.execute(input, { abortSignal: signal }), signal);
 */
export function raceAbort<T>(promise: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Fire-and-forget on purpose: keep a handler on the abandoned promise, it may reject later.
    void Promise.resolve(promise).catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const stopListening = onAbort(signal, () => reject(abortReason(signal)));
    // Settles the outer promise; the chain itself never rejects, so nothing floats unhandled.
    void Promise.resolve(promise).then(resolve, reject).finally(stopListening);
  });
}

/** The reason an aborted signal carries, as an `Error` (a non-error reason is wrapped). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(reason === undefined ? 'aborted' : describeReason(reason));
  error.name = 'AbortError';
  return error;
}

/** A short human-readable text for `signal.reason` ("interrupted by operator", "timeout"...). */
export function describeAbort(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message || reason.name;
  return reason === undefined ? 'aborted' : describeReason(reason);
}

function describeReason(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  try {
    return JSON.stringify(reason) ?? String(reason);
  } catch {
    return String(reason);
  }
}
