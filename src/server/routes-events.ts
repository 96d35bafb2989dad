// Event streams over SSE: one session's events (replayable from a cursor) and every session's live
// events (for dashboards; no replay). Frames: `id:` = seq, `event:` = type, `data:` = the envelope.

import { BurrowError, isBurrowError } from '../core/errors.js';
import type { RuntimeEvent } from '../core/runtime-event.js';
import { pathId, sinceParam } from './params.js';
import type { RouteSpec, ServerDeps } from './route-spec.js';
import type { SseEndReason } from './sse-stream.js';
import { SSE_HEADERS } from './sse-stream.js';

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

// Transient events (seq null) carry no `id:` line: a reconnect resumes after the last durable event.
const frame = (event: RuntimeEvent, withId: boolean) => ({
  ...(withId && event.seq !== null ? { id: String(event.seq) } : {}),
  event: event.type,
  data: JSON.stringify(event),
});

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
  const sseOptions = (request: Request) => ({
    heartbeatMs: deps.heartbeatMs,
    requestSignal: request.signal,
  });
  return [
    {
      method: 'GET',
      path: '/v1/sessions/:id/events',
      operationId: 'sessionEvents',
      summary:
        "The session's events: replayed after the Last-Event-ID header or ?since= cursor, then live; heartbeats; ends when the session is unregistered or the server shuts down.",
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
        TOKEN_PARAM,
      ],
      success: SSE_SUCCESS,
      errors: [],
      handle: async (c) => {
        const id = pathId(c.req.param('id'), 'session id');
        const since = sinceParam(c.req.header('last-event-id'), c.req.query('since'));
        if (!(await runtime.containsSession(id))) {
          throw new BurrowError('session_not_found', `no session ${id}`, { sessionId: id });
        }
        if (c.req.method === 'HEAD') return new Response(null, { headers: SSE_HEADERS });
        return deps.streams.open(sseOptions(c.req.raw), async (channel): Promise<SseEndReason> => {
          const options = { signal: channel.signal, ...(since === undefined ? {} : { since }) };
          try {
            for await (const event of runtime.events(id, options)) {
              await channel.send(frame(event, true));
            }
          } catch (error: unknown) {
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
        TOKEN_PARAM,
      ],
      success: SSE_SUCCESS,
      errors: [],
      handle: (c) => {
        const wanted = typeFilter(c.req.query('types'));
        if (c.req.method === 'HEAD') return new Response(null, { headers: SSE_HEADERS });
        return deps.streams.open(
          sseOptions(c.req.raw),
          (channel) =>
            new Promise<SseEndReason>((resolve) => {
              const unsubscribe = runtime.onEvent((event) => {
                // Not awaited: a listener cannot wait; the channel's buffer bound ends a stalled client.
                if (wanted(event.type)) void channel.send(frame(event, false));
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
