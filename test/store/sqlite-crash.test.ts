// Durable before acknowledged (04, promise 1): a process killed with SIGKILL mid-stream of commits
// loses nothing it acknowledged, and no commit is torn.

import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TempDatabase } from '../../src/store/sqlite/temp-database.test-support.js';
import { createTempDatabase } from '../../src/store/sqlite/temp-database.test-support.js';
import { forwardStderr } from '../support/child-output.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

const CHILD = fileURLToPath(new URL('./sqlite-crash-child.ts', import.meta.url));

/** Children still running: a failed test must not leave one behind. */
const children = new Set<ChildProcess>();

/** Runs the child until it has acknowledged `acks` commits, SIGKILLs it, and returns the last ack per session. */
async function commitThenKill(path: string, acks: number): Promise<Map<string, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  forwardStderr(child);
  children.add(child);
  const acked = new Map<string, number>();
  let total = 0;
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_, signal) => resolve(signal)),
  );
  for await (const line of createInterface({ input: child.stdout })) {
    const match = /^acked (\w+) (\d+)$/.exec(line);
    if (match === null) continue;
    acked.set(match[1] ?? '', Number(match[2]));
    total += 1;
    if (total === acks) child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  return acked;
}

describe('SQLite store across a SIGKILL', () => {
  let temp: TempDatabase | null = null;
  afterEach(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    children.clear();
    await temp?.remove();
    temp = null;
  });

  it('keeps every acknowledged commit, whole, after the process is killed', async () => {
    temp = await createTempDatabase('burrow-crash-');
    const acked = await commitThenKill(temp.path, 400);
    expect(acked.size).toBe(4);
    const store = await openSqliteStore(temp.path);
    try {
      for (const [session, last] of acked) {
        const stored = await store.load(runtimeIdOf(session));
        // Commits after the last ack may have landed too (killed between COMMIT and the print).
        expect(stored?.inputs.length).toBeGreaterThanOrEqual(last);
        expect(stored?.transcriptLength).toBe(stored?.inputs.length);
        expect(stored?.inputs.map((record) => record.seq)).toEqual(
          Array.from({ length: stored?.inputs.length ?? 0 }, (_, i) => i + 1),
        );
      }
    } finally {
      await store.close();
    }
  });
});
