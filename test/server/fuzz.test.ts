// Fuzz: thousands of requests that each carry at least one defect (bad credentials, malformed or
// oversized bodies, wrong shapes, unknown kinds, bad ids or query parameters, cross-origin, wrong
// methods, unknown paths), with random header noise. Every one must be refused with a status the
// OpenAPI document lists for its route (or 404/405), as a problem body, and must change nothing.

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { body, closeHarnesses, openHarness } from './harness.js';

afterEach(closeHarnesses);

const TOKEN = 'fuzz-token';
const LIMIT = 4096;
const FIXTURES = ['fz-idle', 'fz-queued', 'fz-destroyed'] as const;

type Operation = { responses: Record<string, unknown>; security?: unknown[] };
type Doc = { paths: Record<string, Record<string, Operation>> };

interface Template {
  readonly path: string;
  readonly method: string;
  readonly pattern: RegExp;
  readonly open: boolean;
  readonly sse: boolean;
  readonly hasBody: boolean;
  readonly query: readonly string[];
}

const BODY_ROUTES = /^(POST|PUT) /;
const QUERY: Record<string, readonly string[]> = {
  'GET /v1/sessions': ['offset=-1', 'limit=abc', 'limit=5000', 'offset=1e3'],
  'GET /v1/sessions/{id}/history': ['offset=x', 'limit=-2', 'limit=100000'],
  'POST /v1/sessions/{id}/inputs': ['wait=soon', 'wait=-1s', 'wait=1h', 'wait=1.5s'],
  'GET /v1/sessions/{id}/events': ['since=-1', 'since=abc', 'since=1.5'],
  'GET /v1/events': ['types=Session!', 'types=;drop', `types=${'a,'.repeat(60)}a`],
};

function templates(doc: Doc): Template[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([m, op]) => {
      const method = m.toUpperCase();
      const key = `${method} ${path}`;
      return {
        path,
        method,
        pattern: new RegExp(`^${path.replace(/\{[A-Za-z]+\}/g, '[^/]+')}$`),
        // The document says which routes need no credential: those with an empty security list.
        open: (op.security ?? []).length === 0,
        sse: path.endsWith('events'),
        hasBody: BODY_ROUTES.test(key),
        query: QUERY[key] ?? [],
      };
    }),
  );
}

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 64,
});

const noiseHeaders = fc.dictionary(
  fc.constantFrom(
    'accept',
    'content-type',
    'x-forwarded-for',
    'user-agent',
    'x-fuzz',
    'idempotency-key',
    'cookie',
  ),
  fc.oneof(
    printable,
    printable.map((s) => s.repeat(100)),
    fc.constantFrom(
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
    ),
  ),
  { maxKeys: 4 },
);

const goodId = fc.constantFrom<string>(...FIXTURES, 'unknown-session', 'a%2Fb');
const badId = fc.constantFrom('%00', 'a%01b', 'x'.repeat(300), '%7F');

/** A JSON text of the wrong shape for every schema (strict objects refuse the extra key). */
const wrongShape = fc.oneof(
  fc.constantFrom('[]', '42', '"prompt"', 'null', 'true'),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify({ __fuzz: v })),
  fc
    .jsonValue({ maxDepth: 2 })
    .map((v) => JSON.stringify({ kind: 'prompt', content: 'x', __fuzz: v })),
  printable
    .filter(
      (k) =>
        ![
          'prompt',
          'external_event',
          'peer_message',
          'peer_request',
          'peer_response',
          'continuation',
          'operation',
        ].includes(k),
    )
    .map((kind) => JSON.stringify({ kind, content: 'x' })),
  fc.constantFrom(
    '{"id":5}',
    '{"reason":""}',
    '{"intents":"a"}',
    '{"tools":[{"name":""}]}',
    '{"filter":{"type":"allow"}}',
    '{"names":[null]}',
    '{"active":{"revision":-1}}',
    '{"kind":"prompt","content":[]}',
    '{"kind":"prompt","content":"x","whenBusy":"never"}',
  ),
);

type Defect =
  | {
      kind:
        | 'no-token'
        | 'bad-scheme'
        | 'query-token'
        | 'cross-origin'
        | 'bad-id'
        | 'invalid-utf8'
        | 'lying-length'
        | 'bad-length';
    }
  | { kind: 'wrong-token'; token: string }
  | { kind: 'bad-json'; text: string }
  | { kind: 'wrong-shape'; text: string }
  | { kind: 'huge'; size: number }
  | { kind: 'bad-query'; index: number }
  | { kind: 'bad-last-event-id'; value: string }
  | { kind: 'wrong-method'; method: string }
  | { kind: 'unknown-path'; path: string };

const defect: fc.Arbitrary<Defect> = fc.oneof(
  fc.constantFrom<Defect>(
    { kind: 'no-token' },
    { kind: 'bad-scheme' },
    { kind: 'query-token' },
    { kind: 'cross-origin' },
    { kind: 'bad-id' },
    { kind: 'invalid-utf8' },
    { kind: 'lying-length' },
    { kind: 'bad-length' },
  ),
  printable
    .filter((t) => t !== TOKEN && t.trim() === t && t !== '')
    .map((token): Defect => ({ kind: 'wrong-token', token })),
  printable.map((text): Defect => ({ kind: 'bad-json', text: `${text}}{` })),
  wrongShape.map((text): Defect => ({ kind: 'wrong-shape', text })),
  fc.integer({ min: LIMIT + 1, max: LIMIT * 8 }).map((size): Defect => ({ kind: 'huge', size })),
  fc.nat({ max: 10 }).map((index): Defect => ({ kind: 'bad-query', index })),
  fc
    .constantFrom('-1', 'abc', '1.5', '9'.repeat(20))
    .map((value): Defect => ({ kind: 'bad-last-event-id', value })),
  fc
    .constantFrom('PATCH', 'OPTIONS', 'PUT', 'DELETE', 'POST', 'GET')
    .map((method): Defect => ({ kind: 'wrong-method', method })),
  fc
    .array(
      printable.map((s) => encodeURIComponent(s)),
      { minLength: 1, maxLength: 3 },
    )
    .map((parts): Defect => ({ kind: 'unknown-path', path: `/zz-${parts.join('/')}` })),
);

/** Whether `d` makes a request to `t` certain to be refused. */
function applies(t: Template, d: Defect): boolean {
  switch (d.kind) {
    case 'no-token':
    case 'wrong-token':
    case 'bad-scheme':
      return !t.open;
    case 'query-token':
      return !t.open && !t.sse;
    case 'cross-origin':
    case 'wrong-method':
    case 'unknown-path':
      return true;
    case 'bad-id':
      return t.path.includes('{id}') || t.path.includes('{inputId}');
    case 'invalid-utf8':
    case 'lying-length':
    case 'bad-length':
    case 'bad-json':
    case 'wrong-shape':
    case 'huge':
      return t.hasBody;
    case 'bad-query':
      return t.query.length > 0;
    case 'bad-last-event-id':
      return t.path === '/v1/sessions/{id}/events';
  }
}

interface Built {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
}

function build(
  t: Template,
  d: Defect,
  id: string,
  inputId: string,
  noise: Record<string, string>,
  all: readonly Template[],
): Built {
  const headers: Record<string, string> = { ...noise, authorization: `Bearer ${TOKEN}` };
  let path = t.path
    .replace('{file}', 'app.js')
    .replace('{id}', d.kind === 'bad-id' ? '%00' : id)
    .replace('{inputId}', d.kind === 'bad-id' ? 'x'.repeat(300) : inputId);
  let method = t.method;
  let payload: string | Uint8Array | undefined = t.hasBody ? '{}' : undefined;
  switch (d.kind) {
    case 'no-token':
      delete headers['authorization'];
      break;
    case 'wrong-token':
      headers['authorization'] = `Bearer ${d.token}`;
      break;
    case 'bad-scheme':
      headers['authorization'] = `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`;
      break;
    case 'query-token':
      delete headers['authorization'];
      path += `?token=${TOKEN}`;
      break;
    case 'cross-origin':
      headers['origin'] = 'http://evil.example';
      break;
    case 'invalid-utf8':
      payload = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
      break;
    case 'lying-length':
      headers['content-length'] = String(LIMIT * 100);
      break;
    case 'bad-length':
      headers['content-length'] = 'twelve';
      break;
    case 'bad-json':
    case 'wrong-shape':
      payload = d.text;
      break;
    case 'huge':
      payload = JSON.stringify({ kind: 'prompt', content: 'x'.repeat(d.size) });
      break;
    case 'bad-query':
      path += `?${t.query[d.index % t.query.length] ?? ''}`;
      break;
    case 'bad-last-event-id':
      headers['last-event-id'] = d.value;
      break;
    case 'wrong-method': {
      const methods = all.filter((o) => o.path === t.path).map((o) => o.method);
      const allowed = new Set([...methods, ...(methods.includes('GET') ? ['HEAD'] : [])]);
      method = allowed.has(d.method) ? 'PATCH' : d.method;
      payload = undefined;
      break;
    }
    case 'unknown-path':
      path = d.path;
      payload = undefined;
      method = 'GET';
      break;
    case 'bad-id':
      break;
  }
  if (method === 'GET' || method === 'HEAD') payload = undefined;
  return { method, path, headers, ...(payload === undefined ? {} : { body: payload }) };
}

async function state(h: Harness): Promise<string> {
  const sessions = await h.runtime.listSessions({ limit: 1000 });
  const snapshots = await Promise.all(
    FIXTURES.map((id) => h.runtime.snapshot(id).catch((e: unknown) => String(e))),
  );
  const transcripts = await Promise.all(
    FIXTURES.map((id) => h.runtime.getTranscript(id).catch(() => null)),
  );
  return JSON.stringify({ sessions, snapshots, transcripts });
}

describe('fuzzing the HTTP API with defective requests', () => {
  it('refuses each with a documented status and a problem body, and changes nothing', async () => {
    const h = await openHarness({ token: TOKEN, maxBodyBytes: LIMIT, maxWaitMs: 10 });
    await h.runtime.registerSession('fz-idle');
    await h.runtime.registerSession('fz-queued');
    const { inputId } = await h.runtime.acceptInput('fz-queued', {
      kind: 'prompt',
      content: 'waiting',
    });
    await h.runtime.registerSession('fz-destroyed');
    await h.runtime.destroy('fz-destroyed');
    const doc = await body<Doc>(
      await h.request('/v1/openapi.json', { headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    const all = templates(doc);
    const requests = fc
      .tuple(
        fc.constantFrom(...all),
        defect,
        fc.oneof(goodId, badId),
        fc.constantFrom(inputId, 'nope'),
        noiseHeaders,
      )
      .filter(([t, d]) => applies(t, d));
    const seen = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(requests, async ([t, d, id, input, noise]) => {
        const before = await state(h);
        const req = build(t, d, id, input, noise, all);
        const res = await h.bundle.app.request(req.path, {
          method: req.method,
          headers: req.headers,
          ...(req.body === undefined ? {} : { body: req.body }),
        });
        const type = res.headers.get('content-type') ?? '';
        if (type.startsWith('text/event-stream')) await res.body?.cancel();
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        const route = all.find(
          (r) =>
            r.method === (req.method === 'HEAD' ? 'GET' : req.method) &&
            r.pattern.test(req.path.split('?')[0] ?? ''),
        );
        const matchesPath = all.some((r) => r.pattern.test(req.path.split('?')[0] ?? ''));
        const documented =
          route !== undefined
            ? Object.keys(doc.paths[route.path]?.[route.method.toLowerCase()]?.responses ?? {}).map(
                Number,
              )
            : matchesPath
              ? [405]
              : [404];
        expect(res.status, `${req.method} ${req.path} (${d.kind})`).toBeGreaterThanOrEqual(400);
        expect(documented, `${req.method} ${req.path} (${d.kind}) → ${res.status}`).toContain(
          res.status,
        );
        expect(type).toBe('application/problem+json');
        if (req.method !== 'HEAD') {
          const text = await res.text();
          const problem = JSON.parse(text) as Record<string, unknown>;
          expect(problem).toMatchObject({
            status: res.status,
            type: expect.stringMatching(/^urn:burrow:problem:/) as unknown,
          });
          expect(typeof problem['code']).toBe('string');
          expect(typeof problem['title']).toBe('string');
          expect(typeof problem['detail']).toBe('string');
          expect(text).not.toMatch(/\bat .+:\d+:\d+/);
        }
        expect(await state(h), `${req.method} ${req.path} (${d.kind}) changed state`).toBe(before);
      }),
      { numRuns: 3000 },
    );

    // Every refusal family was exercised.
    for (const status of [400, 401, 404, 405, 413])
      expect(seen.get(status) ?? 0).toBeGreaterThan(0);
    expect(h.bundle.openStreams()).toBe(0);
    expect(h.logger.lines).toEqual([]);

    // The runtime is still usable.
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect(
      (await h.request('/v1/sessions', { method: 'POST', body: { id: 'fz-idle' }, headers: auth }))
        .status,
    ).toBe(200);
    const turn = await h.request('/v1/sessions/fz-idle/inputs?wait=5s', {
      method: 'POST',
      body: { kind: 'prompt', content: 'still alive' },
      headers: auth,
    });
    expect(turn.status).toBe(200);
    expect(await body(turn)).toMatchObject({ outcome: { status: 'completed' } });
    expect((await h.request('/healthz')).status).toBe(200);
  });
});
