// Group commit for PostgreSQL: batches that arrive while a transaction is in flight share the next
// one, with a savepoint each.
//
// States: idle (nothing queued, no flush running) → scheduled (a flush is due on setImmediate, so
// every batch of the current tick joins it) → flushing (one group's transaction is in flight on one
// pooled connection; batches arriving meanwhile queue for the next group) → idle when the queue is
// empty. A batch's promise settles only after the COMMIT that carried it returned, i.e. once its data
// is durable. Each batch of a group runs in its own savepoint, so one that is refused (fenced, a
// duplicate key) rolls back alone and its neighbours still commit. A failure of the transaction
// itself (the connection lost, COMMIT failing) fails every batch of the group `store_unavailable`:
// unlike SQLite, no single batch can abort a PostgreSQL transaction past its savepoint, so a retry
// alone would only fail again (and after a lost COMMIT reply, could not tell whether it landed).
// Groups are sorted by runtime id (stably: one session's batches keep their order), so two hosts'
// groups lock session rows in the same order and cannot deadlock each other.

import type { Pool } from 'pg';
import type { EncodedBatch } from '../encoded-batch.js';
import type { FenceToken, RuntimeId } from '../runtime-store.js';
import type { PgApplyBatch } from './pg-apply.js';
import { toStoreError } from './pg-errors.js';
import { withTransaction } from './pg-transaction.js';

interface Pending {
  readonly runtimeId: RuntimeId;
  readonly batch: EncodedBatch;
  readonly fence: FenceToken | undefined;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Counters of the commit path, for tests, benchmarks and metrics. */
export interface PgCommitStatistics {
  /** Commit batches that landed. */
  readonly commits: number;
  /** Transactions that committed commit batches (fewer than `commits` when groups formed). */
  readonly transactions: number;
  /** The most batches one transaction carried. */
  readonly largestGroup: number;
  /** Batches refused inside their savepoint (fenced, duplicate keys, invalid). */
  readonly refused: number;
  /** Batches that failed because their group's transaction failed. */
  readonly failed: number;
}

/** Submits batches, alone or grouped, and drains what is queued. */
export interface PgCommitQueue {
  submit(runtimeId: RuntimeId, batch: EncodedBatch, fence: FenceToken | undefined): Promise<void>;
  /** Resolves once nothing is queued or in flight (used by close). */
  drain(): Promise<void>;
  statistics(): PgCommitStatistics;
}

/** A commit queue on `pool`; with `group` false every batch gets its own transaction. */
export function createPgCommitQueue(
  pool: Pool,
  apply: PgApplyBatch,
  group: boolean,
): PgCommitQueue {
  const stats = { commits: 0, transactions: 0, largestGroup: 0, refused: 0, failed: 0 };
  let queue: Pending[] = [];
  let running: Promise<void> | null = null;

  const runGroup = async (items: readonly Pending[]): Promise<void> => {
    const alone = items.length === 1;
    const ok: Pending[] = [];
    const refused: [Pending, Error][] = [];
    try {
      await withTransaction(pool, async (client) => {
        for (const item of items) {
          if (alone) {
            await apply(client, item.runtimeId, item.batch, item.fence);
            ok.push(item);
            continue;
          }
          await client.query('SAVEPOINT burrow_batch');
          try {
            await apply(client, item.runtimeId, item.batch, item.fence);
            await client.query('RELEASE SAVEPOINT burrow_batch');
            ok.push(item);
          } catch (e: unknown) {
            // If this fails too, the transaction is gone and the whole group fails below.
            await client.query('ROLLBACK TO SAVEPOINT burrow_batch');
            await client.query('RELEASE SAVEPOINT burrow_batch');
            refused.push([item, toStoreError('commit', e)]);
          }
        }
      });
    } catch (e: unknown) {
      const error = toStoreError('commit', e);
      // A lone batch refused by its checks (or a constraint) is a refusal, not a failed transaction.
      if (alone && error.code !== 'store_unavailable') stats.refused += 1;
      else stats.failed += items.length;
      for (const item of items) item.reject(error);
      return;
    }
    if (ok.length > 0) {
      stats.transactions += 1;
      stats.commits += ok.length;
      stats.largestGroup = Math.max(stats.largestGroup, ok.length);
    }
    stats.refused += refused.length;
    for (const item of ok) item.resolve();
    for (const [item, error] of refused) item.reject(error);
  };

  const takeGroup = (): Pending[] => {
    if (!group) return queue.splice(0, 1);
    const items = queue;
    queue = [];
    // Array.prototype.sort is stable: a session's batches keep their submission order.
    return items.sort((a, b) =>
      a.runtimeId < b.runtimeId ? -1 : a.runtimeId > b.runtimeId ? 1 : 0,
    );
  };

  const run = async (): Promise<void> => {
    // Let the rest of this tick submit, so same-tick batches form one group.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.length > 0) await runGroup(takeGroup());
  };

  const start = (): void => {
    running ??= run().finally(() => {
      running = null;
      // A batch queued between the loop's last check and this line starts the next run.
      if (queue.length > 0) start();
    });
  };

  return {
    submit(runtimeId, batch, fence) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ runtimeId, batch, fence, resolve, reject });
        start();
      });
    },
    async drain() {
      while (running !== null) await running;
    },
    statistics: () => ({ ...stats }),
  };
}
