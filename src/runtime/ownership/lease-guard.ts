// The heartbeat and the lease guard (04, "Many hosts on one PostgreSQL"; issue 11). The heartbeat
// renews every lease of this host each sixth of the lease's time to live. Each session knows until
// when its lease is proven (its claim, or the start of the last renewal that succeeded, plus the time
// to live). A host that cannot renew (the store fails or does not answer) gives a session up once less
// than the safety margin (a third of the time to live) is left: its running turn is hard-cancelled and
// the session dropped here with nothing written, so its inputs stay queued in the store for the next
// owner, before another host can claim it (see docs/decisions.md, "Lease safety"). A renewal names the
// leases it renewed; a session held here whose lease is not among them has lapsed (the host woke past
// it, or another host claimed it) and is given up the same way at once.

import { toError } from '../../core/errors.js';
import type { RuntimeId } from '../../store/runtime-store.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from '../session/entry.js';
import { fenceOut } from '../session/remove.js';

/** The time before a lease's expiry at which a host that cannot renew gives the session up. */
export function leaseSafetyMarginMs(leaseTtlMs: number): number {
  return Math.floor(leaseTtlMs / 3);
}

/** How often the heartbeat renews (and the guard looks when no deadline comes sooner). */
export function heartbeatIntervalMs(leaseTtlMs: number): number {
  return Math.max(1, Math.floor(leaseTtlMs / 6));
}

/** The renewal state the guard judges by. */
interface Renewal {
  /** The renewal in flight and when it started (this host's clock), if one is. */
  inFlight: { readonly startedAt: number; readonly done: Promise<void> } | null;
  /** True when the last renewal that finished failed. */
  lastFailed: boolean;
}

/** Records a claim: the lease is proven until `claimedAt` (taken before the claim) plus its time to live. */
export function noteClaim(
  ctx: RuntimeContext,
  entry: SessionEntry,
  fence: number,
  claimedAt: number,
): void {
  entry.claimLease(fence, claimedAt + ctx.options.leaseTtlMs);
}

/** The sessions holding a lease here, with the time until which it is proven. */
function leased(ctx: RuntimeContext): (SessionEntry & { leaseUntil: number })[] {
  return [...ctx.sessions.values()].filter(
    (entry): entry is SessionEntry & { leaseUntil: number } =>
      entry.leaseUntil !== null && entry.fence !== undefined,
  );
}

/**
 * True when the host cannot prove its leases: the last renewal failed, or one has been in flight
 * since before now. A renewal that started just now (the host woke from a pause) is given its chance.
 */
function inTrouble(renewal: Renewal, now: number): boolean {
  return renewal.lastFailed || (renewal.inFlight !== null && renewal.inFlight.startedAt < now);
}

/** Gives up every session whose proven lease ends within the safety margin, when renewal is in trouble. */
function guard(ctx: RuntimeContext, renewal: Renewal): void {
  const now = ctx.clock.now();
  if (!inTrouble(renewal, now)) return;
  const margin = leaseSafetyMarginMs(ctx.options.leaseTtlMs);
  for (const entry of leased(ctx)) {
    if (entry.leaseUntil - now > margin) continue;
    giveUp(ctx, entry, 'lease not renewed in time: giving the session up before it expires', now);
  }
}

/** Gives a session up because its lease lapsed or is about to: counted, logged, fenced out here. */
function giveUp(
  ctx: RuntimeContext,
  entry: SessionEntry & { leaseUntil: number },
  message: string,
  now: number,
): void {
  ctx.ownershipStats.lapsed += 1;
  ctx.log.warn(message, { sessionId: entry.sessionId, leaseUntil: entry.leaseUntil, now });
  fenceOut(ctx, entry, 'lease could not be renewed');
}

/**
 * Applies a renewal that started at `startedAt` to the sessions held when it started: a renewed lease
 * is proven until the start plus the time to live; one the store did not renew has lapsed and is
 * given up now. A session claimed since the renewal started is not among them: its claim proves it.
 */
function applyRenewal(
  ctx: RuntimeContext,
  held: readonly (SessionEntry & { leaseUntil: number })[],
  renewed: ReadonlySet<RuntimeId>,
  startedAt: number,
): void {
  const provenUntil = startedAt + ctx.options.leaseTtlMs;
  for (const entry of held) {
    if (entry.removed) continue;
    if (renewed.has(entry.runtimeId)) entry.renewLease(provenUntil);
    else giveUp(ctx, entry, 'lease lapsed (not renewed): giving the session up', ctx.clock.now());
  }
}

/** Starts a renewal; on success the leases it renewed are proven and the ones it did not are given up. */
function renew(ctx: RuntimeContext, renewal: Renewal): void {
  const store = ctx.store;
  if (store?.renew === undefined || renewal.inFlight !== null) return;
  const startedAt = ctx.clock.now();
  const held = leased(ctx);
  const done = store.renew(ctx.hostId, ctx.options.leaseTtlMs, startedAt).then(
    (renewed) => {
      renewal.lastFailed = false;
      ctx.ownershipStats.renewals += 1;
      applyRenewal(ctx, held, new Set(renewed), startedAt);
    },
    (error: unknown) => {
      renewal.lastFailed = true;
      ctx.ownershipStats.renewalFailures += 1;
      ctx.log.warn('could not renew leases', { error: toError(error).message });
    },
  );
  renewal.inFlight = {
    startedAt,
    done: done.finally(() => {
      renewal.inFlight = null;
    }),
  };
}

/**
 * Renews this host's leases and guards them until `signal` aborts: wakes every sixth of the time to
 * live, or sooner when a session's safety deadline comes first; then judges, then renews. A renewal
 * still in flight when it returns settles on its own (the store's close ends it).
 */
export async function heartbeat(ctx: RuntimeContext, signal: AbortSignal): Promise<void> {
  const renewal: Renewal = { inFlight: null, lastFailed: false };
  const every = heartbeatIntervalMs(ctx.options.leaseTtlMs);
  const margin = leaseSafetyMarginMs(ctx.options.leaseTtlMs);
  let nextBeat = ctx.clock.now() + every;
  while (!signal.aborted) {
    const now = ctx.clock.now();
    const deadlines = leased(ctx).map((entry) => entry.leaseUntil - margin);
    const wake = Math.min(nextBeat, ...deadlines.filter((at) => at > now));
    try {
      await ctx.clock.sleep(Math.max(1, wake - now), signal);
    } catch {
      break;
    }
    guard(ctx, renewal);
    if (ctx.clock.now() >= nextBeat) {
      nextBeat = ctx.clock.now() + every;
      renew(ctx, renewal);
    }
  }
}
