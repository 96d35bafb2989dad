// Migration 1 (PostgreSQL): the initial schema. Plain SQL, embedded as a string so `tsc` ships it.

/**
 * The same tables as SQLite's migration 1: sessions (lifecycle and lease), inputs, receipts,
 * transcript, events, operations and ops cursors. Records are kept as their codec's JSON text in
 * `body` (text, not jsonb: the stored text must round-trip byte for byte, and a terminal input is
 * compared by its text). Keys are `COLLATE "C"` so lists sort the way JavaScript and SQLite sort,
 * whatever the database's locale. Runs with `search_path` set to the store's schema.
 */
export const PG_MIGRATION_0001 = `
CREATE TABLE sessions (
  runtime_id text COLLATE "C" PRIMARY KEY,
  committed boolean NOT NULL DEFAULT false,  -- true once a commit landed; a claim alone does not count
  lifecycle text,                            -- the encoded LifecycleRecord
  phase text,                                -- lifecycle.phase
  bound boolean NOT NULL DEFAULT false,      -- true when any binding fact of the lifecycle is set
  epoch_id text,                             -- lifecycle.epochId ('' once unregistered)
  event_high_water bigint NOT NULL DEFAULT 0,
  receipt_high_water bigint NOT NULL DEFAULT 0,
  owner_host text,
  fence_token bigint NOT NULL DEFAULT 0,
  lease_expires_at bigint                    -- ms since the epoch, on the claiming host's clock
);
CREATE INDEX sessions_by_owner ON sessions (owner_host) WHERE owner_host IS NOT NULL;

CREATE TABLE inputs (
  runtime_id text COLLATE "C" NOT NULL,
  input_id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  status text NOT NULL,
  terminal boolean NOT NULL,
  lane text NOT NULL,
  attempts integer NOT NULL,
  idempotency_key text,
  updated_at_ms bigint NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (runtime_id, input_id)
);
CREATE UNIQUE INDEX inputs_by_seq ON inputs (runtime_id, seq);
CREATE INDEX inputs_live ON inputs (runtime_id) WHERE NOT terminal;
CREATE INDEX inputs_by_idempotency_key ON inputs (runtime_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE receipts (
  runtime_id text COLLATE "C" NOT NULL,
  run_id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  at_ms bigint NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (runtime_id, run_id)
);
CREATE UNIQUE INDEX receipts_by_seq ON receipts (runtime_id, seq);

CREATE TABLE transcript (
  runtime_id text COLLATE "C" NOT NULL,
  idx bigint NOT NULL,
  run_id text NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (runtime_id, idx)
);

CREATE TABLE events (
  runtime_id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  type text NOT NULL,
  at_ms bigint NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (runtime_id, seq)
);

CREATE TABLE operations (
  runtime_id text COLLATE "C" NOT NULL,
  operation_id text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  terminal boolean NOT NULL,
  completion_seq bigint,
  finished_at_ms bigint,
  body text NOT NULL,
  PRIMARY KEY (runtime_id, operation_id)
);

CREATE TABLE ops_cursors (
  runtime_id text COLLATE "C" PRIMARY KEY,
  body text NOT NULL
);
`;
