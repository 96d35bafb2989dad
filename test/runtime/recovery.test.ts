// Recovery (04): fail closed on a corrupt record, refuse a destroyed session, requeue staged inputs,
// and recover() with the executor factory, bounded concurrency and progress.

import { describe, expect, it } from 'vitest';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { rewriteSqliteRecords } from '../../src/store/sqlite/sqlite-rewrite.test-support.js';
import { deferred } from '../support/deferred.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { codeOf, databaseFile } from '../support/temp-database.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

describe('recovery', () => {
  it('fails closed on a corrupt stored record: registration refuses, nothing starts fresh', async () => {
    const path = await databaseFile('burrow-recovery-');
    const first = await createRuntime({ store: await openSqliteStore(path) });
    await first.registerSession('s1');
    await first.acceptInput('s1', { kind: 'prompt', content: 'kept safe' });
    await first.close();
    await rewriteSqliteRecords(path, runtimeIdOf('s1'), 'input', (text) =>
      text.replace('"recordVersion":1', '"recordVersion":99'),
    );
    const { runtime } = await testRuntime({ store: await openSqliteStore(path) });
    expect(await codeOf(runtime.registerSession('s1'))).toBe('internal');
    expect(await codeOf(runtime.containsSession('s1'))).toBe('internal');
    // The record is still there for an operator to repair: nothing overwrote it.
    expect(await codeOf(runtime.registerSession('s1'))).toBe('internal');
  });

  it('refuses to register a destroyed session again, in this process and after a restart', async () => {
    const path = await databaseFile('burrow-recovery-');
    const first = await createRuntime({ store: await openSqliteStore(path) });
    await first.registerSession('s1');
    await first.destroy('s1');
    await first.unregisterSession('s1');
    expect(await codeOf(first.registerSession('s1'))).toBe('destroyed');
    await first.close();
    const { runtime } = await testRuntime({ store: await openSqliteStore(path) });
    expect(await codeOf(runtime.registerSession('s1'))).toBe('destroyed');
  });

  it('requeues a turn that was running at a shutdown and runs it again after recover()', async () => {
    const path = await databaseFile('burrow-recovery-');
    const holding = deferred();
    const first = await createRuntime({ store: await openSqliteStore(path) });
    await first.registerSessionWithExecutor(
      's1',
      scriptedExecutor([
        {
          gate: () => {
            holding.resolve();
            return new Promise(() => undefined);
          },
        },
      ]),
    );
    const { inputId } = await first.acceptInput('s1', {
      kind: 'prompt',
      content: 'interrupted by the restart',
    });
    await holding.promise;
    await first.close({ signal: AbortSignal.timeout(10) });

    const progress: [number, number][] = [];
    const executor = scriptedExecutor();
    const { runtime } = await testRuntime({
      store: await openSqliteStore(path),
      executorFactory: () => executor,
    });
    const report = await runtime.recover({
      concurrency: 2,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(report).toEqual({ recovered: 1, failed: [], heldElsewhere: 0 });
    expect(progress).toEqual([[1, 1]]);
    for (let i = 0; i < 100 && executor.runs.length === 0; i += 1)
      await new Promise((r) => setImmediate(r));
    expect(executor.runs[0]?.inputIds).toEqual([inputId]);
    for (let i = 0; i < 100; i += 1) {
      if ((await runtime.getInput('s1', inputId))?.state.status === 'consumed') break;
      await new Promise((r) => setImmediate(r));
    }
    expect((await runtime.getInput('s1', inputId))?.state.status).toBe('consumed');
  });
});
