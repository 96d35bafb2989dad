// The explored state graph of a model-check run, and shortest traces through it.

import type { MachineInput } from '../machine/inputs.js';
import type { MachineState } from '../machine/state.js';

/** One problem the checker found, with the shortest trace from the initial state that shows it. */
export interface ModelFailure {
  readonly property: string;
  readonly detail: string;
  readonly trace: readonly MachineInput[];
}

/** The explored graph: states by id, BFS parents for traces, successor lists for liveness. */
export interface ExploredGraph {
  readonly states: MachineState[];
  readonly parent: number[];
  readonly via: (MachineInput | null)[];
  readonly successors: number[][];
}

/** The inputs from the initial state to state `id`, following BFS parents (a shortest trace). */
export function traceTo(graph: Pick<ExploredGraph, 'parent' | 'via'>, id: number): MachineInput[] {
  const trace: MachineInput[] = [];
  for (let at = id; at > 0; at = graph.parent[at] as number)
    trace.push(graph.via[at] as MachineInput);
  return trace.reverse();
}
