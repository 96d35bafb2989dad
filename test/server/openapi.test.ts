// The OpenAPI document against the served routes and docs/http.md.

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { body, closeHarnesses, openHarness } from './harness.js';

afterEach(closeHarnesses);

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { operationId: string; responses: Record<string, unknown> }>
  >;
  components: { schemas: Record<string, unknown> };
};

const honoPath = (path: string): string => path.replace(/\{([A-Za-z]+)\}/g, ':$1');

/** Every `$ref` in `value`. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === '$ref' && typeof v === 'string' ? [v] : refs(v),
  );
}

describe('GET /v1/openapi.json', () => {
  it('documents exactly the routes the app serves', async () => {
    const h = await openHarness();
    const doc = await body<Doc>(await h.request('/v1/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${honoPath(path)}`))
      .sort();
    const served = h.bundle.app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(served.length).toBeGreaterThan(25);
    expect(documented).toEqual(served);
  });

  it('lists, per operation, a problem response for unauthorized and internal, and resolves every $ref', async () => {
    const h = await openHarness({ token: 't' });
    const doc = await body<Doc>(
      await h.request('/v1/openapi.json', { headers: { authorization: 'Bearer t' } }),
    );
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '500']));
      }
    }
    for (const ref of refs(doc)) {
      const name = ref.replace('#/components/schemas/', '');
      expect(doc.components.schemas[name], ref).toBeDefined();
    }
    expect(doc.paths['/v1/sessions/{id}/inputs']?.['post']?.responses).toHaveProperty('429');
  });

  it('routes every documented operation (none answers route_not_found or method_not_allowed)', async () => {
    const h = await openHarness();
    const doc = await body<Doc>(await h.request('/v1/openapi.json'));
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        const concrete = path.replace('{file}', 'app.js').replace(/\{[A-Za-z]+\}/g, 'zz');
        const res = await h.request(concrete, { method: method.toUpperCase() });
        const type = res.headers.get('content-type') ?? '';
        if (type.startsWith('text/event-stream')) {
          await res.body?.cancel();
          continue;
        }
        const code = type === 'application/problem+json' ? (await body(res))['code'] : null;
        expect(code, `${method} ${path}`).not.toBe('route_not_found');
        expect(code, `${method} ${path}`).not.toBe('method_not_allowed');
      }
    }
  });

  it('documents the frame formats of both event streams as an enumeration', async () => {
    const h = await openHarness();
    const doc = await body<{
      paths: Record<string, { get: { parameters: { name: string; schema: unknown }[] } }>;
    }>(await h.request('/v1/openapi.json'));
    for (const path of ['/v1/sessions/{id}/events', '/v1/events']) {
      const format = doc.paths[path]?.get.parameters.find((p) => p.name === 'format');
      expect(format?.schema, path).toEqual({ type: 'string', enum: ['named', 'message'] });
    }
  });

  it('is matched by docs/http.md, which names every route', () => {
    const docs = readFileSync(new URL('../../docs/http.md', import.meta.url), 'utf8');
    return openHarness().then(async (h) => {
      const doc = await body<Doc>(await h.request('/v1/openapi.json'));
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const method of Object.keys(ops)) {
          expect(docs, `${method.toUpperCase()} ${path}`).toContain(
            `${method.toUpperCase()} ${path}`,
          );
        }
      }
    });
  });
});
