// Every phase x input pair has an asserted outcome: the matrix below is written from 01, not from the code.

import { describe, expect, it } from 'vitest';
import type { MachineInput, MachineInputType } from './inputs.js';
import { MACHINE_INPUT_TYPES } from './inputs.js';
import type { MachineState, Phase } from './state.js';
import { initialState, PHASES } from './state.js';
import { step, stepAll, TRANSITIONS } from './session-machine.js';

function reach(inputs: MachineInput[]): MachineState {
  const result = stepAll(initialState(), inputs);
  if (!result.ok) throw new Error(`setup refused: ${JSON.stringify(result.rejection)}`);
  return result.state;
}

const idle: MachineInput[] = [{ type: 'Initialize' }, { type: 'RegisterSession', sessionId: 's1' }];
const attached: MachineInput[] = [...idle, { type: 'EnsureSessionWithExecutor', sessionId: 's1' }];

/** One reachable, well-formed state per phase: a session s1 with an executor, run r1 where relevant. */
const CANONICAL: Record<Phase, MachineState> = {
  initializing: initialState(),
  idle: reach(idle),
  attached: reach(attached),
  running: reach([...attached, { type: 'Prepare', sessionId: 's1', runId: 'r1' }]),
  retired: reach([...attached, { type: 'Retire', sessionId: 's1' }]),
  stopped: reach([...attached, { type: 'RuntimeExecutorExited' }]),
  destroyed: reach([...idle, { type: 'Destroy', sessionId: 's1' }]),
};

/** A canonical input per type, with the ids of the canonical states (s1, r1, the state's binding). */
function canonicalInput(type: MachineInputType, state: MachineState): MachineInput {
  const sessionId = 's1';
  const runId = 'r1';
  const binding = state.binding;
  const side = { revision: 0, filter: { type: 'all' as const }, deferred: [] };
  const inputs: { [T in MachineInputType]: Extract<MachineInput, { type: T }> } = {
    Initialize: { type: 'Initialize' },
    RegisterSession: { type: 'RegisterSession', sessionId },
    RecoverRuntimeAuthority: {
      type: 'RecoverRuntimeAuthority',
      sessionId,
      observedPhase: 'idle',
      binding,
      run: { runId: null, returnPhase: null },
      silentIntents: [],
    },
    PrepareBindings: {
      type: 'PrepareBindings',
      sessionId,
      runtimeId: 'rtA',
      fenceToken: 0,
      generation: 1,
      epochId: null,
    },
    EnsureSessionWithExecutor: { type: 'EnsureSessionWithExecutor', sessionId },
    StopRuntimeExecutor: { type: 'StopRuntimeExecutor', reason: 'test' },
    RuntimeExecutorExited: { type: 'RuntimeExecutorExited' },
    RuntimeExecutorLost: { type: 'RuntimeExecutorLost', reason: 'test' },
    Prepare: { type: 'Prepare', sessionId, runId },
    DrainQueuedRun: { type: 'DrainQueuedRun', runId },
    BoundaryApplied: { type: 'BoundaryApplied', runId },
    RequestCancelAfterBoundary: { type: 'RequestCancelAfterBoundary', runId },
    CancelNow: { type: 'CancelNow', runId },
    RunCompleted: { type: 'RunCompleted', runId },
    RunFailed: { type: 'RunFailed', runId, cause: 'llm_failure', message: 'boom' },
    RunCancelled: { type: 'RunCancelled', runId },
    Commit: { type: 'Commit', runId },
    Fail: { type: 'Fail', runId },
    CancelRun: { type: 'CancelRun', runId },
    RollbackRun: { type: 'RollbackRun', runId },
    ServiceTurnCommitted: { type: 'ServiceTurnCommitted', runId },
    CancelAfterBoundary: { type: 'CancelAfterBoundary', reason: 'test' },
    InterruptCurrentRun: { type: 'InterruptCurrentRun', reason: 'test' },
    Retire: { type: 'Retire', sessionId },
    Reset: { type: 'Reset' },
    Recycle: { type: 'Recycle' },
    Destroy: { type: 'Destroy', sessionId },
    BeginUnregisterSession: { type: 'BeginUnregisterSession', sessionId, binding },
    RuntimeLoopStoppedForUnregister: { type: 'RuntimeLoopStoppedForUnregister', sessionId },
    CommsDrainExitedForUnregister: { type: 'CommsDrainExitedForUnregister', sessionId },
    CompletionWaitersResolvedForUnregister: {
      type: 'CompletionWaitersResolvedForUnregister',
      sessionId,
    },
    ResolveRuntimeOpsLifecycleDurability: {
      type: 'ResolveRuntimeOpsLifecycleDurability',
      sessionId,
      binding,
    },
    UnregisterSession: { type: 'UnregisterSession', sessionId, binding },
    AcceptInput: {
      type: 'AcceptInput',
      inputId: 'i1',
      requestImmediate: false,
      interruptYielding: false,
      wakeIfIdle: true,
      withoutWake: false,
    },
    SetSilentIntents: { type: 'SetSilentIntents', sessionId, intents: ['quiet'] },
    ResolveTranscriptEditAdmission: {
      type: 'ResolveTranscriptEditAdmission',
      runtimeRunning: false,
      hasActiveInputs: false,
    },
    SpawnDrain: { type: 'SpawnDrain', mode: 'timed' },
    StopDrain: { type: 'StopDrain' },
    NotifyDrainExited: { type: 'NotifyDrainExited', reason: 'completed' },
    ReplaceToolCatalog: {
      type: 'ReplaceToolCatalog',
      tools: [{ name: 't1', provenance: 'builtin' }],
    },
    StagePersistentFilter: { type: 'StagePersistentFilter', filter: { type: 'all' } },
    RequestDeferredTools: { type: 'RequestDeferredTools', names: [] },
    ApplyStagedVisibility: { type: 'ApplyStagedVisibility', revision: 0 },
    PublishCommittedVisibleSet: { type: 'PublishCommittedVisibleSet', active: side, staged: side },
  };
  return inputs[type];
}

// Columns: initializing idle attached running retired stopped destroyed.
// A phase name: accepted, landing there. `=`: accepted, phase unchanged. `x:guard`: refused by that guard.
const X = 'x:phase';
const EXPECTED: Record<MachineInputType, string> = {
  Initialize: `idle ${X} ${X} ${X} ${X} ${X} ${X}`,
  RegisterSession: `${X} = = = = = ${X}`,
  RecoverRuntimeAuthority: `idle ${X} ${X} ${X} ${X} ${X} ${X}`,
  PrepareBindings: `x:same_session attached = = = = ${X}`,
  EnsureSessionWithExecutor: `${X} attached = = x:not_claimable x:not_claimable ${X}`,
  StopRuntimeExecutor: `= = = = = = ${X}`,
  RuntimeExecutorExited: `${X} stopped stopped stopped = = ${X}`,
  RuntimeExecutorLost: `${X} = idle x:no_run = = ${X}`,
  Prepare: `${X} running running ${X} ${X} ${X} ${X}`,
  DrainQueuedRun: `${X} ${X} ${X} ${X} running ${X} ${X}`,
  BoundaryApplied: `${X} ${X} ${X} = ${X} ${X} ${X}`,
  RequestCancelAfterBoundary: `${X} ${X} ${X} = ${X} ${X} ${X}`,
  CancelNow: `${X} ${X} ${X} = ${X} ${X} ${X}`,
  RunCompleted: `${X} ${X} ${X} = ${X} ${X} ${X}`,
  RunFailed: `${X} ${X} ${X} = ${X} ${X} ${X}`,
  RunCancelled: `${X} ${X} ${X} = ${X} ${X} ${X}`,
  Commit: `${X} ${X} ${X} x:outcome_completed ${X} ${X} ${X}`,
  Fail: `${X} ${X} ${X} x:outcome_failed ${X} ${X} ${X}`,
  CancelRun: `${X} ${X} ${X} x:outcome_cancelled ${X} ${X} ${X}`,
  RollbackRun: `${X} ${X} ${X} attached ${X} ${X} ${X}`,
  ServiceTurnCommitted: `${X} ${X} ${X} x:outcome_completed ${X} ${X} ${X}`,
  CancelAfterBoundary: `${X} ${X} = = ${X} ${X} ${X}`,
  InterruptCurrentRun: `${X} ${X} = = ${X} ${X} ${X}`,
  Retire: `${X} retired retired = = ${X} ${X}`,
  Reset: `idle = = ${X} attached ${X} ${X}`,
  Recycle: `${X} = = ${X} attached ${X} ${X}`,
  Destroy: `x:same_session destroyed destroyed destroyed destroyed destroyed ${X}`,
  BeginUnregisterSession: `${X} = = = = = ${X}`,
  RuntimeLoopStoppedForUnregister: `x:same_session x:draining x:draining x:draining x:draining x:draining ${X}`,
  CommsDrainExitedForUnregister: `x:same_session x:draining x:draining x:draining x:draining x:draining ${X}`,
  CompletionWaitersResolvedForUnregister: `x:same_session x:draining x:draining x:draining x:draining x:draining ${X}`,
  ResolveRuntimeOpsLifecycleDurability: `x:same_session = = = = = ${X}`,
  UnregisterSession: `x:same_session x:draining x:draining x:draining x:draining x:draining ${X}`,
  AcceptInput: `${X} = = = ${X} ${X} ${X}`,
  SetSilentIntents: `${X} = = = = = ${X}`,
  ResolveTranscriptEditAdmission: `${X} = = = ${X} ${X} ${X}`,
  SpawnDrain: `${X} = = = = ${X} ${X}`,
  StopDrain: `x:drain_running x:drain_running x:drain_running x:drain_running x:drain_running x:drain_running ${X}`,
  NotifyDrainExited: `= = = = = = ${X}`,
  ReplaceToolCatalog: `${X} = = = = = ${X}`,
  StagePersistentFilter: `${X} = = = = = ${X}`,
  RequestDeferredTools: `${X} = = = = = ${X}`,
  ApplyStagedVisibility: `${X} = = = = = ${X}`,
  PublishCommittedVisibleSet: `${X} = = = = = ${X}`,
};

function outcome(state: MachineState, input: MachineInput): string {
  const result = step(state, input);
  if (!result.ok) return `x:${result.rejection.guard}`;
  return result.state.phase === state.phase ? '=' : result.state.phase;
}

describe('the transition table, phase by input', () => {
  it('declares rows for every input named in 01, under that name', () => {
    const declared = new Set(TRANSITIONS.map((entry) => entry.input));
    expect([...declared].sort()).toEqual([...MACHINE_INPUT_TYPES].sort());
  });

  for (const type of MACHINE_INPUT_TYPES) {
    const columns = EXPECTED[type].split(' ');
    for (const [index, phase] of PHASES.entries()) {
      it(`${type} from ${phase} -> ${columns[index]}`, () => {
        const state = CANONICAL[phase];
        expect(state.phase).toBe(phase);
        expect(outcome(state, canonicalInput(type, state))).toBe(columns[index]);
      });
    }
  }
});
