// Session routes: register (with the default executor), list, snapshot, unregister.

import { BurrowError, toError } from '../../core/errors.js';
import { uuidv7 } from '../../runtime/ids.js';
import { nextOffsetOf, PAGE_PARAMS, pageParams, pathId, sessionFilterParams } from '../params.js';
import { readJsonBody } from '../read-body.js';
import type { RouteSpec, ServerDeps } from './route-spec.js';
import { json } from './route-spec.js';
import { registerBodySchema } from '../schemas.js';

const FILTER_PARAMS = [
  { name: 'phase', in: 'query', type: 'string', description: 'Only sessions in this phase.' },
  {
    name: 'search',
    in: 'query',
    type: 'string',
    description: 'Only sessions whose id contains this text (case-sensitive).',
  },
  {
    name: 'sort',
    in: 'query',
    type: 'string',
    description:
      'id (default), -id, phase (in lifecycle order, then id), or -queue (most queued input first).',
  },
] as const;

/** Registers `id` and attaches an executor from the factory unless one is attached; true if new. */
async function register(deps: ServerDeps, id: string): Promise<boolean> {
  const { runtime } = deps;
  const created = await runtime.registerSession(id);
  if (await runtime.sessionHasExecutor(id)) return created;
  try {
    await runtime.ensureSessionWithExecutor(id, await deps.executorFactory(id));
  } catch (error: unknown) {
    // Undo a registration this request made, and only that incarnation (a newer one is left alone).
    if (created) {
      const epochId = (await runtime.snapshot(id).catch(() => null))?.epochId;
      if (epochId !== undefined) {
        await runtime
          .unregisterSessionIfEpoch(id, epochId)
          .catch((undo: unknown) =>
            deps.log.warn({ err: toError(undo), sessionId: id }, 'could not undo a registration'),
          );
      }
    }
    throw error;
  }
  return created;
}

/** The session routes. */
export function sessionRoutes(deps: ServerDeps): RouteSpec[] {
  const { runtime } = deps;
  return [
    {
      method: 'POST',
      path: '/v1/sessions',
      operationId: 'registerSession',
      summary: 'Register a session (minting an id when none is given) with the default executor.',
      tag: 'sessions',
      auth: 'bearer',
      body: { schema: registerBodySchema, optional: true },
      success: [
        { status: 201, description: 'Registered now.', schema: 'SessionSnapshot' },
        { status: 200, description: 'Already registered.', schema: 'SessionSnapshot' },
      ],
      errors: ['not_ready', 'destroyed', 'fenced', 'store_unavailable'],
      handle: async (c) => {
        const body = await readJsonBody(c.req.raw, deps.maxBodyBytes, registerBodySchema, {});
        const id = body.id ?? uuidv7(Date.now());
        const created = await register(deps, id);
        const location = `/v1/sessions/${encodeURIComponent(id)}`;
        return json(await runtime.snapshot(id), created ? 201 : 200, { location });
      },
    },
    {
      method: 'GET',
      path: '/v1/sessions',
      operationId: 'listSessions',
      summary:
        'List registered sessions with phase and queue lengths: filtered by phase or id, sorted, one page at a time, with the total that match.',
      tag: 'sessions',
      auth: 'bearer',
      params: [...PAGE_PARAMS, ...FILTER_PARAMS],
      success: [{ status: 200, description: 'One page of sessions.', schema: 'SessionPage' }],
      errors: [],
      handle: async (c) => {
        const query = (name: string) => c.req.query(name);
        const { offset, limit } = pageParams(query);
        const page = await runtime.querySessions({ offset, limit, ...sessionFilterParams(query) });
        return json({
          sessions: page.sessions,
          total: page.total,
          offset,
          limit,
          nextOffset: nextOffsetOf(offset, page.sessions.length, page.total),
        });
      },
    },
    {
      method: 'GET',
      path: '/v1/sessions/:id',
      operationId: 'getSession',
      summary: "The session's snapshot.",
      tag: 'sessions',
      auth: 'bearer',
      success: [{ status: 200, description: 'The snapshot.', schema: 'SessionSnapshot' }],
      errors: [],
      handle: async (c) => json(await runtime.snapshot(pathId(c.req.param('id'), 'session id'))),
    },
    {
      method: 'DELETE',
      path: '/v1/sessions/:id',
      operationId: 'unregisterSession',
      summary:
        'Unregister the session (the two-phase drain: waiters settle, a stuck turn is aborted).',
      tag: 'sessions',
      auth: 'bearer',
      success: [{ status: 204, description: 'Unregistered.' }],
      errors: ['store_unavailable'],
      handle: async (c) => {
        const id = pathId(c.req.param('id'), 'session id');
        // A session another live host owns is unregistered there (forwarded through the mailbox).
        if ((await runtime.locateSession(id)) === 'unknown') {
          throw new BurrowError('session_not_found', `no session ${id}`, { sessionId: id });
        }
        await runtime.unregisterSession(id);
        return new Response(null, { status: 204 });
      },
    },
  ];
}
