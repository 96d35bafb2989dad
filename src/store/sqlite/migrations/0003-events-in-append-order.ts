// Migration 3: events in a rowid table, appended in commit order. Embedded as a string so `tsc` ships
// it in dist/ with the code.

/**
 * Events were a WITHOUT ROWID table keyed by (runtime_id, seq), with the whole row in the key's
 * b-tree. Appending rows of a few hundred bytes to such a b-tree splits a leaf every few commits, and
 * SQLite rebalances it with its neighbours: measured at ~3 pages written per transaction for the
 * events alone. In a rowid table an append past the last rowid takes SQLite's quick path (a new leaf
 * on the right, nothing rebalanced), and the (runtime_id, seq) key moves to a unique index whose
 * small entries rarely split: ~2 pages per transaction between them. Same columns, same rows.
 */
export const MIGRATION_0003 = `
CREATE TABLE events_appended (
  id INTEGER PRIMARY KEY,
  runtime_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  body TEXT NOT NULL
) STRICT;
INSERT INTO events_appended (runtime_id, seq, type, at_ms, body)
  SELECT runtime_id, seq, type, at_ms, body FROM events ORDER BY runtime_id, seq;
DROP TABLE events;
ALTER TABLE events_appended RENAME TO events;
CREATE UNIQUE INDEX events_by_seq ON events (runtime_id, seq);
`;
