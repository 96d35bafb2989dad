// Removing a session entry from the runtime: its stream ends and every waiter left is settled.

import { releaseLedger } from '../../core/ledger/retained.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from './entry.js';

/** Removes the entry (if it is still the registered one), settles its waiters and ends its stream. */
export function removeEntry(ctx: RuntimeContext, entry: SessionEntry, reason: string): void {
  if (ctx.sessions.get(entry.sessionId) === entry) ctx.sessions.delete(entry.sessionId);
  entry.markRemoved();
  entry.completions.settleAll({ status: 'runtime_terminated', reason });
  entry.events.close();
  // Its finished inputs stop counting against the runtime's memory bound.
  releaseLedger(entry.ledger);
}

/**
 * Drops the session from this process without writing anything: the loop is detached and its run
 * hard-cancelled, the comms drain aborted, and local waiters are told `runtime_terminated{reason}`.
 * The next operation on the session loads it again from the store (if this host may own it).
 */
export function dropFromMemory(
  ctx: RuntimeContext,
  entry: SessionEntry,
  reason: string,
  why: string,
): void {
  const loop = entry.loop;
  loop?.requestExit('detach', reason);
  loop?.hardCancel(reason);
  entry.comms?.abort(reason);
  removeEntry(ctx, entry, reason);
  ctx.log.warn(`session dropped from memory: ${why}`, { sessionId: entry.sessionId, reason });
}

/**
 * Another host owns the session now (a commit came back `fenced`): drop it here. Nothing is written:
 * the store belongs to the new owner. The lease guard calls it too, before the lease expires, when
 * this host cannot renew it (`why` says so in the log).
 */
export function fenceOut(
  ctx: RuntimeContext,
  entry: SessionEntry,
  why = 'another host owns it now',
): void {
  dropFromMemory(ctx, entry, 'fenced', `fenced: ${why}`);
}
