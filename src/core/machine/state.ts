// The session machine's state: plain, immutable, JSON-serialisable data, and its initial value.

import type { VisibilityState } from '../tool-visibility.js';
import { initialVisibility } from '../tool-visibility.js';

/** The schema version of {@link MachineState}; a state with another version is refused on recovery. */
export const MACHINE_SCHEMA_VERSION = 1;

/** Coarse lifecycle phases, in the seed's order. `destroyed` is the only terminal phase. */
export const PHASES = [
  'initializing',
  'idle',
  'attached',
  'running',
  'retired',
  'stopped',
  'destroyed',
] as const;
/** One of {@link PHASES}. */
export type Phase = (typeof PHASES)[number];

/** The phases a run may return to when it ends. */
export const RETURN_PHASES = ['idle', 'attached', 'retired'] as const;
/** One of {@link RETURN_PHASES}. */
export type ReturnPhase = (typeof RETURN_PHASES)[number];

/** Executor registration: none claimed, claimed, or the unregister drain window is open. */
export const REGISTRATIONS = ['queuing', 'active', 'draining'] as const;
/** One of {@link REGISTRATIONS}. */
export type Registration = (typeof REGISTRATIONS)[number];

/** Which runtime instance owns the session. Facts are filled once and only cleared by recycle or unregister. */
export interface Binding {
  readonly runtimeId: string | null;
  readonly fenceToken: number | null;
  readonly generation: number | null;
  readonly epochId: string | null;
}

/** The run bound to the session and the phase it returns to when it ends. */
export interface RunBinding {
  readonly runId: string;
  readonly returnPhase: ReturnPhase;
}

/** Why a run failed (03, "Failure"). */
export const FAILURE_CAUSES = [
  'llm_failure',
  'tool_failure',
  'budget_exhausted',
  'timeout',
  'primitive_rejected',
  'executor_error',
] as const;
/** One of {@link FAILURE_CAUSES}. */
export type FailureCause = (typeof FAILURE_CAUSES)[number];

/** True when `value` is one of the {@link FAILURE_CAUSES}. */
export function isFailureCause(value: unknown): value is FailureCause {
  return (FAILURE_CAUSES as readonly unknown[]).includes(value);
}

/** The recorded outcome of a turn. */
export const TURN_OUTCOMES = ['completed', 'failed', 'cancelled'] as const;
/** One of {@link TURN_OUTCOMES}. */
export type TurnOutcome = (typeof TURN_OUTCOMES)[number];

/**
 * Progress of the current (or last) turn. `ready`: none in progress; `applying`: the executor runs it;
 * `cancelling`: hard cancel requested; `cancelled` without an outcome: stop at the boundary was
 * signalled and the executor has not returned yet. Once an outcome is recorded, `status` equals it.
 */
export const TURN_STATUSES = [
  'ready',
  'applying',
  'cancelling',
  'completed',
  'failed',
  'cancelled',
] as const;
/** One of {@link TURN_STATUSES}. */
export type TurnStatus = (typeof TURN_STATUSES)[number];

/** The turn sub-state. */
export interface TurnState {
  readonly status: TurnStatus;
  readonly boundaryCount: number;
  readonly cancelAfterBoundary: boolean;
  readonly outcome: TurnOutcome | null;
  readonly cause: FailureCause | null;
}

/** The three obligations of the unregister drain and the durability decision taken when it opened. */
export interface UnregisterObligations {
  readonly loopStopPending: boolean;
  readonly commsExitPending: boolean;
  readonly waitersPending: boolean;
  readonly retainSnapshot: boolean;
}

/** Modes of the comms drain task. */
export const COMMS_DRAIN_MODES = ['timed', 'attached_session', 'persistent_host'] as const;
/** One of {@link COMMS_DRAIN_MODES}. */
export type CommsDrainMode = (typeof COMMS_DRAIN_MODES)[number];

/** Status of the comms drain task. */
export const COMMS_DRAIN_STATUSES = [
  'inactive',
  'running',
  'stopped',
  'exited_respawnable',
] as const;
/** One of {@link COMMS_DRAIN_STATUSES}. */
export type CommsDrainStatus = (typeof COMMS_DRAIN_STATUSES)[number];

/** The comms-drain sub-state: the task that pulls peer messages into the session. */
export interface CommsDrainState {
  readonly status: CommsDrainStatus;
  readonly mode: CommsDrainMode | null;
}

/** The whole per-session machine state. */
export interface MachineState {
  readonly schemaVersion: typeof MACHINE_SCHEMA_VERSION;
  readonly phase: Phase;
  readonly sessionId: string | null;
  readonly binding: Binding;
  readonly run: RunBinding | null;
  readonly turn: TurnState;
  readonly completionRunId: string | null;
  readonly stopDeferred: boolean;
  readonly registration: Registration;
  readonly unregister: UnregisterObligations;
  readonly commsDrain: CommsDrainState;
  /** Sorted, without duplicates. */
  readonly silentIntents: readonly string[];
  readonly visibility: VisibilityState;
}

/** A binding with every fact absent. */
export const EMPTY_BINDING: Binding = {
  runtimeId: null,
  fenceToken: null,
  generation: null,
  epochId: null,
};

/** A turn that has not started. */
export const READY_TURN: TurnState = {
  status: 'ready',
  boundaryCount: 0,
  cancelAfterBoundary: false,
  outcome: null,
  cause: null,
};

/** No drain obligations open. */
export const NO_OBLIGATIONS: UnregisterObligations = {
  loopStopPending: false,
  commsExitPending: false,
  waitersPending: false,
  retainSnapshot: false,
};

/** The comms drain before it was ever spawned. */
export const INACTIVE_DRAIN: CommsDrainState = { status: 'inactive', mode: null };

/** The state of a machine before `Initialize`. */
export function initialState(): MachineState {
  return {
    schemaVersion: MACHINE_SCHEMA_VERSION,
    phase: 'initializing',
    sessionId: null,
    binding: EMPTY_BINDING,
    run: null,
    turn: READY_TURN,
    completionRunId: null,
    stopDeferred: false,
    registration: 'queuing',
    unregister: NO_OBLIGATIONS,
    commsDrain: INACTIVE_DRAIN,
    silentIntents: [],
    visibility: initialVisibility(),
  };
}
