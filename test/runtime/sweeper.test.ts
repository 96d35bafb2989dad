// Ownership recovers by itself (04, Recovery 7): the sweeper claims a session with work whose owner is
// gone (a dead process of this machine, or an expired lease of a live one that stalled) and resumes it
// without any client; a failed recovery is logged with its reason and retried, backing off.

import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import {
  currentIdentity,
  formatOwnerId,
  processStartTime,
} from '../../src/runtime/ownership/owner-identity.js';
import type { RuntimeLogger } from '../../src/runtime/runtime-context.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { rewriteSqliteRecords } from '../../src/store/sqlite/sqlite-rewrite.test-support.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

const RT = runtimeIdOf('s1');
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A database with session s1 registered and one input queued in it (no lease held). */
async function seeded(): Promise<{ path: string; inputId: string; observer: SqliteStore }> {
  const dir = await mkdtemp(join(tmpdir(), 'burrow-sweeper-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'runtime.db');
  const runtime = await createRuntime({ store: await openSqliteStore(path), pruneIntervalMs: 0 });
  await runtime.registerSession('s1');
  const { inputId } = await runtime.acceptInput('s1', { kind: 'prompt', content: 'queued' });
  await runtime.close();
  // Watches the file the way another process would: it never touches the runtime under test.
  const observer = await openSqliteStore(path);
  cleanup.push(() => observer.close());
  return { path, inputId, observer };
}

async function statusOf(store: SqliteStore, inputId: string): Promise<string | undefined> {
  return (await store.readInput(RT, inputId))?.state.status;
}

/** Polls until `inputId` is consumed or `ms` passed; returns its last status. */
async function settled(store: SqliteStore, inputId: string, ms = 5_000): Promise<string> {
  const deadline = Date.now() + ms;
  let status = await statusOf(store, inputId);
  while (status !== 'consumed' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    status = await statusOf(store, inputId);
  }
  return status ?? 'missing';
}

function ownerIdOf(pid: number, startTime: string | null): string {
  return formatOwnerId({ ...currentIdentity('x'), pid, startTime, nonce: 'crashed' });
}

function recordingLogger(): RuntimeLogger & { warnings: { message: string; fields: object }[] } {
  const warnings: { message: string; fields: object }[] = [];
  return {
    warnings,
    warn: (message, fields = {}) => warnings.push({ message, fields }),
    error: () => undefined,
  };
}

describe('the sweeper', () => {
  it('takes the unexpired lease of a process of this machine that is gone, and runs its queued work', async () => {
    const { path, inputId, observer } = await seeded();
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
    expect(await observer.claim(RT, ownerIdOf(gone.pid, '1'), 600_000, Date.now())).not.toBeNull();
    // No recover() and no client call: only the sweeper can resume the session.
    await testRuntime({
      store: await openSqliteStore(path),
      executorFactory: () => echoExecutor(),
      sweepIntervalMs: 50,
    });
    expect(await settled(observer, inputId)).toBe('consumed');
  });

  it('leaves the lease of a live process that stalled alone until it expires, then takes it', async () => {
    const { path, inputId, observer } = await seeded();
    const stalled: ChildProcess = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanup.push(() => void stalled.kill('SIGKILL'));
    const pid = stalled.pid ?? 0;
    const owner = ownerIdOf(pid, processStartTime(pid));
    expect(await observer.claim(RT, owner, 600, Date.now())).not.toBeNull();
    const { runtime } = await testRuntime({
      store: await openSqliteStore(path),
      executorFactory: () => echoExecutor(),
      sweepIntervalMs: 50,
    });
    expect(await runtime.recover()).toEqual({ recovered: 0, failed: [], heldElsewhere: 1 });
    expect(await statusOf(observer, inputId)).toBe('queued');
    expect(await settled(observer, inputId)).toBe('consumed');
    expect((await observer.owner(RT))?.hostId).not.toBe(owner);
  });

  it('logs each failed recovery with its reason, retries it at the next sweep, then backs off', async () => {
    const { path, inputId, observer } = await seeded();
    await rewriteSqliteRecords(path, RT, 'input', (text) =>
      text.replace('"recordVersion":1', '"recordVersion":99'),
    );
    const logger = recordingLogger();
    const { runtime, clock } = await testRuntime({
      store: await openSqliteStore(path),
      executorFactory: () => echoExecutor(),
      sweepIntervalMs: 1_000,
      manual: true,
      logger,
    });
    if (clock === null) throw new Error('manual clock expected');
    const failures = (): number =>
      logger.warnings.filter((w) => w.message === 'could not recover a session').length;
    const report = await runtime.recover();
    expect(report.failed).toEqual([
      { sessionId: 's1', error: expect.stringMatching(/unknown record version 99/) as string },
    ]);
    expect(logger.warnings[0]?.fields).toMatchObject({
      sessionId: 's1',
      error: expect.stringMatching(/unknown record version 99/) as string,
    });
    // Attempts at sweeps 1, 3 and 7: the first retry is at once, then the sweeps sat out double.
    const attempts: number[] = [];
    for (let sweep = 1; sweep <= 7; sweep += 1) {
      const before = failures();
      clock.advance(1_000);
      await clock.untilSleepers(2);
      if (failures() > before) attempts.push(sweep);
    }
    expect(attempts).toEqual([1, 3, 7]);
    // Repaired by an operator: the next attempt (after 7 more sweeps) recovers it and runs its input.
    await rewriteSqliteRecords(path, RT, 'input', (text) =>
      text.replace('"recordVersion":99', '"recordVersion":1'),
    );
    for (let sweep = 0; sweep < 8; sweep += 1) {
      clock.advance(1_000);
      await clock.untilSleepers(2);
    }
    expect(await settled(observer, inputId)).toBe('consumed');
    expect(failures()).toBe(4);
  });
});
