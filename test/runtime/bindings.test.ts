// Bindings (01/04): registration steps PrepareBindings, so a session's binding carries its runtime id,
// its epoch and the fence its commits carry — the lease's, or 0 on the local path — and an attach after
// a recycle prepares it again. The stored lifecycle keeps no fence: the lease owns it.

import { describe, expect, it } from 'vitest';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { databaseFile } from '../support/temp-database.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

describe('session bindings', () => {
  it("carry the lease's fence, which is the fence the commits carry", async () => {
    const path = await databaseFile('burrow-bindings-');
    const first = await testRuntime({ store: await openSqliteStore(path), hostId: 'host-a' });
    await first.runtime.registerSession('s1');
    const { binding, epochId } = await first.runtime.snapshot('s1');
    expect(binding).toEqual({
      runtimeId: runtimeIdOf('s1'),
      fenceToken: 1,
      generation: null,
      epochId,
    });
    await first.runtime.close();

    // A restart claims the lease again: a new fence, in the binding and on every commit.
    const store = await openSqliteStore(path);
    const second = await testRuntime({ store, hostId: 'host-b' });
    await second.runtime.registerSession('s1');
    expect((await second.runtime.snapshot('s1')).binding).toEqual({ ...binding, fenceToken: 2 });
    await second.runtime.acceptInput('s1', { kind: 'prompt', content: 'fenced by 2' });
    // The fence belongs to the lease: a claim by another host makes the session's next commit fenced.
    expect(await store.claim(runtimeIdOf('s1'), 'host-c', 60_000, Date.now() + 60_000)).toBe(3);
    await expect(
      second.runtime.acceptInput('s1', { kind: 'prompt', content: 'late' }),
    ).rejects.toMatchObject({ code: 'fenced' });
    // The stored lifecycle keeps the binding without the fence.
    expect((await store.load(runtimeIdOf('s1')))?.lifecycle?.binding).toEqual({
      ...binding,
      fenceToken: null,
    });
  });

  it('use fence 0 on the local path (no store)', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    expect((await runtime.snapshot('s1')).binding).toMatchObject({
      runtimeId: runtimeIdOf('s1'),
      fenceToken: 0,
    });
  });

  it('are prepared again by the next attach after a recycle cleared them', async () => {
    const { runtime } = await testRuntime({ store: memoryStore() });
    await runtime.registerSessionWithExecutor('s1', scriptedExecutor());
    const before = (await runtime.snapshot('s1')).binding;
    expect(before.fenceToken).toBe(1);
    await runtime.recycle('s1');
    expect((await runtime.snapshot('s1')).binding).toEqual({
      runtimeId: null,
      fenceToken: null,
      generation: null,
      epochId: null,
    });
    await runtime.ensureSessionWithExecutor('s1', scriptedExecutor());
    expect((await runtime.snapshot('s1')).binding).toEqual(before);
  });
});
