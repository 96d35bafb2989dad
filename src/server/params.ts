// Path, query and header parameters: ids, pagination, filters, `wait` durations and event cursors —
// each parser next to the JSON Schema the OpenAPI document states for it, and the check that refuses
// query parameters a route does not know. Every refusal is `validation_failed`.

import { DURATION_PATTERN, parseDuration } from '../core/duration.js';
import { BurrowError } from '../core/errors.js';
import { ID_PATTERN, MAX_SESSION_ID_LENGTH, sessionIdSchema } from '../core/session-id.js';
import type { Phase } from '../core/machine/state.js';
import { PHASES } from '../core/machine/state.js';
import type { SessionQuery } from '../runtime/runtime-views.js';
import { SSE_FORMATS } from './sse/event-frames.js';
import type { ParamDoc } from './routes/route-spec.js';

/**
 * Session and input ids on the wire: the library's one definition of a session id (1–256 characters
 * that can travel in a URL path), so the server and the Runtime API edge accept exactly the same ids.
 */
export const idSchema = sessionIdSchema;

/** The largest integer a cursor or offset may be. */
export const MAX_INTEGER = Number.MAX_SAFE_INTEGER;

/** A JSON Schema, as the document states it. */
export type ParamSchema = Readonly<Record<string, unknown>>;

/** The schema of a path id: the same bounds and pattern `idSchema` enforces. */
export const ID_PARAM_SCHEMA: ParamSchema = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_SESSION_ID_LENGTH,
  pattern: ID_PATTERN,
};

const cursor: ParamSchema = { type: 'integer', minimum: 0, maximum: MAX_INTEGER };

/** Session sort orders of `GET /v1/sessions?sort=`. */
export const SESSION_SORTS = [
  'id',
  '-id',
  'phase',
  '-queue',
] as const satisfies readonly NonNullable<SessionQuery['sort']>[];

/**
 * The schema of every parameter the API reads, by name: a name means the same thing on every route.
 * The parsers below enforce exactly these bounds and patterns.
 */
export const PARAMETER_SCHEMAS: Readonly<Record<string, ParamSchema>> = {
  offset: { ...cursor, default: 0 },
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  since: cursor,
  'Last-Event-ID': cursor,
  wait: { type: 'string', pattern: DURATION_PATTERN },
  types: { type: 'string', pattern: '^([a-z_.]{1,64}(,[a-z_.]{1,64}){0,49})?$' },
  token: { type: 'string' },
  'Idempotency-Key': { type: 'string', minLength: 1, maxLength: 500 },
  phase: { type: 'string', enum: [...PHASES] },
  search: { type: 'string', minLength: 1, maxLength: 256 },
  sort: { type: 'string', enum: [...SESSION_SORTS], default: 'id' },
  format: { type: 'string', enum: [...SSE_FORMATS], default: 'named' },
};

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

/** An integer parameter from `min` to `max`, or `fallback` when absent. */
export function intParam(
  value: string | undefined,
  name: string,
  fallback: number,
  { min = 0, max = MAX_INTEGER }: { min?: number; max?: number } = {},
): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,16}$/.test(value)) throw invalid(name, 'must be a non-negative integer');
  const n = Number(value);
  if (n < min) throw invalid(name, `must be at least ${min}`);
  if (n > max) throw invalid(name, `must be at most ${max}`);
  return n;
}

/** `offset` and `limit`, as every paginated route documents them. */
export const PAGE_PARAMS: readonly ParamDoc[] = [
  { name: 'offset', in: 'query', type: 'integer', description: 'Items to skip (default 0).' },
  {
    name: 'limit',
    in: 'query',
    type: 'integer',
    description: 'Items to return (1 to 1000, default 100).',
  },
];

/** The offset of the page after this one, or null when this one is the last. */
export function nextOffsetOf(offset: number, count: number, total: number): number | null {
  return offset + count < total ? offset + count : null;
}

/** `offset` and `limit` of a paginated read; `limit` is 1 to 1000 (default 100). */
export function pageParams(query: (name: string) => string | undefined): {
  offset: number;
  limit: number;
} {
  return {
    offset: intParam(query('offset'), 'offset', 0),
    limit: intParam(query('limit'), 'limit', 100, { min: 1, max: 1000 }),
  };
}

/** A parameter that must be one of `allowed`, or `undefined` when absent. */
export function enumParam<T extends string>(
  value: string | undefined,
  name: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalid(name, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** The filters of `GET /v1/sessions`: `phase`, `search` (id contains), `sort`. */
export function sessionFilterParams(query: (name: string) => string | undefined): {
  phase?: Phase;
  search?: string;
  sort?: NonNullable<SessionQuery['sort']>;
} {
  const phase = enumParam(query('phase'), 'phase', PHASES);
  const sort = enumParam(query('sort'), 'sort', SESSION_SORTS);
  const search = query('search');
  if (search !== undefined && (search.length < 1 || search.length > 256)) {
    throw invalid('search', 'must be 1 to 256 characters');
  }
  return {
    ...(phase === undefined ? {} : { phase }),
    ...(search === undefined ? {} : { search }),
    ...(sort === undefined ? {} : { sort }),
  };
}

/**
 * The `wait` of an input submission in ms, clamped to `maxMs`: `30s`, `1500ms`, `2m`, or a bare
 * number of milliseconds. Absent: `null` (do not wait).
 */
export function waitParam(value: string | undefined, maxMs: number): number | null {
  if (value === undefined) return null;
  const ms = parseDuration(value);
  if (ms === null) throw invalid('wait', 'use a duration such as 30s, 1500ms or 2m');
  return Math.min(ms, maxMs);
}

/**
 * The replay cursor of an event stream: the `Last-Event-ID` header wins over `?since=` (a reconnecting
 * EventSource sends the header and keeps its original URL). Absent: `undefined` (live only).
 */
export function sinceParam(
  lastEventId: string | undefined,
  since: string | undefined,
): number | undefined {
  // Both are checked, so a malformed `?since=` is refused even when the header makes it moot.
  const fromQuery = since === undefined ? undefined : intParam(since, 'since', 0);
  if (lastEventId !== undefined && lastEventId.trim() !== '') {
    return intParam(lastEventId.trim(), 'Last-Event-ID', 0);
  }
  return fromQuery;
}

/**
 * Refuses a query string that names a parameter the route does not read, or names one twice: a typo
 * (`?limt=5`) must not silently fall back to a default.
 */
export function checkQueryNames(url: string, allowed: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const name of new URL(url).searchParams.keys()) {
    if (!allowed.has(name)) {
      const known = allowed.size === 0 ? 'none' : [...allowed].join(', ');
      throw invalid(
        'query',
        `unknown parameter ${JSON.stringify(name)} (this route reads: ${known})`,
      );
    }
    if (seen.has(name)) throw invalid(name, 'given more than once');
    seen.add(name);
  }
}
