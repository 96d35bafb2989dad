// Issue 10, item 10: a forced close reaches every turn, including one whose batch was being staged when
// the close came. A loop asked to exit never starts a new turn; the staged batch is rolled back, so
// its input is still queued in the store for the next start.

import { describe, expect, it } from 'vitest';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import type { RuntimeStore } from '../../src/store/runtime-store.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createTempDatabase } from '../../src/store/sqlite/temp-database.test-support.js';
import { deferred } from '../support/deferred.js';

/** A store whose commit that stages a run waits until the test lets it land. */
function stallingStore(inner: RuntimeStore): {
  store: RuntimeStore;
  staging: Promise<void>;
  land: () => void;
} {
  const staging = deferred();
  const gate = deferred();
  let stalled = false;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property !== 'commit') return Reflect.get(target, property, receiver) as unknown;
      const commit: RuntimeStore['commit'] = async (runtimeId, batch, fence) => {
        if (!stalled && (batch.events ?? []).some((e) => e.type === 'run.started')) {
          stalled = true;
          staging.resolve();
          await gate.promise;
        }
        return target.commit(runtimeId, batch, fence);
      };
      return commit;
    },
  });
  return { store, staging: staging.promise, land: () => gate.resolve() };
}

describe('a forced close', () => {
  it('issued while a batch is being staged never lets that turn start, and leaves its input queued', async () => {
    const temp = await createTempDatabase('burrow-forced-close-');
    const { store, staging, land } = stallingStore(await openSqliteStore(temp.path));
    const runtime = await createRuntime({ store, pruneIntervalMs: 0 });
    // A turn that ends only when its signal aborts: without the fix, close waits for it forever.
    const executor = scriptedExecutor([{ hang: true }]);
    await runtime.registerSessionWithExecutor('s1', executor);
    const accepted = await runtime.acceptInput('s1', { kind: 'prompt', content: 'x' });
    await staging;

    const closing = runtime.close({ signal: AbortSignal.abort() });
    land();
    await closing;

    expect(executor.runs.every((run) => run.result !== 'pending')).toBe(true);
    expect(await accepted.completion).toMatchObject({ status: 'runtime_terminated' });
    expect(runtime.diagnostics().liveLoops).toBe(0);
    const reopened = await openSqliteStore(temp.path);
    const record = await reopened.readInput(runtimeIdOf('s1'), accepted.inputId);
    await reopened.close();
    await temp.remove();
    expect(record?.state).toEqual({ status: 'queued' });
    expect(record?.attempts).toBe(0);
  });
});
