// Migration 2 (PostgreSQL): the readiness probe's row, as SQLite's migration 2.

/**
 * One row that the readiness probe (`probe()`) overwrites and reads back: a store that cannot write
 * (a read-only standby, `default_transaction_read_only`, a full disk) or read what it wrote is not
 * ready.
 */
export const PG_MIGRATION_0002 = `
CREATE TABLE readiness_probe (
  id integer PRIMARY KEY CHECK (id = 1),
  token text NOT NULL
);
`;
