// Per-turn overhead in memory mode with a no-op executor (issue 3): Burrow vs LangGraph.js (MemorySaver,
// one-node graph), measured side by side in the same run; median of several rounds.

import { performance } from 'node:perf_hooks';
import { MemorySaver } from '@langchain/langgraph';
import { createRuntime } from '../dist/index.js';
import type { Executor } from '../dist/index.js';
import { memoryStore } from '../dist/index.js';
import type { BenchResult } from './bench-result.js';
import { median, round } from './bench-result.js';
import { oneNodeGraph } from './langgraph-peer.js';

const noop: Executor = { apply: () => Promise.resolve({ status: 'completed_without_result' }) };

/** Microseconds per turn: `sessions` sessions, each running `turns` turns one after another, sessions concurrent. */
async function burrowTurns(sessions: number, turns: number, withStore: boolean): Promise<number> {
  const runtime = await createRuntime(withStore ? { store: memoryStore() } : {});
  const ids = Array.from({ length: sessions }, (_, i) => `s${i}`);
  for (const id of ids) await runtime.registerSessionWithExecutor(id, noop);
  const start = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      for (let t = 0; t < turns; t += 1)
        await (
          await runtime.acceptInput(id, { kind: 'prompt', content: 'x' })
        ).completion;
    }),
  );
  const elapsed = performance.now() - start;
  await runtime.close();
  return (elapsed * 1000) / (sessions * turns);
}

/** Microseconds per turn of LangGraph.js: a one-node graph with the in-memory checkpointer. */
async function langGraphTurns(threads: number, turns: number): Promise<number> {
  const graph = oneNodeGraph(new MemorySaver());
  const start = performance.now();
  await Promise.all(
    Array.from({ length: threads }, async (_, i) => {
      for (let t = 0; t < turns; t += 1)
        await graph.invoke({ messages: ['x'] }, { configurable: { thread_id: `t${i}` } });
    }),
  );
  return ((performance.now() - start) * 1000) / (threads * turns);
}

async function rounds(n: number, measure: () => Promise<number>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) samples.push(await measure());
  return median(samples);
}

/** Runs the benchmark: `quick` shrinks the workload (for smoke runs). */
export async function runTurnOverhead(quick = false): Promise<BenchResult[]> {
  const turns = quick ? 1_000 : 10_000;
  const r = quick ? 1 : 5;
  await burrowTurns(1, 500, false);
  await langGraphTurns(1, 100);
  const single = await rounds(r, () => burrowTurns(1, turns, false));
  const singleStore = await rounds(r, () => burrowTurns(1, turns, true));
  const many = await rounds(r, () => burrowTurns(1_000, 10, false));
  // LangGraph is ~50x slower per turn; a fifth of the turns keeps the run short and the median honest.
  const peerSingle = await rounds(r, () => langGraphTurns(1, Math.max(200, turns / 5)));
  const peerMany = await rounds(r, () => langGraphTurns(1_000, 2));
  return [
    {
      name: 'turn overhead, 1 session x 10,000 turns (storeless)',
      value: round(single),
      unit: 'us/turn',
      peer: 'LangGraph.js 1.7 MemorySaver',
      peerValue: round(peerSingle),
      target: '<= 50 us/turn',
    },
    {
      name: 'turn overhead, 1 session x 10,000 turns (memory store)',
      value: round(singleStore),
      unit: 'us/turn',
      peer: 'LangGraph.js 1.7 MemorySaver',
      peerValue: round(peerSingle),
    },
    {
      name: 'turn overhead, 1,000 sessions x 10 turns (storeless)',
      value: round(many),
      unit: 'us/turn',
      peer: 'LangGraph.js 1.7 MemorySaver (1,000 threads)',
      peerValue: round(peerMany),
      target: '<= 50 us/turn',
    },
  ];
}
