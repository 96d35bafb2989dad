// Group commit within one session under SIGKILL (issue 13): ten callers accept into one session that
// runs turns at the same time, and the process is killed at a random moment. Every input whose accept
// returned is in the file, the inputs that were not acknowledged are whole or absent, the stream is
// gapless, and a runtime restarted at once (same host) finishes every stored input exactly once.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { forwardStderr } from '../support/child-output.js';
import { testRuntime } from '../support/runtime-fixture.js';

const CHILD = fileURLToPath(new URL('./group-commit-child.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const RT = runtimeIdOf('s1');
const HOST = 'group-commit-kill-host';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Runs the child until it printed `acks` acknowledged ids, SIGKILLs it, and returns them all. */
async function acceptUntilKilled(database: string, acks: number): Promise<string[]> {
  const child = forwardStderr(
    spawn(process.execPath, ['--import', TSX, CHILD, database, HOST], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  cleanup.push(() => void child.kill('SIGKILL'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const acked: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'ready') continue;
    acked.push(line);
    if (acked.length === acks) child.kill('SIGKILL');
  }
  await exited;
  return acked;
}

describe('group commit within one session, killed with SIGKILL', () => {
  it.each([40, 150, 400])(
    'keeps every acknowledged accept and finishes each stored input once after a restart (kill after %i acks)',
    async (acks) => {
      const dir = await mkdtemp(join(tmpdir(), 'burrow-group-kill-'));
      cleanup.push(() => rm(dir, { recursive: true, force: true }));
      const database = join(dir, 'runtime.db');
      await (await openSqliteStore(database)).close();
      const acked = await acceptUntilKilled(database, acks);
      expect(acked.length).toBeGreaterThanOrEqual(acks);

      const observer = await openSqliteStore(database);
      cleanup.push(() => observer.close());
      const stored = (await observer.load(RT))?.inputs ?? [];
      const storedIds = new Set(stored.map((r) => r.header.inputId));
      for (const id of acked) expect(storedIds.has(id), `acknowledged ${id} is stored`).toBe(true);
      // Every stored input is whole: its content is its id (the child sends them so).
      for (const record of stored) expect(record.payload['content']).toBe(record.header.inputId);
      const events = await observer.readEvents(RT, 0, 1_000_000);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

      // Restarted at once under the same host id: every stored input ends, each consumed once.
      const { runtime } = await testRuntime({
        store: await openSqliteStore(database),
        executorFactory: () => echoExecutor(),
        hostId: HOST,
      });
      await runtime.recover();
      const deadline = Date.now() + 30_000;
      while ((await observer.listRecoverable()).length > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const finished = (await observer.load(RT))?.inputs ?? [];
      expect(finished.every((r) => r.state.status === 'consumed')).toBe(true);
      const receipts = await observer.readReceipts(RT, 0, Number.POSITIVE_INFINITY);
      const consumed = receipts.flatMap((r) => r.inputIds);
      expect(new Set(consumed).size).toBe(consumed.length);
      expect(new Set(consumed)).toEqual(new Set(finished.map((r) => r.header.inputId)));
    },
    60_000,
  );
});
