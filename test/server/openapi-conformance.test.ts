// The server against its own OpenAPI document, schemathesis-style: requests generated from the
// document's schemas (fast-check arbitraries). A request the document allows must not be refused as
// invalid; a request that breaks the document in one place must be refused with 400; and every answer must have a status the operation documents, its media type, and a
// body that conforms to its schema (problems included). No answer is a 500.

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import type { Harness } from './harness.js';
import { body, closeHarnesses, openHarness } from './harness.js';
import type { JsonSchema, Resolve } from './json-schema-check.js';
import { check } from './json-schema-check.js';
import { invalid, invalidParamText, valid } from './openapi-arbitraries.js';

afterEach(closeHarnesses);

const TOKEN = 'conformance-token';
const FIXTURE = '{fixture}';
const SEED_INPUT = 'seed-input';

interface Param {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly schema: JsonSchema;
}
interface Operation {
  readonly method: string;
  readonly path: string;
  readonly params: readonly Param[];
  readonly body: { readonly schema: JsonSchema; readonly required: boolean } | null;
  readonly responses: Record<
    string,
    { content?: Record<string, { schema: JsonSchema }> } | undefined
  >;
}
type Doc = {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, JsonSchema> };
};

/** A request before the fixture id is filled in. */
interface Draft {
  readonly op: Operation;
  readonly path: Record<string, string>;
  readonly query: [string, string][];
  readonly headers: Record<string, string>;
  readonly body?: string;
}

function operations(doc: Doc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const content = (op['requestBody'] as { content?: Record<string, { schema: JsonSchema }> })
        ?.content;
      const schema = content?.['application/json']?.schema;
      return {
        method: method.toUpperCase(),
        path,
        params: (op['parameters'] ?? []) as Param[],
        body:
          schema === undefined
            ? null
            : { schema, required: (op['requestBody'] as { required: boolean }).required },
        responses: op['responses'] as Operation['responses'],
      };
    }),
  );
}

/** Header values travel as visible ASCII without surrounding space (HTTP trims the rest). */
const headerText = (schema: JsonSchema): fc.Arbitrary<string> =>
  schema['type'] === 'integer'
    ? (valid(schema, () => ({})) as fc.Arbitrary<number>).map(String)
    : fc
        .string({
          unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
          minLength: 1,
          maxLength: 40,
        })
        .filter((s) => check(s, schema, () => ({})).length === 0);

const paramText = (param: Param, resolve: Resolve): fc.Arbitrary<string> =>
  param.in === 'header'
    ? headerText(param.schema)
    : valid(param.schema, resolve).map((v) => (typeof v === 'string' ? v : String(v)));

function validDraft(op: Operation, resolve: Resolve): fc.Arbitrary<Draft> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const path = fc.record(
    Object.fromEntries(
      pathParams.map((p) => [
        p.name,
        p.name === 'id'
          ? fc.oneof(fc.constant(FIXTURE), paramText(p, resolve))
          : p.name === 'inputId'
            ? fc.oneof(fc.constant(SEED_INPUT), paramText(p, resolve))
            : p.name === 'file'
              ? fc.oneof(fc.constantFrom('app.js', 'app.css', 'index.html'), paramText(p, resolve))
              : paramText(p, resolve),
      ]),
    ),
  );
  const optional = (p: Param) =>
    fc.option(paramText(p, resolve), { nil: undefined }).map((v) => [p.name, v] as const);
  const query = fc
    .tuple(...op.params.filter((p) => p.in === 'query').map(optional))
    .map((pairs) => pairs.filter((p): p is [string, string] => p[1] !== undefined));
  const headers = fc
    .tuple(...op.params.filter((p) => p.in === 'header').map(optional))
    .map((pairs) =>
      Object.fromEntries(pairs.filter((p): p is [string, string] => p[1] !== undefined)),
    );
  const bodyArb =
    op.body === null
      ? fc.constant(undefined)
      : op.body.required
        ? valid(op.body.schema, resolve)
        : fc.option(valid(op.body.schema, resolve), { nil: undefined });
  return fc.record({ path, query, headers, body: bodyArb }).map((d) => {
    const headersOut: Record<string, string> = { ...d.headers };
    // The one rule across two places the document cannot state: the header key equals the body's.
    const key = (d.body as { idempotencyKey?: unknown } | undefined)?.idempotencyKey;
    if (headersOut['Idempotency-Key'] !== undefined && typeof key === 'string') {
      delete headersOut['Idempotency-Key'];
    }
    return {
      op,
      path: d.path,
      query: d.query,
      headers: headersOut,
      ...(d.body === undefined ? {} : { body: JSON.stringify(d.body) }),
    };
  });
}

/** A valid draft broken in exactly one place. */
function invalidDraft(op: Operation, resolve: Resolve): fc.Arbitrary<Draft> {
  const base = validDraft(op, resolve);
  const cases: fc.Arbitrary<Draft>[] = [
    base.map((d) => ({ ...d, query: [...d.query, ['zz_unknown', '1']] })),
  ];
  for (const p of op.params) {
    const texts = invalidParamText(p.schema).filter(
      (t) => p.in !== 'header' || (t !== '' && t.trim() === t),
    );
    const bad = texts.length === 0 ? null : fc.constantFrom(...texts);
    if (p.in === 'query') {
      if (bad !== null) {
        cases.push(
          fc.tuple(base, bad).map(([d, t]) => ({
            ...d,
            query: [...d.query.filter(([n]) => n !== p.name), [p.name, t]],
          })),
        );
      }
      cases.push(
        fc.tuple(base, paramText(p, resolve)).map(([d, t]) => ({
          ...d,
          query: [...d.query.filter(([n]) => n !== p.name), [p.name, t], [p.name, t]],
        })),
      );
    } else if (p.in === 'header' && bad !== null) {
      cases.push(
        fc.tuple(base, bad).map(([d, t]) => ({ ...d, headers: { ...d.headers, [p.name]: t } })),
      );
    } else if (p.name !== 'file') {
      // Not '', '.' or '..': a URL cannot carry those as one path segment.
      cases.push(
        fc
          .tuple(base, fc.constantFrom('a\u0007b', '\u0085', 'x'.repeat(257), '\u007f'))
          .map(([d, t]) => ({ ...d, path: { ...d.path, [p.name]: t } })),
      );
    }
  }
  if (op.body !== null) {
    cases.push(
      fc
        .tuple(base, invalid(op.body.schema, resolve))
        .map(([d, bad]) => ({ ...d, body: JSON.stringify(bad) })),
      fc
        .tuple(base, fc.constantFrom('{', '{"a":1}}', 'nul'))
        .map(([d, text]) => ({ ...d, body: text })),
    );
  }
  return fc.oneof(...cases);
}

function essence(type: string): string {
  return (type.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Sends a draft and checks the answer against the document. Returns the status and, for a refusal of
 * the request's shape (not a machine guard's refusal of what it asks for), the problem code.
 */
async function send(
  h: Harness,
  draft: Draft,
  fixture: string,
  resolve: Resolve,
): Promise<{ status: number; code: string | null; label: string }> {
  const path = draft.op.path.replace(/\{([A-Za-z]+)\}/g, (_m, name: string) => {
    const value = draft.path[name] ?? '';
    return encodeURIComponent(value === FIXTURE ? fixture : value);
  });
  const search = new URLSearchParams(draft.query).toString();
  const url = `${path}${search === '' ? '' : `?${search}`}`;
  const label = `${draft.op.method} ${url} ${draft.body?.slice(0, 200) ?? ''}`;
  const res = await h.bundle.app.request(url, {
    method: draft.op.method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...draft.headers,
    },
    ...(draft.body === undefined ? {} : { body: draft.body }),
  });
  const type = res.headers.get('content-type') ?? '';
  const documented = draft.op.responses[String(res.status)];
  expect(documented, `${label} → ${res.status} is not documented`).toBeDefined();
  expect(res.status, label).not.toBe(500);
  if (essence(type) === 'text/event-stream') {
    await res.body?.cancel();
    return { status: res.status, code: null, label };
  }
  const text = await res.text();
  const content = documented?.content;
  if (content === undefined) {
    expect(text, label).toBe('');
    return { status: res.status, code: null, label };
  }
  const media = Object.entries(content).find(([t]) => essence(t) === essence(type));
  expect(media, `${label} → ${res.status} ${type}`).toBeDefined();
  if (!essence(type).endsWith('json')) return { status: res.status, code: null, label };
  const value = JSON.parse(text) as { code?: string };
  expect(
    check(value, media?.[1].schema ?? {}, resolve),
    `${label} → ${text.slice(0, 300)}`,
  ).toEqual([]);
  // A refusal by a machine guard names it: the request's shape was fine, its meaning was not.
  const shape = typeof value.code === 'string' && !('guard' in value) ? value.code : null;
  return { status: res.status, code: shape, label };
}

async function setUp() {
  const h = await openHarness({ token: TOKEN, maxWaitMs: 20, executor: () => echoExecutor() });
  const doc = await body<Doc>(
    await h.request('/v1/openapi.json', { headers: { authorization: `Bearer ${TOKEN}` } }),
  );
  const resolve: Resolve = (ref) => {
    const schema = doc.components.schemas[ref.replace('#/components/schemas/', '')];
    if (schema === undefined) throw new Error(`unresolved ${ref}`);
    return schema;
  };
  let generation = 0;
  let fixture = '';
  /** A live session to aim at: a fresh one once the last was destroyed, stopped, retired or gone. */
  const liveFixture = async (): Promise<string> => {
    const phase = await h.runtime
      .snapshot(fixture)
      .then((s) => s.phase)
      .catch(() => null);
    if (phase === 'idle' || phase === 'attached' || phase === 'running') return fixture;
    fixture = `cf-${(generation += 1)}`;
    await h.runtime.registerSessionWithExecutor(fixture, echoExecutor());
    await h.runtime.acceptInput(fixture, { kind: 'prompt', inputId: SEED_INPUT, content: 'seed' });
    return fixture;
  };
  return { h, resolve, ops: operations(doc), liveFixture };
}

describe('the server against its OpenAPI document', () => {
  it('accepts every request the document allows, and answers each as documented', async () => {
    const { h, resolve, ops, liveFixture } = await setUp();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops).chain((op) => validDraft(op, resolve)),
        async (draft) => {
          const answer = await send(h, draft, await liveFixture(), resolve);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          expect(answer.code, `${answer.label}: the document allows this request`).not.toBe(
            'validation_failed',
          );
        },
      ),
      { numRuns: 600 },
    );
    for (const status of [200, 201, 202, 204, 404])
      expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
    expect(h.logger.lines).toEqual([]);
  });

  it('refuses every request that breaks the document in one place with a documented 400 problem', async () => {
    const { h, resolve, ops, liveFixture } = await setUp();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops).chain((op) => invalidDraft(op, resolve)),
        async (draft) => {
          const answer = await send(h, draft, await liveFixture(), resolve);
          expect(answer.status, answer.label).toBe(400);
        },
      ),
      { numRuns: 600 },
    );
    expect(h.logger.lines).toEqual([]);
  });
});
