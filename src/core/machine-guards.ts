// The named guards of the session machine: each a pure predicate over (state, input) with a description.

import type { InputOf, MachineInput } from './machine-inputs.js';
import type { Binding, MachineState } from './machine-state.js';
import { isFailureCause } from './machine-state.js';

import {
  allKnown,
  namesInUse,
  normaliseNames,
  sameContent,
  sideNames,
  visibilityViolations,
} from './tool-visibility.js';

/**
 * A guard: a named condition that must hold for a transition row to fire. `check` is a method, so a
 * guard of some inputs is also a guard of the whole input union: rows list only guards of their own
 * input ({@link GuardFor}), and `step` tries a row only on that input.
 */
export interface GuardSpec<I = MachineInput> {
  readonly description: string;
  check(state: MachineState, input: I): boolean;
}

/** The binding facts a `PrepareBindings` input offers. */
type BindingOffer = Pick<
  InputOf<'PrepareBindings'>,
  'runtimeId' | 'fenceToken' | 'generation' | 'epochId'
>;
type Recovered = InputOf<'RecoverRuntimeAuthority'>;
/** The inputs that carry field `K`. */
type With<K extends string> = Extract<MachineInput, { readonly [P in K]: unknown }>;

/** True when the binding has a legal shape: fence/generation/epoch need a runtime id, which needs a generation or epoch. */
export function bindingShapeHolds(binding: Binding): boolean {
  const { runtimeId, fenceToken, generation, epochId } = binding;
  if ((fenceToken !== null || generation !== null || epochId !== null) && runtimeId === null)
    return false;
  if (runtimeId !== null && generation === null && epochId === null) return false;
  return true;
}

/** The binding after filling `state.binding` with the facts a `PrepareBindings` input carries. */
export function filledBinding(state: MachineState, input: BindingOffer): Binding {
  const b = state.binding;
  return {
    runtimeId: b.runtimeId ?? input.runtimeId,
    fenceToken: b.fenceToken ?? input.fenceToken,
    generation: b.generation ?? input.generation,
    epochId: b.epochId ?? input.epochId,
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

function fillsOnly(state: MachineState, input: BindingOffer): boolean {
  const current = state.binding;
  const offered: Binding = {
    runtimeId: input.runtimeId,
    fenceToken: input.fenceToken,
    generation: input.generation,
    epochId: input.epochId,
  };
  return (Object.keys(offered) as (keyof Binding)[]).every(
    (key) => offered[key] === null || current[key] === null || current[key] === offered[key],
  );
}

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
    check(s) {
      return s.sessionId !== null;
    },
  },
  unregistered: {
    description: 'no session is bound (late observations after unregister)',
    check(s) {
      return s.sessionId === null;
    },
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
    check(s) {
      return s.registration !== 'draining';
    },
  },
  draining: {
    description: 'the unregister drain window is open',
    check(s) {
      return s.registration === 'draining';
    },
  },
  loop_stop_pending: {
    description: 'the runtime-loop-stop obligation is open',
    check(s) {
      return s.unregister.loopStopPending;
    },
  },
  comms_exit_pending: {
    description: 'the comms-drain-exit obligation is open',
    check(s) {
      return s.unregister.commsExitPending;
    },
  },
  waiters_pending: {
    description: 'the completion-waiter obligation is open',
    check(s) {
      return s.unregister.waitersPending;
    },
  },
  obligations_closed: {
    description: 'all three drain obligations are closed',
    check(s) {
      return (
        !s.unregister.loopStopPending &&
        !s.unregister.commsExitPending &&
        !s.unregister.waitersPending
      );
    },
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
    check(s) {
      return s.run?.returnPhase === 'retired';
    },
  },
  not_retiring: {
    description:
      'no bound run returns to retired (a retired session takes no new input, even while its last run finishes)',
    check(s) {
      return s.run?.returnPhase !== 'retired';
    },
  },
  turn_applying: {
    description: 'the turn is applying (not cancelling, stopped or finished)',
    check(s) {
      return s.turn.status === 'applying';
    },
  },
  outcome_unrecorded: {
    description: 'no outcome is recorded for the bound run yet',
    check(s) {
      return s.turn.outcome === null;
    },
  },
  outcome_completed: {
    description: 'the recorded outcome is completed',
    check(s) {
      return s.turn.outcome === 'completed';
    },
  },
  outcome_failed: {
    description: 'the recorded outcome is failed',
    check(s) {
      return s.turn.outcome === 'failed';
    },
  },
  outcome_cancelled: {
    description: 'the recorded outcome is cancelled',
    check(s) {
      return s.turn.outcome === 'cancelled';
    },
  },
  known_cause: {
    description: 'the failure cause is one of the known causes',
    check(_s, i: With<'cause'>) {
      return isFailureCause(i.cause);
    },
  },
  stop_not_requested: {
    description: 'no stop is deferred (a stop beats queued work)',
    check(s) {
      return !s.stopDeferred;
    },
  },
  runtime_bound_if_initializing: {
    description: 'from initializing, only when a runtime is bound',
    check(s) {
      return s.phase !== 'initializing' || s.binding.runtimeId !== null;
    },
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
    check(s) {
      return s.commsDrain.status !== 'running';
    },
  },
  drain_running: {
    description: 'the comms drain is running',
    check(s) {
      return s.commsDrain.status === 'running';
    },
  },
  drain_not_running: {
    description: 'the comms drain is not running (a late exit notice)',
    check(s) {
      return s.commsDrain.status !== 'running';
    },
  },
  catalog_names_unique: {
    description: 'the new catalog names each tool once',
    check(_s, i: With<'tools'>) {
      const names = i.tools.map((t) => t.name);
      return new Set(names).size === names.length;
    },
  },
  catalog_keeps_names_in_use: {
    description: 'the new catalog still knows every tool a filter or deferred request names',
    check(s, i: With<'tools'>) {
      return allKnown(i.tools, namesInUse(s.visibility));
    },
  },
  filter_names_known: {
    description: 'every tool the filter names is in the catalog',
    check(s, i: With<'filter'>) {
      return allKnown(s.visibility.catalog, i.filter.type === 'all' ? [] : i.filter.names);
    },
  },
  deferred_names_known: {
    description: 'every deferred tool is in the catalog',
    check(s, i: With<'names'>) {
      return allKnown(s.visibility.catalog, i.names);
    },
  },
  revision_is_staged: {
    description: "the input's revision is the staged revision",
    check(s, i: With<'revision'>) {
      return i.revision === s.visibility.staged.revision;
    },
  },
  published_revisions_ordered: {
    description: 'the published active revision is at most the staged revision',
    check(_s, { active, staged }: With<'active'>) {
      return active.revision >= 0 && active.revision <= staged.revision;
    },
  },
  published_content_consistent: {
    description: 'equal published revisions carry equal content',
    check(_s, { active, staged }: With<'active'>) {
      return active.revision !== staged.revision || sameContent(active, staged);
    },
  },
  published_names_known: {
    description: 'every tool the published sides name is in the catalog',
    check(s, { active, staged }: With<'active'>) {
      return allKnown(
        s.visibility.catalog,
        normaliseNames([...sideNames(active), ...sideNames(staged)]),
      );
    },
  },
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
