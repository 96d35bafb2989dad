// Benchmark of the SQLite store's commit path: a two-transaction turn (accept, then run) against
// the raw better-sqlite3 floor, with synchronous FULL and NORMAL; and group commit on and off under
// many concurrent sessions. Run: npx tsx bench/store-sqlite.bench.ts [turns]

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CommitBatch } from '../src/store/runtime-store.js';
import {
  boundLifecycle,
  events,
  input,
  messages,
  receipt,
} from '../src/store/conformance/fixtures.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { openRawFloor } from './raw-floor.js';
import { runtimeIdOf } from '../src/store/runtime-store.js';

type Sync = 'full' | 'normal';
const TURNS = Number(process.argv[2] ?? 400);
const WARMUP = 30;

/** The two commits of one turn of session `s`, turn `n` (1-based). */
function turn(s: string, n: number): [CommitBatch, CommitBatch] {
  const id = `in-${n}`;
  const run = `run-${n}`;
  const accept: CommitBatch = { inputs: [input(s, id, n)], events: events(s, 3 * n - 2, 1) };
  const done: CommitBatch = {
    lifecycle: boundLifecycle(s),
    inputs: [input(s, id, n, { status: 'consumed', runId: run })],
    receipt: receipt(run, n, [id]),
    transcript: messages(2 * (n - 1), 2, run),
    events: events(s, 3 * n - 1, 2),
  };
  return [accept, done];
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * 0.99)] ?? 0;
}

/** Per-turn microseconds through the store, one session, turns one after another. */
async function storeTurns(
  path: string,
  synchronous: Sync,
  groupCommit: boolean,
): Promise<number[]> {
  const store = await openSqliteStore(path, { synchronous, groupCommit });
  const samples: number[] = [];
  for (let n = 1; n <= TURNS + WARMUP; n += 1) {
    const [accept, done] = turn('bench', n);
    const start = performance.now();
    await store.commit(runtimeIdOf('bench'), accept);
    await store.commit(runtimeIdOf('bench'), done);
    if (n > WARMUP) samples.push((performance.now() - start) * 1000);
  }
  await store.close();
  return samples;
}

/** The floor: the same two transactions and the same JSON text, written directly. */
function rawTurns(path: string, synchronous: Sync): number[] {
  const floor = openRawFloor(path, synchronous);
  const samples: number[] = [];
  for (let n = 1; n <= TURNS + WARMUP; n += 1) {
    const [first, second] = turn('bench', n);
    const start = performance.now();
    floor.write(first);
    floor.write(second);
    if (n > WARMUP) samples.push((performance.now() - start) * 1000);
  }
  floor.close();
  return samples;
}

/** Turns per second with `sessions` sessions running turns concurrently. */
async function concurrentTurns(
  path: string,
  groupCommit: boolean,
  sessions: number,
): Promise<{
  turnsPerSecond: number;
  transactions: number;
  commits: number;
}> {
  const store = await openSqliteStore(path, { groupCommit });
  const perSession = Math.max(5, Math.floor(TURNS / 8));
  const start = performance.now();
  await Promise.all(
    Array.from({ length: sessions }, async (_, i) => {
      for (let n = 1; n <= perSession; n += 1) {
        const [accept, done] = turn(`c${i}`, n);
        await store.commit(runtimeIdOf(`c${i}`), accept);
        await store.commit(runtimeIdOf(`c${i}`), done);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const { transactions, commits } = store.statistics();
  await store.close();
  return { turnsPerSecond: Math.round((sessions * perSession) / seconds), transactions, commits };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'burrow-bench-'));
  let file = 0;
  const fresh = (): string => join(dir, `db-${(file += 1)}.sqlite`);
  try {
    console.log(
      `SQLite store: one session, ${TURNS} turns of two commits each (accept, run), after ${WARMUP} warm-up turns`,
    );
    console.log(
      '| synchronous | raw floor median µs | store median µs | store p99 µs | ratio | store, group commit off, median µs |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const synchronous of ['full', 'normal'] as const) {
      const raw = median(rawTurns(fresh(), synchronous));
      const samples = await storeTurns(fresh(), synchronous, true);
      const ours = median(samples);
      const ungrouped = median(await storeTurns(fresh(), synchronous, false));
      console.log(
        `| ${synchronous} | ${raw.toFixed(0)} | ${ours.toFixed(0)} | ${p99(samples).toFixed(0)} | ${(ours / raw).toFixed(2)} | ${ungrouped.toFixed(0)} |`,
      );
    }
    const sessions = 64;
    console.log(
      `\nGroup commit: ${sessions} sessions running turns concurrently (synchronous full)`,
    );
    console.log('| group commit | turns/s | commits | transactions |');
    console.log('|---|---|---|---|');
    for (const groupCommit of [false, true]) {
      const result = await concurrentTurns(fresh(), groupCommit, sessions);
      console.log(
        `| ${groupCommit ? 'on' : 'off'} | ${result.turnsPerSecond} | ${result.commits} | ${result.transactions} |`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
