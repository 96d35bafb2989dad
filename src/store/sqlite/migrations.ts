// Schema migrations: numbered SQL applied in order, each recorded in the schema_version table.

import type Database from 'better-sqlite3';
import { BurrowError } from '../../core/errors.js';
import { MIGRATION_0001 } from './migrations/0001-initial.js';
import { MIGRATION_0002 } from './migrations/0002-readiness-probe.js';
import { MIGRATION_0003 } from './migrations/0003-events-in-append-order.js';
import { MIGRATION_0004 } from './migrations/0004-live-input-counts.js';
import { MIGRATION_0005 } from './migrations/0005-compact-rows.js';

/** One numbered migration. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: MIGRATION_0001 },
  { version: 2, name: 'readiness-probe', sql: MIGRATION_0002 },
  { version: 3, name: 'events-in-append-order', sql: MIGRATION_0003 },
  { version: 4, name: 'live-input-counts', sql: MIGRATION_0004 },
  { version: 5, name: 'compact-rows', sql: MIGRATION_0005 },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to {@link SCHEMA_VERSION}. Runs in one `BEGIN IMMEDIATE` transaction, so two
 * processes opening a new file at once serialise here and the second finds nothing to do; a
 * failure leaves the schema as it was. A database from a newer build is refused.
 */
export function migrate(db: Database.Database): { applied: number[] } {
  const run = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
    const current =
      db
        .prepare<[], number>('SELECT COALESCE(MAX(version), 0) FROM schema_version')
        .pluck()
        .get() ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new BurrowError(
        'store_unavailable',
        `the database schema is at version ${current}, newer than this build's ${SCHEMA_VERSION}`,
      );
    }
    const record = db.prepare<[number, string]>(
      "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ'))",
    );
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name);
      applied.push(migration.version);
    }
    return applied;
  });
  return { applied: run.immediate() };
}
