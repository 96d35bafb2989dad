// Migration 1: the initial schema. Embedded as a string so `tsc` ships it in dist/ with the code.

/**
 * Sessions (lifecycle and lease), inputs, receipts, transcript, events, operations and ops cursors.
 * Every record is kept as its codec's JSON text in `body` (or `lifecycle`); the other columns are
 * copies of the fields that queries filter or order on. STRICT tables refuse a value of the wrong
 * type instead of converting it. Tables keyed by (runtime_id, natural key) are WITHOUT ROWID: a row
 * lives in its primary-key b-tree only, so each insert touches one b-tree fewer (measured: ~13% less
 * CPU per durable turn).
 */
export const MIGRATION_0001 = `
CREATE TABLE sessions (
  runtime_id TEXT PRIMARY KEY,
  committed INTEGER NOT NULL DEFAULT 0,  -- 1 once a commit landed; a claim alone does not count
  lifecycle TEXT,                        -- the encoded LifecycleRecord
  phase TEXT,                            -- lifecycle.phase
  bound INTEGER NOT NULL DEFAULT 0,      -- 1 when any binding fact of the lifecycle is set
  event_high_water INTEGER NOT NULL DEFAULT 0,
  receipt_high_water INTEGER NOT NULL DEFAULT 0,
  owner_host TEXT,
  fence_token INTEGER NOT NULL DEFAULT 0,
  lease_expires_at INTEGER               -- ms since the epoch
) STRICT;
CREATE INDEX sessions_by_owner ON sessions (owner_host) WHERE owner_host IS NOT NULL;

CREATE TABLE inputs (
  runtime_id TEXT NOT NULL,
  input_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  terminal INTEGER NOT NULL,
  lane TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  idempotency_key TEXT,
  updated_at_ms INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (runtime_id, input_id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX inputs_by_seq ON inputs (runtime_id, seq);
CREATE INDEX inputs_live ON inputs (runtime_id) WHERE terminal = 0;
CREATE INDEX inputs_by_idempotency_key ON inputs (runtime_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE receipts (
  runtime_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (runtime_id, run_id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX receipts_by_seq ON receipts (runtime_id, seq);

CREATE TABLE transcript (
  runtime_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (runtime_id, idx)
) STRICT, WITHOUT ROWID;

CREATE TABLE events (
  runtime_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (runtime_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE operations (
  runtime_id TEXT NOT NULL,
  operation_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  terminal INTEGER NOT NULL,
  completion_seq INTEGER,
  finished_at_ms INTEGER,
  body TEXT NOT NULL,
  PRIMARY KEY (runtime_id, operation_id)
) STRICT;

CREATE TABLE ops_cursors (
  runtime_id TEXT PRIMARY KEY,
  body TEXT NOT NULL
) STRICT;
`;
