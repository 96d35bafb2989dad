// What a valid session id is: one definition for the library's API edge and the server's paths.

import { z } from 'zod';

/**
 * The text of an id that can travel in a URL path: no control characters (C0, DEL, C1), no lone
 * surrogates (they have no UTF-8 form to percent-encode), and not `.` or `..` (URL parsers resolve
 * those as path segments). A regular expression source for the `u` flag; also the OpenAPI `pattern`.
 */
export const ID_PATTERN = '^(?!\\.{1,2}$)[^\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]+$';

/** The longest session id accepted. */
export const MAX_SESSION_ID_LENGTH = 256;

/**
 * A session id: a string of 1–256 characters that can travel in a URL path ({@link ID_PATTERN}).
 * The server checks path ids with the same schema, so a session the library accepts is always
 * reachable over HTTP.
 */
export const sessionIdSchema = z
  .string()
  .min(1)
  .max(MAX_SESSION_ID_LENGTH)
  .regex(new RegExp(ID_PATTERN, 'u'), 'must not be . or .. nor contain control characters');

/**
 * Why `value` is not a valid session id, or null when it is one.
 *
 * @example
 * sessionIdIssue('s1'); // null
 * sessionIdIssue('a\nb'); // 'must not be . or .. nor contain control characters'
 */
export function sessionIdIssue(value: unknown): string | null {
  const parsed = sessionIdSchema.safeParse(value);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'not a valid session id');
}
