// Migration 2: the readiness probe's row. Embedded as a string so `tsc` ships it in dist/ with the code.

/**
 * One row that the readiness probe (`probe()`, and once at open) overwrites and reads back: a store
 * that cannot write (a read-only file, a full disk) or read what it wrote is not ready.
 */
export const MIGRATION_0002 = `
CREATE TABLE readiness_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  token TEXT NOT NULL
) STRICT;
`;
