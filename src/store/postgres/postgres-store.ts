// The PostgreSQL store (04, "Many hosts on one PostgreSQL"): pg@8, one schema, numbered migrations
// under an advisory lock, group commit, leases with fence tokens checked inside every commit.

import pg from 'pg';
import type { Pool } from 'pg';
import { encodeBatch } from '../encoded-batch.js';
import type {
  MailboxMethods,
  SharedRuntimeStore,
  StoreWakeup,
  WakeupSubscription,
} from '../runtime-store.js';
import { storeClosed } from '../store-errors.js';
import { createPgApply } from './pg-apply.js';
import type { PgCommitStatistics } from './pg-commit-queue.js';
import { createPgCommitQueue } from './pg-commit-queue.js';
import { toStoreError } from './pg-errors.js';
import { createPgLeases } from './pg-leases.js';
import { createPgLists } from './pg-lists.js';
import { listenPg } from './pg-listener.js';
import { createPgMailbox } from './pg-mailbox.js';
import { migratePg, readSchemaVersion } from './pg-migrations.js';
import { probeWriteAndRead } from './pg-probe.js';
import { createPgPrune } from './pg-prune.js';
import { createPgReads } from './pg-reads.js';
import { pgSchema } from './pg-schema.js';

/** How to open a PostgreSQL store. */
export interface PostgresStoreOptions {
  /** The schema holding Burrow's tables, created if missing (default `burrow`). */
  readonly schema?: string;
  /** Connections in the pool the store creates from a URL (default 10; ignored for a given pool). */
  readonly poolSize?: number;
  /** How long to wait for a connection before failing `store_unavailable` (default 10000 ms). */
  readonly connectionTimeoutMs?: number;
  /** Let commits that arrive together share one transaction, a savepoint each (default true). */
  readonly groupCommit?: boolean;
  /** The `application_name` of the pool's connections, as `pg_stat_activity` shows it (default `burrow`). */
  readonly applicationName?: string;
  /**
   * The server ends a connection of the pool that sits inside a transaction for this long without
   * sending anything (default 5000 ms; 0: never). A host paused or frozen mid-transaction would
   * otherwise hold its sessions' row locks, and every other host's claim of them would wait until it
   * woke: failover would stall behind the very host it replaces.
   */
  readonly idleInTransactionTimeoutMs?: number;
}

/** A {@link SharedRuntimeStore} on PostgreSQL, with leases and counters of its commit path. */
export interface PostgresStore extends SharedRuntimeStore {
  readonly kind: 'postgres';
  readonly mailbox: MailboxMethods;
  subscribeWakeups(onWake: (wake: StoreWakeup) => void): WakeupSubscription;
  /** The schema holding the tables. */
  readonly schema: string;
  /** Readiness: overwrites the probe row and reads it back; a failure means the database cannot serve. */
  probe(): Promise<void>;
  /** The schema version recorded in the database. */
  schemaVersion(): Promise<number>;
  /** Commits, transactions, group sizes and refusals so far (group commit is observable here). */
  statistics(): PgCommitStatistics;
}

function createPool(url: string, options: PostgresStoreOptions): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    application_name: options.applicationName ?? 'burrow',
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 5_000,
  });
  // An idle connection that the server drops emits 'error' on the pool; without a listener Node
  // would crash the process. The pool discards that connection; the next query opens another.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Opens a PostgreSQL store on `urlOrPool` (a connection URL, or a `pg.Pool` the caller owns and
 * closes) and migrates its schema. Several hosts may open the same database at once: migrations
 * serialise on an advisory lock, leases (`claim`, `renew`, `release`) give each session one owner,
 * and every commit carrying a fence token lands only if the lease still carries it. Failures become
 * `store_unavailable`, and a failed commit writes nothing.
 *
 * @example
 * const store = await openPostgresStore('postgres://burrow@db/burrow');
 * const fence = await store.claim(runtimeIdOf('s1'), 'host-a', 30_000, Date.now());
 * if (fence !== null) await store.commit(runtimeIdOf('s1'), { lifecycle }, fence);
 * await store.close();
 */
export async function openPostgresStore(
  urlOrPool: string | Pool,
  options: PostgresStoreOptions = {},
): Promise<PostgresStore> {
  const schema = pgSchema(options.schema);
  const owned = typeof urlOrPool === 'string';
  const pool = typeof urlOrPool === 'string' ? createPool(urlOrPool, options) : urlOrPool;
  try {
    await migratePg(pool, schema);
  } catch (e: unknown) {
    if (owned) await pool.end().catch(() => undefined);
    throw toStoreError(`open of schema ${schema.name}`, e);
  }
  const queue = createPgCommitQueue(pool, createPgApply(schema), options.groupCommit ?? true);
  const reads = createPgReads(pool, schema);
  const leases = createPgLeases(pool, schema);
  const lists = createPgLists(pool, schema);
  const prune = createPgPrune(pool, schema);
  const mailbox = createPgMailbox(pool, schema);
  let closing: Promise<void> | null = null;

  /** Runs a store operation with the store's closed check and error mapping. */
  const run = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    if (closing !== null) throw storeClosed('postgres');
    try {
      return await fn();
    } catch (e: unknown) {
      throw toStoreError(operation, e);
    }
  };

  return {
    kind: 'postgres',
    schema: schema.name,
    statistics: () => queue.statistics(),
    load: (runtimeId) => run('load', () => reads.load(runtimeId)),
    commit(runtimeId, batch, fence) {
      // Encoded and queued in this call, not in a later microtask: a close() issued right after
      // must find the batch in the queue and drain it.
      if (closing !== null) return Promise.reject(storeClosed('postgres'));
      try {
        return queue.submit(runtimeId, encodeBatch(runtimeId, batch), fence);
      } catch (e: unknown) {
        return Promise.reject(toStoreError('commit', e));
      }
    },
    readEvents: (runtimeId, since, limit) =>
      run('readEvents', () => reads.readEvents(runtimeId, since, limit)),
    readReceipts: (runtimeId, since, limit) =>
      run('readReceipts', () => reads.readReceipts(runtimeId, since, limit)),
    readTranscript: (runtimeId, offset, limit) =>
      run('readTranscript', () => reads.readTranscript(runtimeId, offset, limit)),
    readInput: (runtimeId, inputId) => run('readInput', () => reads.readInput(runtimeId, inputId)),
    readInputByIdempotencyKey: (runtimeId, key) =>
      run('readInputByIdempotencyKey', () => reads.readInputByIdempotencyKey(runtimeId, key)),
    listRecoverable: () => run('listRecoverable', () => lists.listRecoverable()),
    listRecoverableLeases: () => run('listRecoverableLeases', () => lists.listRecoverableLeases()),
    listSessions: (offset, limit) => run('listSessions', () => lists.listSessions(offset, limit)),
    probe: () => run('probe', () => probeWriteAndRead(pool, schema)),
    schemaVersion: () => run('schemaVersion', () => readSchemaVersion(pool, schema)),
    prune: (policy) => run('prune', () => prune(policy)),
    claim: (runtimeId, hostId, ttlMs, now, takeoverFrom) =>
      run('claim', () => leases.claim(runtimeId, hostId, ttlMs, now, takeoverFrom)),
    claimMany: (runtimeIds, hostId, ttlMs, now) =>
      run('claim', () => leases.claimMany(runtimeIds, hostId, ttlMs, now)),
    owner: (runtimeId) => run('owner', () => leases.owner(runtimeId)),
    renew: (hostId, ttlMs, now) => run('renew', () => leases.renew(hostId, ttlMs, now)),
    release: (runtimeId, hostId) => run('release', () => leases.release(runtimeId, hostId)),
    mailbox: {
      post: (request) => run('mailbox post', () => mailbox.post(request)),
      take: (hostId, now, limit) => run('mailbox take', () => mailbox.take(hostId, now, limit)),
      answer: (requestId, answer, now) =>
        run('mailbox answer', () => mailbox.answer(requestId, answer, now)),
      read: (requestId) => run('mailbox read', () => mailbox.read(requestId)),
      withdraw: (requestId) => run('mailbox withdraw', () => mailbox.withdraw(requestId)),
      remove: (requestId) => run('mailbox remove', () => mailbox.remove(requestId)),
      prune: (before) => run('mailbox prune', () => mailbox.prune(before)),
      depth: () => run('mailbox depth', () => mailbox.depth()),
    },
    subscribeWakeups: (onWake) => listenPg(pool, schema, onWake),
    close() {
      // Idempotent and safe under concurrent calls: the first call drains queued commits (their
      // callers are waiting for them) and ends the pool it created (never a pool it was given);
      // later calls share its promise.
      closing ??= (async () => {
        await queue.drain();
        if (owned) await pool.end().catch((e: unknown) => Promise.reject(toStoreError('close', e)));
      })();
      return closing;
    },
  };
}
