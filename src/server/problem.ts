// The one place that maps error codes to HTTP statuses, and builds `application/problem+json` bodies.

import type { ErrorCode, ErrorDetails } from '../core/errors.js';

/** Codes the server adds for failures that are about HTTP itself, not the runtime. */
export const SERVER_PROBLEM_CODES = [
  /** No route has this path. */
  'route_not_found',
  /** A route has this path, but not for this method. */
  'method_not_allowed',
  /** The session exists but holds no input with this id (in memory or in the store). */
  'input_not_found',
  /** Node.js refused the request before routing: its header section is over the size limit. */
  'headers_too_large',
  /** Node.js gave up on a request whose headers or body did not arrive in time. */
  'request_timeout',
] as const;

/** A code carried by a problem response: a runtime {@link ErrorCode} or a server code. */
export type ProblemCode = ErrorCode | (typeof SERVER_PROBLEM_CODES)[number];

/**
 * The HTTP status of every code (03, "Errors"). A missing code fails to compile; this table is the only
 * place a status is chosen for an error.
 */
export const STATUS_BY_CODE: Readonly<Record<ProblemCode, number>> = {
  session_not_found: 404,
  not_ready: 409,
  destroyed: 410,
  session_busy: 409,
  validation_failed: 400,
  idempotency_conflict: 409,
  queue_full: 429,
  fenced: 409,
  store_unavailable: 503,
  unauthorized: 401,
  payload_too_large: 413,
  internal: 500,
  approval_not_found: 404,
  approval_mismatch: 409,
  route_not_found: 404,
  method_not_allowed: 405,
  input_not_found: 404,
  headers_too_large: 431,
  request_timeout: 408,
};

/** A short, stable, human title per code (the `title` member of a problem). */
export const TITLE_BY_CODE: Readonly<Record<ProblemCode, string>> = {
  session_not_found: 'Session not found',
  not_ready: 'Not ready',
  destroyed: 'Session destroyed',
  session_busy: 'Session busy',
  validation_failed: 'Validation failed',
  idempotency_conflict: 'Idempotency conflict',
  queue_full: 'Queue full',
  fenced: 'Fenced',
  store_unavailable: 'Store unavailable',
  unauthorized: 'Unauthorized',
  payload_too_large: 'Payload too large',
  internal: 'Internal error',
  approval_not_found: 'Approval not found',
  approval_mismatch: 'Approval does not match the call',
  route_not_found: 'Route not found',
  method_not_allowed: 'Method not allowed',
  input_not_found: 'Input not found',
  headers_too_large: 'Request headers too large',
  request_timeout: 'Request timeout',
};

/** The media type of every error response. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem body with Burrow's `code` and the error's structured details. */
export type ProblemBody = {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail: string;
} & ErrorDetails;

/** The `type` URI of a code. */
export function problemType(code: ProblemCode): string {
  return `urn:burrow:problem:${code}`;
}

/** Builds the body of a problem. Details never override the five standard members. */
export function problemBody(
  code: ProblemCode,
  detail: string,
  details: ErrorDetails = {},
): ProblemBody {
  return {
    ...details,
    type: problemType(code),
    title: TITLE_BY_CODE[code],
    status: STATUS_BY_CODE[code],
    code,
    detail,
  };
}

/** A problem response. `headers` adds e.g. `Allow` or `WWW-Authenticate`. */
export function problemResponse(
  code: ProblemCode,
  detail: string,
  details: ErrorDetails = {},
  headers: Readonly<Record<string, string>> = {},
): Response {
  const body = problemBody(code, detail, details);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}
