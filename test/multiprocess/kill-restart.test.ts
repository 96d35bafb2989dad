// A server process SIGKILLed and restarted at once, before the killed process is reaped (04, Recovery
// 5 and 7): its leases are still unexpired and its pid still exists as a zombie, yet the restarted
// runtime recovers every session and resumes the queued work without any client call.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { processState } from '../support/process-state.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { forwardStderr } from '../support/child-output.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

const CHILD = fileURLToPath(new URL('./kill-child.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const SESSIONS = 10;
const INPUTS = 3;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const quote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

/**
 * Starts the child under a shell that then becomes `sleep`, a parent that never waits: once killed,
 * the child stays a zombie (not reaped) for as long as the test wants.
 */
async function startUnreapedChild(database: string): Promise<number> {
  const command = [process.execPath, '--import', TSX, CHILD, database, SESSIONS, INPUTS]
    .map((part) => quote(String(part)))
    .join(' ');
  const shell = spawn('sh', ['-c', `${command} & echo $!; exec sleep 600`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  forwardStderr(shell);
  cleanup.push(() => void shell.kill('SIGKILL'));
  const lines = createInterface({ input: shell.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const pid = Number((await iterator.next()).value);
  cleanup.push(() => {
    if (processState(pid) !== null && processState(pid) !== 'Z') process.kill(pid, 'SIGKILL');
  });
  expect((await iterator.next()).value).toBe('ready');
  return pid;
}

describe('a server killed with SIGKILL and restarted at once', () => {
  it('recovers every session although the killed process is not reaped yet, and resumes its queued work', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burrow-kill-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const database = join(dir, 'runtime.db');
    await (await openSqliteStore(database)).close();
    const pid = await startUnreapedChild(database);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 500 && processState(pid) !== 'Z'; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(processState(pid)).toBe('Z');

    const observer = await openSqliteStore(database);
    cleanup.push(() => observer.close());
    const leases = await observer.listRecoverableLeases();
    expect(leases).toHaveLength(SESSIONS);
    expect(leases.every((l) => l.owner !== null && (l.expiresAt ?? 0) > Date.now())).toBe(true);

    const { runtime } = await testRuntime({
      store: await openSqliteStore(database),
      executorFactory: () => echoExecutor(),
    });
    expect(await runtime.recover()).toEqual({ recovered: SESSIONS, failed: [], heldElsewhere: 0 });
    expect(processState(pid)).toBe('Z');

    // No client touches any session from here: every accepted input runs to its end.
    const deadline = Date.now() + 15_000;
    let live = Number.POSITIVE_INFINITY;
    while (live > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      live = (await observer.listRecoverable()).length;
    }
    expect(live).toBe(0);
    for (let s = 0; s < SESSIONS; s += 1) {
      const stored = await observer.load(runtimeIdOf(`s${s}`));
      expect(stored?.inputs.map((input) => input.state.status)).toEqual(
        Array.from({ length: INPUTS }, () => 'consumed'),
      );
    }
  }, 60_000);
});
