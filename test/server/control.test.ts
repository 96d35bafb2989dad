// Control operations and session settings through app.request(), with the machine refusals they pass through.

import { afterEach, describe, expect, it } from 'vitest';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { ScriptedTurn } from '../../src/executors/scripted-executor.js';
import { body, closeHarnesses, createGate, expectProblem, openHarness } from './harness.js';

afterEach(closeHarnesses);

async function session(turn: ScriptedTurn = {}) {
  const h = await openHarness({ executor: () => scriptedExecutor([turn]) });
  expect((await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } })).status).toBe(
    201,
  );
  return h;
}

const post = (path: string, b?: unknown) => ({
  method: 'POST',
  ...(b === undefined ? {} : { body: b }),
});

describe('control operations', () => {
  it('interrupt hard-cancels the running turn: its input ends cancelled with the given reason', async () => {
    const gate = createGate();
    const h = await session({ gate: () => gate.wait() });
    const waiting = h.request('/v1/sessions/s1/inputs?wait=1m', {
      method: 'POST',
      body: { kind: 'prompt', content: 'long' },
    });
    await gate.entered;
    const res = await h.request(
      '/v1/sessions/s1/interrupt',
      post('', { reason: 'operator said so' }),
    );
    expect(res.status).toBe(200);
    const outcome = await body<{ outcome: { runId: string } }>(await waiting);
    expect(outcome).toMatchObject({ outcome: { status: 'cancelled', reason: 'operator said so' } });
    expect(await body(res)).toEqual({ interrupted: true, runId: outcome.outcome.runId });
    gate.open();
  });

  it('interrupt without a running turn is a no-op that says so (200, interrupted: false)', async () => {
    const h = await session();
    const res = await h.request('/v1/sessions/s1/interrupt', post(''));
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ interrupted: false, runId: null });
    expect((await h.runtime.snapshot('s1')).phase).toBe('attached');
  });

  it('cancel-after-boundary lets the current step finish and stops at the boundary', async () => {
    const gate = createGate();
    const h = await session({ steps: 2, gate: () => gate.wait() });
    const waiting = h.request('/v1/sessions/s1/inputs?wait=1m', {
      method: 'POST',
      body: { kind: 'prompt', content: 'two steps' },
    });
    await gate.entered;
    expect((await h.request('/v1/sessions/s1/cancel-after-boundary', post('', {}))).status).toBe(
      204,
    );
    gate.open();
    expect(await body(await waiting)).toMatchObject({ outcome: { status: 'cancelled' } });
    const history = await body<{ messages: { message: { content: string } }[] }>(
      await h.request('/v1/sessions/s1/history'),
    );
    expect(history.messages.at(-1)?.message.content).toBe('stopped after step 1');
  });

  it('cancel-after-boundary on a session without a loop is refused with not_ready', async () => {
    const h = await openHarness();
    await h.runtime.registerSession('bare');
    const problem = await expectProblem(
      await h.request('/v1/sessions/bare/cancel-after-boundary', post('')),
      409,
      'not_ready',
    );
    expect(problem['phase']).toBe('attached');
  });

  it('retire rests the session in retired; stop, then destroy, end another; destroying twice is 410', async () => {
    const h = await session();
    expect((await h.request('/v1/sessions/s1/retire', post(''))).status).toBe(204);
    expect((await h.runtime.snapshot('s1')).phase).toBe('retired');
    await h.request('/v1/sessions', post('', { id: 's2' }));
    expect((await h.request('/v1/sessions/s2/stop', post('', { reason: 'done' }))).status).toBe(
      204,
    );
    expect((await h.runtime.snapshot('s2')).phase).toBe('stopped');
    await expectProblem(await h.request('/v1/sessions/s2/reset', post('')), 409, 'not_ready');
    expect((await h.request('/v1/sessions/s2/destroy', post(''))).status).toBe(204);
    expect((await h.runtime.snapshot('s2')).phase).toBe('destroyed');
    await expectProblem(await h.request('/v1/sessions/s2/destroy', post('')), 410, 'destroyed');
  });

  it('recycle and reset are refused while a turn runs, and allowed once it ended', async () => {
    const gate = createGate();
    const h = await session({ gate: () => gate.wait() });
    const waiting = h.request('/v1/sessions/s1/inputs?wait=1m', {
      method: 'POST',
      body: { kind: 'prompt', content: 'x' },
    });
    await gate.entered;
    const refused = await expectProblem(
      await h.request('/v1/sessions/s1/recycle', post('')),
      409,
      'not_ready',
    );
    expect(refused).toMatchObject({ phase: 'running', sessionId: 's1' });
    await expectProblem(await h.request('/v1/sessions/s1/reset', post('')), 409, 'not_ready');
    gate.open();
    expect((await waiting).status).toBe(200);
    expect((await h.request('/v1/sessions/s1/recycle', post(''))).status).toBe(204);
    expect((await h.request('/v1/sessions/s1/reset', post(''))).status).toBe(204);
  });

  it('refuses unknown body fields, reasons on operations without one, and unknown sessions', async () => {
    const h = await session();
    await expectProblem(
      await h.request('/v1/sessions/s1/interrupt', post('', { reason: 'x', force: true })),
      400,
      'validation_failed',
    );
    await expectProblem(
      await h.request('/v1/sessions/s1/retire', post('', { reason: 'x' })),
      400,
      'validation_failed',
    );
    await expectProblem(
      await h.request('/v1/sessions/s1/stop', post('', 'nope')),
      400,
      'validation_failed',
    );
    await expectProblem(
      await h.request('/v1/sessions/zz/retire', post('')),
      404,
      'session_not_found',
    );
    expect((await h.runtime.snapshot('s1')).phase).toBe('attached');
  });
});

describe('settings', () => {
  it('replaces the silent intents', async () => {
    const h = await session();
    const res = await h.request('/v1/sessions/s1/silent-intents', {
      method: 'PUT',
      body: { intents: ['ping', 'status'] },
    });
    expect(await body(res)).toEqual({ intents: ['ping', 'status'] });
    expect((await h.runtime.snapshot('s1')).silentIntents).toEqual(['ping', 'status']);
  });

  it('replaces the catalog, stages a filter, requests deferred tools and publishes a visible set', async () => {
    const h = await session();
    const catalog = await h.request('/v1/sessions/s1/visibility/catalog', {
      method: 'PUT',
      body: {
        tools: [
          { name: 'search', provenance: 'builtin' },
          { name: 'fetch', provenance: 'mcp:web' },
        ],
      },
    });
    expect(catalog.status).toBe(200);
    const filter = await body<{ revision: number }>(
      await h.request('/v1/sessions/s1/visibility/filter', {
        method: 'PUT',
        body: { filter: { type: 'allow', names: ['search'] } },
      }),
    );
    expect(filter.revision).toBeGreaterThan(0);
    const deferred = await body<{ revision: number }>(
      await h.request('/v1/sessions/s1/visibility/deferred', {
        method: 'POST',
        body: { names: ['fetch'] },
      }),
    );
    expect(deferred.revision).toBeGreaterThan(filter.revision);
    const side = { revision: 7, filter: { type: 'deny', names: ['fetch'] }, deferred: [] };
    const published = await body(
      await h.request('/v1/sessions/s1/visibility/published', {
        method: 'PUT',
        body: { active: side, staged: side },
      }),
    );
    expect(published).toEqual({ active: side, staged: side });
    expect((await h.runtime.snapshot('s1')).visibility).toEqual({
      activeRevision: 7,
      stagedRevision: 7,
    });
  });

  it('refuses a filter naming an unknown tool as invalid (naming the guard) and validates shapes', async () => {
    const h = await session();
    const refused = await expectProblem(
      await h.request('/v1/sessions/s1/visibility/filter', {
        method: 'PUT',
        body: { filter: { type: 'allow', names: ['nope'] } },
      }),
      400,
      'validation_failed',
    );
    expect(refused['guard']).toBe('filter_names_known');
    for (const [path, method, b] of [
      ['silent-intents', 'PUT', { intents: 'ping' }],
      ['visibility/catalog', 'PUT', { tools: [{ name: 'x' }] }],
      ['visibility/filter', 'PUT', { filter: { type: 'some' } }],
      ['visibility/deferred', 'POST', { names: [1] }],
      ['visibility/published', 'PUT', { active: {} }],
    ] as const) {
      await expectProblem(
        await h.request(`/v1/sessions/s1/${path}`, { method, body: b }),
        400,
        'validation_failed',
      );
    }
    expect((await h.runtime.snapshot('s1')).visibility).toEqual({
      activeRevision: 0,
      stagedRevision: 0,
    });
  });
});
