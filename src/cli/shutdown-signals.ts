// Graceful, then forced: the first SIGINT/SIGTERM asks for a drain, the second forces the shutdown.

import { onAbort } from '../core/abort.js';

/** The two stages of a shutdown, as abort signals. */
export interface ShutdownSignals {
  /** Aborts on the first signal: stop accepting work and drain. */
  readonly graceful: AbortSignal;
  /** Aborts on the second signal: hard-cancel whatever is still running. */
  readonly forced: AbortSignal;
  /** Removes the process listeners. Idempotent. */
  dispose(): void;
}

/** Something that emits process signals (the process itself, or a test double). */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * Listens for `signals` on `source`: the first one aborts `graceful`, the second aborts `forced`.
 * While installed, the signals no longer kill the process by default — the caller decides when to exit.
 */
export function listenForShutdown(
  onSignal: (stage: 'graceful' | 'forced', signal: NodeJS.Signals) => void = () => undefined,
  source: SignalSource = process,
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): ShutdownSignals {
  const graceful = new AbortController();
  const forced = new AbortController();
  const listener = (signal: NodeJS.Signals): void => {
    if (!graceful.signal.aborted) {
      graceful.abort(new Error(`received ${signal}`));
      onSignal('graceful', signal);
    } else if (!forced.signal.aborted) {
      forced.abort(new Error(`received a second signal (${signal})`));
      onSignal('forced', signal);
    }
  };
  for (const signal of signals) source.on(signal, listener);
  let disposed = false;
  return {
    graceful: graceful.signal,
    forced: forced.signal,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const signal of signals) source.off(signal, listener);
    },
  };
}

/** Resolves when `signal` aborts (immediately if it already has); never rejects. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    onAbort(signal, () => resolve());
  });
}
