// The syntax of a bearer token: what an `Authorization` header can carry. The server refuses to start
// with a token no client could send; the CLI refuses one before sending it.

const TOKEN_SYNTAX = /^[\x21-\x7e]{1,4096}$/;

/**
 * Why `token` cannot be a bearer token, or null when it can: 1 to 4096 visible ASCII characters, no
 * spaces (a header value is trimmed and split on spaces; non-ASCII cannot be sent at all).
 *
 * @example
 * bearerTokenProblem('s3cret'); // null
 * bearerTokenProblem('two words'); // 'the token must be ...'
 */
export function bearerTokenProblem(token: string): string | null {
  if (token === '') return 'the token must not be empty';
  if (!TOKEN_SYNTAX.test(token)) {
    return 'the token must be 1 to 4096 visible ASCII characters without spaces (an Authorization header cannot carry anything else)';
  }
  return null;
}
