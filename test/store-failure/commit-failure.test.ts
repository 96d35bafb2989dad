// Store failure injection (04, promises 1 and 3): a real SQLite store whose commit fails at the Nth
// call or during an outage. The runtime reports `store_unavailable` for an accept that did not land
// and changes nothing; a run whose commit failed keeps the last durable state and is re-run once the
// store works again; a restart loses and duplicates nothing. A run commit the store refuses for good
// (`internal`, issue 10) is never re-run by itself: the run is rolled back, the executor detached with
// a notice, and the inputs wait for an operator.

import { afterEach, describe, expect, it } from 'vitest';
import { isBurrowError } from '../../src/core/errors.js';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import { isDurableEvent } from '../../src/core/runtime-event.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TempDatabase } from '../../src/store/sqlite/temp-database.test-support.js';
import { createTempDatabase } from '../../src/store/sqlite/temp-database.test-support.js';
import type { FailingStore, FailureMode } from './failing-store.js';
import { openFailingStore } from './failing-store.js';
import { gatedExecutor } from './gated-executor.js';

const RT = runtimeIdOf('s1');
const BACKOFF = { base: 1, max: 20 };

let temp: TempDatabase | null = null;
const runtimes: Runtime[] = [];

afterEach(async () => {
  for (const runtime of runtimes.splice(0)) {
    await runtime.close({ signal: AbortSignal.timeout(2_000) });
    expect(runtime.diagnostics().liveLoops, 'live loops after close').toBe(0);
  }
  await temp?.remove();
  temp = null;
});

// Both runtimes of the restart test are one host restarting: in one test process the first one's
// pid cannot be judged dead, so a lease it could not release (the store was down) is reclaimed by
// host id instead of after its expiry.
const HOST = 'store-failure-host';

async function setup(mode: FailureMode): Promise<{ failing: FailingStore; runtime: Runtime }> {
  temp = await createTempDatabase('burrow-store-failure-');
  const failing = await openFailingStore(temp.path, mode);
  const runtime = await createRuntime({
    store: failing.store,
    retryBackoffMs: BACKOFF,
    hostId: HOST,
  });
  runtimes.push(runtime);
  return { failing, runtime };
}

/** The first event (published from now on) that satisfies `predicate`. */
function nextEvent(
  runtime: Runtime,
  predicate: (e: RuntimeEvent) => boolean,
): Promise<RuntimeEvent> {
  return new Promise((resolve) => {
    const off = runtime.onEvent((event) => {
      if (!predicate(event)) return;
      off();
      resolve(event);
    });
  });
}

/** Resolves once no session of `runtime` has a live input (re-checked after every event). */
async function drained(runtime: Runtime): Promise<void> {
  for (;;) {
    const changed = nextEvent(runtime, () => true);
    if (runtime.diagnostics().sessions.every((s) => s.liveInputs === 0)) return;
    await changed;
  }
}

describe.each(['rejected', 'locked'] as const)('a SQLite store whose commit fails (%s)', (mode) => {
  it('refuses an accept whose write failed with store_unavailable and keeps no trace of it', async () => {
    const { failing, runtime } = await setup(mode);
    const turns = gatedExecutor({ autoRelease: true });
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const before = await runtime.snapshot('s1');
    const events: RuntimeEvent[] = [];
    runtime.onEvent((event) => events.push(event));
    failing.failAt(failing.calls + 1);

    const refused = runtime.acceptInput('s1', { kind: 'prompt', content: 'lost', inputId: 'in-1' });
    await expect(refused).rejects.toSatisfy((e) => isBurrowError(e, 'store_unavailable'));

    expect(failing.failures).toBe(1);
    expect(await failing.inner.readInput(RT, 'in-1')).toBeNull();
    expect((await failing.inner.load(RT))?.inputs).toEqual([]);
    expect(await runtime.getInput('s1', 'in-1')).toBeNull();
    expect(await runtime.snapshot('s1')).toEqual(before);
    expect(events.filter((e) => e.type.startsWith('input.') || e.type.startsWith('run.'))).toEqual(
      [],
    );
    expect(turns.runs).toEqual([]);

    // The same input id is free: the failed accept left no idempotency or ledger entry behind.
    const accepted = await runtime.acceptInput('s1', {
      kind: 'prompt',
      content: 'kept',
      inputId: 'in-1',
    });
    expect(accepted.status).toBe('accepted');
    expect(await accepted.completion).toMatchObject({ status: 'completed' });
    expect((await failing.inner.readInput(RT, 'in-1'))?.state.status).toBe('consumed');
  });

  it('performs none of the effects of a step whose commit failed: a destroy that did not land tears nothing down', async () => {
    const { failing, runtime } = await setup(mode);
    const turns = gatedExecutor({ autoRelease: false });
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const accepted = await runtime.acceptInput('s1', { kind: 'prompt', content: 'a' });
    await turns.started(0);

    failing.failAt(failing.calls + 1);
    await expect(runtime.destroy('s1')).rejects.toSatisfy((e) =>
      isBurrowError(e, 'store_unavailable'),
    );
    // RuntimeDestroyed was not performed: the loop is attached, its turn runs on and completes.
    expect(await runtime.snapshot('s1')).toMatchObject({ phase: 'running', hasExecutor: true });
    turns.release(0);
    expect(await accepted.completion).toMatchObject({ status: 'completed' });

    // Once the destroy lands, its effect tears the session down.
    await runtime.destroy('s1');
    expect(await runtime.snapshot('s1')).toMatchObject({ phase: 'destroyed', hasExecutor: false });
  });

  it('leaves no gap and reuses no seq when a commit fails: subscribers saw exactly what the store replays', async () => {
    const { failing, runtime } = await setup(mode);
    const turns = gatedExecutor({ autoRelease: true });
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const live: RuntimeEvent[] = [];
    runtime.onEvent((event) => live.push(event));
    failing.failAt(failing.calls + 1);
    await expect(runtime.acceptInput('s1', { kind: 'prompt', content: 'lost' })).rejects.toSatisfy(
      (e) => isBurrowError(e, 'store_unavailable'),
    );
    const kept = await runtime.acceptInput('s1', { kind: 'prompt', content: 'kept' });
    expect(await kept.completion).toMatchObject({ status: 'completed' });
    await expect(
      runtime.acceptInput('s1', { kind: 'prompt', content: 'x', whenBusy: 'nope' } as never),
    ).rejects.toSatisfy((e) => isBurrowError(e, 'validation_failed'));

    const replay = await failing.inner.readEvents(RT, 0, 1000);
    expect(replay.map((e) => e.seq)).toEqual(replay.map((_, i) => i + 1));
    const seenLive = live.filter(isDurableEvent);
    expect(seenLive.length).toBeGreaterThan(3);
    expect(replay.slice(-seenLive.length)).toEqual(seenLive);
    // The refusal was live only: a transient event with no seq, never stored.
    expect(live.find((e) => e.type === 'input.rejected')).toMatchObject({ seq: null });
  });

  it('keeps the last durable state when a run cannot commit, and completes its inputs once the store is back', async () => {
    const { failing, runtime } = await setup(mode);
    const turns = gatedExecutor({ autoRelease: false });
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const first = await runtime.acceptInput('s1', {
      kind: 'prompt',
      content: 'a',
      inputId: 'in-1',
    });
    const run1 = await turns.started(0);
    await runtime.acceptInput('s1', { kind: 'prompt', content: 'b', inputId: 'in-2' });
    expect(run1.inputs.map((i) => i.inputId)).toEqual(['in-1']);

    failing.outage();
    turns.release(0);
    // The caller hears that the turn ran but its result could not be kept.
    expect(await first.completion).toMatchObject({
      status: 'completed_with_finalization_failure',
      runId: run1.runId,
      error: { code: 'store_unavailable' },
    });

    // While the store is down the run cannot even be rolled back: nothing new starts, and the store
    // holds the last durable state — in-1 staged into run 1 (a recovery would requeue it), in-2
    // queued, no receipt, no transcript.
    expect(failing.failures).toBeGreaterThanOrEqual(1);
    expect((await failing.inner.readInput(RT, 'in-1'))?.state).toEqual({
      status: 'staged',
      runId: run1.runId,
    });
    expect((await failing.inner.readInput(RT, 'in-2'))?.state).toEqual({ status: 'queued' });
    expect(await failing.inner.readReceipts(RT, 0, 100)).toEqual([]);
    expect(await failing.inner.readTranscript(RT, 0, 100)).toEqual([]);
    expect((await runtime.snapshot('s1')).transcriptLength).toBe(0);
    expect(turns.runs).toHaveLength(1);

    // The store comes back: the rollback lands, and the loop re-runs the same input first.
    failing.heal();
    const run2 = await turns.started(1);
    expect(run2.inputs.map((i) => i.inputId)).toEqual(['in-1']);
    const committed = nextEvent(runtime, (e) => e.type === 'run.completed');
    turns.release(1);
    expect((await committed).data).toMatchObject({ runId: run2.runId });
    expect((await failing.inner.readInput(RT, 'in-1'))?.state).toEqual({
      status: 'consumed',
      runId: run2.runId,
    });
    expect((await runtime.getInput('s1', 'in-1'))?.state.status).toBe('consumed');

    // The session goes on: the queued input and a new one complete.
    turns.releaseAll();
    const third = await runtime.acceptInput('s1', {
      kind: 'prompt',
      content: 'c',
      inputId: 'in-3',
    });
    expect(await third.completion).toMatchObject({ status: 'completed' });
    const receipts = await failing.inner.readReceipts(RT, 0, 100);
    expect(receipts.map((r) => [r.outcome, r.inputIds])).toEqual([
      ['completed', ['in-1']],
      ['completed', ['in-2']],
      ['completed', ['in-3']],
    ]);
    expect(receipts[0]?.runId).toBe(run2.runId);
    const transcript = await failing.inner.readTranscript(RT, 0, 100);
    expect(transcript.map((m) => m.runId)).toEqual(receipts.flatMap((r) => [r.runId, r.runId]));
  });

  it('loses and duplicates nothing when the runtime restarts after commits failed', async () => {
    const { failing, runtime } = await setup(mode);
    const turns = gatedExecutor({ autoRelease: false });
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const ids = ['in-1', 'in-2', 'in-3'];
    const completions = [];
    for (const inputId of ids)
      completions.push(
        (await runtime.acceptInput('s1', { kind: 'prompt', content: inputId, inputId })).completion,
      );
    await turns.started(0);
    failing.outage();
    turns.release(0);
    expect(await completions[0]).toMatchObject({ status: 'completed_with_finalization_failure' });
    // Forced shutdown while the store is still down: the run's rollback could not be written either.
    await runtime.close({ signal: AbortSignal.abort() });
    expect(failing.failures).toBeGreaterThanOrEqual(1);
    const path = (temp as TempDatabase).path;

    const store = await openSqliteStore(path);
    const restarted = gatedExecutor({ autoRelease: true });
    const runtime2 = await createRuntime({
      store,
      executorFactory: () => restarted.executor,
      retryBackoffMs: BACKOFF,
      hostId: HOST,
    });
    runtimes.push(runtime2);
    const report = await runtime2.recover();
    expect(report).toEqual({ recovered: 1, failed: [], heldElsewhere: 0 });
    await drained(runtime2);

    const receipts = await store.readReceipts(RT, 0, 100);
    const transcript = await store.readTranscript(RT, 0, 100);
    const consumedBy = new Map<string, string>();
    for (const receipt of receipts) {
      expect(receipt.outcome).toBe('completed');
      for (const id of receipt.inputIds) {
        expect(consumedBy.has(id), `${id} consumed twice`).toBe(false);
        consumedBy.set(id, receipt.runId);
      }
      expect(transcript.filter((m) => m.runId === receipt.runId)).toHaveLength(2);
    }
    expect([...consumedBy.keys()].sort()).toEqual(ids);
    for (const id of ids) {
      const record = await store.readInput(RT, id);
      expect(record?.state).toEqual({ status: 'consumed', runId: consumedBy.get(id) });
    }
    // Only turns of the restarted runtime committed; none of the failed ones left a message.
    const committedRuns = new Set(receipts.map((r) => r.runId));
    expect(turns.runs.filter((r) => committedRuns.has(r.runId))).toEqual([]);
    expect(transcript.every((m) => committedRuns.has(m.runId))).toBe(true);
    expect(transcript.map((m) => m.index)).toEqual(transcript.map((_, i) => i));
  });
});

describe('a run commit the store refuses for good', () => {
  it('rolls the run back, detaches the executor with a notice, and never re-runs the turn by itself', async () => {
    const { failing, runtime } = await setup('rejected');
    const turns = gatedExecutor({ autoRelease: false });
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const first = await runtime.acceptInput('s1', {
      kind: 'prompt',
      content: 'a',
      inputId: 'in-1',
    });
    const run1 = await turns.started(0);
    await runtime.acceptInput('s1', { kind: 'prompt', content: 'b', inputId: 'in-2' });

    failing.refuseAt(failing.calls + 1);
    const detached = nextEvent(runtime, (e) => e.type === 'session.executor_detached');
    turns.release(0);
    expect(await first.completion).toMatchObject({
      status: 'completed_with_finalization_failure',
      runId: run1.runId,
      error: { code: 'internal' },
    });
    const detachedEvent = await detached;
    expect(detachedEvent.data).toMatchObject({
      reason: expect.stringContaining('refused the commit') as unknown,
    });

    // Many back-off periods later the turn still ran once: nothing re-runs it by itself.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(turns.runs).toHaveLength(1);
    const snapshot = await runtime.snapshot('s1');
    expect(snapshot).toMatchObject({
      phase: 'idle',
      registration: 'queuing',
      run: null,
      hasExecutor: false,
      queues: { queue: 2, steer: 0 },
    });
    // The store says the same, and the notice and detachment are in the durable stream.
    expect((await failing.inner.readInput(RT, 'in-1'))?.state).toEqual({ status: 'queued' });
    expect((await failing.inner.readInput(RT, 'in-2'))?.state).toEqual({ status: 'queued' });
    expect(await failing.inner.readReceipts(RT, 0, 100)).toEqual([]);
    const replay = await failing.inner.readEvents(RT, 0, 1000);
    const notice = replay.find((e) => e.type === 'runtime.notice' && e.data.kind === 'lost');
    expect(notice?.data).toMatchObject({
      message: expect.stringContaining('internal') as unknown,
    });
    expect(replay.filter(isDurableEvent).map((e) => e.seq)).toEqual(replay.map((_, i) => i + 1));

    // The operator acts: a new executor claims the session, and both inputs run and commit.
    const again = gatedExecutor({ autoRelease: true });
    await runtime.ensureSessionWithExecutor('s1', again.executor);
    const consumed = nextEvent(
      runtime,
      (e) => e.type === 'input.consumed' && e.data.inputId === 'in-2',
    );
    await consumed;
    expect(again.runs.map((r) => r.inputIds)).toEqual([['in-1'], ['in-2']]);
    expect((await failing.inner.readInput(RT, 'in-1'))?.state.status).toBe('consumed');
  });
});
