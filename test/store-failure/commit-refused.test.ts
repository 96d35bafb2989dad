// Issue 10, item 4: a run commit the store refuses for good (`internal`, not an outage) never re-runs
// the turn endlessly. The run is rolled back (its inputs queued), the executor detached (the session
// rests idle with no claim), a notice says why, and callers were told
// `completed_with_finalization_failure`. An operator can attach an executor again and the inputs run.

import { afterEach, describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import { isDurableEvent } from '../../src/core/runtime-event.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import type { TempDatabase } from '../../src/store/sqlite/temp-database.test-support.js';
import { createTempDatabase } from '../../src/store/sqlite/temp-database.test-support.js';
import { openFailingStore } from './failing-store.js';
import { gatedExecutor } from './gated-executor.js';

const RT = runtimeIdOf('s1');

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

describe('a run commit the store refuses for good', () => {
  it('rolls the run back, detaches the executor with a notice, and never re-runs the turn by itself', async () => {
    temp = await createTempDatabase('burrow-commit-refused-');
    const failing = await openFailingStore(temp.path, 'rejected');
    const runtime = await createRuntime({
      store: failing.store,
      retryBackoffMs: { base: 1, max: 5 },
      pruneIntervalMs: 0,
    });
    runtimes.push(runtime);
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
