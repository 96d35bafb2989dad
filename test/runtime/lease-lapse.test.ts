// A renewal that renews only some leases (issue 11): the store names the leases it renewed, and a
// session held here whose lease is not among them has lapsed (another host claimed it, or this host
// woke from a pause past it). The next renewal gives it up at once: its running turn is cancelled,
// its waiters are told `runtime_terminated{fenced}`, `lapsed` counts it; renewed sessions stay.
// On a SQLite file, and on PostgreSQL when BURROW_TEST_PG_URL is set, shared with an observer that
// plays the other host; host A's clock is manual.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { heartbeatIntervalMs } from '../../src/runtime/ownership/lease-guard.js';
import type { Executor } from '../../src/runtime/executor.js';
import type { TestSchema } from '../../src/store/postgres/pg-test-schema.test-support.js';
import {
  createTestSchema,
  describeWithPg,
} from '../../src/store/postgres/pg-test-schema.test-support.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { RuntimeStore } from '../../src/store/runtime-store.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { flush } from '../support/deferred.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { databaseFile } from '../support/temp-database.js';

const TTL = 3_000;
const BEAT = heartbeatIntervalMs(TTL);

/** The observers the cases opened (host A's store is closed with host A). */
const observers: RuntimeStore[] = [];
afterEach(async () => {
  await Promise.all(observers.splice(0).map((store) => store.close()));
});

/** Host A holding s1 (a turn running until cancelled) and s2 (idle), and an observer on the same file. */
async function hostWithTwoSessions(open: () => Promise<RuntimeStore>): Promise<{
  a: Awaited<ReturnType<typeof testRuntime>>;
  observer: RuntimeStore;
  completion: Promise<unknown>;
  inputId: string;
  aborted: () => boolean;
  beat: (ms?: number) => Promise<void>;
}> {
  let aborted = false;
  const untilAborted: Executor = {
    apply: (_run, ctx) =>
      new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          aborted = true;
          reject(ctx.signal.reason);
        });
      }),
  };
  const a = await testRuntime({
    store: await open(),
    hostId: 'host-a',
    manual: true,
    leaseTtlMs: TTL,
    sweepIntervalMs: 0,
  });
  await a.runtime.registerSessionWithExecutor('s1', untilAborted);
  await a.runtime.registerSessionWithExecutor('s2', untilAborted);
  const { inputId, completion } = await a.runtime.acceptInput('s1', {
    kind: 'prompt',
    content: 'hello',
  });
  while ((await a.runtime.snapshot('s1')).run === null) await flush();
  // Moves A's clock to its next heartbeat (or `ms` on) and waits until the renewal it starts is answered.
  const beat = async (ms = BEAT): Promise<void> => {
    const renewals = (): number => a.runtime.diagnostics().ownership?.renewals ?? 0;
    const before = renewals();
    a.clock?.advance(ms);
    const deadline = Date.now() + 5_000;
    while (renewals() === before && Date.now() < deadline) await flush();
    await flush();
  };
  // A few renewals go through: both leases hold.
  for (let i = 0; i < 4; i += 1) await beat();
  expect(held(a)).toEqual(['s1', 's2']);
  const observer = await open();
  observers.push(observer);
  return { a, observer, completion, inputId, aborted: () => aborted, beat };
}

function held(a: Awaited<ReturnType<typeof testRuntime>>): string[] {
  return a.runtime
    .diagnostics()
    .sessions.map((s) => s.sessionId)
    .sort();
}

function lapseCases(open: () => Promise<RuntimeStore>): void {
  it('gives up at once a session another host claimed, and keeps the one it renewed', async () => {
    const { a, observer, completion, inputId, aborted, beat } = await hostWithTwoSessions(open);
    const now = a.clock?.now() ?? 0;
    // Host B takes s1 over (as if it had proven A dead): A's lease of s1 is gone before it expired.
    expect(await observer.claim?.(runtimeIdOf('s1'), 'host-b', TTL, now, 'host-a')).toBe(2);

    await beat();
    expect(aborted()).toBe(true);
    expect(await completion).toEqual({ status: 'runtime_terminated', reason: 'fenced' });
    expect(held(a)).toEqual(['s2']);
    expect(a.runtime.diagnostics().ownership).toMatchObject({ leasesHeld: 1, lapsed: 1 });
    // A wrote nothing for s1: its input is still pending for the owner, and B still owns it.
    expect((await observer.readInput(runtimeIdOf('s1'), inputId))?.state.status).not.toBe(
      'consumed',
    );
    expect(await observer.owner?.(runtimeIdOf('s1'))).toMatchObject({ hostId: 'host-b' });

    // s2's lease keeps being renewed, long past the time to live.
    for (let i = 0; i < (2 * TTL) / BEAT; i += 1) await beat();
    expect(held(a)).toEqual(['s2']);
    expect(await observer.owner?.(runtimeIdOf('s2'))).toEqual({
      hostId: 'host-a',
      expiresAt: (a.clock?.now() ?? 0) + TTL,
    });
    expect(a.runtime.diagnostics().ownership).toMatchObject({ lapsed: 1 });
  });

  it('gives up every session whose lease expired while the host was paused, on its first renewal', async () => {
    const { a, observer, completion, aborted, beat } = await hostWithTwoSessions(open);
    // The host wakes past its leases (a SIGSTOP longer than the time to live): the renewal it runs
    // on waking renews nothing, and nothing is revived.
    await beat(TTL + BEAT);
    expect(aborted()).toBe(true);
    expect(await completion).toEqual({ status: 'runtime_terminated', reason: 'fenced' });
    expect(held(a)).toEqual([]);
    expect(a.runtime.diagnostics().ownership).toMatchObject({ leasesHeld: 0, lapsed: 2 });
    const expired = await observer.owner?.(runtimeIdOf('s2'));
    expect(expired?.expiresAt).toBeLessThanOrEqual(a.clock?.now() ?? 0);
    // Another host may claim them now.
    expect(await observer.claim?.(runtimeIdOf('s2'), 'host-b', TTL, a.clock?.now() ?? 0)).not.toBe(
      null,
    );
  });
}

describe('a renewal that renews only some leases, on one SQLite file', () => {
  let path: string;
  beforeEach(async () => {
    path = await databaseFile('burrow-lease-lapse-');
  });
  lapseCases(() => openSqliteStore(path));
});

describeWithPg('a renewal that renews only some leases, on PostgreSQL', (url) => {
  let schema: TestSchema;
  beforeEach(() => {
    schema = createTestSchema(url);
  });
  afterEach(async () => {
    await schema.drop();
  });
  lapseCases(() => openPostgresStore(url, { schema: schema.name, poolSize: 2 }));
});
