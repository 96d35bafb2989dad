// Sessions are durable until unregistered (04, Recovery 6): after a restart, every read and write of a
// session the store knows finds it — idle, retired or destroyed — activating it on first touch, once.

import { describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { codeOf, databaseFile } from '../support/temp-database.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

/** Runs `work` on a runtime over `path`, then closes it cleanly (a restart follows). */
async function firstRun(path: string, work: (runtime: Runtime) => Promise<void>): Promise<void> {
  const runtime = await createRuntime({ store: await openSqliteStore(path), pruneIntervalMs: 0 });
  try {
    await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** The events of a session replayed from `since`, until the replay is drained. */
async function replay(runtime: Runtime, sessionId: string, since = 0): Promise<RuntimeEvent[]> {
  const stop = new AbortController();
  const seen: RuntimeEvent[] = [];
  const reading = (async () => {
    for await (const event of runtime.events(sessionId, { since, signal: stop.signal }))
      seen.push(event);
  })();
  for (let i = 0; i < 200 && seen.length === 0; i += 1)
    await new Promise((resolve) => setTimeout(resolve, 5));
  stop.abort();
  await reading;
  return seen;
}

describe('after a clean restart', () => {
  it("finds an idle session's terminal input and its event stream without registering it again", async () => {
    const path = await databaseFile('burrow-durable-');
    let inputId = '';
    await firstRun(path, async (runtime) => {
      await runtime.registerSessionWithExecutor('s1', echoExecutor());
      const accepted = await runtime.acceptInput('s1', { kind: 'prompt', content: 'hello' });
      inputId = accepted.inputId;
      expect(await accepted.completion).toMatchObject({ status: 'completed' });
    });
    const { runtime } = await testRuntime({ store: await openSqliteStore(path) });
    expect((await runtime.getInput('s1', inputId))?.state.status).toBe('consumed');
    const events = await replay(runtime, 's1');
    expect(events[0]).toMatchObject({ seq: 1, type: 'session.registered' });
    expect(events.map((e) => e.type)).toContain('run.completed');
    expect((await runtime.snapshot('s1')).phase).toBe('attached');
  });

  it('accepts and runs a write to an inactive session with an executor from the factory', async () => {
    const path = await databaseFile('burrow-durable-');
    await firstRun(path, async (runtime) => {
      await runtime.registerSession('s1');
    });
    const { runtime } = await testRuntime({
      store: await openSqliteStore(path),
      executorFactory: () => echoExecutor(),
    });
    const { completion } = await runtime.acceptInput('s1', { kind: 'prompt', content: 'again' });
    expect(await completion).toMatchObject({ status: 'completed' });
    expect(await runtime.sessionHasExecutor('s1')).toBe(true);
  });

  it('finds an inactive session for control operations (retire) and for containsSession', async () => {
    const path = await databaseFile('burrow-durable-');
    await firstRun(path, async (runtime) => {
      await runtime.registerSession('s1');
      await runtime.registerSession('s2');
    });
    const { runtime } = await testRuntime({ store: await openSqliteStore(path) });
    await runtime.retire('s1');
    expect((await runtime.snapshot('s1')).phase).toBe('retired');
    expect(await runtime.containsSession('s2')).toBe(true);
  });

  it('activates a session once when first touches race, and claims nothing for an unknown id', async () => {
    const path = await databaseFile('burrow-durable-');
    await firstRun(path, async (runtime) => {
      await runtime.registerSession('s1');
    });
    let built = 0;
    const store: SqliteStore = await openSqliteStore(path);
    const { runtime } = await testRuntime({
      store,
      executorFactory: () => {
        built += 1;
        return echoExecutor();
      },
    });
    await Promise.all([
      runtime.snapshot('s1'),
      runtime.getInput('s1', 'nope'),
      runtime.sessionHasExecutor('s1'),
      runtime.getTranscript('s1'),
      runtime.acceptInput('s1', { kind: 'prompt', content: 'first touch' }),
      runtime.containsSession('s1'),
    ]);
    expect(built).toBe(1);
    const registered = (await store.readEvents(runtimeIdOf('s1'), 0, 1000)).filter(
      (e) => e.type === 'session.registered',
    );
    // Reopening a stored session whose lifecycle is unchanged writes nothing and says nothing.
    expect(registered.map((e) => e.data)).toEqual([expect.objectContaining({ recovered: false })]);
    expect(await codeOf(runtime.snapshot('never-registered'))).toBe('session_not_found');
    expect(await store.owner(runtimeIdOf('never-registered'))).toBeNull();
  });

  it('reads a destroyed session as destroyed and refuses its writes with destroyed', async () => {
    const path = await databaseFile('burrow-durable-');
    let inputId = '';
    await firstRun(path, async (runtime) => {
      await runtime.registerSession('gone');
      inputId = (await runtime.acceptInput('gone', { kind: 'prompt', content: 'x' })).inputId;
      await runtime.destroy('gone');
    });
    const { runtime } = await testRuntime({ store: await openSqliteStore(path) });
    expect((await runtime.snapshot('gone')).phase).toBe('destroyed');
    expect((await runtime.getInput('gone', inputId))?.state).toEqual({
      status: 'abandoned',
      reason: 'destroyed',
    });
    expect(await codeOf(runtime.acceptInput('gone', { kind: 'prompt', content: 'y' }))).toBe(
      'destroyed',
    );
    expect(await codeOf(runtime.registerSession('gone'))).toBe('destroyed');
    expect(await codeOf(runtime.retire('gone'))).toBe('destroyed');
  });

  it('keeps an unregistered session unknown', async () => {
    const path = await databaseFile('burrow-durable-');
    let inputId = '';
    await firstRun(path, async (runtime) => {
      await runtime.registerSession('left');
      inputId = (await runtime.acceptInput('left', { kind: 'prompt', content: 'x' })).inputId;
      await runtime.unregisterSession('left');
    });
    const { runtime } = await testRuntime({ store: await openSqliteStore(path) });
    expect(await codeOf(runtime.getInput('left', inputId))).toBe('session_not_found');
    expect(await codeOf(runtime.snapshot('left'))).toBe('session_not_found');
    expect(await runtime.containsSession('left')).toBe(false);
    expect(await runtime.unregisterSession('left')).toBeUndefined();
    expect(await runtime.listSessions()).toEqual([]);
  });

  it('keeps a session unregistered with its snapshot retained unknown, until it is registered again', async () => {
    const path = await databaseFile('burrow-durable-');
    let epoch = '';
    await firstRun(path, async (runtime) => {
      await runtime.registerSession('kept');
      epoch = (await runtime.snapshot('kept')).epochId;
      await runtime.retire('kept');
      await runtime.unregisterSession('kept');
      expect(await runtime.containsSession('kept')).toBe(false);
    });
    const { runtime } = await testRuntime({ store: await openSqliteStore(path) });
    expect(await codeOf(runtime.snapshot('kept'))).toBe('session_not_found');
    expect(await runtime.listSessions()).toEqual([]);
    expect(await runtime.registerSession('kept')).toBe(true);
    const snapshot = await runtime.snapshot('kept');
    expect(snapshot.phase).toBe('retired');
    expect(snapshot.epochId).not.toBe(epoch);
  });

  it('lists the sessions the store knows, without activating them', async () => {
    const path = await databaseFile('burrow-durable-');
    await firstRun(path, async (runtime) => {
      await runtime.registerSession('a');
      await runtime.registerSession('b');
      await runtime.acceptInput('b', { kind: 'prompt', content: 'queued' });
      await runtime.registerSession('c');
      await runtime.destroy('c');
      await runtime.registerSession('d');
      await runtime.unregisterSession('d');
    });
    const { runtime } = await testRuntime({ store: await openSqliteStore(path) });
    await runtime.registerSession('e');
    expect(await runtime.listSessions()).toEqual([
      { sessionId: 'a', phase: 'idle', queue: 0, steer: 0, running: false },
      { sessionId: 'b', phase: 'idle', queue: 1, steer: 0, running: false },
      { sessionId: 'c', phase: 'destroyed', queue: 0, steer: 0, running: false },
      { sessionId: 'e', phase: 'attached', queue: 0, steer: 0, running: false },
    ]);
    expect(await runtime.listSessions({ offset: 1, limit: 2 })).toMatchObject([
      { sessionId: 'b' },
      { sessionId: 'c' },
    ]);
    expect(runtime.diagnostics().sessions.map((s) => s.sessionId)).toEqual(['e']);
  });
});
