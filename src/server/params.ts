// Path and query parameters: ids, pagination, `wait` durations and event cursors, each refused with
// `validation_failed` when malformed.

import { BurrowError } from '../core/errors.js';
import { sessionIdSchema } from '../core/session-id.js';

/**
 * Session and input ids on the wire: the library's one definition of a session id (1–256 characters,
 * no control characters), so the server and the Runtime API edge accept exactly the same ids.
 */
export const idSchema = sessionIdSchema;

function invalid(name: string, message: string): BurrowError {
  return new BurrowError('validation_failed', `invalid ${name}: ${message}`, {
    issues: [`${name}: ${message}`],
  });
}

/** A validated id from the path. */
export function pathId(value: string | undefined, name: string): string {
  const parsed = idSchema.safeParse(value);
  if (!parsed.success) throw invalid(name, parsed.error.issues[0]?.message ?? 'invalid id');
  return parsed.data;
}

/** A non-negative integer query parameter, or `fallback` when absent. */
export function intParam(
  value: string | undefined,
  name: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,15}$/.test(value)) throw invalid(name, 'must be a non-negative integer');
  const n = Number(value);
  if (n > max) throw invalid(name, `must be at most ${max}`);
  return n;
}

/** `offset` and `limit` of a paginated read; `limit` defaults to 100 and may not exceed 1000. */
export function pageParams(query: (name: string) => string | undefined): {
  offset: number;
  limit: number;
} {
  return {
    offset: intParam(query('offset'), 'offset', 0),
    limit: intParam(query('limit'), 'limit', 100, 1000),
  };
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;

/**
 * The `wait` of an input submission in ms, clamped to `maxMs`: `30s`, `1500ms`, `2m`, or a bare
 * number of milliseconds. Absent: `null` (do not wait).
 */
export function waitParam(value: string | undefined, maxMs: number): number | null {
  if (value === undefined) return null;
  const match = /^(\d{1,9})(ms|s|m)?$/.exec(value);
  if (match === null) throw invalid('wait', 'use a duration such as 30s, 1500ms or 2m');
  const unit = (match[2] ?? 'ms') as keyof typeof UNIT_MS;
  return Math.min(Number(match[1]) * UNIT_MS[unit], maxMs);
}

/**
 * The replay cursor of an event stream: the `Last-Event-ID` header wins over `?since=` (a reconnecting
 * EventSource sends the header and keeps its original URL). Absent: `undefined` (live only).
 */
export function sinceParam(
  lastEventId: string | undefined,
  since: string | undefined,
): number | undefined {
  if (lastEventId !== undefined && lastEventId.trim() !== '') {
    return intParam(lastEventId.trim(), 'Last-Event-ID', 0);
  }
  return since === undefined ? undefined : intParam(since, 'since', 0);
}
