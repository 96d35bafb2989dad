// The memory store's leases: claim, renew and release on the in-process sessions, so that fencing
// behaves as it does on the durable stores.

import type { FenceToken, LeaseMethods, RuntimeId } from '../runtime-store.js';
import type { MemorySession } from './memory-session.js';
import { settle } from './memory-settle.js';

/** The lease methods over `sessions`; `open` throws once the store is closed. */
export function memoryLeases(
  sessions: ReadonlyMap<RuntimeId, MemorySession>,
  open: () => void,
  sessionOf: (runtimeId: RuntimeId) => MemorySession,
): LeaseMethods {
  const leases: LeaseMethods = {
    claim(
      runtimeId: RuntimeId,
      hostId: string,
      ttlMs: number,
      now: number,
      takeoverFrom?: string,
    ): Promise<FenceToken | null> {
      return settle(() => {
        open();
        const { lease } = sessionOf(runtimeId);
        const free = lease.owner === null || lease.expiresAt === null || lease.expiresAt <= now;
        const takeover = takeoverFrom !== undefined && lease.owner === takeoverFrom;
        if (!free && !takeover && lease.owner !== hostId) return null;
        lease.owner = hostId;
        lease.fenceToken += 1;
        lease.expiresAt = now + ttlMs;
        return lease.fenceToken;
      });
    },
    async claimMany(
      runtimeIds: readonly RuntimeId[],
      hostId: string,
      ttlMs: number,
      now: number,
    ): Promise<(FenceToken | null)[]> {
      const fences: (FenceToken | null)[] = [];
      for (const runtimeId of runtimeIds)
        fences.push(await leases.claim(runtimeId, hostId, ttlMs, now));
      return fences;
    },
    owner(runtimeId: RuntimeId): Promise<{ hostId: string; expiresAt: number } | null> {
      return settle(() => {
        open();
        const lease = sessions.get(runtimeId)?.lease;
        if (lease === undefined || lease.owner === null || lease.expiresAt === null) return null;
        return { hostId: lease.owner, expiresAt: lease.expiresAt };
      });
    },
    renew(hostId: string, ttlMs: number, now: number): Promise<RuntimeId[]> {
      return settle(() => {
        open();
        const renewed: RuntimeId[] = [];
        for (const [runtimeId, { lease }] of sessions) {
          if (lease.owner === hostId && lease.expiresAt !== null && lease.expiresAt > now) {
            lease.expiresAt = now + ttlMs;
            renewed.push(runtimeId);
          }
        }
        return renewed;
      });
    },
    release(runtimeId: RuntimeId, hostId: string): Promise<void> {
      return settle(() => {
        open();
        const lease = sessions.get(runtimeId)?.lease;
        if (lease === undefined || lease.owner !== hostId) return;
        lease.owner = null;
        lease.expiresAt = null;
      });
    },
  };
  return leases;
}
