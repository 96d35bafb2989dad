// Turns anything a handler throws into a problem response: BurrowErrors by their code, the rest as
// `internal` with the cause logged. No stack trace or foreign message ever reaches a client.

import { isBurrowError, toError } from '../core/errors.js';
import { problemResponse } from './problem.js';
import type { ServerLogger } from './server-logger.js';

/** Method and path only: the query string may carry a token (`?token=` on SSE routes). */
function where(request: Request): { method: string; path: string } {
  return { method: request.method, path: new URL(request.url).pathname };
}

const INTERNAL_DETAIL = 'an unexpected error occurred; it has been logged on the server';

/** The response for a thrown value; logs what a client must not see. */
export function errorResponse(error: unknown, log: ServerLogger, request: Request): Response {
  if (isBurrowError(error)) {
    if (error.code === 'internal' || error.code === 'store_unavailable') {
      log.error({ err: error, code: error.code, ...where(request) }, 'request failed');
    }
    const headers: Record<string, string> =
      error.code === 'unauthorized' ? { 'www-authenticate': 'Bearer realm="burrow"' } : {};
    // An internal error's message may name internals; the client gets a fixed sentence instead.
    const detail = error.code === 'internal' ? INTERNAL_DETAIL : error.message;
    return problemResponse(error.code, detail, error.details, headers);
  }
  log.error(
    { err: toError(error), ...where(request) },
    'unexpected error while handling a request',
  );
  return problemResponse('internal', INTERNAL_DETAIL);
}
