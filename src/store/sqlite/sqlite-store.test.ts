// Runs the conformance suite against SQLite files, plus what only SQLite has: pragmas, migrations,
// group commit, several connections on one file, and failures of the database underneath.

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStoreConformance } from '../conformance.js';
import { input, lifecycle, messages } from '../conformance/fixtures.js';
import { expectBurrowError } from '../conformance/harness.js';
import type { SqliteStore } from './sqlite-store.js';
import { openSqliteStore } from './sqlite-store.js';
import { rewriteSqliteRecords } from './sqlite-rewrite.test-support.js';
import type { TempDatabase } from './temp-database.test-support.js';
import { createTempDatabase } from './temp-database.test-support.js';
import { runtimeIdOf } from '../runtime-store.js';

const RT = runtimeIdOf('s1');

runStoreConformance('sqlite', async () => {
  const temp = await createTempDatabase();
  return {
    store: await openSqliteStore(temp.path),
    reopen: () => openSqliteStore(temp.path),
    cleanup: () => temp.remove(),
    rewriteRecords: (...args) => rewriteSqliteRecords(temp.path, ...args),
  };
});

runStoreConformance(
  'sqlite without group commit, synchronous normal',
  async () => {
    const temp = await createTempDatabase();
    const open = (): Promise<SqliteStore> =>
      openSqliteStore(temp.path, { groupCommit: false, synchronous: 'normal' });
    return { store: await open(), reopen: open, cleanup: () => temp.remove() };
  },
  { refusals: false },
);

describe('openSqliteStore', () => {
  let temp: TempDatabase;
  const open: SqliteStore[] = [];
  const track = async (store: Promise<SqliteStore>): Promise<SqliteStore> => {
    const opened = await store;
    open.push(opened);
    return opened;
  };
  beforeEach(async () => {
    temp = await createTempDatabase();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
    await temp.remove();
  });

  it('uses WAL, synchronous FULL and the busy timeout by default, and NORMAL when asked', async () => {
    const store = await track(openSqliteStore(temp.path, { busyTimeoutMs: 1234 }));
    expect(store.settings()).toEqual({
      journalMode: 'wal',
      synchronous: 'full',
      busyTimeoutMs: 1234,
      schemaVersion: 5,
    });
    const normal = await track(openSqliteStore(temp.path, { synchronous: 'normal' }));
    expect(normal.settings()).toMatchObject({ synchronous: 'normal', busyTimeoutMs: 5000 });
  });

  it('records each migration once in schema_version, and reopening migrates nothing again', async () => {
    const first = await openSqliteStore(temp.path);
    await first.commit(RT, { lifecycle: lifecycle('s1') });
    await first.close();
    const second = await track(openSqliteStore(temp.path));
    expect((await second.load(RT))?.lifecycle).toEqual(lifecycle('s1'));
    const raw = new Database(temp.path, { readonly: true });
    try {
      const rows = raw.prepare('SELECT version, name FROM schema_version').all();
      expect(rows).toEqual([
        { version: 1, name: 'initial' },
        { version: 2, name: 'readiness-probe' },
        { version: 3, name: 'events-in-append-order' },
        { version: 4, name: 'live-input-counts' },
        { version: 5, name: 'compact-rows' },
      ]);
    } finally {
      raw.close();
    }
  });

  it('refuses a database whose schema is newer than this build', async () => {
    await (await openSqliteStore(temp.path)).close();
    const raw = new Database(temp.path);
    raw.prepare("INSERT INTO schema_version VALUES (99, 'future', 'x')").run();
    raw.close();
    await expectBurrowError(openSqliteStore(temp.path), 'store_unavailable', /version 99/);
  });

  it('fails store_unavailable when the file cannot be opened', async () => {
    await expectBurrowError(
      openSqliteStore(`${temp.dir}/missing/dir/runtime.db`),
      'store_unavailable',
    );
  });

  it('merges commits of the same tick into one transaction, and acknowledges none before COMMIT', async () => {
    const store = await track(openSqliteStore(temp.path));
    const settled: string[] = [];
    const commits = Array.from({ length: 50 }, (_, i) =>
      store
        .commit(runtimeIdOf(`g${i}`), { lifecycle: lifecycle(`g${i}`) })
        .then(() => settled.push(`g${i}`)),
    );
    // Microtasks alone cannot settle a commit: the flush runs on setImmediate.
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toEqual([]);
    const outside = new Database(temp.path, { readonly: true });
    try {
      const count = outside.prepare('SELECT COUNT(*) FROM sessions').pluck();
      expect(count.get()).toBe(0);
      await Promise.all(commits);
      expect(count.get()).toBe(50);
    } finally {
      outside.close();
    }
    expect(store.statistics()).toEqual({
      commits: 50,
      transactions: 1,
      largestGroup: 50,
      groupRetries: 0,
    });
  });

  it('gives every commit its own transaction when group commit is off', async () => {
    const store = await track(openSqliteStore(temp.path, { groupCommit: false }));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.commit(runtimeIdOf(`g${i}`), { lifecycle: lifecycle(`g${i}`) }),
      ),
    );
    expect(store.statistics()).toMatchObject({ commits: 20, transactions: 20, largestGroup: 1 });
  });

  it('rolls a refused batch back to its savepoint and commits its neighbours in the same transaction', async () => {
    const store = await track(openSqliteStore(temp.path));
    await store.commit(RT, { transcript: messages(0, 1, 'r0') });
    const results = await Promise.allSettled([
      store.commit(runtimeIdOf('a'), { inputs: [input('a', 'x', 1)] }),
      store.commit(RT, { lifecycle: lifecycle('s1'), transcript: messages(0, 1, 'r1') }),
      store.commit(runtimeIdOf('b'), { inputs: [input('b', 'x', 1)] }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(store.statistics()).toMatchObject({ commits: 3, transactions: 2, largestGroup: 2 });
    expect((await store.load(RT))?.lifecycle).toBeNull();
  });

  it('lets only one of two connections on one file own a session, and fences the other', async () => {
    const hostA = await track(openSqliteStore(temp.path));
    const hostB = await track(openSqliteStore(temp.path));
    const fenceA = await hostA.claim(RT, 'host-a', 1_000, 0);
    expect(fenceA).toBe(1);
    expect(await hostB.claim(RT, 'host-b', 1_000, 999)).toBeNull();
    await hostA.commit(
      RT,
      { lifecycle: lifecycle('s1'), inputs: [input('s1', 'a', 1)] },
      fenceA ?? -1,
    );
    const fenceB = await hostB.claim(RT, 'host-b', 1_000, 1_000);
    expect(fenceB).toBe(2);
    const late = { inputs: [input('s1', 'a', 1, { status: 'consumed', runId: 'r1' })] };
    await expectBurrowError(hostA.commit(RT, late, fenceA ?? -1), 'fenced');
    expect((await hostB.readInput(RT, 'a'))?.state).toEqual({ status: 'queued' });
    await hostB.commit(RT, late, fenceB ?? -1);
    expect((await hostA.readInput(RT, 'a'))?.state).toEqual({ status: 'consumed', runId: 'r1' });
  });

  it('fails store_unavailable and writes nothing when another connection holds the write lock', async () => {
    const store = await track(openSqliteStore(temp.path, { busyTimeoutMs: 20 }));
    const other = new Database(temp.path);
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      await expectBurrowError(
        store.commit(RT, { lifecycle: lifecycle('s1') }),
        'store_unavailable',
        /locked|busy/i,
      );
      await expectBurrowError(store.claim(RT, 'host-a', 1_000, 0), 'store_unavailable');
      other.prepare('ROLLBACK').run();
    } finally {
      other.close();
    }
    expect(await store.load(RT)).toBeNull();
    await store.commit(RT, { lifecycle: lifecycle('s1') });
    expect((await store.load(RT))?.lifecycle).toEqual(lifecycle('s1'));
  });

  it('fails a whole same-tick group store_unavailable when BEGIN cannot get the lock', async () => {
    const store = await track(openSqliteStore(temp.path, { busyTimeoutMs: 20 }));
    const other = new Database(temp.path);
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      const results = await Promise.allSettled(
        ['a', 'b', 'c'].map((id) => store.commit(runtimeIdOf(id), { lifecycle: lifecycle(id) })),
      );
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
      other.prepare('ROLLBACK').run();
    } finally {
      other.close();
    }
    expect(await store.listRecoverable()).toEqual([]);
    expect(store.statistics().commits).toBe(0);
  });

  it('flushes queued commits on close before closing the connection', async () => {
    const store = await openSqliteStore(temp.path);
    const pending = store.commit(RT, { lifecycle: lifecycle('s1') });
    await store.close();
    await pending;
    const reopened = await track(openSqliteStore(temp.path));
    expect((await reopened.load(RT))?.lifecycle).toEqual(lifecycle('s1'));
  });
});
