// Multi-process ownership (04): a lease per session with a fence token, claimed at registration,
// renewed by a heartbeat, released at unregister and shutdown. Commits carry the fence, so a stale
// owner writes nothing.

import { BurrowError, toError } from '../../core/errors.js';
import type { FenceToken } from '../../store/runtime-store.js';
import { runtimeIdOf } from '../../store/runtime-store.js';
import { uuidv7 } from '../ids.js';
import type { OwnerIdentity } from './owner-identity.js';
import { currentIdentity, formatOwnerId, ownerLiveness } from './owner-identity.js';
import type { RuntimeContext } from '../runtime-context.js';

let thisProcess: OwnerIdentity | null = null;

/** This process's identity (read once: boot id and start time do not change). */
function identity(): OwnerIdentity {
  thisProcess ??= currentIdentity('');
  return thisProcess;
}

/**
 * The default host id: this process's incarnation (`<host>/<boot id>/<pid>/<start time>/<random>`),
 * unique per runtime.
 */
export function defaultHostId(now: number): string {
  return formatOwnerId({ ...identity(), nonce: uuidv7(now).slice(-8) });
}

/**
 * True when `owner` is the host id of a process of this machine that is gone: exited, killed but not
 * yet reaped, or an earlier incarnation of a reused pid. Its lease may be taken over at once instead of
 * after its expiry (a restart after a crash recovers immediately). Other hosts' owners, and host ids a
 * caller chose, are never judged: their leases free themselves by expiring.
 */
export function isDeadLocalOwner(owner: string): boolean {
  return ownerLiveness(owner, identity()) === 'gone';
}

/** True when the runtime arbitrates ownership through its store. */
export function ownsThroughStore(ctx: RuntimeContext): boolean {
  return (
    ctx.store?.claim !== undefined &&
    ctx.store.renew !== undefined &&
    ctx.store.release !== undefined
  );
}

/**
 * Claims the lease of `sessionId` for this host; returns the fence token its commits will carry, or
 * undefined when the store does not arbitrate ownership. Throws `fenced` when another live host owns it.
 */
export async function claimSession(
  ctx: RuntimeContext,
  sessionId: string,
  preclaimed?: FenceToken,
): Promise<FenceToken | undefined> {
  const store = ctx.store;
  if (store === null || store.claim === undefined || !ownsThroughStore(ctx)) return undefined;
  if (preclaimed !== undefined) return preclaimed;
  const runtimeId = runtimeIdOf(sessionId);
  const now = ctx.clock.now();
  let fence = await store.claim(runtimeId, ctx.hostId, ctx.options.leaseTtlMs, now);
  if (fence === null) {
    const owner = await store.owner?.(runtimeId);
    if (owner !== undefined && owner !== null && isDeadLocalOwner(owner.hostId)) {
      fence = await store.claim(runtimeId, ctx.hostId, ctx.options.leaseTtlMs, now, owner.hostId);
    }
  }
  if (fence === null) {
    ctx.ownershipStats.claimsRefused += 1;
    throw new BurrowError('fenced', `session ${sessionId} is owned by another host`, { sessionId });
  }
  ctx.ownershipStats.claims += 1;
  return fence;
}

/** Releases the lease of `sessionId` (best effort: an expired lease frees itself anyway). */
export async function releaseSession(ctx: RuntimeContext, sessionId: string): Promise<void> {
  if (!ownsThroughStore(ctx)) return;
  await ctx.store
    ?.release?.(runtimeIdOf(sessionId), ctx.hostId)
    .catch((error: unknown) =>
      ctx.log.warn('could not release a lease', { sessionId, error: toError(error).message }),
    );
}

/**
 * Claims many sessions at once when the store can (one transaction instead of one per session: what
 * makes recovering thousands of sessions fast). Returns the fence of each session claimed; sessions
 * missing from the result are claimed one by one at registration, with the dead-owner takeover.
 */
export async function claimMany(
  ctx: RuntimeContext,
  sessionIds: readonly string[],
): Promise<Map<string, FenceToken>> {
  const store = ctx.store;
  const claimed = new Map<string, FenceToken>();
  if (store === null || store.claimMany === undefined || !ownsThroughStore(ctx)) return claimed;
  const fences = await store.claimMany(
    sessionIds.map(runtimeIdOf),
    ctx.hostId,
    ctx.options.leaseTtlMs,
    ctx.clock.now(),
  );
  sessionIds.forEach((sessionId, i) => {
    const fence = fences[i];
    if (fence !== null && fence !== undefined) claimed.set(sessionId, fence);
  });
  ctx.ownershipStats.claims += claimed.size;
  return claimed;
}
