// Session leases on PostgreSQL: claim, renew and release, each one atomic statement.

import type { Pool, PoolClient } from 'pg';
import type { FenceToken, LeaseMethods, RuntimeId } from '../runtime-store.js';
import type { PgSchema } from './pg-schema.js';
import { withTransaction } from './pg-transaction.js';

/** The lease statements of `schema`, run on `pool`. */
export function createPgLeases(pool: Pool, schema: PgSchema): LeaseMethods {
  const s = schema.sessions;
  const name = (what: string): string => `burrow_${schema.name}_${what}`;
  // One upsert: creates the row for a never-seen session, or takes the lease when it is free,
  // expired, already this host's or held by the owner the caller proved dead. The WHERE of
  // ON CONFLICT is evaluated on the row locked by the upsert, so of two hosts claiming at once the
  // second waits for the first to commit, re-reads the row and is refused: exactly one wins. A
  // commit in flight holds the same row lock (pg-apply.ts), so a claim lands between commits, never
  // inside one. RETURNING yields no row when the WHERE refused.
  const claimText = `INSERT INTO ${s} (runtime_id, owner_host, fence_token, lease_expires_at)
     VALUES ($1, $2, 1, $3)
     ON CONFLICT (runtime_id) DO UPDATE SET owner_host = excluded.owner_host,
       fence_token = ${s}.fence_token + 1, lease_expires_at = excluded.lease_expires_at
     WHERE ${s}.owner_host IS NULL OR ${s}.lease_expires_at IS NULL
       OR ${s}.lease_expires_at <= $4 OR ${s}.owner_host = excluded.owner_host
       OR ${s}.owner_host = $5
     RETURNING fence_token`;
  const claimOn = async (
    queryable: Pool | PoolClient,
    runtimeId: RuntimeId,
    hostId: string,
    ttlMs: number,
    now: number,
    takeoverFrom?: string,
  ): Promise<FenceToken | null> => {
    const result = await queryable.query<{ fence_token: string }>({
      name: name('claim'),
      text: claimText,
      values: [runtimeId, hostId, now + ttlMs, now, takeoverFrom ?? null],
    });
    const row = result.rows[0];
    return row === undefined ? null : Number(row.fence_token);
  };
  return {
    claim: (runtimeId, hostId, ttlMs, now, takeoverFrom) =>
      claimOn(pool, runtimeId, hostId, ttlMs, now, takeoverFrom),
    claimMany: (runtimeIds, hostId, ttlMs, now) =>
      withTransaction(pool, async (client) => {
        const fences: (FenceToken | null)[] = [];
        for (const runtimeId of runtimeIds) {
          fences.push(await claimOn(client, runtimeId, hostId, ttlMs, now));
        }
        return fences;
      }),
    async owner(runtimeId) {
      const result = await pool.query<{ owner_host: string; lease_expires_at: string }>({
        name: name('owner'),
        text: `SELECT owner_host, lease_expires_at FROM ${s}
          WHERE runtime_id = $1 AND owner_host IS NOT NULL AND lease_expires_at IS NOT NULL`,
        values: [runtimeId],
      });
      const row = result.rows[0];
      return row === undefined
        ? null
        : { hostId: row.owner_host, expiresAt: Number(row.lease_expires_at) };
    },
    // One statement renews every lease of the host. An expired lease is not revived: another host
    // may be claiming it, so the owner claims again. RETURNING names the leases renewed.
    async renew(hostId, ttlMs, now) {
      const result = await pool.query<{ runtime_id: RuntimeId }>({
        name: name('renew'),
        text: `UPDATE ${s} SET lease_expires_at = $2 WHERE owner_host = $1 AND lease_expires_at > $3
          RETURNING runtime_id`,
        values: [hostId, now + ttlMs, now],
      });
      return result.rows.map((row) => row.runtime_id);
    },
    async release(runtimeId, hostId) {
      await pool.query({
        name: name('release'),
        text: `UPDATE ${s} SET owner_host = NULL, lease_expires_at = NULL
          WHERE runtime_id = $1 AND owner_host = $2`,
        values: [runtimeId, hostId],
      });
    },
  };
}
