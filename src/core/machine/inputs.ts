// Every input the session machine accepts, named as in the seed, as one discriminated union.

import type { Binding, CommsDrainMode, FailureCause, Phase, ReturnPhase } from './state.js';
import type { ToolEntry, ToolFilter, VisibilitySide, VisibilityState } from '../tool-visibility.js';

/** The four binding facts an unregister must match exactly. */
export type BindingFacts = Binding;

/** Why a comms drain task exited. */
export type DrainExitReason = 'completed' | 'failed' | 'aborted';

/** An input to the session machine. */
export type MachineInput =
  // Bootstrap, registration, recovery
  | { readonly type: 'Initialize' }
  | { readonly type: 'RegisterSession'; readonly sessionId: string }
  | {
      readonly type: 'RecoverRuntimeAuthority';
      readonly sessionId: string;
      readonly observedPhase: Phase;
      readonly binding: Binding;
      readonly run: { readonly runId: string | null; readonly returnPhase: ReturnPhase | null };
      readonly silentIntents: readonly string[];
      /** The stored visibility state, when the record has one (validated before it is installed). */
      readonly visibility?: VisibilityState;
    }
  | {
      readonly type: 'PrepareBindings';
      readonly sessionId: string;
      readonly runtimeId: string;
      readonly fenceToken: number;
      readonly generation: number | null;
      readonly epochId: string | null;
    }
  // Executor registration, stop, exit
  | { readonly type: 'EnsureSessionWithExecutor'; readonly sessionId: string }
  | { readonly type: 'StopRuntimeExecutor'; readonly reason: string }
  | { readonly type: 'RuntimeExecutorExited' }
  | { readonly type: 'RuntimeExecutorLost'; readonly reason: string }
  // Runs
  | { readonly type: 'Prepare'; readonly sessionId: string; readonly runId: string }
  | { readonly type: 'DrainQueuedRun'; readonly runId: string }
  | { readonly type: 'BoundaryApplied'; readonly runId: string }
  | { readonly type: 'RequestCancelAfterBoundary'; readonly runId: string }
  | { readonly type: 'CancelNow'; readonly runId: string }
  | { readonly type: 'RunCompleted'; readonly runId: string }
  | {
      readonly type: 'RunFailed';
      readonly runId: string;
      readonly cause: FailureCause;
      readonly message: string;
    }
  | { readonly type: 'RunCancelled'; readonly runId: string }
  | { readonly type: 'Commit'; readonly runId: string }
  | { readonly type: 'Fail'; readonly runId: string }
  | { readonly type: 'CancelRun'; readonly runId: string }
  | { readonly type: 'RollbackRun'; readonly runId: string }
  | { readonly type: 'ServiceTurnCommitted'; readonly runId: string }
  // Control
  | { readonly type: 'CancelAfterBoundary'; readonly reason: string }
  | { readonly type: 'InterruptCurrentRun'; readonly reason: string }
  | { readonly type: 'Retire'; readonly sessionId: string }
  | { readonly type: 'Reset' }
  | { readonly type: 'Recycle' }
  | { readonly type: 'Destroy'; readonly sessionId: string }
  // Unregister drain
  | {
      readonly type: 'BeginUnregisterSession';
      readonly sessionId: string;
      readonly binding: BindingFacts;
    }
  | { readonly type: 'RuntimeLoopStoppedForUnregister'; readonly sessionId: string }
  | { readonly type: 'CommsDrainExitedForUnregister'; readonly sessionId: string }
  | { readonly type: 'CompletionWaitersResolvedForUnregister'; readonly sessionId: string }
  | {
      readonly type: 'ResolveRuntimeOpsLifecycleDurability';
      readonly sessionId: string;
      readonly binding: BindingFacts;
    }
  | {
      readonly type: 'UnregisterSession';
      readonly sessionId: string;
      readonly binding: BindingFacts;
    }
  // Admission-side
  | {
      readonly type: 'AcceptInput';
      readonly inputId: string;
      readonly requestImmediate: boolean;
      readonly interruptYielding: boolean;
      readonly wakeIfIdle: boolean;
      readonly withoutWake: boolean;
    }
  | {
      readonly type: 'SetSilentIntents';
      readonly sessionId: string;
      readonly intents: readonly string[];
    }
  | {
      readonly type: 'ResolveTranscriptEditAdmission';
      readonly runtimeRunning: boolean;
      readonly hasActiveInputs: boolean;
    }
  // Comms drain
  | { readonly type: 'SpawnDrain'; readonly mode: CommsDrainMode }
  | { readonly type: 'StopDrain' }
  | { readonly type: 'NotifyDrainExited'; readonly reason: DrainExitReason }
  // Tool visibility
  | { readonly type: 'ReplaceToolCatalog'; readonly tools: readonly ToolEntry[] }
  | { readonly type: 'StagePersistentFilter'; readonly filter: ToolFilter }
  | { readonly type: 'RequestDeferredTools'; readonly names: readonly string[] }
  | { readonly type: 'ApplyStagedVisibility'; readonly revision: number }
  | {
      readonly type: 'PublishCommittedVisibleSet';
      readonly active: VisibilitySide;
      readonly staged: VisibilitySide;
    };

/** The name of a machine input. */
export type MachineInputType = MachineInput['type'];

/** The input of type `T`. */
export type InputOf<T extends MachineInputType> = Extract<MachineInput, { type: T }>;

/** Every input name, in table order (also the order of the generated contract). */
export const MACHINE_INPUT_TYPES = [
  'Initialize',
  'RegisterSession',
  'RecoverRuntimeAuthority',
  'PrepareBindings',
  'EnsureSessionWithExecutor',
  'StopRuntimeExecutor',
  'RuntimeExecutorExited',
  'RuntimeExecutorLost',
  'Prepare',
  'DrainQueuedRun',
  'BoundaryApplied',
  'RequestCancelAfterBoundary',
  'CancelNow',
  'RunCompleted',
  'RunFailed',
  'RunCancelled',
  'Commit',
  'Fail',
  'CancelRun',
  'RollbackRun',
  'ServiceTurnCommitted',
  'CancelAfterBoundary',
  'InterruptCurrentRun',
  'Retire',
  'Reset',
  'Recycle',
  'Destroy',
  'BeginUnregisterSession',
  'RuntimeLoopStoppedForUnregister',
  'CommsDrainExitedForUnregister',
  'CompletionWaitersResolvedForUnregister',
  'ResolveRuntimeOpsLifecycleDurability',
  'UnregisterSession',
  'AcceptInput',
  'SetSilentIntents',
  'ResolveTranscriptEditAdmission',
  'SpawnDrain',
  'StopDrain',
  'NotifyDrainExited',
  'ReplaceToolCatalog',
  'StagePersistentFilter',
  'RequestDeferredTools',
  'ApplyStagedVisibility',
  'PublishCommittedVisibleSet',
] as const satisfies readonly MachineInputType[];

// Compile-time proof that the list above names every input exactly: a missing name fails here.
type MissingInputNames = Exclude<MachineInputType, (typeof MACHINE_INPUT_TYPES)[number]>;
const noMissingInputNames: [MissingInputNames] extends [never] ? true : MissingInputNames = true;
void noMissingInputNames;
