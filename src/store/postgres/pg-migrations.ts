// Schema migrations for PostgreSQL: numbered plain SQL, applied under a transaction-scoped advisory
// lock so several hosts starting at once serialise and all but the first find nothing to do.

import type { Pool, PoolClient } from 'pg';
import { BurrowError } from '../../core/errors.js';
import { PG_MIGRATION_0001 } from './migrations/0001-initial.js';
import { PG_MIGRATION_0002 } from './migrations/0002-readiness-probe.js';
import { PG_MIGRATION_0003 } from './migrations/0003-ingress-mailbox.js';
import type { PgSchema } from './pg-schema.js';
import { withTransaction } from './pg-transaction.js';

/** One numbered migration. */
export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in order. Append only: a released migration is never edited. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  { version: 1, name: 'initial', sql: PG_MIGRATION_0001 },
  { version: 2, name: 'readiness-probe', sql: PG_MIGRATION_0002 },
  { version: 3, name: 'ingress-mailbox', sql: PG_MIGRATION_0003 },
];

/** The schema version this build writes. */
export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/**
 * Brings `schema` to {@link PG_SCHEMA_VERSION} in one transaction that first takes
 * `pg_advisory_xact_lock` keyed by the schema name: CREATE SCHEMA IF NOT EXISTS and CREATE TABLE
 * race each other without it (two hosts both see no table and one fails on a duplicate key in the
 * catalog). The lock is released by COMMIT or ROLLBACK, so a host that dies mid-migration leaves
 * neither a half-built schema nor a held lock. A schema from a newer build is refused.
 */
export function migratePg(pool: Pool, schema: PgSchema): Promise<{ applied: number[] }> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`burrow:${schema.name}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema.quoted}`);
    await client.query(`SET LOCAL search_path TO ${schema.quoted}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_version (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const current = await readSchemaVersion(client, schema);
    if (current > PG_SCHEMA_VERSION) {
      throw new BurrowError(
        'store_unavailable',
        `the PostgreSQL schema ${schema.name} is at version ${current}, newer than this build's ${PG_SCHEMA_VERSION}`,
      );
    }
    const applied: number[] = [];
    for (const migration of PG_MIGRATIONS) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return { applied };
  });
}

/** The highest migration recorded in `schema` (0 for an empty schema_version table). */
export async function readSchemaVersion(
  queryable: Pool | PoolClient,
  schema: PgSchema,
): Promise<number> {
  const result = await queryable.query<{ version: number | null }>(
    `SELECT MAX(version) AS version FROM ${schema.schemaVersion}`,
  );
  return result.rows[0]?.version ?? 0;
}
