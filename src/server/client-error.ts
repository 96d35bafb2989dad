// Requests Node.js refuses before any route sees them (a malformed request line or Content-Length,
// a header section over the size limit, a request that timed out) answered as problem+json, as every
// other refusal is, instead of Node's bare status lines.

import type { Duplex } from 'node:stream';
import type { ProblemCode } from './problem.js';
import { PROBLEM_CONTENT_TYPE, problemBody } from './problem.js';

const REASONS: Readonly<Partial<Record<number, string>>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** The problem for one of Node's parser or timeout errors. */
export function clientErrorProblem(code: string | undefined): {
  readonly code: ProblemCode;
  readonly detail: string;
} {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { code: 'headers_too_large', detail: 'the request headers are over the size limit' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { code: 'request_timeout', detail: 'the request did not arrive in time' };
    default:
      return {
        code: 'validation_failed',
        detail: `the request is not valid HTTP/1.1 (${code ?? 'parse error'})`,
      };
  }
}

/**
 * The `clientError` listener of a node:http server. Like Node's own, it answers only when nothing was
 * written on the connection yet, then closes it.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const written = (socket as Duplex & { bytesWritten?: number }).bytesWritten ?? 0;
  if (error.code === 'ECONNRESET' || !socket.writable || written > 0) {
    socket.destroy();
    return;
  }
  const { code, detail } = clientErrorProblem(error.code);
  const problem = problemBody(code, detail);
  const body = JSON.stringify(problem);
  // http.Server sockets allow half-open connections: close ours once the answer is flushed.
  socket.end(
    `HTTP/1.1 ${problem.status} ${REASONS[problem.status] ?? 'Error'}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
    () => socket.destroy(),
  );
}
