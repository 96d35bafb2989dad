// How `burrow serve` stops: a drain with a deadline, and the server and runtime closed together.

import { onAbort } from '../core/abort.js';
import type { Runtime } from '../runtime/runtime-api.js';
import { whenAborted } from './shutdown-signals.js';

/**
 * The signal that ends the drain: the second Ctrl-C, or `drainTimeoutMs` after the first one. Its
 * reason says which; `dispose` clears the timer.
 */
export function drainDeadline(
  graceful: AbortSignal,
  forced: AbortSignal,
  drainTimeoutMs: number,
  onTimeout: () => void,
): { signal: AbortSignal; timedOut: () => boolean; dispose(): void } {
  const deadline = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const start = (): void => {
    timer = setTimeout(() => {
      onTimeout();
      deadline.abort(new Error(`the drain took longer than ${drainTimeoutMs} ms`));
    }, drainTimeoutMs);
  };
  const stopListening = onAbort(graceful, start);
  return {
    signal: AbortSignal.any([forced, deadline.signal]),
    timedOut: () => deadline.signal.aborted && !forced.aborted,
    dispose() {
      clearTimeout(timer);
      stopListening();
    },
  };
}

/**
 * Stops accepting connections and drains the runtime at the same time: the runtime's close settles
 * the waiters of `?wait=` requests and ends SSE streams, which lets the server's close finish. When
 * `forced` aborts (the second signal, or the drain deadline) the runtime's close escalates to hard
 * cancel, and we stop waiting for the server.
 */
export async function stopEverything(
  server: { close(): Promise<void> } | null,
  runtime: Runtime | null,
  forced: AbortSignal,
): Promise<void> {
  const serverClosed = server?.close() ?? Promise.resolve();
  try {
    await runtime?.close({ signal: forced });
  } finally {
    await Promise.race([serverClosed, whenAborted(forced)]);
  }
}
