// A contract test for each row of the control-operations table of 03.

import { describe, expect, it } from 'vitest';
import { isBurrowError } from '../../src/core/errors.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { InputSubmission } from '../../src/core/input-kinds.js';
import type { RuntimeEvent } from '../../src/core/runtime-event.js';
import type { Deferred } from '../support/deferred.js';
import { deferred, flush } from '../support/deferred.js';
import { testRuntime } from '../support/runtime-fixture.js';

const prompt = (content: string): InputSubmission => ({ kind: 'prompt', content });

async function refusal(
  work: Promise<unknown>,
): Promise<{ code: string; guard?: string; phase?: string }> {
  try {
    await work;
  } catch (error: unknown) {
    if (isBurrowError(error)) return { code: error.code, ...error.details };
    throw error;
  }
  throw new Error('expected a refusal');
}

/** A scripted executor whose turns each wait for a gate the test opens. */
function gatedExecutor() {
  const gates: Deferred[] = [];
  const started: Deferred[] = [deferred()];
  const executor = scriptedExecutor(() => ({
    gate: async () => {
      const gate = deferred();
      gates.push(gate);
      started[gates.length - 1]?.resolve();
      started.push(deferred());
      await gate.promise;
    },
  }));
  return {
    executor,
    /** Resolves when turn `n` (0-based) is running. */
    running: (n: number) => {
      while (started.length <= n) started.push(deferred());
      return (started[n] as Deferred).promise;
    },
    release: (n: number) => gates[n]?.resolve(),
  };
}

describe('registration', () => {
  it('registerSession creates the entry once and is idempotent', async () => {
    const { runtime } = await testRuntime();
    expect(await runtime.registerSession('s1')).toBe(true);
    expect(await runtime.registerSession('s1')).toBe(false);
    expect(await runtime.containsSession('s1')).toBe(true);
    expect(await runtime.sessionHasExecutor('s1')).toBe(false);
  });

  it('ensureSessionWithExecutor upgrades a session in place: its queued inputs stay and drain', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    const first = await runtime.acceptInput('s1', prompt('queued before the executor'));
    expect((await runtime.snapshot('s1')).queues.queue).toBe(1);
    const executor = scriptedExecutor();
    await runtime.ensureSessionWithExecutor('s1', executor);
    expect(await first.completion).toMatchObject({
      status: 'completed',
      result: ['queued before the executor'],
    });
    expect(await runtime.sessionHasExecutor('s1')).toBe(true);
  });

  it('a second claim of a live session is a no-op, and a retired or stopped session cannot claim one', async () => {
    const { runtime } = await testRuntime();
    const executor = scriptedExecutor();
    await runtime.registerSessionWithExecutor('s1', executor);
    await runtime.ensureSessionWithExecutor('s1', scriptedExecutor());
    await (
      await runtime.acceptInput('s1', prompt('a'))
    ).completion;
    expect(executor.runs).toHaveLength(1);
    await runtime.retire('s1');
    expect(
      await refusal(runtime.ensureSessionWithExecutor('s1', scriptedExecutor())),
    ).toMatchObject({
      code: 'not_ready',
      guard: 'not_claimable',
    });
  });
});

describe('input and wakes', () => {
  it('acceptInputWithoutWake records the input; wakeRuntimeIfActiveInputs starts it', async () => {
    const { runtime } = await testRuntime();
    const executor = scriptedExecutor();
    await runtime.registerSessionWithExecutor('s1', executor);
    const { completion } = await runtime.acceptInputWithoutWake('s1', prompt('later'));
    await flush();
    expect(executor.runs).toHaveLength(0);
    expect(await runtime.wakeRuntimeIfActiveInputs('s1')).toBe(true);
    expect(await completion).toMatchObject({ status: 'completed' });
    expect(await runtime.wakeRuntimeIfActiveInputs('s1')).toBe(false);
  });

  it('refuses input for an unknown session and in a phase that takes none', async () => {
    const { runtime } = await testRuntime();
    expect(await refusal(runtime.acceptInput('nope', prompt('x')))).toMatchObject({
      code: 'session_not_found',
    });
    await runtime.registerSession('s1');
    await runtime.retire('s1');
    expect(await refusal(runtime.acceptInput('s1', prompt('x')))).toMatchObject({
      code: 'not_ready',
      phase: 'retired',
    });
    expect(
      await refusal(runtime.acceptInput('s1', { kind: 'prompt' } as InputSubmission)),
    ).toMatchObject({ code: 'not_ready' });
  });

  it('refuses a malformed input with validation_failed and lists the issues', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    const error = await refusal(
      runtime.acceptInput('s1', {
        kind: 'prompt',
        content: 'x',
        bogus: 1,
      } as unknown as InputSubmission),
    );
    expect(error.code).toBe('validation_failed');
    expect((await runtime.snapshot('s1')).queues.queue).toBe(0);
  });
});

describe('interrupt and cancel after boundary', () => {
  it('interrupt hard-cancels the running turn; its input is told cancelled', async () => {
    const { runtime } = await testRuntime();
    const turns = gatedExecutor();
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const { completion } = await runtime.acceptInput('s1', prompt('long'));
    await turns.running(0);
    await runtime.interrupt('s1', 'user pressed stop');
    expect(await completion).toMatchObject({ status: 'cancelled', reason: 'user pressed stop' });
    expect((await runtime.snapshot('s1')).phase).toBe('attached');
  });

  it('interrupt with no run is a successful no-op; without an executor it is not_ready', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSessionWithExecutor('s1', scriptedExecutor());
    await runtime.interrupt('s1');
    await runtime.registerSession('s2');
    expect(await refusal(runtime.interrupt('s2'))).toMatchObject({
      code: 'not_ready',
      phase: 'idle',
    });
  });

  it('cancelAfterBoundary stops the turn at its next boundary; without a loop it is not_ready', async () => {
    const { runtime } = await testRuntime();
    const step0 = deferred();
    const executor = scriptedExecutor([
      { steps: 3, gate: (step) => (step === 0 ? step0.promise : Promise.resolve()) },
    ]);
    await runtime.registerSessionWithExecutor('s1', executor);
    const { completion } = await runtime.acceptInput('s1', prompt('three steps'));
    await flush();
    await runtime.cancelAfterBoundary('s1', 'enough');
    step0.resolve();
    expect(await completion).toMatchObject({
      status: 'cancelled',
      reason: 'cancelled after boundary',
    });
    expect(executor.runs[0]?.result).toBe('cancelled');
    const transcript = await runtime.getTranscript('s1');
    expect(transcript.map((m) => m.message)).toEqual([
      { role: 'assistant', content: 'stopped after step 1' },
    ]);
    await runtime.registerSession('s2');
    expect(await refusal(runtime.cancelAfterBoundary('s2'))).toMatchObject({ code: 'not_ready' });
  });
});

describe('retire, recycle, reset', () => {
  it('retire lets the queue drain, then the session rests retired and takes no input', async () => {
    const { runtime } = await testRuntime();
    const turns = gatedExecutor();
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const a = await runtime.acceptInput('s1', prompt('a'));
    const b = await runtime.acceptInput('s1', prompt('b'));
    await turns.running(0);
    await runtime.retire('s1');
    expect((await runtime.snapshot('s1')).phase).toBe('retired');
    turns.release(0);
    await turns.running(1);
    turns.release(1);
    expect(await a.completion).toMatchObject({ status: 'completed' });
    expect(await b.completion).toMatchObject({ status: 'completed' });
    expect((await runtime.snapshot('s1')).phase).toBe('retired');
  });

  it('retire closes admission the moment it returns, even while a turn still runs', async () => {
    const { runtime } = await testRuntime();
    const turns = gatedExecutor();
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const a = await runtime.acceptInput('s1', prompt('a'));
    await turns.running(0);
    await runtime.retire('s1');
    expect(await refusal(runtime.acceptInput('s1', prompt('too late')))).toMatchObject({
      code: 'not_ready',
      guard: 'not_retiring',
    });
    turns.release(0);
    expect(await a.completion).toMatchObject({ status: 'completed' });
    expect(await refusal(runtime.acceptInput('s1', prompt('later still')))).toMatchObject({
      code: 'not_ready',
      phase: 'retired',
    });
    await flush();
    expect(turns.executor.runs).toHaveLength(1);
  });

  it('retire without a loop abandons pending inputs; abandonRetiredPendingInputs clears what is left', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    const a = await runtime.acceptInput('s1', prompt('a'));
    await runtime.retire('s1');
    expect(await a.completion).toEqual({
      status: 'abandoned',
      reason: 'retired',
      message: 'the session was retired with no executor to drain its queue',
    });
    expect(await runtime.abandonRetiredPendingInputs('s1')).toBe(0);
    await runtime.registerSession('s2');
    expect(await refusal(runtime.abandonRetiredPendingInputs('s2'))).toMatchObject({
      code: 'not_ready',
      phase: 'idle',
    });
  });

  it("abandonRetiredPendingInputs gives the caller's reason to the outcome, the record and the event", async () => {
    const { runtime } = await testRuntime();
    const turns = gatedExecutor();
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const events: RuntimeEvent[] = [];
    runtime.onEvent((event) => events.push(event));
    await runtime.acceptInput('s1', prompt('a'));
    const queued = await runtime.acceptInput('s1', prompt('b'));
    await turns.running(0);
    await runtime.retire('s1');
    expect(await runtime.abandonRetiredPendingInputs('s1', 'the tenant left')).toBe(1);
    const expected = { status: 'abandoned', reason: 'retired', message: 'the tenant left' };
    expect(await queued.completion).toEqual(expected);
    expect((await runtime.getInput('s1', queued.inputId))?.outcome).toEqual(expected);
    const abandoned = events.find((e) => e.type === 'input.abandoned');
    expect(abandoned?.data).toEqual({
      inputId: queued.inputId,
      reason: 'retired',
      outcome: expected,
    });
    turns.release(0);
  });

  it('recycle clears the binding and abandons pending inputs; it is refused while running', async () => {
    const { runtime } = await testRuntime();
    const turns = gatedExecutor();
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const a = await runtime.acceptInput('s1', prompt('a'));
    await turns.running(0);
    expect(await refusal(runtime.recycle('s1'))).toMatchObject({
      code: 'not_ready',
      phase: 'running',
    });
    turns.release(0);
    await a.completion;
    await runtime.registerSession('s2');
    const queued = await runtime.acceptInput('s2', prompt('pending'));
    await runtime.recycle('s2');
    expect(await queued.completion).toEqual({
      status: 'abandoned',
      reason: 'recycled',
      message: 'the session was recycled',
    });
  });

  it('reset abandons pending inputs with reason reset and keeps the executor attached', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    const queued = await runtime.acceptInput('s1', prompt('pending'));
    await runtime.reset('s1');
    expect(await queued.completion).toEqual({
      status: 'abandoned',
      reason: 'reset',
      message: 'the session was reset',
    });
    await runtime.ensureSessionWithExecutor('s1', scriptedExecutor());
    await runtime.reset('s1');
    expect((await runtime.snapshot('s1')).phase).toBe('attached');
  });
});

describe('stop and destroy', () => {
  it('stop is deferred while a turn runs: the turn finishes, the loop exits, pending inputs end stopped', async () => {
    const { runtime } = await testRuntime();
    const turns = gatedExecutor();
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const a = await runtime.acceptInput('s1', prompt('running'));
    const b = await runtime.acceptInput('s1', prompt('pending'));
    await turns.running(0);
    const stopping = runtime.stop('s1', 'shutting this one down');
    await flush();
    expect((await runtime.snapshot('s1')).stopDeferred).toBe(true);
    turns.release(0);
    await stopping;
    expect(await a.completion).toMatchObject({ status: 'completed' });
    expect(await b.completion).toEqual({
      status: 'runtime_terminated',
      reason: 'shutting this one down',
    });
    expect((await runtime.snapshot('s1')).phase).toBe('stopped');
    expect(turns.executor.stopped).toBe(true);
  });

  it('destroy is terminal: pending and running inputs end, waiters settle, everything is refused after', async () => {
    const { runtime } = await testRuntime();
    const turns = gatedExecutor();
    await runtime.registerSessionWithExecutor('s1', turns.executor);
    const a = await runtime.acceptInput('s1', prompt('running'));
    const b = await runtime.acceptInput('s1', prompt('pending'));
    await turns.running(0);
    await runtime.destroy('s1');
    expect(await a.completion).toEqual({
      status: 'runtime_terminated',
      reason: 'session destroyed',
    });
    expect(await b.completion).toEqual({
      status: 'runtime_terminated',
      reason: 'session destroyed',
    });
    expect(await refusal(runtime.acceptInput('s1', prompt('x')))).toMatchObject({
      code: 'destroyed',
    });
    expect(await refusal(runtime.destroy('s1'))).toMatchObject({ code: 'destroyed' });
    await runtime.unregisterSession('s1');
    expect(await runtime.containsSession('s1')).toBe(false);
  });
});

describe('settings and service turns', () => {
  it('resolveTranscriptEditAdmission answers denied_busy when busy, and fails closed when the phase refuses', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    expect(await runtime.resolveTranscriptEditAdmission('s1', false, false)).toBe('admissible');
    expect(await runtime.resolveTranscriptEditAdmission('s1', true, false)).toBe('denied_busy');
    expect(await runtime.resolveTranscriptEditAdmission('s1', false, true)).toBe('denied_busy');
    await runtime.retire('s1');
    expect(await refusal(runtime.resolveTranscriptEditAdmission('s1', false, false))).toMatchObject(
      { code: 'not_ready' },
    );
  });

  it('tool visibility: staged changes become active only at a boundary', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    await runtime.replaceToolCatalog('s1', [{ name: 'search', provenance: 'builtin' }]);
    expect(await runtime.stagePersistentFilter('s1', { type: 'allow', names: ['search'] })).toBe(1);
    expect(await runtime.requestDeferredTools('s1', ['search'])).toBe(2);
    expect((await runtime.snapshot('s1')).visibility).toEqual({
      activeRevision: 0,
      stagedRevision: 2,
    });
    expect(
      await refusal(runtime.stagePersistentFilter('s1', { type: 'allow', names: ['unknown'] })),
    ).toMatchObject({
      guard: 'filter_names_known',
    });
    await runtime.ensureSessionWithExecutor('s1', scriptedExecutor());
    await (
      await runtime.acceptInput('s1', prompt('x'))
    ).completion;
    expect((await runtime.snapshot('s1')).visibility).toEqual({
      activeRevision: 2,
      stagedRevision: 2,
    });
    const side = { revision: 3, filter: { type: 'all' as const }, deferred: [] };
    expect(await runtime.publishCommittedVisibleSet('s1', { active: side, staged: side })).toEqual({
      active: side,
      staged: side,
    });
  });

  it('a service turn runs outside the loop, can be interrupted through the prepared handle, and commits a receipt', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    const cancelled: string[] = [];
    await runtime.installPreparedSessionInterruptHandle('s1', {
      hardCancel: (reason) => void cancelled.push(reason),
    });
    await runtime.beginServiceTurn('s1');
    expect((await runtime.snapshot('s1')).phase).toBe('running');
    await runtime.interrupt('s1', 'stop the inline turn');
    await flush();
    expect(cancelled).toEqual(['stop the inline turn']);
    await runtime.commitServiceTurnTerminalReceipt('s1');
    expect((await runtime.snapshot('s1')).phase).toBe('idle');
    expect(await refusal(runtime.commitServiceTurnTerminalReceipt('s1'))).toMatchObject({
      code: 'not_ready',
    });
  });

  it('reconfigureSessionLlm goes through the installed host, and is not_ready without one', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    expect(await refusal(runtime.reconfigureSessionLlm('s1', { model: 'm2' }))).toMatchObject({
      code: 'not_ready',
    });
    const seen: unknown[] = [];
    runtime.setSessionLlmReconfigureHost({
      reconfigure: (id, change) => Promise.resolve(void seen.push([id, change])),
    });
    await runtime.reconfigureSessionLlm('s1', { model: 'm2' });
    expect(seen).toEqual([['s1', { model: 'm2' }]]);
  });

  it('discardTerminalStorelessSession drops a finished storeless session, and nothing else', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    expect(await runtime.discardTerminalStorelessSession('s1')).toBe(false);
    await runtime.retire('s1');
    expect(await runtime.discardTerminalStorelessSession('s1')).toBe(true);
    expect(await runtime.containsSession('s1')).toBe(false);
  });

  it('unregisterSessionIfEpoch only touches the incarnation it names', async () => {
    const { runtime } = await testRuntime();
    await runtime.registerSession('s1');
    const { epochId } = await runtime.snapshot('s1');
    expect(await runtime.unregisterSessionIfEpoch('s1', 'another-epoch')).toBe(false);
    expect(await runtime.containsSession('s1')).toBe(true);
    expect(await runtime.unregisterSessionIfEpoch('s1', epochId)).toBe(true);
    expect(await runtime.containsSession('s1')).toBe(false);
  });
});
