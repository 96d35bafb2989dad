// Generates the OpenAPI 3.1 document from the route table: paths, parameters (with the bounds and
// patterns the server enforces), request bodies (from the zod schemas), success responses, every
// problem a route can answer with, and the security each route needs.

import { RESPONSE_SCHEMAS } from './openapi-schemas.js';
import { ID_PARAM_SCHEMA, PARAMETER_SCHEMAS, type ParamSchema } from './params.js';
import type { ProblemCode } from './problem.js';
import { PROBLEM_CONTENT_TYPE, STATUS_BY_CODE } from './problem.js';
import type { RouteSpec } from './routes/route-spec.js';
import { DASHBOARD_FILE_PATTERN } from './routes/dashboard.js';
import { fromZod } from './schema-builders.js';

type Json = Record<string, unknown>;

/** `/v1/sessions/:id` → `/v1/sessions/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

const PATH_PARAMS: Readonly<Record<string, ParamSchema>> = {
  id: ID_PARAM_SCHEMA,
  inputId: ID_PARAM_SCHEMA,
  approvalId: ID_PARAM_SCHEMA,
  file: { type: 'string', pattern: DASHBOARD_FILE_PATTERN },
};

const TAGS = [
  ['sessions', 'Register, list, inspect and unregister sessions.'],
  ['inputs', "Submit inputs, read their state and outcome, read a session's transcript."],
  ['approvals', 'Tool calls waiting for a decision: list them, approve or deny one.'],
  ['control', 'Interrupt, cancel after a boundary, retire, recycle, reset, stop, destroy.'],
  ['settings', 'Silent intents and tool visibility.'],
  ['events', 'Server-Sent Event streams.'],
  ['meta', 'Contracts, health, readiness, metrics and this document.'],
  ['dashboard', 'The web dashboard.'],
] as const satisfies readonly (readonly [RouteSpec['tag'], string])[];

/** Every problem code a route may answer with: its own and the ones every route of its kind shares. */
export function routeProblems(route: RouteSpec): ProblemCode[] {
  const codes = new Set<ProblemCode>(['unauthorized', 'internal', ...route.errors]);
  // Every route refuses query parameters it does not read, and malformed ids or bodies.
  codes.add('validation_failed');
  if (route.path.startsWith('/v1/sessions/:id')) codes.add('session_not_found');
  if (route.body !== undefined) codes.add('payload_too_large');
  return [...codes];
}

function schemaOf(table: Readonly<Record<string, ParamSchema>>, name: string): ParamSchema {
  const schema = table[name];
  if (schema === undefined) throw new Error(`no schema for the parameter ${name}`);
  return schema;
}

function bodySchema(route: RouteSpec, components: Json): Json {
  if (route.body === undefined) return {};
  const name = `${route.operationId[0]?.toUpperCase() ?? ''}${route.operationId.slice(1)}Body`;
  components[name] = fromZod(route.body.schema, 'input');
  return {
    requestBody: {
      required: !route.body.optional,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
    },
  };
}

function security(route: RouteSpec, tokenConfigured: boolean): Json[] {
  if (route.auth === 'none' || !tokenConfigured) return [];
  return route.auth === 'bearer' ? [{ bearer: [] }] : [{ bearer: [] }, { queryToken: [] }];
}

function operation(route: RouteSpec, components: Json, tokenConfigured: boolean): Json {
  const pathParams = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: schemaOf(PATH_PARAMS, m[1] ?? ''),
  }));
  const params = (route.params ?? []).map((p) => ({
    name: p.name,
    in: p.in,
    required: false,
    description: p.description,
    schema: schemaOf(PARAMETER_SCHEMAS, p.name),
  }));
  const responses: Json = {};
  for (const s of route.success) {
    const types = [s.contentType ?? 'application/json'].flat();
    const schema =
      s.schema === undefined ? { type: 'string' } : { $ref: `#/components/schemas/${s.schema}` };
    const content = Object.fromEntries(types.map((type) => [type, { schema }]));
    responses[String(s.status)] = {
      description: s.description,
      ...(s.status === 204 ? {} : { content }),
    };
  }
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of routeProblems(route)) {
    const status = STATUS_BY_CODE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[String(status)] = {
      description: `Problem: ${codes.join(', ')}.`,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    security: security(route, tokenConfigured),
    parameters: [...pathParams, ...params],
    ...bodySchema(route, components),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of `routes`. With a token configured, every route but the open ones
 * requires the bearer scheme (the SSE routes also take it as `?token=`); without one, no route needs
 * credentials and the document declares no scheme.
 */
export function openApiDocument(routes: readonly RouteSpec[], tokenConfigured: boolean): Json {
  const components: Json = { ...RESPONSE_SCHEMAS };
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = {
      ...(paths[path] ?? {}),
      [route.method.toLowerCase()]: operation(route, components, tokenConfigured),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Burrow HTTP API',
      version: '1',
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        'A runtime control plane for AI-agent sessions. Errors are application/problem+json. Any path without a route answers 404 route_not_found; a known path with another method answers 405 method_not_allowed; a request Node.js cannot parse answers 400 validation_failed, or 431 headers_too_large. See docs/http.md.',
    },
    servers: [{ url: '/', description: 'The server that serves this document.' }],
    tags: TAGS.map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: components,
      ...(tokenConfigured
        ? {
            securitySchemes: {
              bearer: { type: 'http', scheme: 'bearer' },
              queryToken: {
                type: 'apiKey',
                in: 'query',
                name: 'token',
                description:
                  'The same token as a query parameter, for EventSource clients; SSE routes only.',
              },
            },
          }
        : {}),
    },
  };
}
