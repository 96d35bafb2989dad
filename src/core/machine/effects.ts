// Every effect the session machine asks the shell to perform, and what the shell does with each; the
// shell executes, the machine decides.

import type { CommsDrainMode, TurnOutcome } from './state.js';

/** What an admission asks of the runtime loop after the input is recorded. */
export type PostAdmissionSignalKind = 'wake' | 'immediate' | 'interrupt_yielding';

/** The verdict on a transcript edit (fork, rewrite, restore). */
export type TranscriptEditVerdict = 'admissible' | 'denied_busy';

/** Whether the background-operations record survives an unregister. */
export type OpsDurabilityAction = 'retain_snapshot' | 'delete_snapshot';

/** Notices the runtime publishes for operators (`lost`: an executor's loop could not go on). */
export type RuntimeNoticeKind = 'stop' | 'exit' | 'reset' | 'lost';

/** An effect emitted by a transition. */
export type MachineEffect =
  | {
      readonly type: 'RuntimeBound';
      readonly runtimeId: string;
      readonly fenceToken: number | null;
    }
  | { readonly type: 'RuntimeNotice'; readonly kind: RuntimeNoticeKind; readonly reason: string }
  | {
      readonly type: 'RuntimeEffect';
      readonly effect: 'StopRuntimeExecutor' | 'CancelAfterBoundary';
      readonly reason: string;
    }
  | { readonly type: 'SubmitRunPrimitive'; readonly runId: string }
  | { readonly type: 'CancelRunAtBoundary'; readonly runId: string }
  | { readonly type: 'HardCancel'; readonly reason: string }
  | { readonly type: 'PostAdmissionSignal'; readonly signal: PostAdmissionSignalKind }
  | {
      readonly type: 'RecordTerminalOutcome';
      readonly runId: string;
      readonly outcome: TurnOutcome;
    }
  | { readonly type: 'RuntimeRetired'; readonly runtimeId: string }
  | { readonly type: 'InitiateRecycle' }
  | { readonly type: 'RuntimeDestroyed'; readonly sessionId: string }
  | { readonly type: 'RequestRuntimeLoopStopForUnregister' }
  | { readonly type: 'RequestCommsDrainExitForUnregister' }
  | { readonly type: 'RequestCompletionWaiterResolutionForUnregister' }
  | { readonly type: 'RuntimeOpsLifecycleDurabilityResolved'; readonly action: OpsDurabilityAction }
  | {
      readonly type: 'SessionUnregistered';
      readonly sessionId: string;
      readonly retainSnapshot: boolean;
    }
  | { readonly type: 'IngressAccepted'; readonly inputId: string }
  | { readonly type: 'TranscriptEditAdmissionResolved'; readonly verdict: TranscriptEditVerdict }
  | { readonly type: 'SpawnDrainTask'; readonly mode: CommsDrainMode }
  | { readonly type: 'StopDrainTask' }
  | { readonly type: 'VisibilityApplied'; readonly revision: number }
  | { readonly type: 'CommittedVisibleSetPublished'; readonly revision: number };

/**
 * What the runtime does with each effect (src/runtime/effects.ts performs them, once the commit that
 * carries the step landed). The generated docs/machine.md lists it, so the contract is reviewable.
 */
export const EFFECT_CONTRACT: Readonly<Record<MachineEffect['type'], string>> = {
  RuntimeBound: 'recorded: the binding goes into the lifecycle record of the same commit',
  RuntimeNotice: 'committed as a `runtime.notice` event with the step',
  RuntimeEffect:
    '`StopRuntimeExecutor`: the loop finishes its turn, then exits (`stop`); `CancelAfterBoundary`: carried by the turn (the operation steps `RequestCancelAfterBoundary` in the same commit, the next boundary reads it)',
  SubmitRunPrimitive: 'answered to the loop that stepped it: it runs the staged batch',
  CancelRunAtBoundary: 'answered to the boundary that stepped it: the turn is told to stop there',
  HardCancel: 'the in-flight run is aborted through the loop (or a provisional interrupt handle)',
  PostAdmissionSignal: 'the loop is woken; `immediate` also hard-cancels the running turn',
  RecordTerminalOutcome: "recorded: the run's receipt and its inputs' outcomes in the same commit",
  RuntimeRetired:
    'the loop is woken to drain the queue; the retired phase is recorded in the lifecycle record',
  InitiateRecycle: 'recorded: the cleared binding in the lifecycle record of the same commit',
  RuntimeDestroyed:
    'the loop is detached and its run hard-cancelled, the comms drain aborted, every waiter left told `runtime_terminated`',
  RequestRuntimeLoopStopForUnregister:
    'the loop is asked to detach (the drain waits for it, bounded)',
  RequestCommsDrainExitForUnregister:
    'the comms drain is aborted (the drain waits for it, bounded)',
  RequestCompletionWaiterResolutionForUnregister:
    'the waiters still pending are settled when `SessionUnregistered` removes the session',
  RuntimeOpsLifecycleDurabilityResolved:
    'answered to the drain: the background-operations record is kept or deleted in the same commit',
  SessionUnregistered: 'the session is removed: its waiters settled, its event stream ended',
  IngressAccepted: "the session's debounce restarts from now",
  TranscriptEditAdmissionResolved: 'answered to the caller that asked (it denies a busy edit)',
  SpawnDrainTask: 'the comms drain task is started (it commits `NotifyDrainExited` when it ends)',
  StopDrainTask: 'the comms drain task is aborted',
  VisibilityApplied: 'committed as a `visibility.changed` event with the step',
  CommittedVisibleSetPublished:
    'recorded: the published sides in the lifecycle record (the operation reports `visibility.changed`)',
};
