// The memory store's session lists: the sessions with work (with their leases) and the sessions it knows.

import { opsCursorCodec } from '../codecs/record-codecs.js';
import type { RecoverableLease, RuntimeId, StoredSessionSummary } from '../runtime-store.js';
import { hasWork, isKnownSession, storedPhase } from '../session-facts.js';
import type { MemorySession } from './memory-session.js';

function liveInputs(session: MemorySession): boolean {
  for (const input of session.inputs.values()) if (!input.terminal) return true;
  return false;
}

function withWork(runtimeId: RuntimeId, session: MemorySession): boolean {
  if (!session.committed) return false;
  const observed =
    session.opsCursor === null ? 0 : opsCursorCodec.decode(session.opsCursor, runtimeId).observed;
  return hasWork(session.lifecycle, liveInputs(session), session.operations.values(), observed);
}

/** The sessions with work, sorted by runtime id, each with its lease. */
export function recoverableLeases(
  sessions: ReadonlyMap<RuntimeId, MemorySession>,
): RecoverableLease[] {
  return [...sessions]
    .filter(([runtimeId, session]) => withWork(runtimeId, session))
    .map(([runtimeId, { lease }]) => ({
      runtimeId,
      owner: lease.owner,
      expiresAt: lease.owner === null ? null : lease.expiresAt,
    }))
    .sort((a, b) => (a.runtimeId < b.runtimeId ? -1 : a.runtimeId > b.runtimeId ? 1 : 0));
}

/** One page of the sessions the store knows, sorted by runtime id. */
export function knownSessions(
  sessions: ReadonlyMap<RuntimeId, MemorySession>,
  offset: number,
  limit: number,
): StoredSessionSummary[] {
  const known = [...sessions]
    .filter(
      ([, session]) =>
        session.committed &&
        isKnownSession(session.lifecycle?.epochId ?? null, liveInputs(session)),
    )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const start = Math.max(0, Math.floor(offset));
  return known.slice(start, start + Math.max(0, Math.floor(limit))).map(([runtimeId, session]) => {
    const lanes = { queue: 0, steer: 0 };
    for (const input of session.inputs.values()) {
      if (!input.terminal && (input.lane === 'queue' || input.lane === 'steer'))
        lanes[input.lane] += 1;
    }
    return {
      runtimeId,
      phase: storedPhase(session.lifecycle?.phase ?? 'idle', runtimeId),
      ...lanes,
      lease:
        session.lease.owner === null || session.lease.expiresAt === null
          ? null
          : { owner: session.lease.owner, expiresAt: session.lease.expiresAt },
    };
  });
}
