// Recovery (issue 4): 10,000 sessions with 10 queued inputs each; time from process start to every
// session recovered with an executor attached, in a fresh child process running the compiled runtime.

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime } from '../dist/index.js';
import { openSqliteStore } from '../dist/sqlite.js';
import type { BenchResult } from './bench-result.js';
import { median } from './bench-result.js';

async function seed(path: string, sessions: number, inputs: number): Promise<void> {
  const runtime = await createRuntime({
    store: await openSqliteStore(path, { synchronous: 'normal' }),
    pruneIntervalMs: 0,
  });
  const ids = Array.from({ length: sessions }, (_, i) => `s${i}`);
  for (let i = 0; i < ids.length; i += 200) {
    await Promise.all(
      ids.slice(i, i + 200).map(async (id) => {
        await runtime.registerSession(id);
        for (let n = 0; n < inputs; n += 1)
          await runtime.acceptInput(id, { kind: 'prompt', content: `queued ${n}` });
      }),
    );
  }
  await runtime.close();
}

/** Runs the benchmark. */
export async function runRecovery(quick = false): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'burrow-recovery-'));
  try {
    const sessions = quick ? 1_000 : 10_000;
    const path = join(dir, 'recovery.db');
    await seed(path, sessions, 10);
    const child = fileURLToPath(new URL('./recovery-child.mjs', import.meta.url));
    const samples: number[] = [];
    for (let r = 0; r < (quick ? 1 : 3); r += 1) {
      const output = execFileSync(process.execPath, [child, path], { encoding: 'utf8' });
      const m = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as {
        readyMs: number;
        sessions: number;
        failed: number;
      };
      if (m.sessions !== sessions || m.failed !== 0)
        throw new Error(
          `recovered ${m.sessions} sessions (${m.failed} failed), expected ${sessions}`,
        );
      samples.push(m.readyMs / 1000);
    }
    return [
      {
        name: `recovery: ${sessions.toLocaleString('en')} sessions x 10 queued inputs, process start to all ready`,
        value: Number(median(samples).toFixed(2)),
        unit: 's',
        target: '< 5 s',
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
