// Session leases on SQLite: claim, renew and release, each one atomic statement.

import type Database from 'better-sqlite3';
import type { FenceToken, RuntimeId } from '../runtime-store.js';

/** The lease operations of the SQLite store (synchronous; the store wraps them). */
export interface SqliteLeases {
  claim(
    runtimeId: RuntimeId,
    hostId: string,
    ttlMs: number,
    now: number,
    takeoverFrom?: string,
  ): FenceToken | null;
  owner(runtimeId: RuntimeId): { hostId: string; expiresAt: number } | null;
  renew(hostId: string, ttlMs: number, now: number): RuntimeId[];
  release(runtimeId: RuntimeId, hostId: string): void;
}

/** Prepares the lease statements of `db`. */
export function createLeases(db: Database.Database): SqliteLeases {
  // One upsert: creates the row for a never-seen session, or takes the lease when it is free,
  // expired or already this host's. Its WHERE makes the take conditional without a read first, so
  // two processes claiming at once cannot both win. RETURNING yields no row when the WHERE refused.
  const claim = db
    .prepare<
      {
        runtimeId: string;
        hostId: string;
        expiresAt: number;
        now: number;
        takeoverFrom: string | null;
      },
      number
    >(
      `INSERT INTO sessions (runtime_id, owner_host, fence_token, lease_expires_at)
       VALUES (@runtimeId, @hostId, 1, @expiresAt)
       ON CONFLICT (runtime_id) DO UPDATE SET owner_host = excluded.owner_host,
         fence_token = sessions.fence_token + 1, lease_expires_at = excluded.lease_expires_at
       WHERE sessions.owner_host IS NULL OR sessions.lease_expires_at IS NULL
         OR sessions.lease_expires_at <= @now OR sessions.owner_host = excluded.owner_host
         OR sessions.owner_host = @takeoverFrom
       RETURNING fence_token`,
    )
    .pluck();
  // An expired lease is not revived: another host may be claiming it, so the owner claims again.
  // RETURNING names the leases renewed, in the same statement.
  const renew = db
    .prepare<{ hostId: string; expiresAt: number; now: number }, RuntimeId>(
      `UPDATE sessions SET lease_expires_at = @expiresAt
       WHERE owner_host = @hostId AND lease_expires_at > @now
       RETURNING runtime_id`,
    )
    .pluck();
  const owner = db.prepare<[string], { hostId: string; expiresAt: number }>(
    `SELECT owner_host AS hostId, lease_expires_at AS expiresAt FROM sessions
     WHERE runtime_id = ? AND owner_host IS NOT NULL AND lease_expires_at IS NOT NULL`,
  );
  const release = db.prepare<[string, string]>(
    `UPDATE sessions SET owner_host = NULL, lease_expires_at = NULL WHERE runtime_id = ? AND owner_host = ?`,
  );
  return {
    claim: (runtimeId, hostId, ttlMs, now, takeoverFrom) =>
      claim.get({
        runtimeId,
        hostId,
        expiresAt: now + ttlMs,
        now,
        takeoverFrom: takeoverFrom ?? null,
      }) ?? null,
    owner: (runtimeId) => owner.get(runtimeId) ?? null,
    renew: (hostId, ttlMs, now) => renew.all({ hostId, expiresAt: now + ttlMs, now }),
    release: (runtimeId, hostId) => void release.run(runtimeId, hostId),
  };
}
