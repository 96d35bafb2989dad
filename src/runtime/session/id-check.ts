// The Runtime API edge's session-id check: one definition (core/session-id.ts), refused with
// `validation_failed` as a rejected promise, never a synchronous throw.

import { BurrowError } from '../../core/errors.js';
import { sessionIdIssue } from '../../core/session-id.js';

/** The `validation_failed` error for an invalid session id, or null when `value` is a valid one. */
export function invalidSessionId(value: unknown): BurrowError | null {
  const issue = sessionIdIssue(value);
  if (issue === null) return null;
  return new BurrowError('validation_failed', `invalid session id: ${issue}`, {
    issues: [`sessionId: ${issue}`],
  });
}

/**
 * `operation`, refusing an invalid session id (its first argument) with a rejected promise before it
 * runs: `''` would otherwise reach the store, and `null` or `42` would create a broken entry.
 *
 * @example
 * const register = checkedId((id: string) => registerSession(ctx, id));
 * await register(''); // rejects with validation_failed
 */
export function checkedId<A extends unknown[], R>(
  operation: (sessionId: string, ...rest: A) => Promise<R>,
): (sessionId: string, ...rest: A) => Promise<R> {
  return (sessionId, ...rest) => {
    const error = invalidSessionId(sessionId);
    return error === null ? operation(sessionId, ...rest) : Promise.reject(error);
  };
}

/** A stream that fails on its first read: the event stream of an invalid session id. */
// eslint-disable-next-line require-yield -- it refuses before it could yield anything
export async function* refusedStream<T>(error: BurrowError): AsyncGenerator<T, void, undefined> {
  await Promise.resolve();
  throw error;
}
