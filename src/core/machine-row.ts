// The shape of one transition row, and small pure helpers that rows share.

import type { GuardName } from './machine-guards.js';
import type { InputOf, MachineInputType } from './machine-inputs.js';
import type { MachineEffect } from './machine-effects.js';
import type { MachineState, Phase, TurnState } from './machine-state.js';
import { PHASES, READY_TURN } from './machine-state.js';

/**
 * One row of the transition table. Rows for an input are tried in order; the first whose phase is in
 * `from` and whose guards all hold fires. A row with `refuse` refuses with that guard name instead
 * of firing (for combinations the machine names explicitly, such as `not_claimable`).
 */
export interface TransitionRow<T extends MachineInputType = MachineInputType> {
  readonly input: T;
  readonly from: readonly Phase[];
  readonly guards: readonly GuardName[];
  /** The phases the row may move to; `self` keeps the phase. Checked against every firing. */
  readonly to: readonly Phase[] | 'self';
  /** One line for the generated contract. */
  readonly summary: string;
  readonly refuse?: string;
  /** The post-state (phase included). Absent: the row is an explicit no-op. */
  readonly apply?: (state: MachineState, input: InputOf<T>) => MachineState;
  /** Effects, computed from the post-state. */
  readonly effects?: (
    post: MachineState,
    input: InputOf<T>,
    pre: MachineState,
  ) => readonly MachineEffect[];
  /** The effect names the row can emit (for the generated contract). */
  readonly emits?: readonly MachineEffect['type'][];
}

/** Declares a row for input `T`; erases the input type so rows of all inputs live in one array. */
export function row<T extends MachineInputType>(spec: TransitionRow<T>): TransitionRow {
  return spec as unknown as TransitionRow;
}

/** Every phase except `destroyed`. */
export const LIVE_PHASES: readonly Phase[] = PHASES.filter((phase) => phase !== 'destroyed');

/** Phases with a session that can take control inputs. */
export const REGISTERED_PHASES: readonly Phase[] = [
  'idle',
  'attached',
  'running',
  'retired',
  'stopped',
];

/** The turn after its run is unbound: a recorded outcome is kept for classification, otherwise ready. */
export function settledTurn(turn: TurnState): TurnState {
  return turn.outcome === null ? READY_TURN : { ...turn, status: turn.outcome };
}

/**
 * Unbinds the run and moves to its return phase. A deferred stop on a run with no executor behind
 * it (return phase idle) completes here: the session becomes `stopped`. A deferred stop survives
 * only into `attached`, where the exiting executor will clear it.
 */
export function endRun(state: MachineState): MachineState {
  const returnPhase = state.run?.returnPhase ?? 'idle';
  const phase: Phase = state.stopDeferred && returnPhase === 'idle' ? 'stopped' : returnPhase;
  return {
    ...state,
    phase,
    run: null,
    turn: settledTurn(state.turn),
    stopDeferred: state.stopDeferred && phase === 'attached',
  };
}

/** The phase a session rests in when no run is bound: attached with an executor claim, otherwise idle. */
export function restingPhase(state: MachineState): 'idle' | 'attached' {
  return state.registration === 'active' ? 'attached' : 'idle';
}
