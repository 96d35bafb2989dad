// Who may call: the bearer token (timing-safe), the `?token=` fallback that only SSE routes accept,
// and the cross-site defences (Origin must match Host; without a token, Host must be loopback).

import { createHash, timingSafeEqual } from 'node:crypto';
import { BurrowError } from '../core/errors.js';
import { isLoopbackHost } from './loopback.js';

/** How a route authenticates: open, bearer header, or bearer header or `?token=` (EventSource). */
export type AuthMode = 'none' | 'bearer' | 'bearer-or-query';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function bearerOf(request: Request): string | null {
  const header = request.headers.get('authorization');
  if (header === null) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * Builds the check for one configured token (or none: every route is open). The check throws
 * `unauthorized` when the request carries no valid credential for the route's mode.
 */
export function createAuthCheck(
  token: string | undefined,
): (request: Request, mode: AuthMode) => void {
  if (token === undefined) return () => undefined;
  const expected = digest(token);
  // Comparing fixed-length digests keeps the comparison constant-time whatever the candidate's length.
  const matches = (candidate: string | null): boolean =>
    candidate !== null && timingSafeEqual(digest(candidate), expected);
  return (request, mode) => {
    if (mode === 'none') return;
    if (matches(bearerOf(request))) return;
    if (mode === 'bearer-or-query' && matches(new URL(request.url).searchParams.get('token'))) {
      return;
    }
    throw new BurrowError('unauthorized', 'a valid bearer token is required');
  };
}

/**
 * Refuses cross-site requests: an `Origin` that is not this server's host (CORS is off, so a browser
 * page from elsewhere may not drive the API), and, when no token is configured, a `Host` that is not
 * loopback (DNS rebinding against a local, unauthenticated server).
 */
export function checkSameSite(request: Request, tokenConfigured: boolean): void {
  const url = new URL(request.url);
  if (!tokenConfigured && !isLoopbackHost(url.hostname)) {
    throw new BurrowError(
      'unauthorized',
      'without a token the server only answers requests addressed to a loopback host',
    );
  }
  const origin = request.headers.get('origin');
  if (origin === null) return;
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = null;
  }
  if (originHost !== url.host) {
    throw new BurrowError('unauthorized', 'cross-origin requests are refused (CORS is off)');
  }
}
