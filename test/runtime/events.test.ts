// The typed event stream: strictly increasing seq, the event types of 03, replay from a cursor, and
// listeners that throw without breaking the runtime.

import { describe, expect, it } from 'vitest';
import type { DurableEvent, RuntimeEvent } from '../../src/core/runtime-event.js';
import { isDurableEvent } from '../../src/core/runtime-event.js';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../src/runtime/runtime.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { testRuntime } from '../support/runtime-fixture.js';

async function collect(
  stream: AsyncIterable<RuntimeEvent>,
  until: (e: RuntimeEvent) => boolean,
): Promise<RuntimeEvent[]> {
  const events: RuntimeEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (until(event)) break;
  }
  return events;
}

describe('the event stream', () => {
  it('emits the lifecycle of a turn in strictly increasing seq order', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSessionWithExecutor('s1', echoExecutor());
    const controller = new AbortController();
    const events = collect(
      runtime.events('s1', { signal: controller.signal }),
      (e) => e.type === 'run.completed',
    );
    const { completion, inputId } = await runtime.acceptInput('s1', {
      kind: 'prompt',
      content: 'hi',
    });
    await completion;
    const seen = await events;
    controller.abort();
    const types = seen.map((e) => e.type);
    expect(types).toEqual([
      'input.accepted',
      'input.queued',
      'session.phase_changed',
      'input.staged',
      'run.started',
      'run.boundary',
      'run.progress',
      'session.phase_changed',
      'input.consumed',
      'run.completed',
    ]);
    const durable = seen.filter(isDurableEvent);
    expect(durable.map((e) => e.seq)).toEqual(durable.map((_, i) => (durable[0]?.seq ?? 0) + i));
    const progress = seen.find((e) => e.type === 'run.progress');
    expect(progress).toMatchObject({ seq: null, id: null });
    const boundary = seen.find((e) => e.type === 'run.boundary');
    expect(progress && !isDurableEvent(progress) ? progress.after : -1).toBe(boundary?.seq);
    expect(seen[0]).toMatchObject({ sessionId: 's1', data: { inputId, kind: 'prompt' } });
    expect(seen.filter((e) => e.type === 'session.phase_changed').map((e) => e.data)).toEqual([
      { from: 'attached', to: 'running' },
      { from: 'running', to: 'attached' },
    ]);
  });

  it('replays from a cursor, then continues live, and ends when the session is unregistered', async () => {
    const { runtime } = await testRuntime({ store: memoryStore() });
    await runtime.registerSessionWithExecutor('s1', scriptedExecutor());
    await (
      await runtime.acceptInput('s1', { kind: 'prompt', content: 'one' })
    ).completion;
    const all = await collect(
      runtime.events('s1', { since: 0 }),
      (e) => e.type === 'run.completed',
    );
    expect(all[0]?.type).toBe('session.registered');
    const cursor = (all[3] as DurableEvent).seq;
    const replay = runtime.events('s1', { since: cursor });
    const tail: RuntimeEvent[] = [];
    const reading = (async () => {
      for await (const event of replay) tail.push(event);
    })();
    await (
      await runtime.acceptInput('s1', { kind: 'prompt', content: 'two' })
    ).completion;
    await runtime.unregisterSession('s1');
    await reading;
    expect(tail.every(isDurableEvent)).toBe(true);
    const seqs = tail.filter(isDurableEvent).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => cursor + 1 + i));
    expect(tail.at(-1)?.type).toBe('session.unregistered');
    expect(tail.filter((e) => e.type === 'run.completed')).toHaveLength(2);
  });

  it('replays from the store what a previous process wrote, before the live events of this one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burrow-events-'));
    try {
      const path = join(dir, 'events.db');
      const first = await createRuntime({ store: await openSqliteStore(path) });
      await first.registerSessionWithExecutor('s1', scriptedExecutor());
      await (
        await first.acceptInput('s1', { kind: 'prompt', content: 'persisted' })
      ).completion;
      await first.close();
      const { runtime } = await testRuntime({
        store: await openSqliteStore(path),
        executorFactory: () => scriptedExecutor(),
      });
      await (
        await runtime.acceptInput('s1', { kind: 'prompt', content: 'live' })
      ).completion;
      const replayed = await collect(
        runtime.events('s1', { since: 0 }),
        (e) => e.type === 'run.completed' && e.seq !== null && e.seq > 10,
      );
      const types = replayed.map((e) => e.type);
      expect(types[0]).toBe('session.registered');
      expect(types.filter((t) => t === 'run.completed')).toHaveLength(2);
      // The reopening itself changed nothing durable: one registration in the whole history.
      expect(types.filter((t) => t === 'session.registered')).toHaveLength(1);
      const seqs = replayed.filter(isDurableEvent).map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a listener that throws never breaks the runtime', async () => {
    const { runtime } = await testRuntime();
    let calls = 0;
    runtime.onEvent(() => {
      calls += 1;
      throw new Error('listener bug');
    });
    await runtime.registerSessionWithExecutor('s1', echoExecutor());
    const { completion } = await runtime.acceptInput('s1', {
      kind: 'prompt',
      content: 'still works',
    });
    expect(await completion).toMatchObject({ status: 'completed' });
    expect(calls).toBeGreaterThan(3);
  });
});
