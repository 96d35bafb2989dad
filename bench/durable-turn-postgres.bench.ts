// Durable per-turn overhead on PostgreSQL (issue 11): Burrow's PostgreSQL store with a no-op
// executor, next to (a) the raw floor — the very batches Burrow wrote, replayed as the same number
// of transactions directly with pg — and (b) LangGraph.js with its PostgreSQL checkpointer, all on
// the same database in the same run. Each measurement gets a fresh schema, dropped afterwards.
// Needs BURROW_BENCH_PG_URL (or BURROW_TEST_PG_URL); without one the suite reports nothing.

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import pg from 'pg';
import type { CommitBatch, Executor } from '../dist/index.js';
import { createRuntime } from '../dist/index.js';
import { openPostgresStore } from '../dist/postgres.js';
import type { BenchResult } from './bench-result.js';
import { median, round } from './bench-result.js';
import { recording } from './durable-turn.bench.js';
import { oneNodeGraph } from './langgraph-peer.js';
import { openPgRawFloor } from './pg-raw-floor.js';

const noop: Executor = { apply: () => Promise.resolve({ status: 'completed_without_result' }) };

/** The database the suite runs on, or null. */
export function benchPgUrl(): string | null {
  const url = process.env['BURROW_BENCH_PG_URL'] ?? process.env['BURROW_TEST_PG_URL'];
  return url === undefined || url.trim() === '' ? null : url.trim();
}

/** A fresh schema name for one measurement. */
export const newSchema = (what: string): string =>
  `burrow_bench_${what}_${randomBytes(4).toString('hex')}`;

/** Drops `schema` and everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function burrow(url: string, turns: number, record: CommitBatch[]): Promise<number> {
  const schema = newSchema('burrow');
  try {
    const store = await openPostgresStore(url, { schema, poolSize: 2 });
    const runtime = await createRuntime({ store: recording(store, record), pruneIntervalMs: 0 });
    await runtime.registerSessionWithExecutor('s1', noop);
    for (let i = 0; i < 50; i += 1)
      await (
        await runtime.acceptInput('s1', { kind: 'prompt', content: 'warm' })
      ).completion;
    record.length = 0;
    const start = performance.now();
    for (let i = 0; i < turns; i += 1)
      await (
        await runtime.acceptInput('s1', { kind: 'prompt', content: 'x' })
      ).completion;
    const us = ((performance.now() - start) * 1000) / turns;
    await runtime.close();
    return us;
  } finally {
    await dropSchema(url, schema);
  }
}

/** The floor: the same batches, the same JSON, the same number of transactions, written directly. */
async function rawFloor(
  url: string,
  turns: number,
  batches: readonly CommitBatch[],
): Promise<number> {
  const schema = newSchema('floor');
  const floor = await openPgRawFloor(url, schema);
  try {
    const start = performance.now();
    for (const batch of batches) await floor.write(batch);
    return ((performance.now() - start) * 1000) / turns;
  } finally {
    await floor.close();
    await dropSchema(url, schema);
  }
}

async function langGraph(url: string, turns: number): Promise<number> {
  const schema = newSchema('langgraph');
  const saver = PostgresSaver.fromConnString(url, { schema });
  try {
    await saver.setup();
    const graph = oneNodeGraph(saver);
    for (let i = 0; i < 20; i += 1)
      await graph.invoke({ messages: ['warm'] }, { configurable: { thread_id: 't' } });
    const start = performance.now();
    for (let i = 0; i < turns; i += 1)
      await graph.invoke({ messages: ['x'] }, { configurable: { thread_id: 't' } });
    return ((performance.now() - start) * 1000) / turns;
  } finally {
    await saver.end();
    await dropSchema(url, schema);
  }
}

/** Runs the benchmark. */
export async function runDurableTurnPostgres(quick = false): Promise<BenchResult[]> {
  const url = benchPgUrl();
  if (url === null) {
    process.stderr.write('  skipped: set BURROW_BENCH_PG_URL (or BURROW_TEST_PG_URL)\n');
    return [];
  }
  const turns = quick ? 100 : 500;
  const rounds = quick ? 1 : 5;
  const ours: number[] = [];
  const floor: number[] = [];
  const peer: number[] = [];
  let transactions = 0;
  for (let r = 0; r < rounds; r += 1) {
    const batches: CommitBatch[] = [];
    ours.push(await burrow(url, turns, batches));
    transactions = batches.length;
    floor.push(await rawFloor(url, turns, batches));
    peer.push(await langGraph(url, quick ? 50 : 200));
  }
  const name = 'durable turn, PostgreSQL (synchronous_commit on)';
  const note = `${turns} turns per round, ${round(transactions / turns)} transactions per turn, median of ${rounds} rounds`;
  return [
    {
      name: `${name}: Burrow vs raw floor`,
      value: round(median(ours)),
      unit: 'us/turn',
      peer: 'raw pg, same transactions and inserts',
      peerValue: round(median(floor)),
      target: 'within 1.5x of the floor',
      note,
    },
    {
      name: `${name}: Burrow vs LangGraph.js`,
      value: round(median(ours)),
      unit: 'us/turn',
      peer: 'LangGraph.js 1.7 + PostgresSaver',
      peerValue: round(median(peer)),
      target: '>= 3x faster',
    },
  ];
}
