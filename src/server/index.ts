// `burrow/server`: the HTTP API, SSE and dashboard (Hono on @hono/node-server).

export { createApp } from './app.js';
export type { AppOptions, BurrowApp } from './app.js';
export { startServer } from './server.js';
export type { RunningServer, ServerOptions } from './server.js';
export { createServerMetrics } from './metrics/server-metrics.js';
export type { ServerMetrics } from './metrics/server-metrics.js';
export type { ServerLogger } from './server-logger.js';
export { STATUS_BY_CODE, SERVER_PROBLEM_CODES } from './problem.js';
export type { ProblemBody, ProblemCode } from './problem.js';
export type { ReadinessAnswer, RouteSpec } from './routes/route-spec.js';
