// A real SQLite store whose commits fail on demand: at chosen call numbers, or during an outage
// until healed; or are refused for good (`internal`) at chosen call numbers. Two ways to fail, so the
// runtime is seen against both:
// - `rejected`: the wrapper rejects with an I/O-style error without calling SQLite (nothing written);
// - `locked`: a second connection holds the database's write lock, so SQLite itself fails the
//   commit's BEGIN IMMEDIATE with SQLITE_BUSY once the busy timeout runs out.

import Database from 'better-sqlite3';
import { BurrowError } from '../../src/core/errors.js';
import type { RuntimeStore } from '../../src/store/runtime-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/** How an injected failure happens. */
export type FailureMode = 'rejected' | 'locked';

/** A store with commit failures on demand, and what it saw. */
export interface FailingStore {
  /** The store to give the runtime. */
  readonly store: RuntimeStore;
  /** The SQLite store underneath (reads in assertions go straight to it). */
  readonly inner: SqliteStore;
  /** Commit calls so far (1-based numbers are the calls' order). */
  readonly calls: number;
  /** Commit calls that failed. */
  readonly failures: number;
  /** Fails the commit calls with these numbers. */
  failAt(...calls: number[]): void;
  /**
   * Refuses the commit calls with these numbers with a non-retryable `internal` error (as a store does
   * for a batch it will never take), without writing anything.
   */
  refuseAt(...calls: number[]): void;
  /** Fails every commit from now on until `heal()`. */
  outage(): void;
  heal(): void;
}

/** The busy timeout of a store opened for `locked` failures: each failed commit waits this long. */
const BUSY_TIMEOUT_MS = 20;

/** Opens a SQLite store at `path` whose commits fail as told, in `mode`. */
export async function openFailingStore(path: string, mode: FailureMode): Promise<FailingStore> {
  const inner = await openSqliteStore(path, { busyTimeoutMs: BUSY_TIMEOUT_MS });
  const lock = mode === 'locked' ? new Database(path, { timeout: 0 }) : null;
  const failAt = new Set<number>();
  const refuseAt = new Set<number>();
  let down = false;
  let calls = 0;
  let failures = 0;
  let locks = 0;

  // The lock is counted: the outage holds it, and so does each failing commit until it settled.
  const takeLock = (): void => {
    if (locks === 0) lock?.exec('BEGIN IMMEDIATE');
    locks += 1;
  };
  const dropLock = (): void => {
    locks -= 1;
    if (locks === 0 && lock?.inTransaction === true) lock.exec('ROLLBACK');
  };

  const store: RuntimeStore = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'close') {
        return async () => {
          down = false;
          if (lock?.inTransaction === true) lock.exec('ROLLBACK');
          locks = 0;
          lock?.close();
          await target.close();
        };
      }
      if (property !== 'commit') return Reflect.get(target, property, receiver) as unknown;
      const commit: RuntimeStore['commit'] = async (runtimeId, batch, fence) => {
        calls += 1;
        if (refuseAt.has(calls)) {
          failures += 1;
          throw new BurrowError(
            'internal',
            `injected refusal of commit ${calls}; nothing was written`,
          );
        }
        const fail = down || failAt.has(calls);
        if (!fail) return target.commit(runtimeId, batch, fence);
        failures += 1;
        if (lock === null) throw new Error(`injected failure of commit ${calls}: disk I/O error`);
        takeLock();
        try {
          await target.commit(runtimeId, batch, fence);
        } finally {
          dropLock();
        }
        throw new Error(`commit ${calls} landed although the database was locked`);
      };
      return commit;
    },
  });

  return {
    store,
    inner,
    get calls() {
      return calls;
    },
    get failures() {
      return failures;
    },
    failAt(...numbers) {
      for (const n of numbers) failAt.add(n);
    },
    refuseAt(...numbers) {
      for (const n of numbers) refuseAt.add(n);
    },
    outage() {
      if (down) return;
      down = true;
      takeLock();
    },
    heal() {
      if (!down) return;
      down = false;
      dropLock();
    },
  };
}
