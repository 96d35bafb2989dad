// What a tool throw means for the turn: reported back to the model, or fatal.

import { toError } from '../../core/errors.js';
import { ExecutorError } from '../../runtime/executor-error.js';

/**
 * How the executor treats an ordinary error thrown by a tool's `execute`:
 * - `report` (default): the model receives it as an error tool result (`error-text`) and may
 *   recover (retry with other arguments, apologise, use another tool), as the AI SDK does;
 * - `fail`: the turn fails with an `ExecutorError` of cause `tool_failure`, retryable.
 *
 * Whatever the policy, a {@link FatalToolError} always fails the turn, an `ExecutorError` thrown by
 * a tool fails it with the tool's own cause, and a throw after the run's signal aborted is a
 * cancellation.
 */
export type ToolErrorPolicy = 'report' | 'fail';

/**
 * Thrown by a tool to fail the whole turn with cause `tool_failure` instead of reporting the error
 * to the model (a broken dependency, a revoked credential: nothing the model could fix).
 *
 * @example
 * throw new FatalToolError('the orders database is unreachable', { retryable: true });
 */
export class FatalToolError extends Error {
  override readonly name = 'FatalToolError';
  /** Whether running the turn again may help (default `true`). */
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? true;
  }
}

/**
 * The turn-failing error for a tool throw, or `undefined` when the throw should be reported to the
 * model as an error result under `policy`.
 */
export function toolFailure(
  toolName: string,
  thrown: unknown,
  policy: ToolErrorPolicy,
): ExecutorError | undefined {
  if (thrown instanceof ExecutorError) return thrown;
  const error = toError(thrown);
  if (thrown instanceof FatalToolError) {
    return new ExecutorError('tool_failure', `tool ${toolName} failed: ${error.message}`, {
      retryable: thrown.retryable,
      cause: thrown,
    });
  }
  if (policy === 'fail') {
    return new ExecutorError('tool_failure', `tool ${toolName} failed: ${error.message}`, {
      retryable: true,
      cause: thrown,
    });
  }
  return undefined;
}
