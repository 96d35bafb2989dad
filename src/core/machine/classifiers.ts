// Classifiers: pure functions over a machine state that answer questions and change nothing.

import type { MachineState, Phase } from './state.js';

/** The public class of a finished run's outcome (02, "Waiting for an outcome"). */
export type CompletionClass =
  | 'completed'
  | 'completed_without_result'
  | 'cancelled'
  | 'failed'
  | 'completed_with_finalization_failure'
  | 'runtime_terminated';

/** What the shell knows about a finished run when it asks for its class. */
export type CompletionRequest =
  | {
      readonly kind: 'run';
      readonly runId: string;
      readonly hasResult: boolean;
      readonly hasError: boolean;
      /** Whether the commit of the run's outcome reached the store. */
      readonly finalization: 'ok' | 'failed';
    }
  | { readonly kind: 'runtime_terminated' };

/** The result of {@link classifyCompletion}: a class, or why the request does not fit the state. */
export type Classification =
  | { readonly ok: true; readonly class: CompletionClass }
  | { readonly ok: false; readonly reason: 'stale_run' | 'no_outcome' | 'payload_mismatch' };

/**
 * Classifies a finished run. A run id other than `completionRunId` is refused (an old run can never
 * publish into a new one); a payload that contradicts the outcome (a failure without an error, a
 * cancellation with a result) fails closed. `runtime_terminated` is valid in every state, destroyed
 * included.
 */
export function classifyCompletion(
  state: MachineState,
  request: CompletionRequest,
): Classification {
  if (request.kind === 'runtime_terminated') return { ok: true, class: 'runtime_terminated' };
  if (request.runId !== state.completionRunId) return { ok: false, reason: 'stale_run' };
  const { hasResult, hasError, finalization } = request;
  switch (state.turn.outcome) {
    case null:
      return { ok: false, reason: 'no_outcome' };
    case 'completed':
      if (hasError) return { ok: false, reason: 'payload_mismatch' };
      if (finalization === 'failed')
        return { ok: true, class: 'completed_with_finalization_failure' };
      return { ok: true, class: hasResult ? 'completed' : 'completed_without_result' };
    case 'failed':
      return hasError && !hasResult
        ? { ok: true, class: 'failed' }
        : { ok: false, reason: 'payload_mismatch' };
    case 'cancelled':
      return hasError || hasResult
        ? { ok: false, reason: 'payload_mismatch' }
        : { ok: true, class: 'cancelled' };
  }
}

/**
 * The phase to persist: `attached` is stored as `idle` (no executor attachment survives a process)
 * and `running` as its run's return phase (no run survives a crash).
 */
export function durablePhase(state: Pick<MachineState, 'phase' | 'run'>): Phase {
  const phase = state.phase === 'running' ? (state.run?.returnPhase ?? 'idle') : state.phase;
  return phase === 'attached' ? 'idle' : phase;
}

/** The public phase: a running session whose run returns to `retired` is reported as `retired`. */
export function visiblePhase(state: Pick<MachineState, 'phase' | 'run'>): Phase {
  return state.phase === 'running' && state.run?.returnPhase === 'retired'
    ? 'retired'
    : state.phase;
}

/** Whether the runtime loop may start a batch now, and through which input. */
export type QueueAdmission =
  | { readonly admit: true; readonly via: 'Prepare' | 'DrainQueuedRun' }
  | {
      readonly admit: false;
      readonly reason: 'unregistered' | 'draining' | 'run_bound' | 'stop_requested' | 'phase';
    };

/**
 * Asks whether the loop may start a batch. Idle and attached sessions start one through `Prepare`,
 * retired ones drain through `DrainQueuedRun`. A run id is always allocated fresh: binding a run and
 * staging its batch are one step, so there is never a pre-bound run for the loop to reuse (a run
 * bound outside the loop, such as a surface's inline first turn, blocks admission until it ends).
 */
export function queueAdmission(state: MachineState): QueueAdmission {
  if (state.sessionId === null) return { admit: false, reason: 'unregistered' };
  if (state.registration === 'draining') return { admit: false, reason: 'draining' };
  if (state.run !== null) return { admit: false, reason: 'run_bound' };
  switch (state.phase) {
    case 'idle':
    case 'attached':
      return state.stopDeferred
        ? { admit: false, reason: 'stop_requested' }
        : { admit: true, via: 'Prepare' };
    case 'retired':
      return { admit: true, via: 'DrainQueuedRun' };
    case 'initializing':
    case 'running':
    case 'stopped':
    case 'destroyed':
      return { admit: false, reason: 'phase' };
  }
}
