// Input routes through app.request(): accept, ?wait=, disconnects, idempotency, refusals, input records, history.

import { afterEach, describe, expect, it } from 'vitest';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import type { Harness } from './harness.js';
import { body, closeHarnesses, createGate, expectProblem, openHarness } from './harness.js';

afterEach(closeHarnesses);

/** Resolves when the runtime publishes `type` for `inputId` (events, not time). */
function eventFor(runtime: Runtime, type: string, inputId: string): Promise<void> {
  return new Promise((resolve) => {
    const off = runtime.onEvent((event) => {
      const data = event.data as { inputId?: string };
      if (event.type === type && data.inputId === inputId) {
        off();
        resolve();
      }
    });
  });
}

async function gatedSession(options: Parameters<typeof openHarness>[0] = {}) {
  const gate = createGate();
  const h = await openHarness({
    ...options,
    executor: () => scriptedExecutor([{ gate: () => gate.wait() }]),
  });
  expect((await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } })).status).toBe(
    201,
  );
  return { h, gate };
}

const prompt = (content: string, extra: Record<string, unknown> = {}) => ({
  kind: 'prompt',
  content,
  ...extra,
});

async function submit(
  h: Harness,
  input: unknown,
  query = '',
  headers: Record<string, string> = {},
) {
  return h.request(`/v1/sessions/s1/inputs${query}`, { method: 'POST', body: input, headers });
}

describe('POST /v1/sessions/{id}/inputs', () => {
  it('accepts with 202, the input id, the decision and a Location; the outcome is not awaited', async () => {
    const { h, gate } = await gatedSession();
    const res = await submit(h, prompt('hello'));
    expect(res.status).toBe(202);
    const accepted = await body<{ inputId: string; decision: { lane: string } }>(res);
    expect(accepted).toMatchObject({
      status: 'accepted',
      outcome: null,
      decision: { lane: 'queue' },
    });
    expect(res.headers.get('location')).toBe(`/v1/sessions/s1/inputs/${accepted.inputId}`);
    const consumed = eventFor(h.runtime, 'input.consumed', accepted.inputId);
    gate.open();
    await consumed;
  });

  it('waits for the outcome with ?wait= and answers 200 with it', async () => {
    const h = await openHarness();
    await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    const res = await submit(h, prompt('hello'), '?wait=5s');
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({
      status: 'accepted',
      outcome: { status: 'completed', result: { reply: 'echo: hello' } },
    });
  });

  it('answers 202 with no outcome when the wait runs out (clamped to maxWaitMs), and the input still completes', async () => {
    const { h, gate } = await gatedSession({ maxWaitMs: 20 });
    const res = await submit(h, prompt('slow'), '?wait=10m');
    expect(res.status).toBe(202);
    const { inputId } = await body<{ inputId: string }>(res);
    const consumed = eventFor(h.runtime, 'input.consumed', inputId);
    gate.open();
    await consumed;
    const record = await body(await h.request(`/v1/sessions/s1/inputs/${inputId}`));
    expect(record).toMatchObject({
      state: { status: 'consumed' },
      outcome: { status: 'completed' },
    });
  });

  it('never cancels a durable input when the waiting client disconnects', async () => {
    const { h, gate } = await gatedSession();
    const client = new AbortController();
    const accepted = new Promise<string>((resolve) => {
      const off = h.runtime.onEvent((event) => {
        if (event.type === 'input.accepted') {
          off();
          resolve(event.data.inputId);
        }
      });
    });
    const request = h.request('/v1/sessions/s1/inputs?wait=1m', {
      method: 'POST',
      body: prompt('keep me'),
      signal: client.signal,
    });
    const inputId = await accepted;
    await gate.entered;
    client.abort();
    const res = await request;
    expect(res.status).toBe(202);
    expect(await body(res)).toMatchObject({ inputId, outcome: null });
    const consumed = eventFor(h.runtime, 'input.consumed', inputId);
    gate.open();
    await consumed;
    expect(await h.runtime.getInput('s1', inputId)).toMatchObject({
      state: { status: 'consumed' },
      outcome: { status: 'completed' },
    });
  });

  it('answers pending waits at once when the app shuts down', async () => {
    const { h, gate } = await gatedSession();
    const request = submit(h, prompt('x'), '?wait=1m');
    await gate.entered;
    h.bundle.shutdown();
    expect((await request).status).toBe(202);
    gate.open();
  });

  it('deduplicates by Idempotency-Key header and refuses the same key with another payload', async () => {
    const { h, gate } = await gatedSession();
    const first = await body<{ inputId: string }>(
      await submit(h, prompt('a'), '', { 'idempotency-key': 'k1' }),
    );
    const again = await submit(h, prompt('a'), '', { 'idempotency-key': 'k1' });
    expect(again.status).toBe(202);
    expect(await body(again)).toMatchObject({ status: 'deduplicated', inputId: first.inputId });
    const conflict = await expectProblem(
      await submit(h, prompt('b'), '', { 'idempotency-key': 'k1' }),
      409,
      'idempotency_conflict',
    );
    expect(conflict['existingInputId']).toBe(first.inputId);
    await expectProblem(
      await submit(h, prompt('a', { idempotencyKey: 'k2' }), '', { 'idempotency-key': 'k3' }),
      400,
      'validation_failed',
    );
    gate.open();
  });

  it('answers a second POST with the same inputId and other content with 409 idempotency_conflict, and the same content with the deduplicated answer', async () => {
    const { h, gate } = await gatedSession();
    await submit(h, prompt('busy'));
    await gate.entered;
    const first = await submit(h, prompt('mine', { inputId: 'client-1' }));
    expect(first.status).toBe(202);
    const conflict = await expectProblem(
      await submit(h, prompt('theirs', { inputId: 'client-1' })),
      409,
      'idempotency_conflict',
    );
    expect(conflict['existingInputId']).toBe('client-1');
    const again = await submit(h, prompt('mine', { inputId: 'client-1' }));
    expect(again.status).toBe(202);
    expect(await body(again)).toMatchObject({ status: 'deduplicated', inputId: 'client-1' });
    const record = await body<{ payload: { content: string } }>(
      await h.request('/v1/sessions/s1/inputs/client-1'),
    );
    expect(record.payload.content).toBe('mine');
    gate.open();
  });

  it('refuses whenBusy=reject while a turn runs with 409 session_busy', async () => {
    const { h, gate } = await gatedSession();
    await submit(h, prompt('first'));
    await gate.entered;
    await expectProblem(
      await submit(h, prompt('second', { whenBusy: 'reject' })),
      409,
      'session_busy',
    );
    gate.open();
  });

  it('refuses over the per-session queue limit with 429 queue_full', async () => {
    const { h, gate } = await gatedSession({ runtimeOptions: { maxQueuedInputs: 1 } });
    await submit(h, prompt('first'));
    await gate.entered;
    const problem = await expectProblem(await submit(h, prompt('second')), 429, 'queue_full');
    expect(problem['limit']).toBe(1);
    gate.open();
  });

  it('refuses a retired session with 409 not_ready carrying the phase and guard', async () => {
    const h = await openHarness();
    await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    expect((await h.request('/v1/sessions/s1/retire', { method: 'POST' })).status).toBe(204);
    const problem = await expectProblem(await submit(h, prompt('late')), 409, 'not_ready');
    expect(problem).toMatchObject({ phase: 'retired', sessionId: 's1' });
    expect(typeof problem['guard']).toBe('string');
  });

  it('refuses a destroyed session with 410 and an unknown one with 404', async () => {
    const h = await openHarness();
    await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    await h.request('/v1/sessions/s1/destroy', { method: 'POST' });
    await expectProblem(await submit(h, prompt('x')), 410, 'destroyed');
    await expectProblem(
      await h.request('/v1/sessions/none/inputs', { method: 'POST', body: prompt('x') }),
      404,
      'session_not_found',
    );
  });

  it('validates the submission strictly: unknown kinds, unknown fields, wrong types, no body', async () => {
    const h = await openHarness();
    await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    for (const input of [
      { kind: 'telepathy', content: 'x' },
      { kind: 'prompt', content: 'x', colour: 'red' },
      { kind: 'prompt', content: 42 },
      { kind: 'prompt', content: 'x', whenBusy: 'sometimes' },
      [],
      'prompt',
    ]) {
      const problem = await expectProblem(await submit(h, input), 400, 'validation_failed');
      expect((problem['issues'] as unknown[]).length).toBeGreaterThan(0);
    }
    await expectProblem(
      await h.request('/v1/sessions/s1/inputs', { method: 'POST' }),
      400,
      'validation_failed',
    );
    for (const wait of ['soon', '-1s', '1h', '1.5s']) {
      await expectProblem(await submit(h, prompt('x'), `?wait=${wait}`), 400, 'validation_failed');
    }
    expect((await h.runtime.snapshot('s1')).inputs).toMatchObject({ queued: 0, consumed: 0 });
  });
});

describe('GET /v1/sessions/{id}/inputs/{inputId} and /history', () => {
  it("returns an input's record, and 404 input_not_found for an unknown input", async () => {
    const h = await openHarness();
    await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    const { inputId } = await body<{ inputId: string }>(await submit(h, prompt('hi'), '?wait=5s'));
    const record = await body(await h.request(`/v1/sessions/s1/inputs/${inputId}`));
    expect(record).toMatchObject({
      header: { inputId, sessionId: 's1' },
      payload: { kind: 'prompt', content: 'hi' },
      state: { status: 'consumed' },
      outcome: { status: 'completed' },
    });
    const missing = await expectProblem(
      await h.request('/v1/sessions/s1/inputs/nope'),
      404,
      'input_not_found',
    );
    expect(missing).toMatchObject({ sessionId: 's1', inputId: 'nope' });
    await expectProblem(
      await h.request(`/v1/sessions/zz/inputs/${inputId}`),
      404,
      'session_not_found',
    );
  });

  it('pages through the committed transcript, oldest first', async () => {
    const h = await openHarness();
    await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
    await submit(h, prompt('one'), '?wait=5s');
    await submit(h, prompt('two'), '?wait=5s');
    const all = await body<{ messages: { index: number }[]; nextOffset: number | null }>(
      await h.request('/v1/sessions/s1/history'),
    );
    expect(all.messages.map((m) => m.index)).toEqual([0, 1, 2, 3]);
    expect(all.nextOffset).toBeNull();
    const page = await body(await h.request('/v1/sessions/s1/history?offset=1&limit=2'));
    expect(page).toMatchObject({
      offset: 1,
      limit: 2,
      nextOffset: 3,
      messages: [{ index: 1, message: { role: 'assistant', content: 'echo: one' } }, { index: 2 }],
    });
    await expectProblem(
      await h.request('/v1/sessions/s1/history?limit=x'),
      400,
      'validation_failed',
    );
  });
});
