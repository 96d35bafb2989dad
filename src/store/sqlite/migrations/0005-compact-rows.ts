// Migration 5: compact event and input rows keyed by number. Embedded as a string so `tsc` ships it in dist/
// with the code.

/**
 * Bytes per durable turn (issue 13). Each session gets a number (`session_no`, its old rowid for the
 * sessions already stored), and an event's key is `session_no << 32 | seq`: one integer is the
 * rowid, the session's events are one contiguous key range, and neither the runtime id text nor a
 * (runtime_id, seq) index is stored per event any more. An event's type, id, session and time are
 * no longer repeated in its body (compact-rows.ts): the id's epoch is stored once per stream segment
 * in `event_epochs` (a new segment starts when a commit's events name a new epoch, which
 * `sessions.event_epoch` remembers). Inputs are keyed the same way by their admission seq: the seq
 * index goes, a unique (runtime_id, input_id) index takes the primary key's place, and a rowid table
 * keeps a body of a few kilobytes in its row (a WITHOUT ROWID row spills past ~1 KB into an overflow
 * page of its own, which cost a 2 KB prompt a whole extra page). The `status`, `attempts` and `seq`
 * columns, which no query read, are gone. Rows written before keep their whole JSON body and read as
 * before.
 */
export const MIGRATION_0005 = `
ALTER TABLE sessions ADD COLUMN session_no INTEGER;
ALTER TABLE sessions ADD COLUMN event_epoch TEXT;
UPDATE sessions SET session_no = rowid;
CREATE UNIQUE INDEX sessions_by_no ON sessions (session_no);

CREATE TABLE events_by_key (
  key INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  body TEXT NOT NULL
) STRICT;
INSERT INTO events_by_key (key, at_ms, body)
  SELECT (s.session_no << 32) + e.seq, e.at_ms, e.body
  FROM events AS e JOIN sessions AS s ON s.runtime_id = e.runtime_id
  ORDER BY 1;
DROP TABLE events;
ALTER TABLE events_by_key RENAME TO events;

CREATE TABLE inputs_by_key (
  key INTEGER PRIMARY KEY,
  runtime_id TEXT NOT NULL,
  input_id TEXT NOT NULL,
  terminal INTEGER NOT NULL,
  lane TEXT NOT NULL,
  idempotency_key TEXT,
  updated_at_ms INTEGER NOT NULL,
  body TEXT NOT NULL
) STRICT;
INSERT INTO inputs_by_key (key, runtime_id, input_id, terminal, lane, idempotency_key,
    updated_at_ms, body)
  SELECT (s.session_no << 32) + i.seq, i.runtime_id, i.input_id, i.terminal, i.lane,
    i.idempotency_key, i.updated_at_ms, i.body
  FROM inputs AS i JOIN sessions AS s ON s.runtime_id = i.runtime_id
  ORDER BY 1;
DROP TABLE inputs;
ALTER TABLE inputs_by_key RENAME TO inputs;
CREATE UNIQUE INDEX inputs_by_id ON inputs (runtime_id, input_id);
CREATE INDEX inputs_by_idempotency_key ON inputs (runtime_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE event_epochs (
  session_no INTEGER NOT NULL,
  first_seq INTEGER NOT NULL,
  epoch TEXT NOT NULL,
  PRIMARY KEY (session_no, first_seq)
) STRICT, WITHOUT ROWID;
`;
