// The shape of one transition row, and small pure helpers that rows share.

import type { GuardFor } from './guards.js';
import type { InputOf, MachineInputType } from './inputs.js';
import type { MachineEffect } from './effects.js';
import type { MachineState, Phase, TurnState } from './state.js';
import { PHASES, READY_TURN } from './state.js';

/**
 * One row of the transition table for input `T`. Rows for an input are tried in order; the first
 * whose phase is in `from` and whose guards all hold fires. A row with `refuse` refuses with that
 * guard name instead of firing (for combinations the machine names explicitly, such as
 * `not_claimable`). Its guards are those that read fields input `T` has.
 */
export interface RowOf<T extends MachineInputType> {
  readonly input: T;
  readonly from: readonly Phase[];
  readonly guards: readonly GuardFor<InputOf<T>>[];
  /** The phases the row may move to; `self` keeps the phase. Checked against every firing. */
  readonly to: readonly Phase[] | 'self';
  /** One line for the generated contract. */
  readonly summary: string;
  readonly refuse?: string;
  // `apply` and `effects` are methods, so a row of one input is also a row of the whole table
  // (method parameters compare both ways): `step` only ever calls them with the row's own input.
  /** The post-state (phase included). Absent: the row is an explicit no-op. */
  apply?(state: MachineState, input: InputOf<T>): MachineState;
  /** Effects, computed from the post-state. */
  effects?(post: MachineState, input: InputOf<T>, pre: MachineState): readonly MachineEffect[];
  /** The effect names the row can emit (for the generated contract). */
  readonly emits?: readonly MachineEffect['type'][];
}

/** A row of any input: what the table holds and `step` tries. */
export type TransitionRow = RowOf<MachineInputType>;

/** Declares a row for input `T` (the input's type flows into its guards, `apply` and `effects`). */
export function row<T extends MachineInputType>(spec: RowOf<T>): TransitionRow;
export function row(spec: TransitionRow): TransitionRow {
  return spec;
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
