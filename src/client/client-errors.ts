// What the client throws: a refusal the server answered (status and problem), or a server it could
// not reach. Aborts reject with the signal's reason, unchanged.

import type { Problem } from './types.js';

/**
 * A request the server answered with an error status. `problem` is its `application/problem+json`
 * body (null when something else answered, e.g. a proxy); `code` is the problem's code, or
 * `http_<status>` without one.
 *
 * @example
 * try { await client.getSession('nope'); }
 * catch (error) { if (error instanceof BurrowApiError && error.code === 'session_not_found') ... }
 */
export class BurrowApiError extends Error {
  override readonly name = 'BurrowApiError';
  readonly code: string;
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
    fallbackDetail = '',
  ) {
    super(
      `${problem?.code ?? `http_${status}`}: ${problem?.detail ?? (fallbackDetail || `HTTP ${status}`)}`,
    );
    this.code = problem?.code ?? `http_${status}`;
  }
}

/** The server could not be reached: connection refused, DNS, reset before an answer. */
export class BurrowUnreachableError extends Error {
  override readonly name = 'BurrowUnreachableError';
  constructor(
    readonly url: string,
    /** The socket-level reason (`ECONNREFUSED`, ...) or the fetch error's message. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach the server at ${url} (${reason})`, options);
  }
}

/** The socket-level reason of a failed fetch, or null when the failure is not a network one. */
export function networkReason(error: unknown): string | null {
  if (!(error instanceof TypeError)) return null;
  const cause: unknown = error.cause;
  if (typeof cause === 'object' && cause !== null) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const message = (cause as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return error.message;
}

/** Reads an error response into a {@link BurrowApiError}. */
export async function apiError(response: Response): Promise<BurrowApiError> {
  const text = await response.text().catch(() => '');
  let problem: Problem | null = null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'code' in parsed && 'detail' in parsed) {
      problem = parsed as Problem;
    }
  } catch {
    problem = null;
  }
  return new BurrowApiError(response.status, problem, text.slice(0, 500) || response.statusText);
}
