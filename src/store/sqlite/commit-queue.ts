// Group commit for SQLite: same-tick commit batches share one write transaction, one savepoint each.
//
// States: idle (nothing queued) → queued (a flush is scheduled with setImmediate) → flushing
// (synchronous: better-sqlite3 blocks, so no commit can arrive mid-flush) → idle. A batch's promise
// settles only after the COMMIT that carried it returned, i.e. once its data is durable. Each batch
// runs in its own savepoint, so a batch that is refused (fenced, duplicate key) rolls back alone and
// its neighbours still commit. If the shared transaction itself fails after BEGIN (SQLite rolled it
// back, or COMMIT failed), every batch of the group is retried alone. If BEGIN fails (busy past the
// timeout) the whole group fails store_unavailable: retrying alone would wait out the timeout once
// per batch, blocking the process for minutes.

import type Database from 'better-sqlite3';
import { toError } from '../../core/errors.js';
import type { EncodedBatch } from '../encoded-batch.js';
import type { FenceToken, RuntimeId } from '../runtime-store.js';
import type { ApplyBatch } from './sqlite-apply.js';
import { toStoreError } from './sqlite-errors.js';

interface Pending {
  readonly runtimeId: RuntimeId;
  readonly batch: EncodedBatch;
  readonly fence: FenceToken | undefined;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Counters of the commit path, for tests, benchmarks and metrics. */
export interface CommitStatistics {
  /** Commit batches that landed. */
  readonly commits: number;
  /** Write transactions that committed commit batches (fewer than `commits` when groups formed). */
  readonly transactions: number;
  /** The most batches one transaction carried. */
  readonly largestGroup: number;
  /** Shared transactions that failed as a whole and were retried one batch at a time. */
  readonly groupRetries: number;
}

/** Submits batches to the database, alone or grouped, and flushes what is queued. */
export interface CommitQueue {
  submit(runtimeId: RuntimeId, batch: EncodedBatch, fence: FenceToken | undefined): Promise<void>;
  /** Runs everything queued now (used by close). */
  flush(): void;
  statistics(): CommitStatistics;
}

/**
 * A commit queue over `db`; with `group` false every batch gets its own transaction at once.
 * `guard` runs before every write transaction; when it throws, the transaction's batches fail with
 * its error and nothing is written (the store's check that its file is still there).
 */
export function createCommitQueue(
  db: Database.Database,
  apply: ApplyBatch,
  group: boolean,
  guard: () => void = () => undefined,
): CommitQueue {
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const savepoint = db.prepare('SAVEPOINT burrow_batch');
  const release = db.prepare('RELEASE burrow_batch');
  const rollbackTo = db.prepare('ROLLBACK TO burrow_batch');
  const stats = { commits: 0, transactions: 0, largestGroup: 0, groupRetries: 0 };
  let queue: Pending[] = [];
  let scheduled: NodeJS.Immediate | null = null;

  const abort = (): void => {
    if (db.inTransaction) rollback.run();
  };
  const landed = (items: readonly Pending[]): void => {
    stats.transactions += 1;
    stats.commits += items.length;
    stats.largestGroup = Math.max(stats.largestGroup, items.length);
  };

  const runAlone = (item: Pending): void => {
    try {
      guard();
      begin.run();
      apply(item.runtimeId, item.batch, item.fence);
      commit.run();
    } catch (e: unknown) {
      try {
        abort();
      } catch {
        // The connection is unusable; the original error is the one to report.
      }
      item.reject(toStoreError('commit', e));
      return;
    }
    landed([item]);
    item.resolve();
  };

  const runGroup = (items: readonly Pending[]): void => {
    try {
      guard();
      begin.run();
    } catch (e: unknown) {
      const error = toStoreError('commit', e);
      for (const item of items) item.reject(error);
      return;
    }
    const ok: Pending[] = [];
    const refused: [Pending, Error][] = [];
    try {
      for (const item of items) {
        savepoint.run();
        try {
          apply(item.runtimeId, item.batch, item.fence);
          release.run();
          ok.push(item);
        } catch (e: unknown) {
          if (!db.inTransaction) throw toError(e);
          rollbackTo.run();
          release.run();
          refused.push([item, toStoreError('commit', e)]);
        }
      }
      commit.run();
    } catch {
      try {
        abort();
      } catch {
        // Reported per batch by the retries below.
      }
      stats.groupRetries += 1;
      for (const item of items) runAlone(item);
      return;
    }
    if (ok.length > 0) landed(ok);
    for (const item of ok) item.resolve();
    for (const [item, error] of refused) item.reject(error);
  };

  const flush = (): void => {
    if (scheduled !== null) clearImmediate(scheduled);
    scheduled = null;
    const items = queue;
    queue = [];
    if (items.length === 1 && items[0] !== undefined) runAlone(items[0]);
    else if (items.length > 1) runGroup(items);
  };

  return {
    submit(runtimeId, batch, fence) {
      return new Promise<void>((resolve, reject) => {
        const item = { runtimeId, batch, fence, resolve, reject };
        if (!group) return runAlone(item);
        queue.push(item);
        scheduled ??= setImmediate(flush);
      });
    },
    flush,
    statistics: () => ({ ...stats }),
  };
}
