// The group-commit queue on its own: savepoint isolation, and the retry-alone path when SQLite
// abandons the shared transaction.

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EncodedBatch } from '../encoded-batch.js';
import type { ApplyBatch } from './sqlite-apply.js';
import { createCommitQueue } from './commit-queue.js';
import { runtimeIdOf, sessionIdOf } from '../runtime-store.js';

const EMPTY: EncodedBatch = {
  lifecycle: null,
  inputs: [],
  receipt: null,
  transcript: [],
  events: [],
  deleteOperations: false,
  operations: [],
  opsCursor: null,
};

describe('createCommitQueue', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE rows (runtime_id TEXT PRIMARY KEY)');
  });
  afterEach(() => db.close());

  const rows = (): string[] =>
    db.prepare<[], string>('SELECT runtime_id FROM rows ORDER BY 1').pluck().all();

  /** Inserts a row per batch; `poison` kills the whole transaction, like SQLITE_FULL or IOERR can. */
  function applyWith(poison: (runtimeId: string) => boolean): ApplyBatch {
    const insert = db.prepare<[string]>('INSERT INTO rows VALUES (?)');
    return (runtimeId) => {
      const id = sessionIdOf(runtimeId);
      if (poison(id)) {
        db.exec('ROLLBACK');
        throw new Error(`poisoned ${id}`);
      }
      insert.run(id);
    };
  }

  it('retries every batch alone when SQLite rolled the shared transaction back', async () => {
    let poisoned = false;
    // Only the first attempt of `b` fails: alone, on retry, it lands.
    const queue = createCommitQueue(
      db,
      applyWith((id) => id === 'b' && !poisoned && (poisoned = true)),
      true,
    );
    await Promise.all(['a', 'b', 'c'].map((id) => queue.submit(runtimeIdOf(id), EMPTY, undefined)));
    expect(rows()).toEqual(['a', 'b', 'c']);
    expect(queue.statistics()).toEqual({
      commits: 3,
      transactions: 3,
      largestGroup: 1,
      groupRetries: 1,
    });
  });

  it('fails only the batch that keeps failing when retried alone', async () => {
    const queue = createCommitQueue(
      db,
      applyWith((id) => id === 'b'),
      true,
    );
    const results = await Promise.allSettled(
      ['a', 'b', 'c'].map((id) => queue.submit(runtimeIdOf(id), EMPTY, undefined)),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'store_unavailable' } });
    expect(rows()).toEqual(['a', 'c']);
  });

  it('keeps a refused batch out of the shared transaction without retrying the group', async () => {
    const insert = db.prepare<[string]>('INSERT INTO rows VALUES (?)');
    const queue = createCommitQueue(db, (id) => void insert.run(sessionIdOf(id)), true);
    const results = await Promise.allSettled(
      ['a', 'a', 'c'].map((id) => queue.submit(runtimeIdOf(id), EMPTY, undefined)),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'internal' } });
    expect(rows()).toEqual(['a', 'c']);
    expect(queue.statistics()).toEqual({
      commits: 2,
      transactions: 1,
      largestGroup: 2,
      groupRetries: 0,
    });
  });

  it('rolls back the partial writes of a batch that fails midway, keeping the group', async () => {
    const insert = db.prepare<[string]>('INSERT INTO rows VALUES (?)');
    const queue = createCommitQueue(
      db,
      (runtimeId) => {
        const id = sessionIdOf(runtimeId);
        insert.run(`${id}-first`);
        insert.run(id === 'b' ? 'a' : id); // b collides with a after writing b-first
      },
      true,
    );
    const results = await Promise.allSettled(
      ['a', 'b', 'c'].map((id) => queue.submit(runtimeIdOf(id), EMPTY, undefined)),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows()).toEqual(['a', 'a-first', 'c', 'c-first']);
    expect(queue.statistics()).toMatchObject({ transactions: 1, groupRetries: 0 });
  });

  it('runs queued batches at once on flush', () => {
    const insert = db.prepare<[string]>('INSERT INTO rows VALUES (?)');
    const queue = createCommitQueue(db, (id) => void insert.run(sessionIdOf(id)), true);
    void queue.submit(runtimeIdOf('a'), EMPTY, undefined); // settles inside flush below
    expect(rows()).toEqual([]);
    queue.flush();
    expect(rows()).toEqual(['a']);
  });
});
