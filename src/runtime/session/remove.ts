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
 * Another host owns the session now (a commit came back `fenced`): drop it here. The loop is detached
 * and its run hard-cancelled, the comms drain aborted, and local waiters are told
 * `runtime_terminated{fenced}`. Nothing is written: the store belongs to the new owner. The lease guard
 * calls it too, before the lease expires, when this host cannot renew it (`why` says so in the log).
 */
export function fenceOut(
  ctx: RuntimeContext,
  entry: SessionEntry,
  why = 'another host owns it now',
): void {
  const loop = entry.loop;
  loop?.requestExit('detach', 'fenced');
  loop?.hardCancel('fenced');
  entry.comms?.abort('fenced');
  removeEntry(ctx, entry, 'fenced');
  ctx.log.warn(`session fenced: ${why}`, { sessionId: entry.sessionId });
}
