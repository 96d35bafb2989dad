// Event streams over SSE: one session's events (replayable from a cursor) and every session's live
// events (for dashboards; no replay). Frames: `id:` = seq (durable events only), `event:` = type (unless
// `?format=message`), `data:` = the envelope. Both routes are bounded per stream (see server/sse/stream.ts).

import type { Context } from 'hono';
import { BurrowError, isBurrowError } from '../../core/errors.js';
import { eventFrame, FORMAT_PARAM, formatParam } from '../sse/event-frames.js';
import { pathId, sinceParam } from '../params.js';
import type { RouteSpec, ServerDeps } from './route-spec.js';
import { sseConnection } from '../sse/connection.js';
import type { SseEndReason } from '../sse/stream.js';
import { SSE_HEADERS } from '../sse/stream.js';

function typeFilter(value: string | undefined): (type: string) => boolean {
  if (value === undefined || value === '') return () => true;
  const patterns = value.split(',');
  if (patterns.length > 50 || !patterns.every((p) => /^[a-z_.]{1,64}$/.test(p))) {
    throw new BurrowError(
      'validation_failed',
      'types must be a comma-separated list of event types or prefixes ending in "."',
      {
        issues: ['types: comma-separated event types or prefixes such as session.'],
      },
    );
  }
  return (type) => patterns.some((p) => (p.endsWith('.') ? type.startsWith(p) : type === p));
}

const SSE_SUCCESS = [
  {
    status: 200,
    description: 'An event stream (text/event-stream); ends with an `end` event.',
    contentType: 'text/event-stream',
  },
] as const;

const TOKEN_PARAM = {
  name: 'token',
  in: 'query',
  type: 'string',
  description:
    'The bearer token, for clients that cannot set headers (EventSource). SSE routes only.',
} as const;

/** The event-stream routes. */
export function eventRoutes(deps: ServerDeps): RouteSpec[] {
  const { runtime } = deps;
  const sseOptions = (c: Context) => ({
    heartbeatMs: deps.heartbeatMs,
    requestSignal: c.req.raw.signal,
    connection: sseConnection(c),
  });
  return [
    {
      method: 'GET',
      path: '/v1/sessions/:id/events',
      operationId: 'sessionEvents',
      summary:
        "The session's events: replayed after the Last-Event-ID header or ?since= cursor, then live; heartbeats; ends when the session is unregistered, the server shuts down, or the client falls behind (`end` with reason overflow: reconnect with Last-Event-ID).",
      tag: 'events',
      auth: 'bearer-or-query',
      params: [
        {
          name: 'since',
          in: 'query',
          type: 'integer',
          description: 'Replay events with seq > since.',
        },
        {
          name: 'Last-Event-ID',
          in: 'header',
          type: 'integer',
          description: 'Wins over ?since= (reconnects).',
        },
        FORMAT_PARAM,
        TOKEN_PARAM,
      ],
      success: SSE_SUCCESS,
      errors: [],
      handle: async (c) => {
        const id = pathId(c.req.param('id'), 'session id');
        const since = sinceParam(c.req.header('last-event-id'), c.req.query('since'));
        const format = formatParam(c.req.query('format'));
        // A session another host owns is served from the store (replay, then polled by seq).
        if ((await runtime.locateSession(id)) === 'unknown') {
          throw new BurrowError('session_not_found', `no session ${id}`, { sessionId: id });
        }
        if (c.req.method === 'HEAD') return new Response(null, { headers: SSE_HEADERS });
        return deps.streams.open(sseOptions(c), async (channel): Promise<SseEndReason> => {
          const options = {
            signal: channel.signal,
            // The route may be waiting for the client to read: end the stream at once, not at the next pull.
            onOverflow: () => channel.end('overflow'),
            ...(since === undefined ? {} : { since }),
          };
          try {
            for await (const event of runtime.events(id, options)) {
              await channel.send(eventFrame(event, { format, withId: true }));
            }
          } catch (error: unknown) {
            // The runtime ended a subscriber that fell behind: the client resumes with Last-Event-ID.
            if (isBurrowError(error, 'queue_full')) return 'overflow';
            // Unregistered between the check and the first read: the stream simply ends.
            if (!isBurrowError(error, 'session_not_found')) throw error;
          }
          return channel.signal.aborted ? 'closed' : 'session_ended';
        });
      },
    },
    {
      method: 'GET',
      path: '/v1/events',
      operationId: 'allEvents',
      summary:
        "Every session's live events (no replay, no id: lines), optionally filtered by ?types=; a client too slow to keep up gets an `end` event with reason overflow.",
      tag: 'events',
      auth: 'bearer-or-query',
      params: [
        {
          name: 'types',
          in: 'query',
          type: 'string',
          description:
            'Comma-separated event types or prefixes ending in "." (session.,run.completed).',
        },
        FORMAT_PARAM,
        TOKEN_PARAM,
      ],
      success: SSE_SUCCESS,
      errors: [],
      handle: (c) => {
        const wanted = typeFilter(c.req.query('types'));
        const format = formatParam(c.req.query('format'));
        if (c.req.method === 'HEAD') return new Response(null, { headers: SSE_HEADERS });
        return deps.streams.open(
          sseOptions(c),
          (channel) =>
            new Promise<SseEndReason>((resolve) => {
              const unsubscribe = runtime.onEvent((event) => {
                // Not awaited: a listener cannot wait; the channel's bounds end a client that falls behind.
                if (wanted(event.type))
                  void channel.send(eventFrame(event, { format, withId: false }));
              });
              channel.signal.addEventListener(
                'abort',
                () => {
                  unsubscribe();
                  resolve('closed');
                },
                { once: true },
              );
            }),
        );
      },
    },
  ];
}
