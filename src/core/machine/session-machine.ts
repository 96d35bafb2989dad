// The session machine: `step(state, input)` over the transition table; pure, total and deterministic.
//
// Rows are data (see rows-*.ts). For an input, rows are tried in table order; the first row whose
// phase is in `from` and whose guards all hold fires (or refuses, for a `refuse` row). When no row
// fires, the refusal names the failed guard of the row that got furthest (on a tie, the later row:
// special-case rows such as late no-ops come first), and `phase` when no row accepts the phase. Throwing is reserved for bugs: a row that lands outside its declared
// targets.

import { GUARDS } from './guards.js';
import type { MachineEffect } from './effects.js';
import type { MachineInput, MachineInputType } from './inputs.js';
import type { TransitionRow } from './row.js';
import type { MachineState, Phase } from './state.js';
import { CONTROL_ROWS } from './rows/control.js';
import { INGRESS_ROWS } from './rows/ingress.js';
import { LIFECYCLE_ROWS } from './rows/lifecycle.js';
import { RUN_ROWS } from './rows/runs.js';
import { UNREGISTER_ROWS } from './rows/unregister.js';
import { VISIBILITY_ROWS } from './rows/visibility.js';

/** The whole transition table, in order. It drives `step`, the generated contract, the model checker and `GET /v1/machine`. */
export const TRANSITIONS: readonly TransitionRow[] = [
  ...LIFECYCLE_ROWS,
  ...RUN_ROWS,
  ...CONTROL_ROWS,
  ...UNREGISTER_ROWS,
  ...INGRESS_ROWS,
  ...VISIBILITY_ROWS,
];

const ROWS_BY_INPUT: ReadonlyMap<MachineInputType, readonly TransitionRow[]> = (() => {
  const map = new Map<MachineInputType, TransitionRow[]>();
  for (const entry of TRANSITIONS) {
    const rows = map.get(entry.input) ?? [];
    rows.push(entry);
    map.set(entry.input, rows);
  }
  return map;
})();

/** A refused input: a value, never an exception. `guard` names the first failed guard. */
export interface Rejection {
  readonly code: 'guard_rejected';
  readonly phase: Phase;
  readonly input: MachineInputType;
  readonly guard: string;
}

/** Thrown when a row emits an effect its `emits` list does not declare: a bug in the row. */
export class UndeclaredEffectError extends Error {
  constructor(entry: TransitionRow, phase: Phase, effect: MachineEffect) {
    super(
      `row ${entry.input} (${phase}) emitted ${effect.type}, which its emits list does not declare`,
    );
    this.name = 'UndeclaredEffectError';
  }
}

/** The result of {@link step}. */
export type StepResult =
  | { readonly ok: true; readonly state: MachineState; readonly effects: readonly MachineEffect[] }
  | { readonly ok: false; readonly rejection: Rejection };

/** The rows declared for an input, in order. */
export function rowsFor(input: MachineInputType): readonly TransitionRow[] {
  return ROWS_BY_INPUT.get(input) ?? [];
}

/** The first failing guard of `entry` with its depth (0 = phase), or null when the row holds. */
function firstFailure(
  entry: TransitionRow,
  state: MachineState,
  input: MachineInput,
): { guard: string; depth: number } | null {
  if (!entry.from.includes(state.phase)) return { guard: 'phase', depth: 0 };
  for (const [index, name] of entry.guards.entries()) {
    if (!GUARDS[name].check(state, input)) return { guard: name, depth: index + 1 };
  }
  return null;
}

function fire(entry: TransitionRow, state: MachineState, input: MachineInput): StepResult {
  const post = entry.apply ? entry.apply(state, input) : state;
  const allowed = entry.to === 'self' ? [state.phase] : entry.to;
  if (!allowed.includes(post.phase)) {
    throw new Error(
      `row ${entry.input} moved ${state.phase} -> ${post.phase}, outside its targets ${allowed.join(',')}`,
    );
  }
  const effects = entry.effects ? entry.effects(post, input, state) : [];
  // The row's declared `emits` is its contract (the generated docs list it): an effect outside it is
  // a bug in the row, caught by every step the model checker and the tests take.
  const undeclared = effects.find((effect) => !(entry.emits ?? []).includes(effect.type));
  if (undeclared !== undefined) throw new UndeclaredEffectError(entry, state.phase, undeclared);
  return { ok: true, state: post, effects };
}

/**
 * Steps the machine. Returns the next state and its effects, or a refusal naming the failed guard.
 * The input state is never mutated; the shell installs the returned state only after performing
 * (and persisting) what the effects ask for.
 *
 * @example
 * const r = step(initialState(), { type: 'Initialize' });
 * if (r.ok) console.log(r.state.phase); // 'idle'
 */
export function step(state: MachineState, input: MachineInput): StepResult {
  return stepRow(state, input).result;
}

/**
 * {@link step}, also naming the row that fired or refused (null when no row holds). The model checker
 * uses it to check each row's declared `emits` against what the row emits over the explored states.
 */
export function stepRow(
  state: MachineState,
  input: MachineInput,
): { readonly result: StepResult; readonly row: TransitionRow | null } {
  let best: { guard: string; depth: number } | null = null;
  for (const entry of rowsFor(input.type)) {
    const failure = firstFailure(entry, state, input);
    if (failure === null) {
      if (entry.refuse !== undefined)
        return { result: reject(state, input, entry.refuse), row: entry };
      return { result: fire(entry, state, input), row: entry };
    }
    if (best === null || failure.depth >= best.depth) best = failure;
  }
  return { result: reject(state, input, best?.guard ?? 'phase'), row: null };
}

function reject(state: MachineState, input: MachineInput, guard: string): StepResult {
  return {
    ok: false,
    rejection: { code: 'guard_rejected', phase: state.phase, input: input.type, guard },
  };
}

/**
 * Steps through several inputs in order, stopping at the first refusal. Effects are concatenated.
 * Used by the shell for steps that belong together (`RunCompleted` then `Commit`).
 */
export function stepAll(state: MachineState, inputs: readonly MachineInput[]): StepResult {
  let current = state;
  const effects: MachineEffect[] = [];
  for (const input of inputs) {
    const result = step(current, input);
    if (!result.ok) return result;
    current = result.state;
    effects.push(...result.effects);
  }
  return { ok: true, state: current, effects };
}
