// Opening a session (under its gate): claim its lease, load it from the store, build and validate the
// entry off to the side, prepare its bindings, commit its registration, attach an executor from the
// factory when asked, and only then publish it. Registration, activation on first touch, startup
// recovery and the sweeper all take this one path.

import { canonicalJson } from '../../core/canonical-json.js';
import { BurrowError, toError } from '../../core/errors.js';
import { isTerminal } from '../../core/ledger/input-record.js';
import { step } from '../../core/machine/session-machine.js';
import type { FenceToken, StoredSession } from '../../store/runtime-store.js';
import { runtimeIdOf } from '../../store/runtime-store.js';
import { isKnownSession } from '../../store/session-facts.js';
import { refusalError, sessionNotFound } from './refusals.js';
import { claimSession, releaseSession } from '../ownership/leases.js';
import type { RuntimeContext } from '../runtime-context.js';
import { attachExecutor, prepareBindings } from './attach.js';
import { commitChange } from './commit.js';
import { lifecycleKeyOf, lifecycleRecord } from './lifecycle-record.js';
import type { SessionEntry } from './entry.js';
import type { EventDraft } from './events.js';
import { noteClaim } from '../ownership/lease-guard.js';
import { buildEntry } from './load.js';
import { commitOpsChange, createSessionOps } from '../background/session-registry.js';

/** How {@link openSession} treats what the store holds. */
export interface OpenMode {
  /**
   * `register`: a session the store does not know starts fresh; a destroyed one refuses `destroyed`.
   * `activate`: only a session the store knows opens (`session_not_found` otherwise); a destroyed
   * one opens read-only, so it reads as destroyed and refuses writes with `destroyed`.
   */
  readonly kind: 'register' | 'activate';
  /** Attach an executor from the runtime's factory (first touch, recovery). */
  readonly attach: boolean;
  /** A fence already claimed for the session (recovery claims many in one transaction). */
  readonly fence?: FenceToken;
  /** When that fence was claimed (this host's clock, read before the claim). */
  readonly claimedAt?: number;
}

/** True when the store knows the session as registered (isKnownSession over a loaded session). */
function isKnown(stored: StoredSession | null): stored is StoredSession {
  return (
    stored !== null &&
    isKnownSession(
      stored.lifecycle?.epochId ?? null,
      stored.inputs.some((record) => !isTerminal(record.state)),
    )
  );
}

/** Publishes `entry` as the session's registered entry. */
function publish(ctx: RuntimeContext, entry: SessionEntry): SessionEntry {
  ctx.sessions.set(entry.sessionId, entry);
  return entry;
}

/**
 * The registration's `session.registered` event, or null when opening the session changes nothing
 * durable: a recovered session whose stored lifecycle is already what this process would write. Such
 * an opening (startup recovery, the sweeper, a first touch) writes nothing and says nothing: events
 * report durable changes (the event rule), and recovering 10,000 sessions must not cost 10,000 writes.
 */
function registration(entry: SessionEntry, stored: StoredSession | null): EventDraft | null {
  const lifecycle = stored?.lifecycle ?? null;
  const storedKey = lifecycle === null ? null : canonicalJson(lifecycle);
  const current = lifecycleKeyOf(lifecycleRecord(entry, entry.machine), null);
  if (storedKey !== null && storedKey === current.text) {
    entry.markLifecyclePersisted(current);
    return null;
  }
  return {
    type: 'session.registered',
    data: { epochId: entry.epochId, recovered: stored !== null },
  };
}

async function open(ctx: RuntimeContext, sessionId: string, mode: OpenMode): Promise<SessionEntry> {
  if (ctx.closing)
    throw new BurrowError('not_ready', 'the runtime is shutting down', {
      sessionId,
      phase: 'closing',
    });
  const store = ctx.store;
  const runtimeId = runtimeIdOf(sessionId);
  let fence = mode.fence;
  let entry: SessionEntry;
  try {
    if (mode.kind === 'activate' && fence === undefined) {
      // Read before claiming: a probe for an unknown id writes nothing, and a destroyed session (it
      // can never change again) needs no lease to be read. (Recovery comes with its lease claimed.)
      const peek = store === null ? null : await store.load(runtimeId);
      if (!isKnown(peek)) throw sessionNotFound(sessionId);
      if (peek.lifecycle?.phase === 'destroyed')
        return publish(ctx, buildEntry(ctx, sessionId, peek, 'read'));
    }
    // A recovery pass claiming many leases at once must not overtake this claim (see RecoveryState).
    while (fence === undefined && ctx.recovery.claiming !== null)
      await ctx.recovery.claiming.catch(() => undefined);
    const claimedAt = mode.claimedAt ?? ctx.clock.now();
    fence = await claimSession(ctx, sessionId, fence);
    const stored = store === null ? null : await store.load(runtimeId);
    if (mode.kind === 'activate' && !isKnown(stored)) throw sessionNotFound(sessionId);
    if (mode.kind === 'activate' && stored?.lifecycle?.phase === 'destroyed') {
      await releaseSession(ctx, sessionId);
      return publish(ctx, buildEntry(ctx, sessionId, stored, 'read'));
    }
    entry = buildEntry(ctx, sessionId, stored);
    if (fence !== undefined) noteClaim(ctx, entry, fence, claimedAt);
    if (stored !== null && (stored.operations.length > 0 || stored.opsCursor !== null)) {
      // Finished operations come back with their completion sequence; in-flight ones end
      // terminated{runtime_restarted} (written before this resolves). Corrupt records fail closed.
      const recovering = entry;
      const ops = entry.ensureOps(() => createSessionOps(ctx, recovering));
      // The gate is held here: the recovery's own write goes straight to the commit path.
      await ops.recover(stored.operations, stored.opsCursor, (change) =>
        commitOpsChange(ctx, recovering, change),
      );
    }
    // The binding carries the lease's fence (0 on the local path). Installed before the registration
    // commit, which writes it: nobody sees this entry before it is published.
    const bound = step(entry.machine, prepareBindings(entry));
    if (!bound.ok) throw refusalError(sessionId, bound);
    entry.installBeforePublish(bound.state);
    const registered = registration(entry, stored);
    const phase = entry.machine.phase;
    const factory = ctx.executorFactory;
    // Registering and attaching an executor are one commit; reopening a stored session attaches its
    // executor silently (an attachment never survives a process: it is no durable change).
    if (mode.attach && factory !== null && (phase === 'idle' || phase === 'attached')) {
      await attachExecutor(ctx, entry, await factory(sessionId), {
        before: registered === null ? [] : [registered],
        announce: registered !== null,
      });
    } else if (registered !== null) {
      await commitChange(ctx, entry, { events: [registered] });
    }
  } catch (error: unknown) {
    // A session that cannot be opened here (destroyed, corrupt, unknown) must not keep this host's lease.
    if (fence !== undefined) await releaseSession(ctx, sessionId);
    throw error;
  }
  publish(ctx, entry);
  // Wakes of operations that finished before a crash but were never delivered (they need the gate).
  const ops = entry.ops;
  if (ops !== null) {
    void ops.deliverPending().catch((error: unknown) =>
      ctx.log.warn('could not deliver pending operation wakes', {
        sessionId,
        error: toError(error).message,
      }),
    );
  }
  return entry;
}

/**
 * Opens `sessionId` (the caller holds its gate and found no entry in memory) and publishes its entry.
 * Refuses `not_ready` while the runtime shuts down; the shutdown waits for openings in flight, so none
 * publishes an entry it would miss.
 */
export async function openSession(
  ctx: RuntimeContext,
  sessionId: string,
  mode: OpenMode,
): Promise<SessionEntry> {
  const opening = open(ctx, sessionId, mode);
  const settled = opening.then(
    () => undefined,
    () => undefined,
  );
  ctx.activations.set(sessionId, settled);
  try {
    return await opening;
  } finally {
    ctx.activations.delete(sessionId);
  }
}
