// Ownership through the store (04): one owner per session, fenced writes from a stale owner, release
// on unregister, and immediate takeover from a dead process on this machine.

import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { flush } from '../support/deferred.js';
import { codeOf, databaseFile } from '../support/temp-database.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

describe('ownership on one database file', () => {
  it('gives each session to one runtime; the other is refused with fenced until the owner lets go', async () => {
    const path = await databaseFile('burrow-owner-');
    const a = await testRuntime({ store: await openSqliteStore(path), hostId: 'host-a' });
    const b = await testRuntime({ store: await openSqliteStore(path), hostId: 'host-b' });
    await a.runtime.registerSessionWithExecutor('s1', scriptedExecutor());
    expect(await codeOf(b.runtime.registerSession('s1'))).toBe('fenced');
    expect(await b.runtime.registerSession('s2')).toBe(true);
    expect(await codeOf(a.runtime.registerSession('s2'))).toBe('fenced');
    await a.runtime.unregisterSession('s1');
    expect(await b.runtime.registerSession('s1')).toBe(true);
  });

  it('fences a stale owner: after its lease expired and another host claimed, its writes change nothing', async () => {
    const path = await databaseFile('burrow-owner-');
    const a = await testRuntime({
      store: await openSqliteStore(path),
      hostId: 'host-a',
      manual: true,
      leaseTtlMs: 1_000,
    });
    const b = await testRuntime({
      store: await openSqliteStore(path),
      hostId: 'host-b',
      manual: true,
      leaseTtlMs: 1_000,
    });
    await a.runtime.registerSessionWithExecutor('s1', scriptedExecutor([{ hang: true }]));
    const { completion } = await a.runtime.acceptInput('s1', {
      kind: 'prompt',
      content: 'before the pause',
    });
    // The turn has started (its staging commit landed) before the pause.
    while ((await a.runtime.snapshot('s1')).run === null) await flush();
    // Host A pauses (its clock stands still, so it renews nothing); host B's clock passes the lease.
    b.clock?.advance(1_001);
    expect(await b.runtime.registerSession('s1')).toBe(true);
    expect(
      await codeOf(a.runtime.acceptInput('s1', { kind: 'prompt', content: 'late write' })),
    ).toBe('fenced');
    expect(await a.runtime.containsSession('s1')).toBe(false);
    expect(await completion).toEqual({ status: 'runtime_terminated', reason: 'fenced' });
    // The new owner holds the input the stale owner accepted before the pause, and not the late one.
    expect((await b.runtime.snapshot('s1')).queues.queue).toBe(1);
  });

  it('takes a session over at once from a process of this machine that no longer exists', async () => {
    const path = await databaseFile('burrow-owner-');
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
    const deadOwner = `${hostname()}/${gone.pid}/crashed`;
    const crashed = await openSqliteStore(path);
    expect(await crashed.claim(runtimeIdOf('s1'), deadOwner, 60_000, Date.now())).toBe(1);
    await crashed.close();
    const { runtime } = await testRuntime({ store: await openSqliteStore(path) });
    expect(await runtime.registerSession('s1')).toBe(true);
    const alive = `${hostname()}/${process.pid === 1 ? 2 : 1}/init`;
    const other = await openSqliteStore(path);
    expect(await other.claim(runtimeIdOf('s2'), alive, 60_000, Date.now())).toBe(1);
    await other.close();
    expect(await codeOf(runtime.registerSession('s2'))).toBe('fenced');
  });
});
