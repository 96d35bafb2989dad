// Liveness on the explored graph: destroyed is reachable from everywhere, and every registered
// non-destroyed state can be fully unregistered (the drain can always finish).

import type { ExploredGraph, ModelFailure } from './graph.js';
import { traceTo } from './graph.js';
import type { MachineState } from '../machine/state.js';

/** Ids of the states from which some state satisfying `target` is reachable (reverse BFS). */
export function statesReaching(
  graph: ExploredGraph,
  target: (state: MachineState) => boolean,
): Set<number> {
  const predecessors: number[][] = graph.states.map(() => []);
  graph.successors.forEach((targets, from) => {
    for (const to of targets) (predecessors[to] as number[]).push(from);
  });
  const reached = new Set<number>();
  const queue: number[] = [];
  graph.states.forEach((state, id) => {
    if (target(state)) {
      reached.add(id);
      queue.push(id);
    }
  });
  for (let head = 0; head < queue.length; head += 1) {
    for (const from of predecessors[queue[head] as number] as number[]) {
      if (!reached.has(from)) {
        reached.add(from);
        queue.push(from);
      }
    }
  }
  return reached;
}

/** The liveness failures of an explored graph (at most one per property, with its shortest trace). */
export function livenessFailures(graph: ExploredGraph): ModelFailure[] {
  const failures: ModelFailure[] = [];
  const canDestroy = statesReaching(graph, (s) => s.phase === 'destroyed');
  const stuck = graph.states.findIndex((_s, id) => !canDestroy.has(id));
  if (stuck >= 0) {
    failures.push({
      property: 'destroyed_reachable',
      detail: `state ${stuck} cannot reach destroyed`,
      trace: traceTo(graph, stuck),
    });
  }
  const canUnregister = statesReaching(
    graph,
    (s) => s.sessionId === null && s.phase !== 'destroyed',
  );
  const wedged = graph.states.findIndex(
    (s, id) => s.sessionId !== null && s.phase !== 'destroyed' && !canUnregister.has(id),
  );
  if (wedged >= 0) {
    failures.push({
      property: 'unregister_completes',
      detail: `state ${wedged} (registered, not destroyed) can never be fully unregistered`,
      trace: traceTo(graph, wedged),
    });
  }
  return failures;
}
