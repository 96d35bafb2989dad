// The lease guard (04, "Many hosts on one PostgreSQL"; issue 11): a host whose lease renewals fail
// hard-cancels the running turn and drops the session before its lease expires, writing nothing; the
// input stays queued in the store and the next owner runs it (one receipt, the new owner's). On a
// SQLite file shared by two runtimes, and on PostgreSQL when BURROW_TEST_PG_URL is set.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { leaseSafetyMarginMs } from '../../src/runtime/ownership/lease-guard.js';
import type { Executor } from '../../src/runtime/executor.js';
import type { TestSchema } from '../../src/store/postgres/pg-test-schema.test-support.js';
import {
  createTestSchema,
  describeWithPg,
} from '../../src/store/postgres/pg-test-schema.test-support.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { RuntimeStore } from '../../src/store/runtime-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { flush } from '../support/deferred.js';
import type { ManualClock } from '../support/manual-clock.js';
import { testRuntime } from '../support/runtime-fixture.js';
import { databaseFile } from '../support/temp-database.js';
import { runtimeIdOf } from '../../src/store/runtime-store.js';

const RT = runtimeIdOf('s1');
const TTL = 3_000;
const STEP = 250;

/** How host A's renewals go: through, rejected (store unreachable), or never answered (late). */
type Renewals = 'ok' | 'fail' | 'hang';

/** The store boundary of host A: renewals can be made to fail or hang, and commits are recorded. */
interface Wrapped {
  readonly store: RuntimeStore;
  renewals: Renewals;
  /** Renewals passed to the store and not answered yet. */
  pending: number;
  readonly commitTimes: number[];
}

function wrap(inner: RuntimeStore, clock: () => ManualClock | null): Wrapped {
  const wrapped: Wrapped = { store: inner, renewals: 'ok', pending: 0, commitTimes: [] };
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'renew')
        return (hostId: string, ttlMs: number, now: number) => {
          if (wrapped.renewals === 'fail')
            return Promise.reject(new Error('the store is unreachable (test)'));
          if (wrapped.renewals === 'hang') return new Promise(() => undefined);
          wrapped.pending += 1;
          return (target.renew?.(hostId, ttlMs, now) ?? Promise.resolve()).finally(() => {
            wrapped.pending -= 1;
          });
        };
      if (property === 'commit')
        return (...args: Parameters<RuntimeStore['commit']>) => {
          wrapped.commitTimes.push(clock()?.now() ?? Number.NaN);
          return target.commit(...args);
        };
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  return Object.assign(wrapped, { store });
}

async function scenario(open: () => Promise<RuntimeStore>, renewals: Renewals): Promise<void> {
  let clockA: ManualClock | null = null;
  const boundary = wrap(await open(), () => clockA);
  let abortedAt: number | null = null;
  let runs = 0;
  // Host A's turn runs until its signal aborts, and notes when (A's clock).
  const untilAborted: Executor = {
    apply: (_run, ctx) => {
      runs += 1;
      return new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          abortedAt = clockA?.now() ?? null;
          reject(ctx.signal.reason);
        });
      });
    },
  };
  const a = await testRuntime({
    store: boundary.store,
    hostId: 'host-a',
    manual: true,
    leaseTtlMs: TTL,
    sweepIntervalMs: 0,
  });
  clockA = a.clock;
  await a.runtime.registerSessionWithExecutor('s1', untilAborted);
  const { inputId, completion } = await a.runtime.acceptInput('s1', {
    kind: 'prompt',
    content: 'hello',
  });
  while ((await a.runtime.snapshot('s1')).run === null) await flush();

  // While renewals go through, the lease holds however long the turn runs. (Each renewal is answered
  // before A's clock moves on: on the manual clock a store's round trip would otherwise look late.)
  for (let i = 0; i < (3 * TTL) / STEP; i += 1) {
    clockA?.advance(STEP);
    await flush();
    while (boundary.pending > 0) await new Promise((resolve) => setTimeout(resolve, 2));
    await flush();
  }
  expect(abortedAt).toBeNull();
  expect(a.runtime.diagnostics().sessions.map((s) => s.sessionId)).toContain('s1');

  const observer = await open();
  boundary.renewals = renewals;
  const expiresAt = (await observer.owner?.(RT))?.expiresAt ?? 0;
  while (abortedAt === null && (clockA?.now() ?? Infinity) < expiresAt) {
    clockA?.advance(STEP);
    await flush();
  }
  // The turn was cancelled before the lease expired, at least the margin (less one step) before.
  expect(abortedAt).not.toBeNull();
  expect(expiresAt - (abortedAt ?? expiresAt)).toBeGreaterThanOrEqual(
    leaseSafetyMarginMs(TTL) - STEP,
  );
  expect(await completion).toEqual({ status: 'runtime_terminated', reason: 'fenced' });
  expect(a.runtime.diagnostics().sessions.map((s) => s.sessionId)).not.toContain('s1');
  const ownership = a.runtime.diagnostics().ownership;
  expect(ownership).toMatchObject({ hostId: 'host-a', leasesHeld: 0, lapsed: 1 });
  expect(ownership?.renewals).toBeGreaterThan(0);
  if (renewals === 'fail') expect(ownership?.renewalFailures).toBeGreaterThan(0);
  // Host A wrote nothing after the abort, and nothing of the turn is in the store.
  expect(boundary.commitTimes.filter((at) => at >= (abortedAt ?? 0))).toEqual([]);
  expect(await observer.readReceipts(RT, 0, 10)).toEqual([]);

  // Host B takes the session over once the lease expired and runs the input: one receipt, B's.
  const b = await testRuntime({
    store: await open(),
    hostId: 'host-b',
    manual: true,
    leaseTtlMs: TTL,
    sweepIntervalMs: 100,
    executorFactory: () => echoExecutor({ prefix: 'from b: ' }),
  });
  const deadline = Date.now() + 15_000;
  let status = (await observer.readInput(RT, inputId))?.state.status;
  while (status !== 'consumed' && Date.now() < deadline) {
    b.clock?.advance(TTL + 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    status = (await observer.readInput(RT, inputId))?.state.status;
  }
  expect(status).toBe('consumed');
  expect(await observer.owner?.(RT)).toMatchObject({ hostId: 'host-b' });
  expect((await observer.readReceipts(RT, 0, 10)).map((r) => r.inputIds)).toEqual([[inputId]]);
  expect(JSON.stringify(await observer.readTranscript(RT, 0, 100))).toContain('from b: ');
  expect(runs).toBe(1);
  expect(boundary.commitTimes.filter((at) => at >= (abortedAt ?? 0))).toEqual([]);
  await observer.close();
}

describe('the lease guard on one SQLite file', () => {
  it('cancels the turn and drops the session before the lease expires when renewals fail; the next owner runs the input', async () => {
    const path = await databaseFile('burrow-lease-guard-');
    await scenario(() => openSqliteStore(path), 'fail');
  });

  it('does the same when a renewal never answers (late)', async () => {
    const path = await databaseFile('burrow-lease-guard-');
    await scenario(() => openSqliteStore(path), 'hang');
  });
});

describeWithPg('the lease guard on PostgreSQL', (url) => {
  let schema: TestSchema;
  const stores: RuntimeStore[] = [];
  beforeEach(() => {
    schema = createTestSchema(url);
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await schema.drop();
  });

  it('cancels the turn and drops the session before the lease expires when renewals fail; the next owner runs the input', async () => {
    await scenario(async () => {
      const store = await openPostgresStore(url, { schema: schema.name, poolSize: 2 });
      stores.push(store);
      return store;
    }, 'fail');
  });
});
