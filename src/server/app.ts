// createApp: the Hono app of the HTTP API and dashboard, built from one route table, with auth, the
// problem mapping, 404/405, metrics and the shutdown that ends open event streams.

import { setMaxListeners } from 'node:events';
import { Hono } from 'hono';
import { bearerTokenProblem } from '../core/bearer-token.js';
import { BurrowError } from '../core/errors.js';
import type { ExecutorFactory } from '../runtime/executor.js';
import type { Runtime } from '../runtime/runtime-api.js';
import { checkSameSite, createAuthCheck } from './auth.js';
import { errorResponse } from './error-response.js';
import type { ServerMetrics } from './metrics/server-metrics.js';
import { createServerMetrics } from './metrics/server-metrics.js';
import { openApiDocument } from './openapi.js';
import { checkQueryNames } from './params.js';
import { problemResponse } from './problem.js';
import type { ReadinessAnswer, RouteSpec, ServerDeps } from './routes/route-spec.js';
import { approvalRoutes } from './routes/approvals.js';
import { controlRoutes } from './routes/control.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventRoutes } from './routes/events.js';
import { inputRoutes } from './routes/inputs.js';
import { metaRoutes } from './routes/meta.js';
import { sessionRoutes } from './routes/sessions.js';
import type { ServerLogger } from './server-logger.js';
import { defaultServerLogger } from './server-logger.js';
import { createStreamRegistry } from './sse/stream.js';

/** Options of {@link createApp}. */
export interface AppOptions {
  readonly runtime: Runtime;
  /** Builds the executor of a session registered over HTTP (`POST /v1/sessions`). */
  readonly executorFactory: ExecutorFactory;
  /** Bearer token; when set, every route but `/healthz`, `/readyz` and the dashboard files needs it. */
  readonly token?: string;
  /** Request body limit in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Upper bound of `?wait=` in ms (default 60,000). */
  readonly maxWaitMs?: number;
  /** Interval of SSE heartbeat comments in ms (default 15,000). */
  readonly heartbeatMs?: number;
  /** An SSE client that reads nothing for this long while events wait is ended with `overflow` (default 30,000 ms). */
  readonly streamStallMs?: number;
  /** Readiness: store reachable, recovery done (default: `runtime.readiness()`). */
  readonly readiness?: () => ReadinessAnswer | Promise<ReadinessAnswer>;
  /** The metrics registry (default: a new one; pass your own to time store commits). */
  readonly metrics?: ServerMetrics;
  /** Where unexpected errors are logged (default: pino at level error, to stderr). */
  readonly logger?: ServerLogger;
}

/** The app and its lifecycle. */
export interface BurrowApp {
  readonly app: Hono;
  /** The route table the app serves and documents. */
  readonly routes: readonly RouteSpec[];
  /** Ends open SSE streams (with an `end` event), answers pending waits and unsubscribes. Idempotent. */
  shutdown(): void;
  /** Open SSE streams (for leak checks and metrics). */
  openStreams(): number;
}

/** The query parameters a route reads (the SSE routes' `?token=` is one of them). */
function queryNames(route: RouteSpec): ReadonlySet<string> {
  return new Set((route.params ?? []).filter((p) => p.in === 'query').map((p) => p.name));
}

function patternOf(path: string): RegExp {
  return new RegExp(
    `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}$`,
  );
}

/**
 * Builds the HTTP API and dashboard over a runtime. The runtime stays the caller's: `shutdown()` does
 * not close it.
 *
 * @example
 * const runtime = await createRuntime({ store: memoryStore() });
 * const { app, shutdown } = createApp({ runtime, executorFactory: () => echoExecutor() });
 * const res = await app.request('/v1/sessions', { method: 'POST', body: '{"id":"s1"}' });
 */
export function createApp(options: AppOptions): BurrowApp {
  const badToken = options.token === undefined ? null : bearerTokenProblem(options.token);
  if (badToken !== null) {
    throw new BurrowError('validation_failed', badToken, { issues: [`token: ${badToken}`] });
  }
  for (const [name, value, min] of [
    ['maxBodyBytes', options.maxBodyBytes, 1],
    ['maxWaitMs', options.maxWaitMs, 0],
    ['heartbeatMs', options.heartbeatMs, 1],
    ['streamStallMs', options.streamStallMs, 1],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
      throw new BurrowError('validation_failed', `${name} must be an integer >= ${min}`, {
        issues: [`${name}: integer >= ${min}`],
      });
    }
  }
  const log = options.logger ?? defaultServerLogger();
  const metrics = options.metrics ?? createServerMetrics();
  const closing = new AbortController();
  // Every pending `?wait=` listens on this one signal: hundreds at once are expected, not a leak.
  setMaxListeners(0, closing.signal);
  const deps: ServerDeps = {
    runtime: options.runtime,
    executorFactory: options.executorFactory,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    maxWaitMs: options.maxWaitMs ?? 60_000,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    readiness: options.readiness ?? (() => options.runtime.readiness()),
    metrics,
    streams: createStreamRegistry(
      log,
      options.streamStallMs === undefined ? {} : { stallMs: options.streamStallMs },
    ),
    log,
    closing: closing.signal,
  };
  const tokenConfigured = options.token !== undefined;
  const routes: RouteSpec[] = [];
  routes.push(
    ...sessionRoutes(deps),
    ...inputRoutes(deps),
    ...approvalRoutes(deps),
    ...controlRoutes(deps),
    ...eventRoutes(deps),
    ...metaRoutes(deps, () => openApiDocument(routes, tokenConfigured)),
    ...dashboardRoutes(),
  );
  const authorize = createAuthCheck(options.token);
  const app = new Hono();
  // The route template each request matched (none: 404/405), for the HTTP metrics' `route` label.
  const matched = new WeakMap<Request, string>();
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    metrics.recordResponse({
      method: c.req.method,
      route: matched.get(c.req.raw) ?? 'unmatched',
      status: c.res.status,
      seconds: (performance.now() - started) / 1000,
    });
  });
  for (const route of routes) {
    const names = queryNames(route);
    app.on(route.method, route.path, (c) => {
      matched.set(c.req.raw, route.path);
      checkSameSite(c.req.raw, tokenConfigured);
      authorize(c.req.raw, route.auth);
      checkQueryNames(c.req.url, names);
      return route.handle(c);
    });
  }
  const patterns = routes.map((route) => ({ route, pattern: patternOf(route.path) }));
  app.notFound((c) => {
    const allowed = patterns.filter((p) => p.pattern.test(c.req.path)).map((p) => p.route.method);
    if (allowed.length === 0)
      return problemResponse('route_not_found', `no route for ${c.req.path}`);
    const allow = [...new Set(allowed.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))].join(
      ', ',
    );
    return problemResponse(
      'method_not_allowed',
      `${c.req.method} is not allowed on ${c.req.path}`,
      {},
      { allow },
    );
  });
  app.onError((error, c) => errorResponse(error, log, c.req.raw));
  const detach = metrics.attach(options.runtime);
  return {
    app,
    routes,
    shutdown() {
      if (closing.signal.aborted) return;
      closing.abort();
      deps.streams.shutdown();
      detach();
    },
    openStreams: () => deps.streams.size(),
  };
}
