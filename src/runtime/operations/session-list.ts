// The list of registered sessions for people and dashboards: every session the store knows and every
// one in memory, filtered, sorted and paginated.

import { visiblePhase } from '../../core/machine/classifiers.js';
import { PHASES } from '../../core/machine/state.js';
import { sessionIdOf } from '../../store/runtime-store.js';
import type { SessionPage, SessionQuery, SessionSummary } from '../runtime-views.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from '../session/entry.js';

function summaryOf(ctx: RuntimeContext, entry: SessionEntry): SessionSummary {
  return {
    sessionId: entry.sessionId,
    phase: visiblePhase(entry.machine),
    queue: entry.ledger.lanes.queue.length,
    steer: entry.ledger.lanes.steer.length,
    running: entry.machine.run !== null,
    owner: entry.fence === undefined ? null : ctx.hostId,
  };
}

/** Registered sessions, sorted by id, paginated (see {@link querySessions}). */
export async function listSessions(
  ctx: RuntimeContext,
  range: { offset?: number; limit?: number } = {},
): Promise<SessionSummary[]> {
  return (await querySessions(ctx, range)).sessions;
}

const PHASE_ORDER = new Map(PHASES.map((phase, index) => [phase, index]));
const byId = (a: SessionSummary, b: SessionSummary): number =>
  a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0;
const SORTS: Readonly<
  Record<NonNullable<SessionQuery['sort']>, (a: SessionSummary, b: SessionSummary) => number>
> = {
  id: byId,
  '-id': (a, b) => byId(b, a),
  phase: (a, b) => (PHASE_ORDER.get(a.phase) ?? 0) - (PHASE_ORDER.get(b.phase) ?? 0) || byId(a, b),
  '-queue': (a, b) => b.queue + b.steer - (a.queue + a.steer) || byId(a, b),
};

/**
 * Every registered session: each one the store knows (active here or not: an inactive one is listed as
 * stored, without activating it) and each one in memory (which wins: it is the live view).
 */
async function allSummaries(ctx: RuntimeContext): Promise<Map<string, SessionSummary>> {
  const summaries = new Map<string, SessionSummary>();
  const store = ctx.store;
  const now = ctx.clock.now();
  if (store?.listSessions !== undefined) {
    for (const stored of await store.listSessions(0, Number.POSITIVE_INFINITY)) {
      const sessionId = sessionIdOf(stored.runtimeId);
      summaries.set(sessionId, {
        sessionId,
        phase: stored.phase,
        queue: stored.queue,
        steer: stored.steer,
        running: false,
        // An expired lease names nobody: the next host to touch the session claims it.
        owner: stored.lease !== null && stored.lease.expiresAt > now ? stored.lease.owner : null,
      });
    }
  }
  for (const entry of ctx.sessions.values()) summaries.set(entry.sessionId, summaryOf(ctx, entry));
  return summaries;
}

/**
 * One page of the registered sessions that match `query` (phase, id search, sort), and how many match
 * in all. It reads every session the store knows: a list for people and dashboards, not a hot path.
 */
export async function querySessions(
  ctx: RuntimeContext,
  query: SessionQuery = {},
): Promise<SessionPage> {
  const offset = Math.max(0, query.offset ?? 0);
  const limit = Math.max(0, Math.min(query.limit ?? 100, 1000));
  const { search, phase } = query;
  const matches = [...(await allSummaries(ctx)).values()].filter(
    (s) =>
      (search === undefined || s.sessionId.includes(search)) &&
      (phase === undefined || s.phase === phase),
  );
  matches.sort(SORTS[query.sort ?? 'id']);
  return { sessions: matches.slice(offset, offset + limit), total: matches.length };
}
