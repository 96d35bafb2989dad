// The LangGraph.js peer of the turn benchmarks: the smallest graph that does a turn — one node that
// appends one message — compiled with the checkpointer under test.

import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { Annotation, StateGraph } from '@langchain/langgraph';

/** A one-node graph checkpointed by `checkpointer`; each invoke is one turn. */
export function oneNodeGraph(checkpointer: BaseCheckpointSaver) {
  const State = Annotation.Root({
    messages: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  return new StateGraph(State)
    .addNode('agent', () => ({ messages: ['ok'] }))
    .addEdge('__start__', 'agent')
    .addEdge('agent', '__end__')
    .compile({ checkpointer });
}
