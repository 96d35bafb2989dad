// Durable accept throughput with many sessions (issue 4), group commit on and off: every accept is
// committed (fsync with synchronous FULL) before it is acknowledged.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRuntime } from '../dist/index.js';
import { openSqliteStore } from '../dist/sqlite.js';
import type { BenchResult } from './bench-result.js';
import { median, round } from './bench-result.js';

async function acceptsPerSecond(
  path: string,
  groupCommit: boolean,
  sessions: number,
  perSession: number,
): Promise<{ rate: number; transactions: number }> {
  const store = await openSqliteStore(path, { groupCommit });
  const runtime = await createRuntime({ store, pruneIntervalMs: 0 });
  const ids = Array.from({ length: sessions }, (_, i) => `s${i}`);
  for (const id of ids) await runtime.registerSession(id);
  const before = store.statistics().transactions;
  const start = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      for (let i = 0; i < perSession; i += 1)
        await runtime.acceptInput(id, { kind: 'prompt', content: 'x' });
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const transactions = store.statistics().transactions - before;
  await runtime.close();
  return { rate: (sessions * perSession) / seconds, transactions };
}

/** Runs the benchmark. */
export async function runDurableAccept(quick = false): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'burrow-accept-'));
  try {
    const sessions = quick ? 50 : 200;
    const perSession = quick ? 5 : 10;
    const rounds = quick ? 1 : 3;
    const results: BenchResult[] = [];
    const on: number[] = [];
    const off: number[] = [];
    let txOn = 0;
    let txOff = 0;
    for (let r = 0; r < rounds; r += 1) {
      const grouped = await acceptsPerSecond(join(dir, `on-${r}.db`), true, sessions, perSession);
      const single = await acceptsPerSecond(join(dir, `off-${r}.db`), false, sessions, perSession);
      on.push(grouped.rate);
      off.push(single.rate);
      txOn = grouped.transactions;
      txOff = single.transactions;
    }
    results.push({
      name: `durable accepts, ${sessions} sessions concurrently (synchronous FULL): group commit on vs off`,
      value: round(median(on)),
      unit: 'accepts/s',
      peer: 'group commit off',
      peerValue: round(median(off)),
      note: `${sessions * perSession} accepts in ${txOn} transactions (on) vs ${txOff} (off)`,
      higherIsBetter: true,
    });
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
