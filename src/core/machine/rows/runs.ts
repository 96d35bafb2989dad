// Transition rows: binding a run, its boundaries and cancellation, its outcome, and its end.

import type { TransitionRow } from '../row.js';
import { endRun, row } from '../row.js';
import type { MachineState, TurnOutcome } from '../state.js';

const RETURN_TARGETS = ['idle', 'attached', 'retired', 'stopped'] as const;

function bindRun(
  state: MachineState,
  runId: string,
  returnPhase: 'idle' | 'attached' | 'retired',
): MachineState {
  return {
    ...state,
    phase: 'running',
    run: { runId, returnPhase },
    turn: {
      status: 'applying',
      boundaryCount: 0,
      cancelAfterBoundary: false,
      outcome: null,
      cause: null,
    },
    completionRunId: null,
  };
}

function recordOutcome(state: MachineState, runId: string, outcome: TurnOutcome): MachineState {
  return { ...state, turn: { ...state.turn, status: outcome, outcome }, completionRunId: runId };
}

/** Rows for runs: prepare, boundaries, cancellation, outcomes and their terminal steps. */
export const RUN_ROWS: readonly TransitionRow[] = [
  row({
    input: 'Prepare',
    from: ['idle', 'attached'],
    guards: ['registered', 'same_session', 'not_draining', 'no_run', 'stop_not_requested'],
    to: ['running'],
    summary: 'binds a run returning to the current phase; the turn starts applying',
    apply: (s, i) => bindRun(s, i.runId, s.phase === 'attached' ? 'attached' : 'idle'),
    effects: (_p, i) => [{ type: 'SubmitRunPrimitive', runId: i.runId }],
    emits: ['SubmitRunPrimitive'],
  }),
  row({
    input: 'DrainQueuedRun',
    from: ['retired'],
    guards: ['registered', 'not_draining', 'no_run'],
    to: ['running'],
    summary: 'a retired session drains its queue: binds a run returning to retired',
    apply: (s, i) => bindRun(s, i.runId, 'retired'),
    effects: (_p, i) => [{ type: 'SubmitRunPrimitive', runId: i.runId }],
    emits: ['SubmitRunPrimitive'],
  }),
  row({
    input: 'BoundaryApplied',
    from: ['running'],
    guards: ['run_matches', 'turn_applying'],
    to: 'self',
    summary: 'counts the boundary; with a pending cancel-after-boundary the turn stops here',
    apply: (s) => ({
      ...s,
      turn: {
        ...s.turn,
        boundaryCount: s.turn.boundaryCount + 1,
        status: s.turn.cancelAfterBoundary ? 'cancelled' : 'applying',
      },
    }),
    effects: (post, i) =>
      post.turn.status === 'cancelled' ? [{ type: 'CancelRunAtBoundary', runId: i.runId }] : [],
    emits: ['CancelRunAtBoundary'],
  }),
  row({
    input: 'RequestCancelAfterBoundary',
    from: ['running'],
    guards: ['run_matches', 'turn_applying'],
    to: 'self',
    summary: 'the turn will stop at its next boundary',
    apply: (s) => ({ ...s, turn: { ...s.turn, cancelAfterBoundary: true } }),
  }),
  row({
    input: 'CancelNow',
    from: ['running'],
    guards: ['run_matches', 'turn_applying'],
    to: 'self',
    summary: 'hard cancel of the bound run: the turn is cancelling',
    apply: (s) => ({ ...s, turn: { ...s.turn, status: 'cancelling' } }),
  }),
  row({
    input: 'RunCompleted',
    from: ['running'],
    guards: ['run_matches', 'outcome_unrecorded'],
    to: 'self',
    summary: 'records the completed outcome; the run may now be classified',
    apply: (s, i) => recordOutcome(s, i.runId, 'completed'),
  }),
  row({
    input: 'RunFailed',
    from: ['running'],
    guards: ['run_matches', 'outcome_unrecorded', 'known_cause'],
    to: 'self',
    summary: 'records the failed outcome and cause; wakes the loop so queued work is not stranded',
    apply: (s, i) => {
      const post = recordOutcome(s, i.runId, 'failed');
      return { ...post, turn: { ...post.turn, cause: i.cause } };
    },
    effects: () => [{ type: 'PostAdmissionSignal', signal: 'wake' }],
    emits: ['PostAdmissionSignal'],
  }),
  row({
    input: 'RunCancelled',
    from: ['running'],
    guards: ['run_matches', 'outcome_unrecorded'],
    to: 'self',
    summary: 'records the cancelled outcome',
    apply: (s, i) => recordOutcome(s, i.runId, 'cancelled'),
  }),
  row({
    input: 'Commit',
    from: ['running'],
    guards: ['run_matches', 'outcome_completed'],
    to: RETURN_TARGETS,
    summary:
      'the completed run commits: unbinds it and returns (a deferred stop with no executor ends in stopped)',
    apply: endRun,
  }),
  row({
    input: 'Fail',
    from: ['running'],
    guards: ['run_matches', 'outcome_failed'],
    to: RETURN_TARGETS,
    summary: 'the failed run ends: unbinds it and returns',
    apply: endRun,
    effects: (_p, i) => [{ type: 'RecordTerminalOutcome', runId: i.runId, outcome: 'failed' }],
    emits: ['RecordTerminalOutcome'],
  }),
  row({
    input: 'CancelRun',
    from: ['running'],
    guards: ['run_matches', 'outcome_cancelled'],
    to: RETURN_TARGETS,
    summary: 'the cancelled run ends: unbinds it and returns',
    apply: endRun,
    effects: (_p, i) => [{ type: 'RecordTerminalOutcome', runId: i.runId, outcome: 'cancelled' }],
    emits: ['RecordTerminalOutcome'],
  }),
  row({
    input: 'RollbackRun',
    from: ['running'],
    guards: ['run_matches', 'outcome_unrecorded'],
    to: RETURN_TARGETS,
    summary: 'unbinds a run that consumed nothing, without a terminal outcome',
    apply: endRun,
  }),
  row({
    input: 'ServiceTurnCommitted',
    from: ['running'],
    guards: ['run_matches', 'outcome_completed'],
    to: RETURN_TARGETS,
    summary: 'a turn that ran outside the loop is recorded as committed',
    apply: endRun,
  }),
];
