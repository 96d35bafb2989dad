// Every effect the session machine asks the shell to perform; the shell executes, the machine decides.

import type { CommsDrainMode, TurnOutcome } from './machine-state.js';

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
