// The bounded domains the model checker explores: every machine input, instantiated over small value sets.
//
// The machine's sub-states (lifecycle and runs; comms drain; tool visibility; silent intents) are
// largely orthogonal, and their product is far beyond what a 60-second check can enumerate. So the
// checker explores two scenarios, each exhaustively from the initial state:
// - `lifecycle`: every lifecycle, run, control, unregister and admission input over its full domain;
// - `tooling`: every comms-drain, silent-intent and visibility input over its full domain, together
//   with the lifecycle inputs that interact with them (register, attach, a run, retire, reset,
//   recycle, stop, exit, destroy and the whole unregister drain).
// Every input appears with its full domain in at least one scenario. Inputs that must carry the
// state's own facts (the unregister inputs carry the live binding; ApplyStagedVisibility the staged
// revision) are derived from the state, next to a deliberately wrong variant, as the shell sends them.

import type { MachineInput } from '../machine/inputs.js';
import type { Binding, FailureCause, MachineState } from '../machine/state.js';
import { EMPTY_BINDING, PHASES } from '../machine/state.js';
import { TOOLING_FIXED } from './domain-tooling.js';

/** Counter bounds: a transition whose target exceeds them is outside the domain and is not explored. */
export const DOMAIN_BOUNDS = { maxRevision: 2, maxBoundaryCount: 2 } as const;

/** A bounded exploration: a name and the inputs explored from each state. */
export interface Scenario {
  readonly name: string;
  readonly inputs: (state: MachineState) => readonly MachineInput[];
}

const BOUND: Binding = { runtimeId: 'rtA', fenceToken: 0, generation: 1, epochId: null };
const OTHER: Binding = { runtimeId: 'rtB', fenceToken: 1, generation: null, epochId: 'e1' };

function perSession(make: (sessionId: string) => MachineInput[]): MachineInput[] {
  return [...make('s1'), ...make('s2')];
}

function runInputs(runId: string): MachineInput[] {
  return [
    { type: 'DrainQueuedRun', runId },
    { type: 'BoundaryApplied', runId },
    { type: 'RequestCancelAfterBoundary', runId },
    { type: 'CancelNow', runId },
    { type: 'RunCompleted', runId },
    { type: 'RunFailed', runId, cause: 'llm_failure', message: 'x' },
    { type: 'RunCancelled', runId },
    { type: 'Commit', runId },
    { type: 'Fail', runId },
    { type: 'CancelRun', runId },
    { type: 'RollbackRun', runId },
    { type: 'ServiceTurnCommitted', runId },
  ];
}

function recoverInputs(): MachineInput[] {
  const inputs: MachineInput[] = [];
  for (const observedPhase of PHASES) {
    for (const binding of [EMPTY_BINDING, BOUND]) {
      const run = { runId: null, returnPhase: null };
      inputs.push({
        type: 'RecoverRuntimeAuthority',
        sessionId: 's1',
        observedPhase,
        binding,
        run,
        silentIntents: [],
      });
    }
  }
  const broken = {
    catalog: [],
    nextRevision: 0,
    staged: { revision: 1, filter: { type: 'all' }, deferred: [] },
    active: { revision: 0, filter: { type: 'all' }, deferred: [] },
  } as const;
  const empty = { runId: null, returnPhase: null };
  inputs.push({
    type: 'RecoverRuntimeAuthority',
    sessionId: 's1',
    observedPhase: 'idle',
    binding: EMPTY_BINDING,
    run: empty,
    silentIntents: [],
    visibility: broken,
  });
  const run = { runId: 'r1', returnPhase: 'retired' } as const;
  for (const observedPhase of ['retired', 'idle'] as const) {
    inputs.push({
      type: 'RecoverRuntimeAuthority',
      sessionId: 's1',
      observedPhase,
      binding: EMPTY_BINDING,
      run,
      silentIntents: ['quiet'],
    });
  }
  return inputs;
}

const LIFECYCLE_FIXED: readonly MachineInput[] = [
  { type: 'Initialize' },
  ...perSession((sessionId) => [
    { type: 'RegisterSession', sessionId },
    { type: 'EnsureSessionWithExecutor', sessionId },
    { type: 'Retire', sessionId },
    { type: 'Destroy', sessionId },
    { type: 'Prepare', sessionId, runId: 'r1' },
    { type: 'RuntimeLoopStoppedForUnregister', sessionId },
    { type: 'CommsDrainExitedForUnregister', sessionId },
    { type: 'CompletionWaitersResolvedForUnregister', sessionId },
  ]),
  ...recoverInputs(),
  {
    type: 'PrepareBindings',
    sessionId: 's1',
    runtimeId: 'rtA',
    fenceToken: 0,
    generation: 1,
    epochId: null,
  },
  {
    type: 'PrepareBindings',
    sessionId: 's1',
    runtimeId: 'rtA',
    fenceToken: 1,
    generation: 1,
    epochId: null,
  },
  {
    type: 'PrepareBindings',
    sessionId: 's1',
    runtimeId: 'rtA',
    fenceToken: 0,
    generation: 1,
    epochId: 'e1',
  },
  {
    type: 'PrepareBindings',
    sessionId: 's1',
    runtimeId: 'rtA',
    fenceToken: 0,
    generation: null,
    epochId: null,
  },
  {
    type: 'PrepareBindings',
    sessionId: 's2',
    runtimeId: 'rtA',
    fenceToken: 0,
    generation: 1,
    epochId: null,
  },
  { type: 'StopRuntimeExecutor', reason: 'stop' },
  { type: 'RuntimeExecutorExited' },
  { type: 'RuntimeExecutorLost', reason: 'lost' },
  { type: 'CancelAfterBoundary', reason: 'cab' },
  { type: 'InterruptCurrentRun', reason: 'int' },
  { type: 'Reset' },
  { type: 'Recycle' },
  ...runInputs('r1'),
  ...runInputs('r2'),
  { type: 'RunFailed', runId: 'r1', cause: 'not_a_cause' as FailureCause, message: 'x' },
  ...[0, 1, 6, 12].map((mask): MachineInput => ({
    type: 'AcceptInput',
    inputId: 'i1',
    requestImmediate: (mask & 1) !== 0,
    interruptYielding: (mask & 2) !== 0,
    wakeIfIdle: (mask & 4) !== 0,
    withoutWake: (mask & 8) !== 0,
  })),
  { type: 'ResolveTranscriptEditAdmission', runtimeRunning: false, hasActiveInputs: false },
  { type: 'ResolveTranscriptEditAdmission', runtimeRunning: false, hasActiveInputs: true },
  { type: 'ResolveTranscriptEditAdmission', runtimeRunning: true, hasActiveInputs: false },
];

function derivedInputs(state: MachineState, bindings: 'both' | 'own'): MachineInput[] {
  const sessionId = state.sessionId ?? 's1';
  const wrong: Binding = state.binding.runtimeId === OTHER.runtimeId ? BOUND : OTHER;
  const inputs: MachineInput[] = [];
  for (const binding of bindings === 'both' ? [state.binding, wrong] : [state.binding]) {
    inputs.push(
      { type: 'BeginUnregisterSession', sessionId, binding },
      { type: 'ResolveRuntimeOpsLifecycleDurability', sessionId, binding },
      { type: 'UnregisterSession', sessionId, binding },
    );
  }
  return inputs;
}

/** The scenarios, in the order the checker runs them. */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'lifecycle', inputs: (state) => [...LIFECYCLE_FIXED, ...derivedInputs(state, 'both')] },
  {
    name: 'tooling',
    inputs: (state) => {
      const staged = state.visibility.staged.revision;
      return [
        ...TOOLING_FIXED,
        ...derivedInputs(state, 'own'),
        { type: 'ApplyStagedVisibility', revision: staged },
        { type: 'ApplyStagedVisibility', revision: staged + 1 },
      ];
    },
  },
];

/** True when `state` is inside the counter bounds of the domain. */
export function withinBounds(state: MachineState): boolean {
  return (
    state.visibility.nextRevision <= DOMAIN_BOUNDS.maxRevision &&
    state.turn.boundaryCount <= DOMAIN_BOUNDS.maxBoundaryCount
  );
}

/**
 * The committed floor on distinct states explored: the check fails below it, so a refactor cannot
 * silently shrink the checked space. Raise it when the domain grows.
 */
export const MODEL_CHECK_FLOOR = 135_000;
