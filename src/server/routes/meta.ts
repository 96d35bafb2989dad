// Meta routes: the machine and admission contracts, liveness, readiness, metrics, the OpenAPI document.

import { admissionContract, machineContract } from '../../core/contract.js';
import { toError } from '../../core/errors.js';
import { problemResponse } from '../problem.js';
import type { ReadinessAnswer, RouteSpec, ServerDeps } from './route-spec.js';
import { json } from './route-spec.js';

/** Why the server is not ready, or null when it is. */
async function notReadyReason(deps: ServerDeps): Promise<string | null> {
  if (deps.closing.aborted) return 'the server is shutting down';
  let answer: ReadinessAnswer;
  try {
    answer = await deps.readiness();
  } catch (error: unknown) {
    deps.log.warn({ err: toError(error) }, 'readiness check failed');
    return `the readiness check failed: ${toError(error).message}`;
  }
  if (typeof answer !== 'boolean') return answer.ready ? null : answer.reason;
  return answer ? null : 'the store or recovery is not ready';
}

/** The meta routes; `openapi` builds the document (from the whole route table). */
export function metaRoutes(deps: ServerDeps, openapi: () => unknown): RouteSpec[] {
  let document: unknown = null;
  return [
    {
      method: 'GET',
      path: '/v1/machine',
      operationId: 'getMachine',
      summary: 'The session machine and the admission policy, as data.',
      tag: 'meta',
      auth: 'bearer',
      success: [{ status: 200, description: 'The contracts.', schema: 'Contracts' }],
      errors: [],
      handle: () => json({ machine: machineContract(), admission: admissionContract() }),
    },
    {
      method: 'GET',
      path: '/v1/openapi.json',
      operationId: 'getOpenApi',
      summary: 'This document.',
      tag: 'meta',
      auth: 'bearer',
      success: [
        { status: 200, description: 'An OpenAPI 3.1 document.', schema: 'OpenApiDocument' },
      ],
      errors: [],
      handle: () => json((document ??= openapi())),
    },
    {
      method: 'GET',
      path: '/healthz',
      operationId: 'healthz',
      summary: 'Liveness: the process answers. Open even when a token is configured.',
      tag: 'meta',
      auth: 'none',
      success: [{ status: 200, description: 'Alive.', schema: 'Status' }],
      errors: [],
      handle: () => json({ status: 'ok' }),
    },
    {
      method: 'GET',
      path: '/readyz',
      operationId: 'readyz',
      summary:
        'Readiness: startup recovery is done, the store answers its probe (the readiness callback), and the server is not shutting down; a 503 says which. Open even when a token is configured.',
      tag: 'meta',
      auth: 'none',
      success: [{ status: 200, description: 'Ready.', schema: 'Status' }],
      errors: ['store_unavailable'],
      handle: async () => {
        const reason = await notReadyReason(deps);
        if (reason === null) return json({ status: 'ready' });
        return problemResponse('store_unavailable', `not ready: ${reason}`);
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics (text exposition format 0.0.4).',
      tag: 'meta',
      auth: 'bearer',
      success: [{ status: 200, description: 'Metrics.', contentType: 'text/plain' }],
      errors: [],
      handle: async () =>
        new Response(
          await deps.metrics.render(deps.runtime, { openStreams: deps.streams.size() }),
          {
            headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
          },
        ),
    },
  ];
}
