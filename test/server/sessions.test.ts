// Session routes through app.request(): register (201/200, minted ids, undo on failure), list, snapshot, unregister.

import { afterEach, describe, expect, it } from 'vitest';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';
import { body, closeHarnesses, createGate, expectProblem, openHarness } from './harness.js';

afterEach(closeHarnesses);

describe('POST /v1/sessions', () => {
  it('registers a new session with the default executor: 201, its snapshot and a Location', async () => {
    const h = await openHarness();
    const res = await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/v1/sessions/s1');
    const snapshot = await body(res);
    expect(snapshot).toMatchObject({ sessionId: 's1', phase: 'attached', hasExecutor: true });
    expect(await h.runtime.sessionHasExecutor('s1')).toBe(true);
  });

  it('answers 200 with the snapshot when the session already exists, and attaches no second executor', async () => {
    let built = 0;
    const h = await openHarness({
      executor: () => {
        built += 1;
        return { apply: () => Promise.resolve({ status: 'completed_without_result' }) };
      },
    });
    expect((await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } })).status).toBe(
      201,
    );
    const again = await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    expect(again.status).toBe(200);
    expect(built).toBe(1);
  });

  it('upgrades a session registered without an executor in place (200)', async () => {
    const h = await openHarness();
    await h.runtime.registerSession('bare');
    const res = await h.request('/v1/sessions', { method: 'POST', body: { id: 'bare' } });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ phase: 'attached', hasExecutor: true });
  });

  it('mints an id when none is given (also with an empty body)', async () => {
    const h = await openHarness();
    const a = await body<{ sessionId: string }>(
      await h.request('/v1/sessions', { method: 'POST' }),
    );
    const b = await body<{ sessionId: string }>(
      await h.request('/v1/sessions', { method: 'POST', body: {} }),
    );
    expect(a.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.sessionId).not.toBe(a.sessionId);
    expect((await h.runtime.listSessions()).map((s) => s.sessionId).sort()).toEqual(
      [a.sessionId, b.sessionId].sort(),
    );
  });

  it('refuses unknown fields and bad ids with validation_failed', async () => {
    const h = await openHarness();
    const extra = await expectProblem(
      await h.request('/v1/sessions', { method: 'POST', body: { id: 's1', executor: 'x' } }),
      400,
      'validation_failed',
    );
    expect(extra['issues']).toEqual([expect.stringContaining('executor')]);
    await expectProblem(
      await h.request('/v1/sessions', { method: 'POST', body: { id: 'a\u0001b' } }),
      400,
      'validation_failed',
    );
    await expectProblem(
      await h.request('/v1/sessions', { method: 'POST', body: { id: 'x'.repeat(257) } }),
      400,
      'validation_failed',
    );
    expect(await h.runtime.listSessions()).toEqual([]);
  });

  it('refuses a destroyed durable session with 410 destroyed', async () => {
    const store = memoryStore();
    const h = await openHarness({ runtimeOptions: { store } });
    await h.request('/v1/sessions', { method: 'POST', body: { id: 'gone' } });
    expect((await h.request('/v1/sessions/gone/destroy', { method: 'POST' })).status).toBe(204);
    await expectProblem(
      await h.request('/v1/sessions', { method: 'POST', body: { id: 'gone' } }),
      410,
      'destroyed',
    );
  });

  it('answers 500 internal without the cause, logs the cause, and undoes the registration when the executor factory throws', async () => {
    const h = await openHarness({
      executor: () => {
        throw new Error('secret factory detail');
      },
    });
    const res = await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    const problem = await expectProblem(res, 500, 'internal');
    expect(JSON.stringify(problem)).not.toContain('secret factory detail');
    expect(
      JSON.stringify(h.logger.lines.map((l) => String((l.fields as { err?: Error }).err))),
    ).toContain('secret factory detail');
    expect(await h.runtime.listSessions()).toEqual([]);
  });
});

describe('GET /v1/sessions', () => {
  it('lists sessions sorted by id with phase and queue lengths, one page at a time', async () => {
    const h = await openHarness();
    for (const id of ['c', 'a', 'b']) await h.runtime.registerSession(id);
    const first = await body(await h.request('/v1/sessions?limit=2'));
    // The owner: this host when its store arbitrates ownership, else nobody.
    const owner = h.runtime.diagnostics().ownership?.hostId ?? null;
    expect(first).toEqual({
      sessions: [
        { sessionId: 'a', phase: 'attached', queue: 0, steer: 0, running: false, owner },
        { sessionId: 'b', phase: 'attached', queue: 0, steer: 0, running: false, owner },
      ],
      total: 3,
      offset: 0,
      limit: 2,
      nextOffset: 2,
    });
    const second = await body(await h.request('/v1/sessions?offset=2&limit=2'));
    expect(second).toMatchObject({ sessions: [{ sessionId: 'c' }], total: 3, nextOffset: null });
  });

  it('filters by phase and id, sorts, and counts what matches', async () => {
    const h = await openHarness();
    for (const id of ['web-2', 'cli-1', 'web-1', 'web-3']) await h.runtime.registerSession(id);
    const gate = createGate();
    await h.runtime.ensureSessionWithExecutor('web-3', scriptedExecutor([{ gate: gate.wait }]));
    await h.runtime.acceptInput('web-3', { kind: 'prompt', content: 'x' });
    await h.runtime.acceptInput('web-3', { kind: 'prompt', content: 'y' });
    const ids = async (query: string) => {
      const page = await body<{ sessions: { sessionId: string }[]; total: number }>(
        await h.request(`/v1/sessions?${query}`),
      );
      return [page.sessions.map((s) => s.sessionId), page.total];
    };
    expect(await ids('search=web&sort=-id')).toEqual([['web-3', 'web-2', 'web-1'], 3]);
    expect(await ids('phase=attached&limit=1')).toEqual([['cli-1'], 3]);
    expect(await ids('phase=running')).toEqual([['web-3'], 1]);
    expect(await ids('sort=-queue&limit=2')).toEqual([['web-3', 'cli-1'], 4]);
    expect(await ids('sort=phase')).toEqual([['cli-1', 'web-1', 'web-2', 'web-3'], 4]);
    expect(await ids('search=nope')).toEqual([[], 0]);
    gate.open();
  });

  it('refuses malformed pagination, filters and unknown or repeated query parameters', async () => {
    const h = await openHarness();
    for (const q of [
      'offset=-1',
      'limit=abc',
      'limit=1001',
      'limit=0',
      'offset=1.5',
      'phase=sleeping',
      'sort=size',
      'search=',
      'limt=5',
      'limit=1&limit=2',
    ]) {
      await expectProblem(await h.request(`/v1/sessions?${q}`), 400, 'validation_failed');
    }
  });
});

describe('GET and DELETE /v1/sessions/{id}', () => {
  it('returns the snapshot, and 404 session_not_found for an unknown id', async () => {
    const h = await openHarness();
    await h.runtime.registerSession('s1');
    expect(await body(await h.request('/v1/sessions/s1'))).toEqual(await h.runtime.snapshot('s1'));
    const missing = await expectProblem(
      await h.request('/v1/sessions/nope'),
      404,
      'session_not_found',
    );
    expect(missing['sessionId']).toBe('nope');
  });

  it('decodes percent-encoded ids', async () => {
    const h = await openHarness();
    await h.runtime.registerSession('a/b c');
    expect(await body(await h.request('/v1/sessions/a%2Fb%20c'))).toMatchObject({
      sessionId: 'a/b c',
    });
  });

  it('unregisters (204) and then answers 404', async () => {
    const h = await openHarness();
    await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    expect((await h.request('/v1/sessions/s1', { method: 'DELETE' })).status).toBe(204);
    expect(await h.runtime.containsSession('s1')).toBe(false);
    await expectProblem(
      await h.request('/v1/sessions/s1', { method: 'DELETE' }),
      404,
      'session_not_found',
    );
  });
});
