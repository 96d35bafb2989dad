// SSE through app.request(): replay, cursors, live events, heartbeats, backpressure, overflow, clean ends.

import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { body, closeHarnesses, expectProblem, openHarness, until } from './harness.js';
import { eventsOf, readSse } from './sse-reader.js';

afterEach(closeHarnesses);

async function withTurn(h: Harness, content = 'hello'): Promise<void> {
  const res = await h.request('/v1/sessions/s1/inputs?wait=5s', {
    method: 'POST',
    body: { kind: 'prompt', content },
  });
  expect(res.status).toBe(200);
}

async function echoSession(options: Parameters<typeof openHarness>[0] = {}): Promise<Harness> {
  const h = await openHarness(options);
  await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
  return h;
}

describe('GET /v1/sessions/{id}/events', () => {
  it('replays from ?since=0 with id = seq and event = type, then streams live events', async () => {
    const h = await echoSession();
    await withTurn(h);
    const res = await h.request('/v1/sessions/s1/events?since=0');
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    const sse = readSse(res);
    const replay = await sse.until((f) => f.event === 'run.completed');
    expect(replay[0]).toEqual({ retry: '2000' });
    const events = eventsOf(replay);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]?.type).toBe('session.registered');
    for (const frame of replay.filter((f) => f.event !== undefined)) {
      const event = JSON.parse(frame.data as string) as {
        seq: number;
        type: string;
        sessionId: string;
      };
      expect(frame.id).toBe(String(event.seq));
      expect(frame.event).toBe(event.type);
      expect(event.sessionId).toBe('s1');
    }
    const last = events.at(-1)?.seq as number;
    const live = withTurn(h, 'again');
    const more = eventsOf(await sse.until((f) => f.event === 'run.completed'));
    await live;
    expect(more[0]?.seq).toBe(last + 1);
    expect(more.map((e) => e.type)).toContain('input.accepted');
    await sse.cancel();
    expect(h.bundle.openStreams()).toBe(0);
  });

  it('replays after Last-Event-ID, which wins over ?since=', async () => {
    const h = await echoSession();
    await withTurn(h);
    const res = await h.request('/v1/sessions/s1/events?since=0', {
      headers: { 'last-event-id': '3' },
    });
    const sse = readSse(res);
    const first = eventsOf(await sse.until((f) => f.event !== undefined))[0];
    expect(first?.seq).toBe(4);
    await sse.cancel();
  });

  it('streams only new events without a cursor', async () => {
    const h = await echoSession();
    await withTurn(h);
    const high = (await h.runtime.snapshot('s1')).transcriptLength;
    expect(high).toBe(2);
    const sse = readSse(await h.request('/v1/sessions/s1/events'));
    await sse.until((f) => f.comment === 'connected');
    const live = withTurn(h, 'new');
    const events = eventsOf(await sse.until((f) => f.event === 'run.completed'));
    await live;
    expect(events[0]?.type).toBe('input.accepted');
    await sse.cancel();
  });

  it('sends heartbeat comments', async () => {
    const h = await echoSession({ heartbeatMs: 5 });
    const sse = readSse(await h.request('/v1/sessions/s1/events'));
    await sse.until((f) => f.comment === 'heartbeat');
    await sse.cancel();
  });

  it('ends with an end event when the session is unregistered', async () => {
    const h = await echoSession();
    const sse = readSse(await h.request('/v1/sessions/s1/events?since=0'));
    await sse.until((f) => f.event === 'session.registered');
    expect((await h.request('/v1/sessions/s1', { method: 'DELETE' })).status).toBe(204);
    const tail = await sse.until((f) => f.event === 'end');
    expect(JSON.parse(tail.at(-1)?.data as string)).toEqual({ reason: 'session_ended' });
    expect(await sse.next()).toBeNull();
    expect(h.bundle.openStreams()).toBe(0);
  });

  it('ends every stream with server_shutdown on shutdown, and ends later streams at once', async () => {
    const h = await echoSession();
    const a = readSse(await h.request('/v1/sessions/s1/events'));
    const b = readSse(await h.request('/v1/events'));
    await a.until((f) => f.comment === 'connected');
    expect(h.bundle.openStreams()).toBe(2);
    h.bundle.shutdown();
    for (const sse of [a, b]) {
      const frames = await sse.until((f) => f.event === 'end');
      expect(JSON.parse(frames.at(-1)?.data as string)).toEqual({ reason: 'server_shutdown' });
      expect(await sse.next()).toBeNull();
    }
    expect(h.bundle.openStreams()).toBe(0);
    const late = readSse(await h.request('/v1/sessions/s1/events'));
    const frames = await late.until((f) => f.event === 'end');
    expect(JSON.parse(frames.at(-1)?.data as string)).toEqual({ reason: 'server_shutdown' });
    expect((await h.request('/readyz')).status).toBe(503);
  });

  it('refuses unknown sessions and malformed cursors', async () => {
    const h = await echoSession();
    await expectProblem(await h.request('/v1/sessions/nope/events'), 404, 'session_not_found');
    await expectProblem(
      await h.request('/v1/sessions/s1/events?since=-1'),
      400,
      'validation_failed',
    );
    await expectProblem(
      await h.request('/v1/sessions/s1/events?since=x'),
      400,
      'validation_failed',
    );
    await expectProblem(
      await h.request('/v1/sessions/s1/events', { headers: { 'last-event-id': 'abc' } }),
      400,
      'validation_failed',
    );
  });

  it('paces the stream by its reader, ends it with overflow when the reader stalls, and resumes from Last-Event-ID', async () => {
    const h = await echoSession({ streamStallMs: 20 });
    const stalled = readSse(await h.request('/v1/sessions/s1/events?since=0'));
    const before = eventsOf(await stalled.until((f) => f.event === 'session.registered'));
    for (let i = 0; i < 30; i += 1) {
      await h.request('/v1/sessions/s1/inputs', {
        method: 'POST',
        body: { kind: 'prompt', content: `${i}` },
      });
    }
    await withTurn(h, 'last');
    await until(() => h.bundle.openStreams() === 0);
    const frames = await stalled.until((f) => f.event === 'end');
    expect(JSON.parse(frames.at(-1)?.data as string)).toEqual({ reason: 'overflow' });
    // What waited for the stalled reader was dropped at the overflow: it resumes from what it saw.
    const received = [...before, ...eventsOf(frames)];
    const lastSeen = received.at(-1)?.seq as number;
    expect(received.map((e) => e.seq)).toEqual(received.map((_, i) => i + 1));
    const resumed = readSse(
      await h.request('/v1/sessions/s1/events', { headers: { 'last-event-id': String(lastSeen) } }),
    );
    const next = eventsOf(await resumed.until((f) => f.event !== undefined))[0];
    expect(next?.seq).toBe(lastSeen + 1);
    await resumed.cancel();
  });

  it('answers HEAD without opening a stream', async () => {
    const h = await echoSession();
    const res = await h.request('/v1/sessions/s1/events', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(h.bundle.openStreams()).toBe(0);
  });
});

describe('GET /v1/events', () => {
  it("streams every session's live events, filtered by ?types=, without id lines", async () => {
    const h = await echoSession();
    const sse = readSse(await h.request('/v1/events?types=session.,run.completed'));
    await sse.until((f) => f.comment === 'connected');
    await h.request('/v1/sessions', { method: 'POST', body: { id: 's2' } });
    await withTurn(h);
    const frames = await sse.until((f) => f.event === 'run.completed');
    const events = eventsOf(frames);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set([
        'session.registered',
        'session.phase_changed',
        'session.executor_attached',
        'run.completed',
      ]),
    );
    expect(frames.every((f) => f.id === undefined)).toBe(true);
    expect(events[0]).toMatchObject({ sessionId: 's2', type: 'session.registered' });
    await sse.cancel();
  });

  it('refuses a malformed type filter', async () => {
    const h = await openHarness();
    await expectProblem(await h.request('/v1/events?types=Session;drop'), 400, 'validation_failed');
  });

  it('ends the stream with overflow for a client that does not keep up', async () => {
    const h = await echoSession();
    const res = await h.request('/v1/events');
    for (let i = 0; i < 200; i += 1) {
      await h.request('/v1/sessions/s1/inputs', {
        method: 'POST',
        body: { kind: 'prompt', content: `${i}` },
      });
    }
    await withTurn(h, 'last');
    expect(h.bundle.openStreams()).toBe(0);
    const frames = await readSse(res).until((f) => f.event === 'end');
    expect(JSON.parse(frames.at(-1)?.data as string)).toEqual({ reason: 'overflow' });
    expect(eventsOf(frames).length).toBeLessThanOrEqual(1000);
  });
});

describe('the runtime stays the caller’s', () => {
  it('keeps answering API requests after shutdown (only streams and waits end)', async () => {
    const h = await echoSession();
    h.bundle.shutdown();
    expect(await body(await h.request('/v1/sessions/s1'))).toMatchObject({ sessionId: 's1' });
  });
});
