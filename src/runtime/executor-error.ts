// ExecutorError: how an executor reports a failed turn, with a cause and whether a retry may help.

import type { FailureCause } from '../core/machine/state.js';

/**
 * Thrown by an executor to fail a turn. Any other throw is treated as `executor_error`, retryable;
 * a throw after the run's signal aborted is a cancellation, not a failure.
 *
 * @example
 * throw new ExecutorError('llm_failure', 'rate limited', { retryable: true });
 */
export class ExecutorError extends Error {
  override readonly name = 'ExecutorError';
  readonly causeCode: FailureCause;
  readonly retryable: boolean;

  constructor(
    cause: FailureCause,
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.causeCode = cause;
    this.retryable = options.retryable ?? true;
  }
}

/** True when `value` is an {@link ExecutorError}. Never throws (a Proxy's prototype trap may). */
export function isExecutorError(value: unknown): value is ExecutorError {
  try {
    return value instanceof ExecutorError;
  } catch {
    return false;
  }
}
