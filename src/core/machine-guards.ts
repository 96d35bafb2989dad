// The named guards of the session machine: each a pure predicate over (state, input) with a description.

import type { InputOf } from './machine-inputs.js';
import type { MachineState } from './machine-state.js';
import { isFailureCause } from './machine-state.js';
import { visibilityViolations } from './tool-visibility.js';
import { bindingShapeHolds, filledBinding, fillsOnly, sameBinding } from './machine-binding.js';
import type { GuardSpec, With } from './machine-guard-spec.js';
import { TOOL_GUARDS } from './machine-guards-tools.js';

export type { GuardSpec } from './machine-guard-spec.js';

type Recovered = InputOf<'RecoverRuntimeAuthority'>;

function recoveredRunShapeHolds(input: Recovered): boolean {
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
    check(s, i: With<'sessionId'>) {
      return s.sessionId !== null && i.sessionId === s.sessionId;
    },
  },
  session_free_or_same: {
    description: 'no session is bound, or the same one (idempotent registration)',
    check(s, i: With<'sessionId'>) {
      return s.sessionId === null || s.sessionId === i.sessionId;
    },
  },
  binding_matches: {
    description: "the input's four binding facts equal the state's (null equals null)",
    check(s, i: With<'binding'>) {
      return sameBinding(s.binding, i.binding);
    },
  },
  binding_fill_only: {
    description:
      'each offered binding fact is absent or equal to the bound one (fill, never replace)',
    check(s, i: InputOf<'PrepareBindings'>) {
      return fillsOnly(s, i);
    },
  },
  binding_shape_after_fill: {
    description: 'the filled binding keeps its shape (a runtime id needs a generation or an epoch)',
    check(s, i: InputOf<'PrepareBindings'>) {
      return bindingShapeHolds(filledBinding(s, i));
    },
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
    check(s, i: With<'runId'>) {
      return s.run !== null && s.run.runId === i.runId;
    },
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
    check(_s, i: With<'cause'>) {
      return isFailureCause(i.cause);
    },
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
    check(_s, i: Recovered) {
      return i.observedPhase !== 'running';
    },
  },
  recovered_run_shape: {
    description: 'the run pair is absent, or complete for a retired session',
    check(_s, i: Recovered) {
      return recoveredRunShapeHolds(i);
    },
  },
  recovered_binding_shape: {
    description: 'the recovered binding has a legal shape',
    check(_s, i: Recovered) {
      return bindingShapeHolds(i.binding);
    },
  },
  recovered_visibility_valid: {
    description:
      'the recovered visibility state keeps its revision order, content and catalog rules',
    check(_s, i: Recovered) {
      return i.visibility === undefined || visibilityViolations(i.visibility).length === 0;
    },
  },
  attached_needs_binding: {
    description:
      'an observed attached phase carries a runtime binding (no executor survives a process)',
    check(_s, i: Recovered) {
      return i.observedPhase !== 'attached' || i.binding.runtimeId !== null;
    },
  },
  drain_spawnable: {
    description: 'the comms drain is inactive, stopped or exited and respawnable',
    check: (s) => s.commsDrain.status !== 'running',
  },
  drain_running: {
    description: 'the comms drain is running',
    check: (s) => s.commsDrain.status === 'running',
  },
  drain_not_running: {
    description: 'the comms drain is not running (a late exit notice)',
    check: (s) => s.commsDrain.status !== 'running',
  },
  ...TOOL_GUARDS,
} satisfies Record<string, GuardSpec<never>>;

/** The name of a guard. `phase` (the row's `from` list) is reported when no row accepts the phase. */
export type GuardName = keyof typeof guards;

/** The input guard `K` reads (`unknown`: it reads the state only). */
type GuardInput<K extends GuardName> = (typeof guards)[K]['check'] extends (
  state: MachineState,
  input: infer I,
) => boolean
  ? I
  : never;

type StateGuard = { [K in GuardName]: unknown extends GuardInput<K> ? K : never }[GuardName];

/** The guards that can judge input `I`: those whose fields `I` has (a row's guard list is typed by it). */
export type GuardFor<I> =
  StateGuard | { [K in GuardName]: I extends GuardInput<K> ? K : never }[GuardName];

/** Every guard, by name. */
export const GUARDS: Readonly<Record<GuardName, GuardSpec>> = guards;
