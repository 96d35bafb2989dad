// The SQLite store (04): better-sqlite3 v12, WAL, synchronous FULL by default, group commit, leases.

import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { BurrowError, toError } from '../../core/errors.js';
import { encodeBatch } from '../encoded-batch.js';
import type { SharedRuntimeStore } from '../runtime-store.js';
import { storeClosed } from '../store-errors.js';
import type { CommitStatistics } from './commit-queue.js';
import { createCommitQueue } from './commit-queue.js';
import { COMPACT_FORMS } from './compact-rows.js';
import { fileIdentity } from './file-identity.js';
import { migrate } from './migrations.js';
import { createApplyBatch } from './sqlite-apply.js';
import { toStoreError } from './sqlite-errors.js';
import { createLeases } from './sqlite-leases.js';
import { createLists } from './sqlite-lists.js';
import { createPrune } from './sqlite-prune.js';
import { createReads } from './sqlite-reads.js';

/** How to open a SQLite store. */
export interface SqliteStoreOptions {
  /**
   * `full` (default) syncs the WAL on every commit: a commit that resolved survives power loss.
   * `normal` syncs at checkpoints only: still atomic and safe against a process crash, but the
   * last commits may be lost if the machine loses power.
   */
  readonly synchronous?: 'full' | 'normal';
  /** How long a write waits for another connection's lock before failing `store_unavailable` (default 5000). */
  readonly busyTimeoutMs?: number;
  /** Let commits that arrive in the same tick share one transaction (default true). */
  readonly groupCommit?: boolean;
}

/** A {@link SharedRuntimeStore} on one SQLite file, with leases and counters of its commit path. */
export interface SqliteStore extends SharedRuntimeStore {
  readonly kind: 'sqlite';
  /**
   * Readiness: the file and its WAL are still the ones opened, and a write to the probe row reads
   * back. A failure (deleted, replaced, read-only, disk full) means the store cannot serve.
   */
  probe(): Promise<void>;
  /** The database file. */
  readonly path: string;
  /** Commits, transactions and group sizes so far (group commit is observable here). */
  statistics(): CommitStatistics;
  /** The connection's settings as SQLite reports them (for `burrow doctor` and tests). */
  settings(): SqliteSettings;
}

/** Connection settings read back with PRAGMA queries. */
export interface SqliteSettings {
  /** `wal` for a file database. */
  readonly journalMode: string;
  /** `full` or `normal` (SQLite's levels 2 and 1), or `other`. */
  readonly synchronous: 'full' | 'normal' | 'other';
  readonly busyTimeoutMs: number;
  readonly schemaVersion: number;
}

function readSettings(db: Database.Database): SqliteSettings {
  const level = db.pragma('synchronous', { simple: true });
  return {
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: level === 2 ? 'full' : level === 1 ? 'normal' : 'other',
    busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
    schemaVersion: Number(
      db.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_version').pluck().get(),
    ),
  };
}

/** Overwrites the probe row with a fresh token and reads it back (a real write transaction). */
function probeRow(db: Database.Database, path: string): () => void {
  const write = db.prepare<[string]>(
    'INSERT INTO readiness_probe (id, token) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET token = excluded.token',
  );
  const read = db.prepare<[], string>('SELECT token FROM readiness_probe WHERE id = 1').pluck();
  return () => {
    const token = randomUUID();
    write.run(token);
    if (read.get() !== token)
      throw new BurrowError('store_unavailable', `${path}: the probe row did not read back`);
  };
}

function openDatabase(path: string, options: SqliteStoreOptions): Database.Database {
  const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5_000 });
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal' && path !== ':memory:')
      throw new Error(`journal_mode is ${String(mode)}, not wal`);
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    migrate(db);
    return db;
  } catch (e: unknown) {
    db.close();
    throw e;
  }
}

/**
 * Opens (creating if needed) a SQLite store at `path` and migrates its schema. Several processes
 * may open the same file; leases (`claim`, `renew`, `release`) and fenced commits make sure only
 * one of them runs a given session. SQLite failures become `store_unavailable`, and a failed
 * commit writes nothing.
 *
 * @example
 * const store = await openSqliteStore('./.burrow/runtime.db');
 * await store.commit(runtimeIdOf('s1'), { lifecycle, inputs: [record] });
 * await store.close();
 */
export function openSqliteStore(
  path: string,
  options: SqliteStoreOptions = {},
): Promise<SqliteStore> {
  let db: Database.Database;
  try {
    db = openDatabase(path, options);
  } catch (e: unknown) {
    return Promise.reject(toStoreError(`open of ${path}`, e));
  }
  const writeAndRead = probeRow(db, path);
  try {
    // SQLite opens a write-protected file read-only without a word: find out now, not at the first commit.
    writeAndRead();
  } catch (e: unknown) {
    db.close();
    return Promise.reject(toStoreError(`a test write to ${path} (is it read-only?)`, e));
  }
  const identity = fileIdentity(path);
  const queue = createCommitQueue(
    db,
    createApplyBatch(db),
    options.groupCommit ?? true,
    identity.check,
  );
  const reads = createReads(db);
  const leases = createLeases(db);
  const lists = createLists(db);
  const prune = createPrune(db);
  let closing: Promise<void> | null = null;

  /** Runs a synchronous store operation as a promise, with the store's error mapping. */
  const run = <T>(operation: string, fn: () => T): Promise<T> => {
    if (closing !== null) return Promise.reject(storeClosed('sqlite'));
    try {
      return Promise.resolve(fn());
    } catch (e: unknown) {
      return Promise.reject(toStoreError(operation, e));
    }
  };

  return Promise.resolve({
    kind: 'sqlite',
    path,
    statistics: () => queue.statistics(),
    settings: () => readSettings(db),
    load: (runtimeId) => run('load', () => reads.load(runtimeId)),
    commit(runtimeId, batch, fence) {
      // Encoded and queued in this call, not in a later microtask: a close() issued right after
      // must find the batch in the queue and flush it.
      if (closing !== null) return Promise.reject(storeClosed('sqlite'));
      try {
        return queue.submit(runtimeId, encodeBatch(runtimeId, batch, COMPACT_FORMS), fence);
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
    probe: () =>
      run('probe', () => {
        identity.check();
        writeAndRead();
      }),
    prune: (policy) => run('prune', () => prune(policy)),
    claim: (runtimeId, hostId, ttlMs, now, takeoverFrom) =>
      run('claim', () => leases.claim(runtimeId, hostId, ttlMs, now, takeoverFrom)),
    owner: (runtimeId) => run('owner', () => leases.owner(runtimeId)),
    claimMany: (runtimeIds, hostId, ttlMs, now) =>
      run('claim', () =>
        db.transaction(() => runtimeIds.map((id) => leases.claim(id, hostId, ttlMs, now)))(),
      ),
    renew: (hostId, ttlMs, now) => run('renew', () => leases.renew(hostId, ttlMs, now)),
    release: (runtimeId, hostId) => run('release', () => leases.release(runtimeId, hostId)),
    close() {
      // Idempotent and safe under concurrent calls: the first call flushes queued commits (their
      // callers are waiting for them) and closes the connection; later calls share its promise.
      closing ??= new Promise<void>((resolve, reject) => {
        try {
          queue.flush();
          db.close();
          resolve();
        } catch (e: unknown) {
          reject(toStoreError('close', toError(e)));
        }
      });
      return closing;
    },
  });
}
