// Migration 4: the session row counts its live inputs per lane. Embedded as a string so `tsc` ships
// it in dist/ with the code.

/**
 * The partial index `inputs_live` served only the session lists (which sessions have live inputs,
 * how many per lane), yet every accept inserted into it and every finished run deleted from it: one
 * more page in two of a turn's three write transactions. The session row, which every commit
 * rewrites anyway, now carries the counts (`live_queue`, `live_steer`, `live_other` for lane `none`),
 * kept by the commit that changes an input's lane or terminal flag. Backfilled here from the inputs.
 */
export const MIGRATION_0004 = `
ALTER TABLE sessions ADD COLUMN live_queue INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN live_steer INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN live_other INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET
  live_queue = (SELECT COUNT(*) FROM inputs AS i
    WHERE i.runtime_id = sessions.runtime_id AND i.terminal = 0 AND i.lane = 'queue'),
  live_steer = (SELECT COUNT(*) FROM inputs AS i
    WHERE i.runtime_id = sessions.runtime_id AND i.terminal = 0 AND i.lane = 'steer'),
  live_other = (SELECT COUNT(*) FROM inputs AS i
    WHERE i.runtime_id = sessions.runtime_id AND i.terminal = 0 AND i.lane NOT IN ('queue', 'steer'));
DROP INDEX inputs_live;
`;
