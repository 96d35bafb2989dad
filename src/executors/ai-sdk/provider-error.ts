// Mapping what a model call throws to an ExecutorError with a cause and a retry verdict.

import { APICallError, RetryError } from 'ai';
import { toError } from '../../core/errors.js';
import { ExecutorError } from '../../runtime/executor-error.js';

/** HTTP statuses that say the request itself is wrong: a retry would fail the same way. */
const PERMANENT_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 405, 413, 422]);

/** SDK errors that say our request or configuration is wrong, not that the provider hiccupped. */
const PERMANENT_SDK_ERRORS: ReadonlySet<string> = new Set([
  'AI_InvalidPromptError',
  'AI_InvalidArgumentError',
  'AI_InvalidMessageRoleError',
  'AI_MessageConversionError',
  'AI_UnsupportedFunctionalityError',
  'AI_LoadAPIKeyError',
  'AI_LoadSettingError',
]);

/**
 * The {@link ExecutorError} for an error thrown by (or streamed from) a model call:
 *
 * - an `ExecutorError` passes through unchanged;
 * - the SDK's `RetryError` (its own retries ran out) is judged by its last error;
 * - `APICallError`: `llm_failure`, retryable for 408, 409, 429 and 5xx, not retryable for 400,
 *   401, 403, 404, 405, 413, 422; any other status (or none: the connection failed) keeps the
 *   SDK's own `isRetryable` verdict;
 * - a `TimeoutError` (an `AbortSignal.timeout` on the call, not the run's signal): `llm_failure`,
 *   retryable;
 * - any other error from the SDK (a malformed stream, an invalid prompt...): `llm_failure`,
 *   retryable unless it says our request or configuration is wrong (invalid prompt or argument,
 *   unsupported functionality, missing API key);
 * - anything else: `executor_error`, retryable (the runtime's default for unknown throws).
 *
 * The caller checks the run's signal first: a throw after the abort is a cancellation.
 */
export function toExecutorError(thrown: unknown): ExecutorError {
  if (thrown instanceof ExecutorError) return thrown;
  const error = RetryError.isInstance(thrown)
    ? toError(thrown.lastError ?? thrown)
    : toError(thrown);
  if (APICallError.isInstance(error)) {
    return new ExecutorError('llm_failure', describeApiError(error), {
      retryable: isRetryableApiError(error),
      cause: thrown,
    });
  }
  if (error.name === 'TimeoutError') {
    return new ExecutorError('llm_failure', `model call timed out: ${error.message}`, {
      retryable: true,
      cause: thrown,
    });
  }
  if (error.name.startsWith('AI_')) {
    return new ExecutorError('llm_failure', `model call failed: ${error.message}`, {
      retryable: !PERMANENT_SDK_ERRORS.has(error.name),
      cause: thrown,
    });
  }
  return new ExecutorError('executor_error', error.message, { retryable: true, cause: thrown });
}

/** The retry verdict for an HTTP error from the provider. */
export function isRetryableApiError(error: APICallError): boolean {
  const status = error.statusCode;
  if (status === undefined) return error.isRetryable;
  if (status === 408 || status === 409 || status === 429 || status >= 500) return true;
  if (PERMANENT_STATUSES.has(status)) return false;
  return error.isRetryable;
}

function describeApiError(error: APICallError): string {
  const status = error.statusCode === undefined ? 'no response' : `HTTP ${error.statusCode}`;
  return `model call failed (${status}): ${error.message}`;
}
