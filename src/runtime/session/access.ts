// Finding the session an operation needs: in memory, or activated from the store on first touch (04,
// Recovery 6: a session registered and not unregistered exists after any restart, busy or idle). Every
// operation reaches its entry through here, so none can forget to activate.

import { isBurrowError } from '../../core/errors.js';
import type { RuntimeContext } from '../runtime-context.js';
import { sessionNotFound } from './refusals.js';
import { openSession } from './activate.js';
import type { SessionEntry } from './entry.js';

/**
 * The entry of `sessionId`, activating it from the store when memory does not hold it (claim, load,
 * executor from the factory). Call with the session's gate held. `session_not_found` when neither
 * memory nor the store knows it (an unregistered session stays unknown).
 */
export async function entryUnderGate(
  ctx: RuntimeContext,
  sessionId: string,
): Promise<SessionEntry> {
  const entry = ctx.sessions.get(sessionId);
  if (entry !== undefined) return entry;
  if (ctx.store === null) throw sessionNotFound(sessionId);
  return openSession(ctx, sessionId, { kind: 'activate', attach: true });
}

/**
 * The entry of `sessionId` (activated without an executor when only the store knows it), or null when
 * neither knows it. Call with the gate held. For operations that end a session (unregister): an
 * unknown session is their success.
 */
export async function knownEntryUnderGate(
  ctx: RuntimeContext,
  sessionId: string,
): Promise<SessionEntry | null> {
  const entry = ctx.sessions.get(sessionId);
  if (entry !== undefined) return entry;
  if (ctx.store === null) return null;
  try {
    return await openSession(ctx, sessionId, { kind: 'activate', attach: false });
  } catch (error: unknown) {
    if (isBurrowError(error, 'session_not_found')) return null;
    throw error;
  }
}

/**
 * The entry of `sessionId` for a read: from memory at once, or activated under the gate (concurrent
 * first touches wait for one activation and share its entry).
 */
export async function activeEntry(
  ctx: RuntimeContext,
  sessionId: string,
  signal?: AbortSignal,
): Promise<SessionEntry> {
  const entry = ctx.sessions.get(sessionId);
  if (entry !== undefined) return entry;
  if (ctx.store === null) throw sessionNotFound(sessionId);
  const release = await ctx.gate.lock(sessionId, signal);
  try {
    return await entryUnderGate(ctx, sessionId);
  } finally {
    release();
  }
}

/**
 * Runs `work` under the session's mutation gate with its current entry (activated when needed). The
 * entry is looked up after the gate is taken, so work never runs against an entry that was replaced
 * while it waited.
 */
export async function withSession<T>(
  ctx: RuntimeContext,
  sessionId: string,
  work: (entry: SessionEntry) => Promise<T> | T,
  signal?: AbortSignal,
): Promise<T> {
  const release = await ctx.gate.lock(sessionId, signal);
  try {
    return await work(await entryUnderGate(ctx, sessionId));
  } finally {
    release();
  }
}
