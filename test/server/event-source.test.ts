// A plain EventSource (only `onmessage`, no named listeners) against ?format=message: every event
// arrives as a `message`, ids follow durable seqs, and a reconnect with Last-Event-ID resumes the stream.

import { afterEach, describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import type { Harness } from './harness.js';
import { closeHarnesses, expectProblem, openHarness } from './harness.js';
import type { SseFrame } from './sse-reader.js';
import { eventsOf, readSse } from './sse-reader.js';

afterEach(closeHarnesses);

/** What `onmessage` of a browser EventSource would receive: frames with data and no `event:` field. */
interface MessageEvent {
  readonly event: RuntimeEvent;
  /** The frame's own `id:` field, if it had one. */
  readonly id: string | undefined;
  /** The EventSource's lastEventId after the frame (the header a reconnect sends). */
  readonly lastEventId: string;
}

function onmessage(frames: readonly SseFrame[], lastEventId = ''): MessageEvent[] {
  const messages: MessageEvent[] = [];
  let last = lastEventId;
  for (const frame of frames) {
    if (frame.id !== undefined) last = frame.id;
    if (frame.data === undefined || frame.event !== undefined) continue;
    messages.push({
      event: JSON.parse(frame.data) as RuntimeEvent,
      id: frame.id,
      lastEventId: last,
    });
  }
  return messages;
}

async function session(): Promise<Harness> {
  const h = await openHarness();
  await h.request('/v1/sessions', { method: 'POST', body: { id: 's1' } });
  return h;
}

async function turn(h: Harness, content: string): Promise<void> {
  const res = await h.request('/v1/sessions/s1/inputs?wait=5s', {
    method: 'POST',
    body: { kind: 'prompt', content },
  });
  expect(res.status).toBe(200);
}

describe('?format=message', () => {
  it('gives a plain EventSource every event as a message, with ids on durable events only', async () => {
    const h = await session();
    await turn(h, 'one');
    const plain = readSse(await h.request('/v1/sessions/s1/events?since=0'));
    const named = eventsOf(await plain.until((f) => f.event === 'run.completed'));
    await plain.cancel();
    const sse = readSse(await h.request('/v1/sessions/s1/events?since=0&format=message'));
    const frames = await sse.until((f) => f.data?.includes('"type":"run.completed"') === true);
    await sse.cancel();
    expect(frames[0]).toEqual({ retry: '2000' });
    expect(frames.some((f) => f.event !== undefined)).toBe(false);
    const messages = onmessage(frames);
    expect(messages.map((m) => m.event)).toEqual(named);
    for (const { event, id } of messages) {
      // A transient event (seq null) has no id: the reconnect cursor stays on the last durable event.
      expect(id).toBe(event.seq === null ? undefined : String(event.seq));
    }
  });

  it('resumes after a reconnect with Last-Event-ID, as an EventSource does, and ends with a named end frame', async () => {
    const h = await session();
    await turn(h, 'one');
    const first = readSse(await h.request('/v1/sessions/s1/events?since=0&format=message'));
    const seen = onmessage(
      await first.until((f) => f.data?.includes('"type":"run.completed"') === true),
    );
    await first.cancel();
    const lastEventId = seen.at(-1)?.lastEventId as string;
    await turn(h, 'two');
    const again = readSse(
      await h.request('/v1/sessions/s1/events?since=0&format=message', {
        headers: { 'last-event-id': lastEventId },
      }),
    );
    const resumed = onmessage(
      await again.until((f) => f.data?.includes('"type":"run.completed"') === true),
      lastEventId,
    );
    expect(resumed[0]?.event.seq).toBe(Number(lastEventId) + 1);
    expect(resumed.map((m) => m.event.type)).toContain('input.accepted');
    expect((await h.request('/v1/sessions/s1', { method: 'DELETE' })).status).toBe(204);
    const tail = await again.until((f) => f.event === 'end');
    expect(JSON.parse(tail.at(-1)?.data as string)).toEqual({ reason: 'session_ended' });
  });

  it("gives a plain EventSource every session's live events on /v1/events, without ids", async () => {
    const h = await session();
    const sse = readSse(await h.request('/v1/events?format=message&types=run.'));
    await sse.until((f) => f.comment === 'connected');
    await turn(h, 'live');
    const frames = await sse.until((f) => f.data?.includes('"type":"run.completed"') === true);
    await sse.cancel();
    const messages = onmessage(frames);
    expect(messages.map((m) => m.event.type)).toEqual(
      expect.arrayContaining(['run.started', 'run.completed']),
    );
    expect(messages.every((m) => m.id === undefined && m.event.sessionId === 's1')).toBe(true);
  });

  it('refuses an unknown format', async () => {
    const h = await session();
    await expectProblem(
      await h.request('/v1/sessions/s1/events?format=xml'),
      400,
      'validation_failed',
    );
    await expectProblem(await h.request('/v1/events?format=Message'), 400, 'validation_failed');
  });
});
