// The shape of a guard of the session machine, and the inputs a guard can read a field of.

import type { MachineInput } from './machine-inputs.js';
import type { MachineState } from './machine-state.js';

/**
 * A guard: a named condition that must hold for a transition row to fire. `check` is a method, so a
 * guard of some inputs is also a guard of the whole input union: rows list only guards of their own
 * input ({@link GuardFor}), and `step` tries a row only on that input.
 */
export interface GuardSpec<I = MachineInput> {
  readonly description: string;
  check(state: MachineState, input: I): boolean;
}

/** The inputs that carry field `K`. */
export type With<K extends string> = Extract<MachineInput, { readonly [P in K]: unknown }>;
