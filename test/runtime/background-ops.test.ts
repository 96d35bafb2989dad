// Background operations wired into sessions (04): wakes, persistence, recovery after a restart, unregister.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { flush } from '../support/deferred.js';
import { testRuntime } from '../support/runtime-fixture.js';

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
