// The named guards of the session machine: each a pure predicate over (state, input) with a description.

import type { GuardSpec } from './machine-guard-spec.js';
import { field } from './machine-guard-spec.js';
import { toolingGuards } from './machine-guards-tooling.js';
import type { MachineInput } from './machine-inputs.js';
import type { Binding, MachineState } from './machine-state.js';
import { isFailureCause } from './machine-state.js';
import type { VisibilityState } from './tool-visibility.js';
import { visibilityViolations } from './tool-visibility.js';

/** True when the binding has a legal shape: fence/generation/epoch need a runtime id, which needs a generation or epoch. */
export function bindingShapeHolds(binding: Binding): boolean {
  const { runtimeId, fenceToken, generation, epochId } = binding;
  if ((fenceToken !== null || generation !== null || epochId !== null) && runtimeId === null)
    return false;
  if (runtimeId !== null && generation === null && epochId === null) return false;
  return true;
}

/** The binding after filling `state.binding` with the facts a `PrepareBindings` input carries. */
export function filledBinding(state: MachineState, input: MachineInput): Binding {
  const b = state.binding;
  const pick = <T>(current: T | null, offered: unknown): T | null =>
    current ?? ((offered ?? null) as T | null);
  return {
    runtimeId: pick(b.runtimeId, field(input, 'runtimeId')),
    fenceToken: pick(b.fenceToken, field(input, 'fenceToken')),
    generation: pick(b.generation, field(input, 'generation')),
    epochId: pick(b.epochId, field(input, 'epochId')),
  };
}

function sameBinding(a: Binding, b: Binding): boolean {
  return (
    a.runtimeId === b.runtimeId &&
    a.fenceToken === b.fenceToken &&
    a.generation === b.generation &&
    a.epochId === b.epochId
  );
}

function fillsOnly(state: MachineState, input: MachineInput): boolean {
  const current = state.binding;
  const offered: Record<keyof Binding, unknown> = {
    runtimeId: field(input, 'runtimeId') ?? null,
    fenceToken: field(input, 'fenceToken') ?? null,
    generation: field(input, 'generation') ?? null,
    epochId: field(input, 'epochId') ?? null,
  };
  return (Object.keys(offered) as (keyof Binding)[]).every(
    (key) => offered[key] === null || current[key] === null || current[key] === offered[key],
  );
}

function recoveredRunShapeHolds(input: MachineInput): boolean {
  if (input.type !== 'RecoverRuntimeAuthority') return false;
  const { runId, returnPhase } = input.run;
  const complete = runId !== null && returnPhase !== null;
  const absent = runId === null && returnPhase === null;
  if (input.observedPhase === 'retired') return complete || absent;
  return absent;
}

const guards = {
  registered: {
    description: 'a session is bound to the machine',
    check: (s) => s.sessionId !== null,
  },
  unregistered: {
    description: 'no session is bound (late observations after unregister)',
    check: (s) => s.sessionId === null,
  },
  same_session: {
    description: "the input's session id equals the bound session id",
    check: (s, i) => s.sessionId !== null && field(i, 'sessionId') === s.sessionId,
  },
  session_free_or_same: {
    description: 'no session is bound, or the same one (idempotent registration)',
    check: (s, i) => s.sessionId === null || s.sessionId === field(i, 'sessionId'),
  },
  binding_matches: {
    description: "the input's four binding facts equal the state's (null equals null)",
    check: (s, i) => sameBinding(s.binding, field(i, 'binding') as Binding),
  },
  binding_fill_only: {
    description:
      'each offered binding fact is absent or equal to the bound one (fill, never replace)',
    check: fillsOnly,
  },
  binding_shape_after_fill: {
    description: 'the filled binding keeps its shape (a runtime id needs a generation or an epoch)',
    check: (s, i) => bindingShapeHolds(filledBinding(s, i)),
  },
  not_draining: {
    description: 'the unregister drain window is not open',
    check: (s) => s.registration !== 'draining',
  },
  draining: {
    description: 'the unregister drain window is open',
    check: (s) => s.registration === 'draining',
  },
  loop_stop_pending: {
    description: 'the runtime-loop-stop obligation is open',
    check: (s) => s.unregister.loopStopPending,
  },
  comms_exit_pending: {
    description: 'the comms-drain-exit obligation is open',
    check: (s) => s.unregister.commsExitPending,
  },
  waiters_pending: {
    description: 'the completion-waiter obligation is open',
    check: (s) => s.unregister.waitersPending,
  },
  obligations_closed: {
    description: 'all three drain obligations are closed',
    check: (s) =>
      !s.unregister.loopStopPending &&
      !s.unregister.commsExitPending &&
      !s.unregister.waitersPending,
  },
  no_run: { description: 'no run is bound', check: (s) => s.run === null },
  run_matches: {
    description: "the input's run id is the bound run",
    check: (s, i) => s.run !== null && s.run.runId === field(i, 'runId'),
  },
  run_returns_to_retired: {
    description: 'the bound run returns to retired',
    check: (s) => s.run?.returnPhase === 'retired',
  },
  not_retiring: {
    description:
      'no bound run returns to retired (a retired session takes no new input, even while its last run finishes)',
    check: (s) => s.run?.returnPhase !== 'retired',
  },
  turn_applying: {
    description: 'the turn is applying (not cancelling, stopped or finished)',
    check: (s) => s.turn.status === 'applying',
  },
  outcome_unrecorded: {
    description: 'no outcome is recorded for the bound run yet',
    check: (s) => s.turn.outcome === null,
  },
  outcome_completed: {
    description: 'the recorded outcome is completed',
    check: (s) => s.turn.outcome === 'completed',
  },
  outcome_failed: {
    description: 'the recorded outcome is failed',
    check: (s) => s.turn.outcome === 'failed',
  },
  outcome_cancelled: {
    description: 'the recorded outcome is cancelled',
    check: (s) => s.turn.outcome === 'cancelled',
  },
  known_cause: {
    description: 'the failure cause is one of the known causes',
    check: (_s, i) => isFailureCause(field(i, 'cause')),
  },
  stop_not_requested: {
    description: 'no stop is deferred (a stop beats queued work)',
    check: (s) => !s.stopDeferred,
  },
  runtime_bound_if_initializing: {
    description: 'from initializing, only when a runtime is bound',
    check: (s) => s.phase !== 'initializing' || s.binding.runtimeId !== null,
  },
  observed_phase_recoverable: {
    description: 'the observed phase is not running (a run cannot survive a crash)',
    check: (_s, i) => field(i, 'observedPhase') !== 'running',
  },
  recovered_run_shape: {
    description: 'the run pair is absent, or complete for a retired session',
    check: (_s, i) => recoveredRunShapeHolds(i),
  },
  recovered_binding_shape: {
    description: 'the recovered binding has a legal shape',
    check: (_s, i) => bindingShapeHolds(field(i, 'binding') as Binding),
  },
  recovered_visibility_valid: {
    description:
      'the recovered visibility state keeps its revision order, content and catalog rules',
    check: (_s, i) => {
      const visibility = field(i, 'visibility') as VisibilityState | undefined;
      return visibility === undefined || visibilityViolations(visibility).length === 0;
    },
  },
  attached_needs_binding: {
    description:
      'an observed attached phase carries a runtime binding (no executor survives a process)',
    check: (_s, i) =>
      field(i, 'observedPhase') !== 'attached' ||
      (field(i, 'binding') as Binding).runtimeId !== null,
  },
  ...toolingGuards,
} satisfies Record<string, GuardSpec>;

/** Every guard, by name. */
export const GUARDS: Readonly<Record<GuardName, GuardSpec>> = guards;

/** The name of a guard. `phase` (the row's `from` list) is reported when no row accepts the phase. */
export type GuardName = keyof typeof guards;
