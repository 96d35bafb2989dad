// Every promise of the two-phase unregister drain (03).

import { describe, expect, it } from 'vitest';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { Executor } from '../../src/runtime/executor.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';
import type { RuntimeStore } from '../../src/store/runtime-store.js';
import { deferred, flush } from '../support/deferred.js';
import { testRuntime } from '../support/runtime-fixture.js';

describe('the unregister drain', () => {
  it('a turn that commits while unregister races it settles its waiter with the committed result', async () => {
    const { runtime } = await testRuntime();
    const started = deferred();
    const finish = deferred();
    // The turn ignores the hard cancel and completes shortly after it (within the grace).
    const executor: Executor = {
      async apply(run) {
        started.resolve();
        await finish.promise;
        return { status: 'completed', output: `committed ${run.inputs.length}` };
      },
    };
    await runtime.registerSessionWithExecutor('s1', executor);
    const { completion } = await runtime.acceptInput('s1', { kind: 'prompt', content: 'racing' });
    await started.promise;
    const unregistering = runtime.unregisterSession('s1');
    await flush();
    finish.resolve();
    await unregistering;
    expect(await completion).toMatchObject({ status: 'completed', result: 'committed 1' });
    expect(await runtime.containsSession('s1')).toBe(false);
  });

  it('a stuck executor that ignores the signal is abandoned after the grace, and unregister returns', async () => {
    const { runtime, clock } = await testRuntime({ manual: true, drainGraceMs: 2_000 });
    const executor = scriptedExecutor([{ ignoreSignal: true }]);
    await runtime.registerSessionWithExecutor('s1', executor);
    const { completion } = await runtime.acceptInput('s1', { kind: 'prompt', content: 'stuck' });
    await flush();
    expect(executor.runs).toHaveLength(1);
    const unregistering = runtime.unregisterSession('s1');
    await clock?.untilSleepers(1);
    clock?.advance(1_999);
    await flush();
    expect(await runtime.containsSession('s1')).toBe(true);
    clock?.advance(1);
    await unregistering;
    expect(await completion).toEqual({
      status: 'runtime_terminated',
      reason: 'runtime session unregistered',
    });
    expect(await runtime.containsSession('s1')).toBe(false);
  });

  it('two concurrent unregisters both return, and a late third is a no-op', async () => {
    const { runtime } = await testRuntime();
    const gate = deferred();
    await runtime.registerSessionWithExecutor(
      's1',
      scriptedExecutor([{ gate: () => gate.promise }]),
    );
    await runtime.acceptInput('s1', { kind: 'prompt', content: 'x' });
    await flush();
    await Promise.all([runtime.unregisterSession('s1'), runtime.unregisterSession('s1')]);
    await runtime.unregisterSession('s1');
    expect(await runtime.containsSession('s1')).toBe(false);
  });

  it('an unregister that arrives during registration waits for it, then unregisters', async () => {
    const loadGate = deferred();
    const inner = memoryStore();
    const slowStore: RuntimeStore = {
      ...inner,
      kind: 'slow-memory',
      load: async (runtimeId) => {
        await loadGate.promise;
        return inner.load(runtimeId);
      },
      commit: (id, batch, fence) => inner.commit(id, batch, fence),
      close: () => inner.close(),
    };
    const { runtime } = await testRuntime({ store: slowStore });
    const registering = runtime.registerSession('s1');
    await flush();
    const unregistering = runtime.unregisterSession('s1');
    await flush();
    loadGate.resolve();
    expect(await registering).toBe(true);
    await unregistering;
    expect(await runtime.containsSession('s1')).toBe(false);
  });

  it('register, unregister, register again gives a fresh epoch', async () => {
    const { runtime } = await testRuntime({ store: memoryStore() });
    await runtime.registerSession('s1');
    const first = (await runtime.snapshot('s1')).epochId;
    await runtime.unregisterSession('s1');
    await runtime.registerSession('s1');
    expect((await runtime.snapshot('s1')).epochId).not.toBe(first);
  });

  it('a retired session keeps its durable record across unregister; an idle one starts fresh', async () => {
    const { runtime } = await testRuntime({ store: memoryStore() });
    await runtime.registerSession('kept');
    await runtime.retire('kept');
    await runtime.unregisterSession('kept');
    await runtime.registerSession('kept');
    expect((await runtime.snapshot('kept')).phase).toBe('retired');
    await runtime.registerSession('fresh');
    await runtime.acceptInput('fresh', { kind: 'prompt', content: 'left behind' });
    await runtime.unregisterSession('fresh');
    await runtime.registerSession('fresh');
    expect((await runtime.snapshot('fresh')).phase).toBe('attached');
    expect((await runtime.snapshot('fresh')).queues.queue).toBe(0);
  });

  it('settles every outstanding waiter with runtime_terminated and aborts the comms drain', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    await runtime.enableComms('s1');
    expect(await runtime.sessionHasComms('s1')).toBe(true);
    const pending = await runtime.acceptInput('s1', { kind: 'prompt', content: 'never run' });
    await runtime.unregisterSession('s1');
    expect(await pending.completion).toEqual({
      status: 'runtime_terminated',
      reason: 'runtime session unregistered',
    });
  });
});
