// Durable accept throughput, group commit on and off: across many sessions (issue 4), and within ONE
// session from concurrent callers (issue 13). Every accept is committed (fsync with synchronous FULL)
// before it is acknowledged.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRuntime } from '../dist/index.js';
import { openSqliteStore } from '../dist/sqlite.js';
import type { BenchResult } from './bench-result.js';
import { median, round } from './bench-result.js';

/** Who sends: `sessions` sessions with `callers` concurrent callers each, `perCaller` accepts in turn. */
interface Load {
  readonly sessions: number;
  readonly callers: number;
  readonly perCaller: number;
}

async function acceptsPerSecond(
  path: string,
  groupCommit: boolean,
  load: Load,
): Promise<{ rate: number; transactions: number }> {
  const store = await openSqliteStore(path, { groupCommit });
  // Group commit off is off at both levels: across sessions (the store) and within one (the runtime).
  const runtime = await createRuntime({
    store,
    pruneIntervalMs: 0,
    groupCommit,
    maxQueuedInputs: load.callers * load.perCaller + 1,
  });
  const ids = Array.from({ length: load.sessions }, (_, i) => `s${i}`);
  for (const id of ids) await runtime.registerSession(id);
  const before = store.statistics().transactions;
  const start = performance.now();
  await Promise.all(
    ids.flatMap((id) =>
      Array.from({ length: load.callers }, async () => {
        for (let i = 0; i < load.perCaller; i += 1)
          await runtime.acceptInput(id, { kind: 'prompt', content: 'x' });
      }),
    ),
  );
  const seconds = (performance.now() - start) / 1000;
  const transactions = store.statistics().transactions - before;
  await runtime.close();
  return { rate: (load.sessions * load.callers * load.perCaller) / seconds, transactions };
}

/** On and off alternately, `rounds` times, after one unmeasured warm-up of each. */
async function compare(
  dir: string,
  tag: string,
  load: Load,
  rounds: number,
): Promise<{ on: number; off: number; txOn: number; txOff: number }> {
  await acceptsPerSecond(join(dir, `${tag}-warm-on.db`), true, load);
  await acceptsPerSecond(join(dir, `${tag}-warm-off.db`), false, load);
  const on: number[] = [];
  const off: number[] = [];
  let txOn = 0;
  let txOff = 0;
  for (let r = 0; r < rounds; r += 1) {
    const grouped = await acceptsPerSecond(join(dir, `${tag}-on-${r}.db`), true, load);
    const single = await acceptsPerSecond(join(dir, `${tag}-off-${r}.db`), false, load);
    on.push(grouped.rate);
    off.push(single.rate);
    txOn = grouped.transactions;
    txOff = single.transactions;
  }
  return { on: median(on), off: median(off), txOn, txOff };
}

/** Runs the benchmark. */
export async function runDurableAccept(quick = false): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'burrow-accept-'));
  try {
    const rounds = quick ? 1 : 3;
    const many: Load = { sessions: quick ? 50 : 200, callers: 1, perCaller: quick ? 5 : 10 };
    const one: Load = { sessions: 1, callers: 10, perCaller: quick ? 20 : 100 };
    const results: BenchResult[] = [];
    const across = await compare(dir, 'many', many, rounds);
    const count = (load: Load): number => load.sessions * load.callers * load.perCaller;
    results.push({
      name: `durable accepts, ${many.sessions} sessions concurrently (synchronous FULL): group commit on vs off`,
      value: round(across.on),
      unit: 'accepts/s',
      peer: 'group commit off',
      peerValue: round(across.off),
      note: `${count(many)} accepts in ${across.txOn} transactions (on) vs ${across.txOff} (off)`,
      higherIsBetter: true,
    });
    const within = await compare(dir, 'one', one, rounds);
    results.push({
      name: `durable accepts into ONE session from ${one.callers} concurrent callers (synchronous FULL): group commit on vs off`,
      value: round(within.on),
      unit: 'accepts/s',
      peer: 'group commit off',
      peerValue: round(within.off),
      target: '>= 5x group commit off',
      note: `${count(one)} accepts in ${within.txOn} transactions (on) vs ${within.txOff} (off)`,
      higherIsBetter: true,
    });
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
