// Behaviour of the session machine, including each seed defect that 01 asks us to correct.

import { describe, expect, it } from 'vitest';
import { checkInvariants, recoverFromState } from './invariants.js';
import type { MachineInput } from './inputs.js';
import type { MachineState } from './state.js';
import { initialState } from './state.js';
import { classifyCompletion, durablePhase, queueAdmission, visiblePhase } from './classifiers.js';
import { step, stepAll, TRANSITIONS } from './session-machine.js';

function run(inputs: MachineInput[], from: MachineState = initialState()): MachineState {
  const result = stepAll(from, inputs);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.rejection)}`);
  expect(checkInvariants(result.state)).toEqual([]);
  return result.state;
}

function refusal(state: MachineState, input: MachineInput): string | null {
  const result = step(state, input);
  return result.ok ? null : result.rejection.guard;
}

const registered: MachineInput[] = [
  { type: 'Initialize' },
  { type: 'RegisterSession', sessionId: 's1' },
];
const attached: MachineInput[] = [
  ...registered,
  { type: 'EnsureSessionWithExecutor', sessionId: 's1' },
];
const running: MachineInput[] = [...attached, { type: 'Prepare', sessionId: 's1', runId: 'r1' }];

describe('seed defects, corrected', () => {
  it('checks the session id on every input that carries one (the seed skips it in places)', () => {
    const state = run(running);
    for (const input of [
      { type: 'Retire', sessionId: 's2' },
      { type: 'Destroy', sessionId: 's2' },
      { type: 'EnsureSessionWithExecutor', sessionId: 's2' },
      { type: 'SetSilentIntents', sessionId: 's2', intents: [] },
      { type: 'BeginUnregisterSession', sessionId: 's2', binding: state.binding },
      {
        type: 'PrepareBindings',
        sessionId: 's2',
        runtimeId: 'rtA',
        fenceToken: 0,
        generation: 1,
        epochId: null,
      },
    ] as MachineInput[]) {
      expect(refusal(state, input)).toBe('same_session');
    }
  });

  it('refuses an executor claim on a retired or stopped session instead of a silent no-op', () => {
    const retired = run([...attached, { type: 'Retire', sessionId: 's1' }]);
    const stopped = run([...attached, { type: 'RuntimeExecutorExited' }]);
    expect(refusal(retired, { type: 'EnsureSessionWithExecutor', sessionId: 's1' })).toBe(
      'not_claimable',
    );
    expect(refusal(stopped, { type: 'EnsureSessionWithExecutor', sessionId: 's1' })).toBe(
      'not_claimable',
    );
  });

  it('keeps phase and registration consistent on reset (the seed drops to idle with the claim active)', () => {
    const state = run([...attached, { type: 'Reset' }]);
    expect(state.phase).toBe('attached');
    expect(state.registration).toBe('active');
    const noExecutor = run([...registered, { type: 'Reset' }]);
    expect(noExecutor.phase).toBe('idle');
    expect(noExecutor.registration).toBe('queuing');
  });

  it('clears the run pair on recycle, leaving no dangling return phase', () => {
    const recovered = run([
      {
        type: 'RecoverRuntimeAuthority',
        sessionId: 's1',
        observedPhase: 'retired',
        binding: { runtimeId: 'rtA', fenceToken: 3, generation: 1, epochId: null },
        run: { runId: 'r9', returnPhase: 'retired' },
        silentIntents: [],
      },
      { type: 'Recycle' },
    ]);
    expect(recovered.run).toBeNull();
    expect(recovered.binding).toEqual({
      runtimeId: null,
      fenceToken: null,
      generation: null,
      epochId: null,
    });
  });

  it('never lets a deferred stop leak past the executor or run it waited for', () => {
    const exited = run([
      ...attached,
      { type: 'StopRuntimeExecutor', reason: 'x' },
      { type: 'RuntimeExecutorExited' },
    ]);
    expect(exited.phase).toBe('stopped');
    expect(exited.stopDeferred).toBe(false);
    // An inline run with no executor: the stop completes when the run ends.
    const inline = run([
      ...registered,
      { type: 'Prepare', sessionId: 's1', runId: 'r1' },
      { type: 'StopRuntimeExecutor', reason: 'x' },
      { type: 'RunCompleted', runId: 'r1' },
      { type: 'Commit', runId: 'r1' },
    ]);
    expect(inline.phase).toBe('stopped');
    expect(inline.stopDeferred).toBe(false);
    const retired = run([
      ...attached,
      { type: 'StopRuntimeExecutor', reason: 'x' },
      { type: 'Retire', sessionId: 's1' },
    ]);
    expect(retired.stopDeferred).toBe(false);
  });

  it('releases the executor claim when the executor exits (an exited executor cannot stay claimed)', () => {
    const retired = run([
      ...attached,
      { type: 'Retire', sessionId: 's1' },
      { type: 'RuntimeExecutorExited' },
    ]);
    expect(retired.registration).toBe('queuing');
  });

  it('never accepts running from a durable record: a run cannot survive a crash', () => {
    expect(
      refusal(initialState(), {
        type: 'RecoverRuntimeAuthority',
        sessionId: 's1',
        observedPhase: 'running',
        binding: { runtimeId: null, fenceToken: null, generation: null, epochId: null },
        run: { runId: 'r1', returnPhase: 'idle' },
        silentIntents: [],
      }),
    ).toBe('observed_phase_recoverable');
  });

  it('recovers only into a fresh machine, so a second recovery cannot overwrite the binding', () => {
    const recover = (runtimeId: string): MachineInput => ({
      type: 'RecoverRuntimeAuthority',
      sessionId: 's1',
      observedPhase: 'initializing',
      binding: { runtimeId, fenceToken: 0, generation: 1, epochId: null },
      run: { runId: null, returnPhase: null },
      silentIntents: [],
    });
    const once = run([recover('rtA')]);
    expect(refusal(once, recover('rtB'))).toBe('unregistered');
  });
});

describe('bindings', () => {
  it('fills binding facts but never replaces one', () => {
    const bound = run([
      ...registered,
      {
        type: 'PrepareBindings',
        sessionId: 's1',
        runtimeId: 'rtA',
        fenceToken: 0,
        generation: 1,
        epochId: null,
      },
    ]);
    expect(bound.phase).toBe('attached');
    expect(
      refusal(bound, {
        type: 'PrepareBindings',
        sessionId: 's1',
        runtimeId: 'rtA',
        fenceToken: 1,
        generation: 1,
        epochId: null,
      }),
    ).toBe('binding_fill_only');
    const same = step(bound, {
      type: 'PrepareBindings',
      sessionId: 's1',
      runtimeId: 'rtA',
      fenceToken: 0,
      generation: 1,
      epochId: null,
    });
    expect(same.ok && same.effects).toEqual([]);
  });
});

describe('runs', () => {
  it('stops a turn at the boundary after a cancel-after-boundary request', () => {
    const state = run([...running, { type: 'RequestCancelAfterBoundary', runId: 'r1' }]);
    const boundary = step(state, { type: 'BoundaryApplied', runId: 'r1' });
    expect(boundary.ok && boundary.effects).toEqual([{ type: 'CancelRunAtBoundary', runId: 'r1' }]);
    const ended = run(
      [
        { type: 'BoundaryApplied', runId: 'r1' },
        { type: 'RunCancelled', runId: 'r1' },
        { type: 'CancelRun', runId: 'r1' },
      ],
      state,
    );
    expect(ended.phase).toBe('attached');
    expect(ended.turn.outcome).toBe('cancelled');
  });

  it('never changes a recorded outcome and refuses a stale run id', () => {
    const done = run([...running, { type: 'RunCompleted', runId: 'r1' }]);
    expect(
      refusal(done, { type: 'RunFailed', runId: 'r1', cause: 'llm_failure', message: 'late' }),
    ).toBe('outcome_unrecorded');
    expect(refusal(done, { type: 'Commit', runId: 'r2' })).toBe('run_matches');
  });

  it('wakes the loop after a failed run so queued work is not stranded', () => {
    const result = step(run(running), {
      type: 'RunFailed',
      runId: 'r1',
      cause: 'tool_failure',
      message: 'x',
    });
    expect(result.ok && result.effects).toEqual([{ type: 'PostAdmissionSignal', signal: 'wake' }]);
  });

  it('keeps a live run through retire and reports the session as retired', () => {
    const state = run([...running, { type: 'Retire', sessionId: 's1' }]);
    expect(state.phase).toBe('running');
    expect(visiblePhase(state)).toBe('retired');
    expect(durablePhase(state)).toBe('retired');
    const after = run(
      [
        { type: 'RunCompleted', runId: 'r1' },
        { type: 'Commit', runId: 'r1' },
      ],
      state,
    );
    expect(after.phase).toBe('retired');
    expect(queueAdmission(after)).toEqual({ admit: true, via: 'DrainQueuedRun' });
  });

  it('refuses new input from the moment retire steps, even while the last run still runs', () => {
    const accept: MachineInput = {
      type: 'AcceptInput',
      inputId: 'i1',
      requestImmediate: false,
      interruptYielding: false,
      wakeIfIdle: true,
      withoutWake: false,
    };
    expect(refusal(run(running), accept)).toBeNull();
    expect(refusal(run([...running, { type: 'Retire', sessionId: 's1' }]), accept)).toBe(
      'not_retiring',
    );
    expect(refusal(run([...attached, { type: 'Retire', sessionId: 's1' }]), accept)).toBe('phase');
  });
});

describe('a lost executor', () => {
  it('releases the claim without stopping the session: attached rests idle and can claim again', () => {
    const lost = run([...attached, { type: 'RuntimeExecutorLost', reason: 'loop crashed' }]);
    expect(lost.phase).toBe('idle');
    expect(lost.registration).toBe('queuing');
    const result = step(run(attached), { type: 'RuntimeExecutorLost', reason: 'loop crashed' });
    expect(result.ok && result.effects).toEqual([
      { type: 'RuntimeNotice', kind: 'lost', reason: 'loop crashed' },
    ]);
    expect(run([{ type: 'EnsureSessionWithExecutor', sessionId: 's1' }], lost).phase).toBe(
      'attached',
    );
  });

  it('needs the run rolled back first, and keeps a retired session retired', () => {
    expect(refusal(run(running), { type: 'RuntimeExecutorLost', reason: 'x' })).toBe('no_run');
    const rolledBack = run(
      [
        { type: 'Retire', sessionId: 's1' },
        { type: 'RollbackRun', runId: 'r1' },
        { type: 'RuntimeExecutorLost', reason: 'x' },
      ],
      run(running),
    );
    expect(rolledBack.phase).toBe('retired');
    expect(rolledBack.registration).toBe('queuing');
  });
});

describe('the unregister drain', () => {
  it('opens three obligations and unregisters only once all are closed', () => {
    const state = run(attached);
    const open = run(
      [{ type: 'BeginUnregisterSession', sessionId: 's1', binding: state.binding }],
      state,
    );
    expect(
      refusal(open, { type: 'UnregisterSession', sessionId: 's1', binding: state.binding }),
    ).toBe('obligations_closed');
    expect(
      refusal(open, { type: 'BeginUnregisterSession', sessionId: 's1', binding: state.binding }),
    ).toBe('not_draining');
    expect(refusal(open, { type: 'EnsureSessionWithExecutor', sessionId: 's1' })).toBe(
      'not_draining',
    );
    const done = run(
      [
        { type: 'RuntimeLoopStoppedForUnregister', sessionId: 's1' },
        { type: 'CommsDrainExitedForUnregister', sessionId: 's1' },
        { type: 'CompletionWaitersResolvedForUnregister', sessionId: 's1' },
        { type: 'UnregisterSession', sessionId: 's1', binding: state.binding },
      ],
      open,
    );
    expect(done.sessionId).toBeNull();
    expect(done.phase).toBe('idle');
    // Late observations after unregister are explicit no-ops.
    expect(step(done, { type: 'RuntimeLoopStoppedForUnregister', sessionId: 's1' }).ok).toBe(true);
    expect(step(done, { type: 'RuntimeExecutorExited' }).ok).toBe(true);
  });

  it('lets destroy override an in-flight unregister', () => {
    const state = run(attached);
    const destroyed = run(
      [
        { type: 'BeginUnregisterSession', sessionId: 's1', binding: state.binding },
        { type: 'Destroy', sessionId: 's1' },
      ],
      state,
    );
    expect(destroyed.registration).toBe('queuing');
    expect(destroyed.unregister.loopStopPending).toBe(false);
  });

  it('decides the durability of the operations record when the drain opens', () => {
    const idle = run(registered);
    const retired = run([...attached, { type: 'Retire', sessionId: 's1' }]);
    const resolve = (state: MachineState) => {
      const result = step(state, {
        type: 'ResolveRuntimeOpsLifecycleDurability',
        sessionId: 's1',
        binding: state.binding,
      });
      return result.ok ? result.effects : null;
    };
    expect(resolve(idle)).toEqual([
      { type: 'RuntimeOpsLifecycleDurabilityResolved', action: 'delete_snapshot' },
    ]);
    expect(resolve(retired)).toEqual([
      { type: 'RuntimeOpsLifecycleDurabilityResolved', action: 'retain_snapshot' },
    ]);
  });
});

describe('classifiers', () => {
  it('classifies a committed run by its payload and refuses an old run', () => {
    const done = run([
      ...running,
      { type: 'RunCompleted', runId: 'r1' },
      { type: 'Commit', runId: 'r1' },
    ]);
    const ask = (
      runId: string,
      hasResult: boolean,
      hasError = false,
      finalization: 'ok' | 'failed' = 'ok',
    ) => classifyCompletion(done, { kind: 'run', runId, hasResult, hasError, finalization });
    expect(ask('r1', true)).toEqual({ ok: true, class: 'completed' });
    expect(ask('r1', false)).toEqual({ ok: true, class: 'completed_without_result' });
    expect(ask('r1', true, false, 'failed')).toEqual({
      ok: true,
      class: 'completed_with_finalization_failure',
    });
    expect(ask('r1', false, true)).toEqual({ ok: false, reason: 'payload_mismatch' });
    expect(ask('r0', true)).toEqual({ ok: false, reason: 'stale_run' });
    const destroyed = run([{ type: 'Destroy', sessionId: 's1' }], done);
    expect(classifyCompletion(destroyed, { kind: 'runtime_terminated' })).toEqual({
      ok: true,
      class: 'runtime_terminated',
    });
  });

  it('fails closed on a cancellation that carries an error', () => {
    const cancelled = run([...running, { type: 'RunCancelled', runId: 'r1' }]);
    expect(
      classifyCompletion(cancelled, {
        kind: 'run',
        runId: 'r1',
        hasResult: false,
        hasError: true,
        finalization: 'ok',
      }),
    ).toEqual({
      ok: false,
      reason: 'payload_mismatch',
    });
  });

  it('persists attached as idle and running as its return phase', () => {
    expect(durablePhase(run(attached))).toBe('idle');
    expect(durablePhase(run(running))).toBe('idle');
  });

  it('admits a batch only when no run is bound, no stop is deferred and no drain is open', () => {
    expect(queueAdmission(run(attached))).toEqual({ admit: true, via: 'Prepare' });
    expect(queueAdmission(run(running))).toEqual({ admit: false, reason: 'run_bound' });
    expect(
      queueAdmission(run([...attached, { type: 'StopRuntimeExecutor', reason: 'x' }])),
    ).toEqual({
      admit: false,
      reason: 'stop_requested',
    });
  });
});

describe('recoverFromState', () => {
  it('accepts a valid state and refuses one that breaks an invariant or has another schema version', () => {
    const state = run(running);
    const roundTripped: unknown = JSON.parse(JSON.stringify(state));
    expect(recoverFromState(roundTripped)).toEqual({ ok: true, state });
    expect(recoverFromState({ ...state, run: null })).toEqual({
      ok: false,
      violations: ['running_has_run', 'turn_consistency'],
    });
    expect(recoverFromState({ ...state, schemaVersion: 2 })).toEqual({
      ok: false,
      violations: ['unknown_schema_version'],
    });
    expect(recoverFromState('nope')).toEqual({ ok: false, violations: ['not_an_object'] });
  });
});

describe('the transition table', () => {
  it('declares emits exactly on the rows that compute effects (step refuses an undeclared one)', () => {
    const mismatched = TRANSITIONS.filter(
      (entry) =>
        (entry.effects !== undefined) !== (entry.emits !== undefined && entry.emits.length > 0),
    ).map((entry) => `${entry.input} from ${entry.from.join(',')}`);
    expect(mismatched).toEqual([]);
  });
});
