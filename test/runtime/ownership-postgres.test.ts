// Two hosts on one PostgreSQL (04, "Many hosts on one PostgreSQL"; issue 11): an owner that pauses
// past its lease loses the session to another host's sweeper, which runs the accepted input to its
// end; when the paused owner wakes and commits its turn, the commit is fenced and writes nothing —
// the turn ran twice, its effects landed once.

import { afterEach, beforeEach, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import type { Executor } from '../../src/runtime/executor.js';
import type { TestSchema } from '../../src/store/postgres/pg-test-schema.test-support.js';
import {
  createTestSchema,
  describeWithPg,
} from '../../src/store/postgres/pg-test-schema.test-support.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { deferred, flush } from '../support/deferred.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

const RT = runtimeIdOf('s1');

describeWithPg('two hosts on one PostgreSQL', (url) => {
  let schema: TestSchema;
  const stores: PostgresStore[] = [];
  const open = async (): Promise<PostgresStore> => {
    const store = await openPostgresStore(url, { schema: schema.name, poolSize: 2 });
    stores.push(store);
    return store;
  };
  beforeEach(() => {
    schema = createTestSchema(url);
  });
  afterEach(async () => {
    // The runtimes (closed by the fixture) close their own stores; closing again is a no-op.
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await schema.drop();
  });

  it("fences a paused owner's late commit after another host's sweeper took the session over and ran its input", async () => {
    const storeA = await open();
    const gate = deferred();
    let runsOnA = 0;
    // Host A's turn waits at the gate: that is its pause, long past its lease.
    const pausedEcho: Executor = {
      apply: async (run, ctx) => {
        runsOnA += 1;
        await gate.promise;
        return echoExecutor({ prefix: 'late: ' }).apply(run, ctx);
      },
    };
    const a = await testRuntime({
      store: storeA,
      hostId: 'host-a',
      manual: true,
      leaseTtlMs: 1_000,
      sweepIntervalMs: 0,
    });
    await a.runtime.registerSessionWithExecutor('s1', pausedEcho);
    const { inputId, completion } = await a.runtime.acceptInput('s1', {
      kind: 'prompt',
      content: 'hello',
    });
    const outcomeOnA = completion.then(
      (outcome) => outcome,
      (e: unknown) => e,
    );
    while ((await a.runtime.snapshot('s1')).run === null) await flush();

    // Host B runs a sweeper; its clock passes A's lease (A's stands still, so A renews nothing).
    const b = await testRuntime({
      store: await open(),
      hostId: 'host-b',
      manual: true,
      leaseTtlMs: 1_000,
      sweepIntervalMs: 100,
      executorFactory: () => echoExecutor(),
    });
    const observer = await open();
    const deadline = Date.now() + 15_000;
    let status = (await observer.readInput(RT, inputId))?.state.status;
    while (status !== 'consumed' && Date.now() < deadline) {
      b.clock?.advance(1_001);
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await observer.readInput(RT, inputId))?.state.status;
    }
    expect(status).toBe('consumed');
    expect(await observer.owner(RT)).toMatchObject({ hostId: 'host-b' });

    // Host A wakes and commits its turn: fenced, nothing written, its waiter told why.
    const refusedBefore = storeA.statistics().refused;
    gate.resolve();
    expect(await outcomeOnA).toEqual({ status: 'runtime_terminated', reason: 'fenced' });
    expect(runsOnA).toBe(1);
    expect(storeA.statistics().refused).toBeGreaterThan(refusedBefore);
    expect(await a.runtime.containsSession('s1')).toBe(false);

    // The turn's effects landed once: B's receipt and B's reply, nothing of A's.
    const receipts = await observer.readReceipts(RT, 0, 10);
    expect(receipts.map((receipt) => receipt.inputIds)).toEqual([[inputId]]);
    const transcript = JSON.stringify(await observer.readTranscript(RT, 0, 100));
    expect(transcript).toContain('hello');
    expect(transcript).not.toContain('late: ');
    expect((await observer.readInput(RT, inputId))?.state).toMatchObject({
      status: 'consumed',
      runId: receipts[0]?.runId,
    });
  });
});
