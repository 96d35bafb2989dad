// Recovering the sessions that have work (04, Recovery 5 and 7): startup recovery (`recover()`) and the
// periodic sweeper share this one pass — list the sessions with work and their leases, take those whose
// lease is free, expired, ours or held by a gone process of this machine, claim them together, open each
// with an executor from the factory, and log every failure with its reason (the sweeper retries it).

import { isBurrowError, toError } from '../../core/errors.js';
import type { RecoverableLease, RuntimeStore } from '../../store/runtime-store.js';
import { sessionIdOf } from '../../store/runtime-store.js';
import { claimMany, isDeadLocalOwner, ownsThroughStore } from '../ownership/leases.js';
import type { RuntimeContext } from '../runtime-context.js';
import { openSession } from './activate.js';
import { attachExecutor, repairDeadAttachment } from './attach.js';

/** What one recovery pass did. */
export interface RecoveryPass {
  /** Sessions the pass looked at (recovered, failed or already here). */
  readonly total: number;
  readonly recovered: number;
  readonly failed: readonly { readonly sessionId: string; readonly error: string }[];
  /** Sessions with work whose lease a live owner holds (another host, or a live process here). */
  readonly heldElsewhere: number;
}

/** Options of a pass. */
export interface PassOptions {
  readonly concurrency: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  /** Also look at sessions already in memory (startup recovery attaches their executor). */
  readonly includeActive: boolean;
  /** Leave out sessions backing off after failures (the sweeper). */
  readonly respectBackoff: boolean;
}

/** The sessions with work and their leases (one read when the store can, else one per session). */
async function recoverableLeases(store: RuntimeStore): Promise<readonly RecoverableLease[]> {
  if (store.listRecoverableLeases !== undefined) return store.listRecoverableLeases();
  const ids = await store.listRecoverable();
  return Promise.all(
    ids.map(async (runtimeId) => {
      const owner = (await store.owner?.(runtimeId)) ?? null;
      return { runtimeId, owner: owner?.hostId ?? null, expiresAt: owner?.expiresAt ?? null };
    }),
  );
}

/** True when this runtime may take the lease: free, expired, its own, or a gone local owner's. */
function mayTake(ctx: RuntimeContext, lease: RecoverableLease, now: number): boolean {
  if (!ownsThroughStore(ctx) || lease.owner === null || lease.owner === ctx.hostId) return true;
  if (lease.expiresAt === null || lease.expiresAt <= now) return true;
  return isDeadLocalOwner(lease.owner);
}

/** The most sweeps a failing session sits out between two attempts (~5 minutes at the default interval). */
const MAX_SKIPPED_SWEEPS = 63;

/**
 * Records a failed recovery: the first retry comes at the next sweep, then the sweeps sat out between
 * attempts double (0, 1, 3, 7, ... up to 63), so a corrupt session is logged at every attempt but
 * never makes the sweeper spin.
 */
function noteFailure(ctx: RuntimeContext, sessionId: string, error: string): void {
  const failures = (ctx.recovery.backoff.get(sessionId)?.failures ?? 0) + 1;
  const skip = Math.min(MAX_SKIPPED_SWEEPS, 2 ** Math.min(failures - 1, 6) - 1);
  ctx.recovery.backoff.set(sessionId, { failures, skip });
  ctx.log.warn('could not recover a session', { sessionId, error, failures });
}

/** Recovers one session under its gate: opens it with an executor, or attaches one to it if it has none. */
async function recoverOne(
  ctx: RuntimeContext,
  sessionId: string,
  fence: number | undefined,
  claimedAt: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const release = await ctx.gate.lock(sessionId, signal);
  try {
    const existing = ctx.sessions.get(sessionId);
    if (existing === undefined) {
      await openSession(ctx, sessionId, {
        kind: 'activate',
        attach: true,
        ...(fence === undefined ? {} : { fence, claimedAt }),
      });
      return;
    }
    // Registered here before recovery reached it: it gets the factory's executor if it has none.
    await repairDeadAttachment(ctx, existing);
    const phase = existing.machine.phase;
    if (
      ctx.executorFactory !== null &&
      existing.loop === null &&
      (phase === 'idle' || phase === 'attached')
    )
      await attachExecutor(ctx, existing, await ctx.executorFactory(sessionId));
  } finally {
    release();
  }
}

/**
 * One recovery pass (see the file header), after the pass in progress if there is one. Never throws
 * for one session: its failure is in the report.
 */
export async function recoverPass(
  ctx: RuntimeContext,
  options: PassOptions,
): Promise<RecoveryPass> {
  while (ctx.recovery.pass !== null) await ctx.recovery.pass.catch(() => undefined);
  const pass = runPass(ctx, options);
  ctx.recovery.pass = pass;
  try {
    return await pass;
  } finally {
    ctx.recovery.pass = null;
  }
}

async function runPass(ctx: RuntimeContext, options: PassOptions): Promise<RecoveryPass> {
  const store = ctx.store;
  if (store === null) return { total: 0, recovered: 0, failed: [], heldElsewhere: 0 };
  const leases = await recoverableLeases(store);
  const now = ctx.clock.now();
  const candidates: string[] = [];
  let heldElsewhere = 0;
  for (const lease of leases) {
    const sessionId = sessionIdOf(lease.runtimeId);
    if (ctx.sessions.has(sessionId)) {
      if (options.includeActive) candidates.push(sessionId);
      continue;
    }
    const backoff = ctx.recovery.backoff.get(sessionId);
    if (options.respectBackoff && backoff !== undefined && backoff.skip > 0) {
      backoff.skip -= 1;
      continue;
    }
    if (mayTake(ctx, lease, now)) candidates.push(sessionId);
    else heldElsewhere += 1;
  }
  // A session that no longer has work, or was opened meanwhile (a first touch), starts afresh.
  const waiting = new Set(leases.map((lease) => sessionIdOf(lease.runtimeId)));
  for (const sessionId of ctx.recovery.backoff.keys())
    if (!waiting.has(sessionId) || ctx.sessions.has(sessionId))
      ctx.recovery.backoff.delete(sessionId);
  // Sessions registered here keep their lease: claiming them again would bump their fence. So do
  // sessions being opened right now (a first touch); openings that start later wait for this claim.
  const claimedAt = ctx.clock.now();
  const claiming = claimMany(
    ctx,
    candidates.filter((id) => !ctx.sessions.has(id) && !ctx.activations.has(id)),
  );
  ctx.recovery.claiming = claiming;
  let fences: Map<string, number>;
  try {
    fences = await claiming;
  } finally {
    ctx.recovery.claiming = null;
  }
  const failed: { sessionId: string; error: string }[] = [];
  let recovered = 0;
  let done = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < candidates.length) {
      options.signal?.throwIfAborted();
      const sessionId = candidates[next++] as string;
      try {
        await recoverOne(ctx, sessionId, fences.get(sessionId), claimedAt, options.signal);
        ctx.recovery.backoff.delete(sessionId);
        recovered += 1;
      } catch (error: unknown) {
        if (isBurrowError(error, 'fenced')) {
          // A live owner took it between the listing and the claim: not ours to recover.
          heldElsewhere += 1;
        } else {
          const message = toError(error).message;
          failed.push({ sessionId, error: message });
          noteFailure(ctx, sessionId, message);
        }
      }
      done += 1;
      options.onProgress?.(done, candidates.length);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, candidates.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return { total: candidates.length, recovered, failed, heldElsewhere };
}
