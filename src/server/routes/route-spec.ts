// The shape of one route: what it does (the handler) and what it promises (the data the OpenAPI
// document is generated from). The app registers exactly the routes of the table it documents.

import type { Context } from 'hono';
import type { z } from 'zod';
import type { ExecutorFactory } from '../../runtime/executor.js';
import type { Runtime } from '../../runtime/runtime-api.js';
import type { Readiness } from '../../runtime/operation-types.js';
import type { AuthMode } from '../auth.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { ProblemCode } from '../problem.js';
import type { ServerLogger } from '../server-logger.js';
import type { StreamRegistry } from '../sse/stream.js';

/** The methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A query or header parameter, for the document. */
export interface ParamDoc {
  readonly name: string;
  readonly in: 'query' | 'header';
  readonly description: string;
  readonly type: 'string' | 'integer';
  /** The values a string parameter accepts, when it is an enumeration. */
  readonly enum?: readonly string[];
}

/** A success response, for the document. `schema` names a component schema. */
export interface SuccessDoc {
  readonly status: number;
  readonly description: string;
  readonly schema?: string;
  /** The media type (default JSON), or every media type the route may answer with. */
  readonly contentType?: string | readonly string[];
}

/** One route of the API. `path` uses Hono's syntax (`/v1/sessions/:id`). */
export interface RouteSpec {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag:
    'sessions' | 'inputs' | 'approvals' | 'control' | 'settings' | 'events' | 'meta' | 'dashboard';
  readonly auth: AuthMode;
  readonly body?: { readonly schema: z.ZodType; readonly optional: boolean };
  readonly params?: readonly ParamDoc[];
  readonly success: readonly SuccessDoc[];
  /** Refusals specific to this route; the document adds the ones every route shares. */
  readonly errors: readonly ProblemCode[];
  readonly handle: (c: Context) => Promise<Response> | Response;
}

/** A readiness answer: a boolean, or the runtime's readiness with its reason. */
export type ReadinessAnswer = boolean | Readiness;

/** What route handlers share. */
export interface ServerDeps {
  readonly runtime: Runtime;
  readonly executorFactory: ExecutorFactory;
  readonly maxBodyBytes: number;
  readonly maxWaitMs: number;
  readonly heartbeatMs: number;
  readonly readiness: () => ReadinessAnswer | Promise<ReadinessAnswer>;
  readonly metrics: ServerMetrics;
  readonly streams: StreamRegistry;
  readonly log: ServerLogger;
  /** Aborted by `shutdown()`: pending `?wait=` requests answer at once. */
  readonly closing: AbortSignal;
}

/** A JSON response with a status. */
export function json(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}
