// The binding's rules: its legal shape, and how a `PrepareBindings` input fills it (never replaces).

import type { InputOf } from './machine-inputs.js';
import type { Binding, MachineState } from './machine-state.js';

/** The binding facts a `PrepareBindings` input offers. */
export type BindingOffer = Pick<
  InputOf<'PrepareBindings'>,
  'runtimeId' | 'fenceToken' | 'generation' | 'epochId'
>;
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

export function sameBinding(a: Binding, b: Binding): boolean {
  return (
    a.runtimeId === b.runtimeId &&
    a.fenceToken === b.fenceToken &&
    a.generation === b.generation &&
    a.epochId === b.epochId
  );
}

export function fillsOnly(state: MachineState, input: BindingOffer): boolean {
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
