// The SQLite store's session lists: the sessions with work (with their leases) and the sessions it
// knows — the SQL forms of hasWork and isKnownSession (session-facts.ts); the conformance suite holds
// each equal to the memory store's.

import type Database from 'better-sqlite3';
import type { RecoverableLease, RuntimeId, StoredSessionSummary } from '../runtime-store.js';
import { storedPhase, WAKING_OP_KINDS } from '../session-facts.js';

// The session row counts its live inputs per lane (migration 4; kept by every commit).
const LIVE_INPUTS = '(s.live_queue + s.live_steer + s.live_other) > 0';

// Kind names come from the OP_KINDS table (identifiers), never from a caller.
const WAKING = WAKING_OP_KINDS.map((kind) => `'${kind}'`).join(', ');

/** isKnownSession: a lifecycle with an epoch, or live inputs. */
const KNOWN = `s.committed = 1 AND ((s.lifecycle IS NOT NULL
  AND json_extract(s.lifecycle, '$.epochId') <> '') OR ${LIVE_INPUTS})`;

/** hasWork: a known session, not destroyed, with live inputs, or operations in flight or finished with a wake past `observed`. */
const HAS_WORK = `${KNOWN} AND (s.phase IS NULL OR s.phase <> 'destroyed') AND (${LIVE_INPUTS}
  OR EXISTS (SELECT 1 FROM operations AS o WHERE o.runtime_id = s.runtime_id AND (o.terminal = 0
    OR (o.kind IN (${WAKING === '' ? "''" : WAKING}) AND o.completion_seq > COALESCE(
      (SELECT json_extract(c.body, '$.observed') FROM ops_cursors AS c
       WHERE c.runtime_id = s.runtime_id), 0)))))`;

interface LeaseRow {
  readonly runtimeId: RuntimeId;
  readonly owner: string | null;
  readonly expiresAt: number | null;
}

interface SummaryRow {
  readonly runtimeId: RuntimeId;
  readonly phase: string | null;
  readonly queue: number;
  readonly steer: number;
}

/** The list reads of the SQLite store (synchronous; the store wraps them). */
export interface SqliteLists {
  listRecoverable(): RuntimeId[];
  listRecoverableLeases(): RecoverableLease[];
  listSessions(offset: number, limit: number): StoredSessionSummary[];
}

/** Prepares the list statements of `db`. */
export function createLists(db: Database.Database): SqliteLists {
  const recoverable = db
    .prepare<[], RuntimeId>(
      `SELECT runtime_id FROM sessions AS s WHERE ${HAS_WORK} ORDER BY runtime_id`,
    )
    .pluck();
  const leases = db.prepare<[], LeaseRow>(
    `SELECT runtime_id AS runtimeId, owner_host AS owner,
       CASE WHEN owner_host IS NULL THEN NULL ELSE lease_expires_at END AS expiresAt
     FROM sessions AS s WHERE ${HAS_WORK} ORDER BY runtime_id`,
  );
  const known = db.prepare<[number, number], SummaryRow>(
    `SELECT runtime_id AS runtimeId, phase, live_queue AS queue, live_steer AS steer
     FROM sessions AS s WHERE ${KNOWN} ORDER BY runtime_id LIMIT ? OFFSET ?`,
  );
  // SQLite's LIMIT -1 means no limit; `Infinity` is how a caller asks for everything.
  const count = (n: number): number =>
    n === Number.POSITIVE_INFINITY ? -1 : Number.isNaN(n) ? 0 : Math.max(0, Math.floor(n));
  return {
    listRecoverable: () => recoverable.all(),
    listRecoverableLeases: () => leases.all(),
    listSessions: (offset, limit) =>
      known.all(count(limit), Math.max(0, count(offset))).map((row) => ({
        runtimeId: row.runtimeId,
        phase: storedPhase(row.phase ?? 'idle', row.runtimeId),
        queue: row.queue,
        steer: row.steer,
      })),
  };
}
