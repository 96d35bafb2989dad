// Background operations wired into sessions (04): wakes, persistence, recovery after a restart, unregister.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DurableEvent } from '../../src/core/runtime-event.js';
import { isDurableEvent } from '../../src/core/runtime-event.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { flush } from '../support/deferred.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function databaseFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'burrow-ops-'));
  dirs.push(dir);
  return join(dir, 'runtime.db');
}

describe('background operations in a session', () => {
  it('writes an operation step through the session commit: an op.started overlapping an accept commit is stored, in seq order, with no gap', async () => {
    const inner = await openSqliteStore(await databaseFile());
    // Holds every commit of the session until released, so the operation's start meets an accept
    // whose commit is in flight.
    let hold: Promise<void> | null = null;
    let release = (): void => undefined;
    const store = new Proxy(inner, {
      get(target, property, receiver) {
        if (property !== 'commit') return Reflect.get(target, property, receiver) as unknown;
        return async (...args: Parameters<typeof inner.commit>) => {
          if (hold !== null) await hold;
          return target.commit(...args);
        };
      },
    });
    const { runtime } = await testRuntime({ store });
    await runtime.registerSession('s1');
    const live: DurableEvent[] = [];
    runtime.onEvent((event) => {
      if (isDurableEvent(event)) live.push(event);
    });
    hold = new Promise((resolve) => (release = resolve));
    const accepting = runtime.acceptInput('s1', { kind: 'prompt', content: 'in flight' });
    await flush();
    const starting = runtime.operations('s1').start('child_session', { child: 'c1' });
    await flush();
    release();
    hold = null;
    await accepting;
    const op = await starting;
    const stored = await inner.readEvents(runtimeIdOf('s1'), 0, 1000);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.slice(-live.length)).toEqual(live);
    const started = stored.filter((e) => e.type === 'op.started');
    expect(started.map((e) => e.data)).toEqual([
      { operationId: op.operationId, kind: 'child_session' },
    ]);
    // After the accept's events: the operation waited for the commit in flight.
    const accepted = stored.findIndex((e) => e.type === 'input.accepted');
    expect(stored.indexOf(started[0] as DurableEvent)).toBeGreaterThan(accepted);
  });

  it('a finished background tool wakes its idle session with a continuation carrying the result', async () => {
    const { runtime } = await testRuntime();
    const executor = scriptedExecutor();
    await runtime.registerSessionWithExecutor('s1', executor);
    const ops = runtime.operations('s1');
    const op = await ops.start('background_tool', { tool: 'search' });
    await ops.update(op.operationId, 'running');
    const report = await ops.finish(op.operationId, { status: 'completed', result: { hits: 3 } });
    expect(report).toMatchObject({ continuation: 'admitted', sessionWasIdle: true });
    await flush();
    expect(executor.runs).toHaveLength(1);
    const record = await runtime.getInput('s1', executor.runs[0]?.inputIds[0] ?? '');
    expect(record?.payload).toMatchObject({
      kind: 'continuation',
      operationId: op.operationId,
      result: { result: { hits: 3 } },
    });
    expect(record?.decision).toMatchObject({
      lane: 'steer',
      queueMode: 'priority',
      executionKind: 'resume_pending',
    });
  });

  it('a child session operation finishes into the feed without waking anyone; waitAll is its barrier', async () => {
    const { runtime } = await testRuntime();
    const executor = scriptedExecutor();
    await runtime.registerSessionWithExecutor('s1', executor);
    const ops = runtime.operations('s1');
    const a = await ops.start('child_session', { child: 'c1' });
    const b = await ops.start('child_session', { child: 'c2' });
    await ops.update(a.operationId, 'running');
    await ops.update(b.operationId, 'running');
    const barrier = ops.waitAll([a.operationId, b.operationId]);
    await ops.finish(a.operationId, { status: 'completed', result: 1 });
    await ops.finish(b.operationId, { status: 'failed', reason: 'child crashed' });
    expect((await barrier).map((o) => o.status)).toEqual(['completed', 'failed']);
    expect((await ops.feed(0)).map((n) => n.seq)).toEqual([1, 2]);
    await flush();
    expect(executor.runs).toHaveLength(0);
  });

  it('persists every step; after a restart, in-flight operations end terminated{runtime_restarted}', async () => {
    const path = await databaseFile();
    const first = await createRuntime({ store: await openSqliteStore(path) });
    await first.registerSession('s1');
    const ops = first.operations('s1');
    const done = await ops.start('child_session', null);
    await ops.update(done.operationId, 'running');
    await ops.finish(done.operationId, { status: 'completed', result: 'ok' });
    const inFlight = await ops.start('child_session', null);
    await ops.update(inFlight.operationId, 'running');
    await first.close();

    const { runtime } = await testRuntime({ store: await openSqliteStore(path) });
    await runtime.registerSession('s1');
    const recovered = runtime.operations('s1');
    expect(recovered.get(done.operationId)).toMatchObject({
      status: 'completed',
      completionSeq: 1,
    });
    expect(recovered.get(inFlight.operationId)).toMatchObject({
      status: 'terminated',
      reason: 'runtime_restarted',
      completionSeq: 2,
    });
  });

  it('on unregister, an idle session deletes its operations record and a retired one keeps it', async () => {
    const path = await databaseFile();
    const { runtime } = await testRuntime({ store: await openSqliteStore(path) });
    for (const id of ['gone', 'kept']) {
      await runtime.registerSession(id);
      const op = await runtime.operations(id).start('child_session', null);
      await runtime.operations(id).update(op.operationId, 'running');
      await runtime.operations(id).finish(op.operationId, { status: 'completed' });
    }
    await runtime.retire('kept');
    await runtime.unregisterSession('gone');
    await runtime.unregisterSession('kept');
    await runtime.registerSession('gone');
    await runtime.registerSession('kept');
    expect(runtime.operations('gone').state.operations).toHaveLength(0);
    expect(runtime.operations('kept').state.operations).toHaveLength(1);
  });
});
