// What a valid session id is: one definition for the library's API edge and the server's paths.

import { z } from 'zod';

/** The longest session id accepted. */
export const MAX_SESSION_ID_LENGTH = 256;

/**
 * A session id: a string of 1–256 characters with no control characters. The server checks path ids
 * with the same schema, so a session the library accepts is always reachable over HTTP.
 */
export const sessionIdSchema = z
  .string()
  .min(1)
  .max(MAX_SESSION_ID_LENGTH)
  // eslint-disable-next-line no-control-regex -- the point is to refuse control characters
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

/**
 * Why `value` is not a valid session id, or null when it is one.
 *
 * @example
 * sessionIdIssue('s1'); // null
 * sessionIdIssue('a\nb'); // 'must not contain control characters'
 */
export function sessionIdIssue(value: unknown): string | null {
  const parsed = sessionIdSchema.safeParse(value);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'not a valid session id');
}
