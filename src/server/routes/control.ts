// Control operations (interrupt, cancel-after-boundary, retire, recycle, reset, stop, destroy) and
// session settings (silent intents, tool visibility).

import type { z } from 'zod';
import type { Runtime } from '../../runtime/runtime-api.js';
import type { ProblemCode } from '../problem.js';
import { pathId } from '../params.js';
import { readJsonBody } from '../read-body.js';
import type { RouteSpec, ServerDeps } from './route-spec.js';
import { json } from './route-spec.js';
import {
  catalogBodySchema,
  deferredBodySchema,
  emptyBodySchema,
  filterBodySchema,
  publishedBodySchema,
  reasonBodySchema,
  silentIntentsBodySchema,
} from '../schemas.js';

type Reason = z.output<typeof reasonBodySchema>;

interface ControlOp {
  readonly name: string;
  readonly operationId: string;
  readonly summary: string;
  readonly takesReason: boolean;
  /** The component schema of a `200` answer; without one, the route answers `204`. */
  readonly result?: string;
  readonly run: (runtime: Runtime, id: string, body: Reason) => Promise<object | void>;
}

const CONTROL_OPS: readonly ControlOp[] = [
  {
    name: 'interrupt',
    operationId: 'interruptSession',
    summary:
      'Hard-cancel the running turn; the answer says whether a turn was running (no run: nothing to do).',
    takesReason: true,
    result: 'InterruptResult',
    run: async (rt, id, b) => {
      // The run bound when the request arrived: the one this interrupt cancels, if any.
      const run = (await rt.snapshot(id)).run;
      await rt.interrupt(id, b.reason);
      return { interrupted: run !== null, runId: run?.runId ?? null };
    },
  },
  {
    name: 'cancel-after-boundary',
    operationId: 'cancelAfterBoundary',
    summary: 'Stop the running turn cleanly at its next boundary.',
    takesReason: true,
    run: (rt, id, b) => rt.cancelAfterBoundary(id, b.reason),
  },
  {
    name: 'retire',
    operationId: 'retireSession',
    summary: 'Refuse new input; the queue drains, then the session rests in retired.',
    takesReason: false,
    run: (rt, id) => rt.retire(id),
  },
  {
    name: 'recycle',
    operationId: 'recycleSession',
    summary: 'Clear the runtime binding; pending inputs are abandoned (not while running).',
    takesReason: false,
    run: (rt, id) => rt.recycle(id),
  },
  {
    name: 'reset',
    operationId: 'resetSession',
    summary: 'Back to idle/attached; pending inputs are abandoned (not while running or stopped).',
    takesReason: false,
    run: (rt, id) => rt.reset(id),
  },
  {
    name: 'stop',
    operationId: 'stopSession',
    summary: 'Stop the executor (after the running turn); pending inputs are abandoned.',
    takesReason: true,
    run: (rt, id, b) => rt.stop(id, b.reason),
  },
  {
    name: 'destroy',
    operationId: 'destroySession',
    summary:
      'Terminal: pending inputs are abandoned and the session can never be registered again.',
    takesReason: false,
    run: (rt, id) => rt.destroy(id),
  },
];

const REFUSALS: readonly ProblemCode[] = ['not_ready', 'destroyed', 'fenced', 'store_unavailable'];

function controlRoute(deps: ServerDeps, op: ControlOp): RouteSpec {
  const schema = op.takesReason ? reasonBodySchema : emptyBodySchema;
  return {
    method: 'POST',
    path: `/v1/sessions/:id/${op.name}`,
    operationId: op.operationId,
    summary: op.summary,
    tag: 'control',
    auth: 'bearer',
    body: { schema, optional: true },
    success: [
      op.result === undefined
        ? { status: 204, description: 'Done.' }
        : { status: 200, description: 'Done.', schema: op.result },
    ],
    errors: REFUSALS,
    handle: async (c) => {
      const id = pathId(c.req.param('id'), 'session id');
      const body = await readJsonBody(c.req.raw, deps.maxBodyBytes, schema, {});
      const result = await op.run(deps.runtime, id, body);
      return result === undefined ? new Response(null, { status: 204 }) : json(result);
    },
  };
}

interface SettingRoute<S extends z.ZodType> {
  readonly method: 'PUT' | 'POST';
  readonly suffix: string;
  readonly operationId: string;
  readonly summary: string;
  readonly schema: S;
  readonly result: string;
  readonly run: (runtime: Runtime, id: string, body: z.output<S>) => Promise<unknown>;
}

function settingRoute<S extends z.ZodType>(deps: ServerDeps, spec: SettingRoute<S>): RouteSpec {
  return {
    method: spec.method,
    path: `/v1/sessions/:id/${spec.suffix}`,
    operationId: spec.operationId,
    summary: spec.summary,
    tag: 'settings',
    auth: 'bearer',
    body: { schema: spec.schema, optional: false },
    success: [{ status: 200, description: 'Applied.', schema: spec.result }],
    errors: REFUSALS,
    handle: async (c) => {
      const id = pathId(c.req.param('id'), 'session id');
      const body = await readJsonBody(c.req.raw, deps.maxBodyBytes, spec.schema);
      return json(await spec.run(deps.runtime, id, body));
    },
  };
}

/** The control and settings routes. */
export function controlRoutes(deps: ServerDeps): RouteSpec[] {
  return [
    ...CONTROL_OPS.map((op) => controlRoute(deps, op)),
    settingRoute(deps, {
      method: 'PUT',
      suffix: 'silent-intents',
      operationId: 'setSilentIntents',
      summary: 'Replace the silent intents (peer requests with these intents never wake a turn).',
      schema: silentIntentsBodySchema,
      result: 'SilentIntents',
      run: async (rt, id, b) => {
        await rt.setSessionSilentIntents(id, b.intents);
        return { intents: (await rt.snapshot(id)).silentIntents };
      },
    }),
    settingRoute(deps, {
      method: 'PUT',
      suffix: 'visibility/catalog',
      operationId: 'replaceToolCatalog',
      summary: 'Replace the tool catalog (filters may name only catalogued tools).',
      schema: catalogBodySchema,
      result: 'VisibilityRevision',
      run: async (rt, id, b) => {
        await rt.replaceToolCatalog(id, b.tools);
        return { revision: (await rt.snapshot(id)).visibility.stagedRevision };
      },
    }),
    settingRoute(deps, {
      method: 'PUT',
      suffix: 'visibility/filter',
      operationId: 'stagePersistentFilter',
      summary: 'Stage a tool filter; it becomes visible at the next boundary.',
      schema: filterBodySchema,
      result: 'VisibilityRevision',
      run: async (rt, id, b) => ({ revision: await rt.stagePersistentFilter(id, b.filter) }),
    }),
    settingRoute(deps, {
      method: 'POST',
      suffix: 'visibility/deferred',
      operationId: 'requestDeferredTools',
      summary: 'Request deferred tools; they load at the next boundary.',
      schema: deferredBodySchema,
      result: 'VisibilityRevision',
      run: async (rt, id, b) => ({ revision: await rt.requestDeferredTools(id, b.names) }),
    }),
    settingRoute(deps, {
      method: 'PUT',
      suffix: 'visibility/published',
      operationId: 'publishCommittedVisibleSet',
      summary: 'Publish a committed visible set (both sides); answers the sides now in force.',
      schema: publishedBodySchema,
      result: 'VisibilitySides',
      run: (rt, id, b) => rt.publishCommittedVisibleSet(id, b),
    }),
  ];
}
