// A SQLite store whose file is lost while open, or that cannot write at all: it says so at once
// (open fails, the probe fails, commits are refused) instead of acknowledging writes that vanish.

import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeReadOnly } from '../../../test/support/read-only-file.js';
import { expectBurrowError } from '../conformance/harness.js';
import { lifecycle } from '../conformance/fixtures.js';
import type { SqliteStore } from './sqlite-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { TempDatabase } from './temp-database.test-support.js';
import { createTempDatabase } from './temp-database.test-support.js';
import { runtimeIdOf } from '../runtime-store.js';

const RT = runtimeIdOf('s1');

describe('a SQLite store and its file', () => {
  let temp: TempDatabase;
  let store: SqliteStore | null = null;
  const undo: (() => void)[] = [];
  beforeEach(async () => {
    temp = await createTempDatabase('burrow-file-loss-');
  });
  afterEach(async () => {
    undo.splice(0).forEach((step) => step());
    await store?.close().catch(() => undefined);
    store = null;
    await temp.remove();
  });

  it('refuses to open a file it cannot write, naming the file', async () => {
    await (await openSqliteStore(temp.path)).close();
    undo.push(makeReadOnly(temp.path));
    await expectBurrowError(
      openSqliteStore(temp.path),
      'store_unavailable',
      new RegExp(`${temp.path}.*read-only`),
    );
  });

  it('probes by writing and reading back while the file is in place', async () => {
    store = await openSqliteStore(temp.path);
    await store.probe();
    await store.commit(RT, { lifecycle: lifecycle('s1') });
    await store.probe();
  });

  it('fails its probe and refuses every commit once the database file is deleted', async () => {
    store = await openSqliteStore(temp.path);
    await store.commit(RT, { lifecycle: lifecycle('s1') });
    rmSync(temp.path);
    await expectBurrowError(store.probe(), 'store_unavailable', /runtime\.db was deleted/);
    await expectBurrowError(
      store.commit(runtimeIdOf('s2'), { lifecycle: lifecycle('s2') }),
      'store_unavailable',
      /was deleted/,
    );
  });

  it('fails its probe and refuses every commit once the WAL is deleted', async () => {
    store = await openSqliteStore(temp.path);
    await store.commit(RT, { lifecycle: lifecycle('s1') });
    rmSync(`${temp.path}-wal`);
    await expectBurrowError(store.probe(), 'store_unavailable', /runtime\.db-wal was deleted/);
    await expectBurrowError(
      store.commit(runtimeIdOf('s2'), { lifecycle: lifecycle('s2') }),
      'store_unavailable',
      /-wal was deleted/,
    );
  });

  it('fails its probe once another file was moved to its path, and writes nothing to either', async () => {
    store = await openSqliteStore(temp.path);
    await store.commit(RT, { lifecycle: lifecycle('s1') });
    copyFileSync(temp.path, `${temp.path}.copy`);
    renameSync(`${temp.path}.copy`, temp.path);
    await expectBurrowError(store.probe(), 'store_unavailable', /runtime\.db was replaced/);
    await expectBurrowError(
      store.commit(runtimeIdOf('s2'), { lifecycle: lifecycle('s2') }),
      'store_unavailable',
      /was replaced/,
    );
    await store.close();
    store = await openSqliteStore(temp.path);
    expect(await store.load(runtimeIdOf('s2'))).toBeNull();
  });
});
