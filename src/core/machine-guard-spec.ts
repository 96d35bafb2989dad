// What a guard of the session machine is: a named, described predicate over (state, input).

import type { MachineInput } from './machine-inputs.js';
import type { MachineState } from './machine-state.js';

/** A guard's condition over (state, input). */
export type Predicate = (state: MachineState, input: MachineInput) => boolean;

/** A guard: a named condition that must hold for a transition row to fire. */
export interface GuardSpec {
  readonly description: string;
  readonly check: Predicate;
}

/** A field of `input` by name (`unknown` when the input type has no such field). */
export function field<K extends string>(input: MachineInput, key: K): unknown {
  return (input as Partial<Record<K, unknown>>)[key];
}
