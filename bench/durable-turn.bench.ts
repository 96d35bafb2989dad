// Durable per-turn overhead (issue 4): Burrow on SQLite (synchronous FULL and NORMAL) with a no-op
// executor, next to (a) the raw floor — the very batches Burrow wrote, replayed as the same number of
// transactions directly with better-sqlite3 — and (b) LangGraph.js with its SQLite checkpointer.
// Medians of several rounds, all in the same run; database bytes per turn for both.

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import Database from 'better-sqlite3';
import type { Executor } from '../dist/index.js';
import { createRuntime } from '../dist/index.js';
import type { CommitBatch, RuntimeId, RuntimeStore } from '../dist/index.js';
import { openSqliteStore } from '../dist/sqlite.js';
import type { BenchResult } from './bench-result.js';
import { median, round } from './bench-result.js';
import { oneNodeGraph } from './langgraph-peer.js';
import { openRawFloor } from './raw-floor.js';

type Sync = 'full' | 'normal';
const noop: Executor = { apply: () => Promise.resolve({ status: 'completed_without_result' }) };

/** Wraps a store so every batch it commits is also recorded (to replay them as the raw floor). */
export function recording(store: RuntimeStore, batches: CommitBatch[]): RuntimeStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'commit') {
        return (id: RuntimeId, batch: CommitBatch, fence?: number) => {
          batches.push(batch);
          return target.commit(id, batch, fence);
        };
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/**
 * The size of the database at `path` with its WAL checkpointed into it (and truncated): the same
 * measure for every engine, whether or not it checkpoints on close.
 */
async function checkpointedSize(path: string): Promise<number> {
  const db = new Database(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return (await stat(path)).size;
}

async function burrow(
  dir: string,
  sync: Sync,
  turns: number,
  record: CommitBatch[] | null,
  content = 'x',
): Promise<{ us: number; bytes: number }> {
  const path = join(dir, `burrow-${sync}-${Math.random().toString(36).slice(2)}.db`);
  const sqlite = await openSqliteStore(path, { synchronous: sync });
  const runtime = await createRuntime({
    store: record === null ? sqlite : recording(sqlite, record),
    pruneIntervalMs: 0,
  });
  await runtime.registerSessionWithExecutor('s1', noop);
  for (let i = 0; i < 50; i += 1)
    await (
      await runtime.acceptInput('s1', { kind: 'prompt', content: 'warm' })
    ).completion;
  if (record !== null) record.length = 0;
  const start = performance.now();
  for (let i = 0; i < turns; i += 1)
    await (
      await runtime.acceptInput('s1', { kind: 'prompt', content })
    ).completion;
  const us = ((performance.now() - start) * 1000) / turns;
  await runtime.close();
  return { us, bytes: (await checkpointedSize(path)) / (turns + 50) };
}

/**
 * The floor: the same batches, the same JSON, the same number of transactions, written directly;
 * microseconds per turn (`turns` turns wrote `batches`).
 */
function rawFloor(dir: string, sync: Sync, batches: readonly CommitBatch[], turns: number): number {
  const floor = openRawFloor(
    join(dir, `raw-${sync}-${Math.random().toString(36).slice(2)}.db`),
    sync,
  );
  const start = performance.now();
  for (const batch of batches) floor.write(batch);
  const us = ((performance.now() - start) * 1000) / turns;
  floor.close();
  return us;
}

async function langGraph(
  dir: string,
  turns: number,
  content = 'x',
): Promise<{ us: number; bytes: number }> {
  const path = join(dir, `langgraph-${Math.random().toString(36).slice(2)}.db`);
  const saver = SqliteSaver.fromConnString(path);
  const graph = oneNodeGraph(saver);
  for (let i = 0; i < 20; i += 1)
    await graph.invoke({ messages: ['warm'] }, { configurable: { thread_id: 't' } });
  const start = performance.now();
  for (let i = 0; i < turns; i += 1)
    await graph.invoke({ messages: [content] }, { configurable: { thread_id: 't' } });
  const us = ((performance.now() - start) * 1000) / turns;
  // The checkpointer keeps its connection open in WAL mode: its WAL is checkpointed into the file
  // before the file is measured, as Burrow's is.
  return { us, bytes: (await checkpointedSize(path)) / (turns + 20) };
}

/** Runs the benchmark. */
export async function runDurableTurn(quick = false): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'burrow-durable-'));
  try {
    const turns = quick ? 200 : 1_000;
    const rounds = quick ? 1 : 5;
    const results: BenchResult[] = [];
    const peer = await langGraph(dir, quick ? 50 : 200);
    const peerUs: number[] = [peer.us];
    for (let r = 1; r < rounds; r += 1) peerUs.push((await langGraph(dir, quick ? 50 : 200)).us);
    for (const sync of ['full', 'normal'] as const) {
      const ours: number[] = [];
      const floor: number[] = [];
      let bytes = 0;
      let perTurn = 0;
      for (let r = 0; r < rounds; r += 1) {
        const batches: CommitBatch[] = [];
        const run = await burrow(dir, sync, turns, batches);
        ours.push(run.us);
        bytes = run.bytes;
        perTurn = batches.length / turns;
        floor.push(rawFloor(dir, sync, batches, turns));
      }
      const name = `durable turn, SQLite synchronous=${sync.toUpperCase()}`;
      results.push(
        {
          name: `${name}: Burrow vs raw floor`,
          value: round(median(ours)),
          unit: 'us/turn',
          peer: `raw better-sqlite3, the same ${round(perTurn)} transactions per turn`,
          peerValue: round(median(floor)),
          target: 'within 1.5x of the floor',
        },
        {
          name: `${name}: Burrow vs LangGraph.js`,
          value: round(median(ours)),
          unit: 'us/turn',
          peer: 'LangGraph.js 1.7 + SqliteSaver',
          peerValue: round(median(peerUs)),
          target: '>= 5x faster',
        },
        {
          name: `${name}: database bytes per turn`,
          value: round(bytes),
          unit: 'bytes',
          peer: 'LangGraph.js 1.7 + SqliteSaver',
          peerValue: round(peer.bytes),
        },
      );
    }
    // Bytes for a 2 KB prompt (the target: at most 1,500 bytes beyond twice the prompt).
    const prompt = 'p'.repeat(2048);
    const big = await burrow(dir, 'normal', quick ? 200 : 1_000, null, prompt);
    const bigPeer = await langGraph(dir, quick ? 50 : 200, prompt);
    results.push({
      name: 'durable turn, SQLite, 2 KB prompt: database bytes per turn',
      value: round(big.bytes),
      unit: 'bytes',
      peer: 'LangGraph.js 1.7 + SqliteSaver',
      peerValue: round(bigPeer.bytes),
      target: `<= ${2 * prompt.length + 1_500} bytes (twice the prompt + 1,500)`,
    });
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
