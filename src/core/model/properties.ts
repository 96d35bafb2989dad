// Trace properties checked on every explored transition, and the set of names a refusal may carry.

import { GUARDS } from '../machine/guards.js';
import type { MachineInput } from '../machine/inputs.js';
import type { Binding, MachineState } from '../machine/state.js';
import { TRANSITIONS } from '../machine/session-machine.js';

/** Every name a refusal may carry: the guards, `phase`, and the explicit `refuse` names of the table. */
export const KNOWN_REFUSALS: ReadonlySet<string> = new Set([
  'phase',
  ...Object.keys(GUARDS),
  ...TRANSITIONS.flatMap((entry) => (entry.refuse === undefined ? [] : [entry.refuse])),
]);

const BINDING_FACTS: readonly (keyof Binding)[] = [
  'runtimeId',
  'fenceToken',
  'generation',
  'epochId',
];

/**
 * Inputs allowed to clear a binding fact. Recycle and unregister clear the whole binding; Reset
 * releases only the fence token (01), and Destroy keeps it. Since no input may replace a non-null
 * fact with another value, a fact can change value only across one of these clears.
 */
function mayClear(input: MachineInput, fact: keyof Binding): boolean {
  if (input.type === 'Recycle' || input.type === 'UnregisterSession') return true;
  return input.type === 'Reset' && fact === 'fenceToken';
}

/** Violations of the trace properties by one transition (empty when it is fine). */
export function transitionViolations(
  pre: MachineState,
  input: MachineInput,
  post: MachineState,
): string[] {
  const problems: string[] = [];
  for (const fact of BINDING_FACTS) {
    const before = pre.binding[fact];
    const after = post.binding[fact];
    if (before === null || before === after) continue;
    if (after !== null)
      problems.push(`${input.type} replaced binding.${fact} ${String(before)} -> ${String(after)}`);
    else if (!mayClear(input, fact))
      problems.push(`${input.type} cleared binding.${fact} without recycle or unregister`);
  }
  if (
    pre.turn.outcome !== null &&
    pre.completionRunId !== null &&
    post.completionRunId === pre.completionRunId &&
    post.turn.outcome !== pre.turn.outcome
  ) {
    problems.push(`${input.type} changed the recorded outcome of ${pre.completionRunId}`);
  }
  if (pre.phase === 'destroyed' && post !== pre) problems.push(`${input.type} left destroyed`);
  return problems;
}
