// Generates the OpenAPI 3.1 document from the route table: paths, parameters, request bodies (from the
// zod schemas), success responses and every problem a route can answer with.

import { z } from 'zod';
import { RESPONSE_SCHEMAS } from './openapi-schemas.js';
import type { ProblemCode } from './problem.js';
import { PROBLEM_CONTENT_TYPE, STATUS_BY_CODE } from './problem.js';
import type { RouteSpec } from './route-spec.js';

type Json = Record<string, unknown>;

/** `/v1/sessions/:id` → `/v1/sessions/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

/** Every problem code a route may answer with: its own and the ones every route of its kind shares. */
export function routeProblems(route: RouteSpec): ProblemCode[] {
  const codes = new Set<ProblemCode>(['unauthorized', 'internal', ...route.errors]);
  const pathParams = route.path.includes('/:');
  if (pathParams || route.body !== undefined || (route.params ?? []).length > 0) {
    codes.add('validation_failed');
  }
  if (route.path.startsWith('/v1/sessions/:id')) codes.add('session_not_found');
  if (route.body !== undefined) codes.add('payload_too_large');
  return [...codes];
}

/** Moves a generated schema's `$defs` into components, renaming its references. */
function bodySchema(route: RouteSpec, components: Json): Json {
  if (route.body === undefined) return {};
  const name = `${route.operationId[0]?.toUpperCase() ?? ''}${route.operationId.slice(1)}Body`;
  const generated = z.toJSONSchema(route.body.schema, { io: 'input', unrepresentable: 'any' });
  const text = JSON.stringify(generated)
    .replace(/"#\/\$defs\/([^"]+)"/g, `"#/components/schemas/${name}_$1"`)
    .replace(/"\$ref":"#"/g, `"$ref":"#/components/schemas/${name}"`);
  const { $schema: _dialect, $defs, ...schema } = JSON.parse(text) as Json & { $defs?: Json };
  for (const [key, value] of Object.entries($defs ?? {})) components[`${name}_${key}`] = value;
  components[name] = schema;
  return {
    requestBody: {
      required: !route.body.optional,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
    },
  };
}

function operation(route: RouteSpec, components: Json, tokenConfigured: boolean): Json {
  const pathParams = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string', minLength: 1, maxLength: 256 },
  }));
  const params = (route.params ?? []).map((p) => ({
    name: p.name,
    in: p.in,
    required: false,
    description: p.description,
    schema: { type: p.type, ...(p.enum === undefined ? {} : { enum: p.enum }) },
  }));
  const responses: Json = {};
  for (const s of route.success) {
    const type = s.contentType ?? 'application/json';
    const schema =
      s.schema === undefined ? { type: 'string' } : { $ref: `#/components/schemas/${s.schema}` };
    responses[String(s.status)] = {
      description: s.description,
      ...(s.status === 204 ? {} : { content: { [type]: { schema } } }),
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
    ...(route.auth === 'none' || !tokenConfigured ? { security: [] } : {}),
    parameters: [...pathParams, ...params],
    ...bodySchema(route, components),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of `routes`. With a token configured, every route but the open ones
 * requires the bearer scheme.
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
      description:
        'A runtime control plane for AI-agent sessions. Errors are application/problem+json. Any path without a route answers 404 route_not_found; a known path with another method answers 405 method_not_allowed. See docs/http.md.',
    },
    ...(tokenConfigured ? { security: [{ bearer: [] }] } : {}),
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}
