// The PostgreSQL store's session lists: the sessions with work (with their leases) and the sessions
// it knows — the SQL forms of hasWork and isKnownSession (session-facts.ts); the conformance suite
// holds each equal to the memory store's.

import type { Pool } from 'pg';
import type { RecoverableLease, RuntimeId, StoredSessionSummary } from '../runtime-store.js';
import { storedPhase, WAKING_OP_KINDS } from '../session-facts.js';
import { pgLimit } from './pg-reads.js';
import type { PgSchema } from './pg-schema.js';

interface LeaseRow {
  readonly runtime_id: RuntimeId;
  readonly owner: string | null;
  readonly expires_at: string | null;
}

interface SummaryRow {
  readonly runtime_id: RuntimeId;
  readonly phase: string | null;
  readonly queue: number;
  readonly steer: number;
}

/** The list reads of the PostgreSQL store. */
export interface PgLists {
  listRecoverable(): Promise<RuntimeId[]>;
  listRecoverableLeases(): Promise<RecoverableLease[]>;
  listSessions(offset: number, limit: number): Promise<StoredSessionSummary[]>;
}

/** The list statements of `schema`, run on `pool`. */
export function createPgLists(pool: Pool, schema: PgSchema): PgLists {
  const s = schema;
  const name = (what: string): string => `burrow_${s.name}_${what}`;
  const live = `EXISTS (SELECT 1 FROM ${s.inputs} AS i WHERE i.runtime_id = s.runtime_id AND NOT i.terminal)`;
  // Kind names come from the OP_KINDS table (identifiers), never from a caller.
  const waking = WAKING_OP_KINDS.map((kind) => `'${kind}'`).join(', ') || "''";
  /** isKnownSession: a lifecycle with an epoch, or live inputs. */
  const known = `s.committed AND ((s.lifecycle IS NOT NULL AND s.epoch_id <> '') OR ${live})`;
  /** hasWork: a known session, not destroyed, with live inputs, or operations in flight or finished with a wake past `observed`. */
  const hasWork = `${known} AND (s.phase IS NULL OR s.phase <> 'destroyed') AND (${live}
    OR EXISTS (SELECT 1 FROM ${s.operations} AS o WHERE o.runtime_id = s.runtime_id AND (NOT o.terminal
      OR (o.kind IN (${waking}) AND o.completion_seq > COALESCE(
        (SELECT (c.body::jsonb ->> 'observed')::bigint FROM ${s.opsCursors} AS c
         WHERE c.runtime_id = s.runtime_id), 0)))))`;
  const lane = (lane: string): string =>
    `(SELECT COUNT(*)::integer FROM ${s.inputs} AS i
      WHERE i.runtime_id = s.runtime_id AND NOT i.terminal AND i.lane = '${lane}')`;
  return {
    async listRecoverable() {
      const result = await pool.query<{ runtime_id: RuntimeId }>({
        name: name('recoverable'),
        text: `SELECT runtime_id FROM ${s.sessions} AS s WHERE ${hasWork} ORDER BY runtime_id`,
      });
      return result.rows.map((row) => row.runtime_id);
    },
    async listRecoverableLeases() {
      const result = await pool.query<LeaseRow>({
        name: name('recoverable_leases'),
        text: `SELECT runtime_id, owner_host AS owner,
            CASE WHEN owner_host IS NULL THEN NULL ELSE lease_expires_at END AS expires_at
          FROM ${s.sessions} AS s WHERE ${hasWork} ORDER BY runtime_id`,
      });
      return result.rows.map((row) => ({
        runtimeId: row.runtime_id,
        owner: row.owner,
        expiresAt: row.expires_at === null ? null : Number(row.expires_at),
      }));
    },
    async listSessions(offset, limit) {
      const result = await pool.query<SummaryRow>({
        name: name('sessions'),
        text: `SELECT runtime_id, phase, ${lane('queue')} AS queue, ${lane('steer')} AS steer
          FROM ${s.sessions} AS s WHERE ${known} ORDER BY runtime_id LIMIT $1 OFFSET $2`,
        values: [pgLimit(limit), pgLimit(offset) ?? 0],
      });
      return result.rows.map((row) => ({
        runtimeId: row.runtime_id,
        phase: storedPhase(row.phase ?? 'idle', row.runtime_id),
        queue: row.queue,
        steer: row.steer,
      }));
    },
  };
}
