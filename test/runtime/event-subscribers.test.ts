// Slow subscribers of runtime.events (issue 10): a subscriber that stops pulling is ended with overflow
// and costs no more than its bounds; it resumes from its cursor without a gap; a replay from the store
// is paged and lets the event loop run.

import { describe, expect, it } from 'vitest';
import { isBurrowError, toError } from '../../src/core/errors.js';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import { isDurableEvent } from '../../src/core/runtime-event.js';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';
import { testRuntime } from '../support/runtime-fixture.js';

const turn = async (runtime: Runtime, content: string): Promise<void> => {
  await (
    await runtime.acceptInput('s1', { kind: 'prompt', content })
  ).completion;
};

/** A subscription as an iterator, for a consumer that pulls when it likes (or stops pulling). */
async function* pull(stream: AsyncIterable<RuntimeEvent>): AsyncGenerator<RuntimeEvent, void> {
  yield* stream;
}

/** Every event published for s1, as a listener (not a subscriber) sees it live. */
function record(runtime: Runtime): RuntimeEvent[] {
  const seen: RuntimeEvent[] = [];
  runtime.onEvent((event) => {
    if (event.sessionId === 's1') seen.push(event);
  });
  return seen;
}

/** Collects from `stream` until an event has `seq >= last`. */
async function collectUntil(
  stream: AsyncIterable<RuntimeEvent>,
  last: number,
): Promise<RuntimeEvent[]> {
  const events: RuntimeEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (event.seq !== null && event.seq >= last) break;
  }
  return events;
}

describe('a subscriber that falls behind', () => {
  it('is ended with overflow, never holds more than its bounds, and is dropped by the runtime', async () => {
    const { runtime } = await testRuntime({ store: memoryStore() });
    await runtime.registerSessionWithExecutor('s1', echoExecutor());
    let overflows = 0;
    const limits = { maxBufferedEvents: 40, maxBufferedBytes: 16 * 1024 };
    const stalled = pull(
      runtime.events('s1', { since: 0, ...limits, onOverflow: () => (overflows += 1) }),
    );
    const first = await stalled.next();
    expect(first.value?.type).toBe('session.registered');
    let peak = { subscribers: 0, bufferedEvents: 0, bufferedBytes: 0 };
    runtime.onEvent(() => {
      const now = runtime.diagnostics().eventSubscribers;
      if (now.bufferedBytes > peak.bufferedBytes || now.bufferedEvents > peak.bufferedEvents)
        peak = now;
    });
    for (let i = 0; i < 30; i += 1) await turn(runtime, `turn ${i} `.padEnd(600, 'x'));
    expect(overflows).toBe(1);
    expect(peak.bufferedEvents).toBeLessThanOrEqual(limits.maxBufferedEvents);
    expect(peak.bufferedBytes).toBeLessThanOrEqual(limits.maxBufferedBytes);
    // The consumer still holds its iterator, but the runtime holds nothing for it any more.
    expect(runtime.diagnostics().eventSubscribers).toEqual({
      subscribers: 0,
      bufferedEvents: 0,
      bufferedBytes: 0,
    });
    // What it was owed before it subscribed live (the replay of memory) comes first, then the error.
    const owed: RuntimeEvent[] = [];
    let error: unknown = null;
    while (error === null) {
      await stalled.next().then(
        (result) => owed.push(result.value as RuntimeEvent),
        (e: unknown) => (error = e),
      );
    }
    expect(owed.map((e) => e.type)).toEqual(['session.phase_changed', 'session.executor_attached']);
    expect(isBurrowError(error, 'queue_full')).toBe(true);
    expect(toError(error).message).toContain(`resume with since=${owed.at(-1)?.seq}`);
    expect(await stalled.next()).toEqual({ done: true, value: undefined });
  });

  it('resumes from its cursor with exactly the durable events it missed, then continues live', async () => {
    const { runtime } = await testRuntime({ store: memoryStore() });
    const live = record(runtime);
    await runtime.registerSessionWithExecutor('s1', echoExecutor());
    const stalled = pull(runtime.events('s1', { since: 0, maxBufferedEvents: 20 }));
    const seen: RuntimeEvent[] = [];
    for (let i = 0; i < 3; i += 1) seen.push((await stalled.next()).value as RuntimeEvent);
    for (let i = 0; i < 10; i += 1) await turn(runtime, `missed ${i}`);
    await expect(stalled.next()).rejects.toMatchObject({ code: 'queue_full' });
    const cursor = seen.at(-1)?.seq as number;
    const controller = new AbortController();
    const resumed = runtime.events('s1', { since: cursor, signal: controller.signal });
    const lastBefore = live.filter(isDurableEvent).at(-1)?.seq as number;
    const more = turn(runtime, 'after the resume');
    const received = await collectUntil(resumed, lastBefore + 3);
    await more;
    controller.abort();
    // Transient events (seq null) are live only; every durable event after the cursor arrives once, in order.
    const expected = live.filter(
      (e) => isDurableEvent(e) && e.seq > cursor && e.seq <= lastBefore + 3,
    );
    expect(received.filter(isDurableEvent)).toEqual(expected);
    expect(received[0]?.seq).toBe(cursor + 1);
  });

  it('ends without an error when its signal aborts, however much is waiting', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSessionWithExecutor('s1', echoExecutor());
    const controller = new AbortController();
    const stream = pull(runtime.events('s1', { signal: controller.signal }));
    const pending = stream.next();
    for (let i = 0; i < 3; i += 1) await turn(runtime, `${i}`);
    expect((await pending).value?.type).toBe('input.accepted');
    expect(runtime.diagnostics().eventSubscribers.bufferedEvents).toBeGreaterThan(10);
    controller.abort();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(runtime.diagnostics().eventSubscribers.subscribers).toBe(0);
  });
});

describe('subscriber bounds', () => {
  it('refuses bounds that are not positive integers', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    for (const bad of [{ maxBufferedEvents: 0 }, { maxBufferedBytes: 1.5 }]) {
      await expect(pull(runtime.events('s1', bad)).next()).rejects.toMatchObject({
        code: 'validation_failed',
      });
    }
  });
});

describe('a replay from the store', () => {
  it('returns every stored event in order, a page at a time, and lets the event loop run between chunks', async () => {
    const { runtime } = await testRuntime({ store: memoryStore() });
    const live = record(runtime);
    await runtime.registerSessionWithExecutor('s1', echoExecutor());
    // More events than the session keeps in memory (1,000), so the replay starts in the store.
    for (let i = 0; i < 150; i += 1) await turn(runtime, `${i}`);
    const last = live.filter(isDurableEvent).at(-1)?.seq as number;
    expect(last).toBeGreaterThan(1200);
    let turns = 0;
    const ticker = setInterval(() => (turns += 1), 0);
    let eventsBeforeFirstTurn = -1;
    const replayed: RuntimeEvent[] = [];
    try {
      for await (const event of runtime.events('s1', { since: 0 })) {
        // A consumer that never awaits anything: only the stream itself can yield to the event loop.
        if (turns > 0 && eventsBeforeFirstTurn < 0) eventsBeforeFirstTurn = replayed.length;
        replayed.push(event);
        if (event.seq !== null && event.seq >= last) break;
      }
    } finally {
      clearInterval(ticker);
    }
    expect(eventsBeforeFirstTurn).toBeGreaterThan(0);
    expect(eventsBeforeFirstTurn).toBeLessThan(200);
    // Gapless and equal to what was published, minus transient events (live only, never replayed).
    expect(replayed).toEqual(live.filter(isDurableEvent));
    expect(replayed.map((e) => e.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  });
});
