// Read-only operations: queries, snapshot, inputs, transcript, session list, and the wake nudge.

import { BurrowError } from '../../core/errors.js';
import type { InputRecord } from '../../core/ledger/input-record.js';
import { activeInputIds, countByStatus, findInput } from '../../core/ledger/input-ledger.js';
import { visiblePhase } from '../../core/machine/classifiers.js';
import { sessionIdOf } from '../../store/runtime-store.js';
import { activeEntry } from '../session/access.js';
import { PHASES } from '../../core/machine/state.js';
import type {
  InputPage,
  SessionPage,
  SessionQuery,
  SessionSnapshot,
  SessionSummary,
  TranscriptMessage,
} from '../runtime-views.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from '../session/entry.js';

function hasLiveLoop(entry: SessionEntry): boolean {
  return entry.loop !== null && entry.loop.state !== 'stopped';
}

/** True when the session has a live runtime loop or an attachment in progress. */
export async function sessionHasExecutor(ctx: RuntimeContext, sessionId: string): Promise<boolean> {
  const entry = await activeEntry(ctx, sessionId);
  return hasLiveLoop(entry) && entry.machine.registration !== 'queuing';
}

/** True when the session's comms drain is running. */
export async function sessionHasComms(ctx: RuntimeContext, sessionId: string): Promise<boolean> {
  return (await activeEntry(ctx, sessionId)).machine.commsDrain.status === 'running';
}

/** Wakes the loop when work is queued; true if woken. Without a live loop: `not_ready`. */
export async function wakeRuntimeIfActiveInputs(
  ctx: RuntimeContext,
  sessionId: string,
): Promise<boolean> {
  const entry = await activeEntry(ctx, sessionId);
  if (activeInputIds(entry.ledger).length === 0) return false;
  if (!hasLiveLoop(entry)) {
    throw new BurrowError('not_ready', `session ${sessionId} has no runtime loop to wake`, {
      sessionId,
      phase: entry.machine.phase,
      guard: 'loop_attached',
    });
  }
  entry.loop?.wake();
  return true;
}

/** The public view of a session. */
export async function snapshot(ctx: RuntimeContext, sessionId: string): Promise<SessionSnapshot> {
  const entry = await activeEntry(ctx, sessionId);
  const m = entry.machine;
  return {
    sessionId,
    phase: visiblePhase(m),
    registration: m.registration,
    run:
      m.run === null
        ? null
        : { runId: m.run.runId, status: m.turn.status, boundaryCount: m.turn.boundaryCount },
    queues: { queue: entry.ledger.lanes.queue.length, steer: entry.ledger.lanes.steer.length },
    inputs: countByStatus(entry.ledger),
    binding: m.binding,
    epochId: entry.epochId,
    visibility: {
      activeRevision: m.visibility.active.revision,
      stagedRevision: m.visibility.staged.revision,
    },
    hasExecutor: hasLiveLoop(entry),
    hasComms: m.commsDrain.status === 'running',
    stopDeferred: m.stopDeferred,
    transcriptLength: entry.transcriptLength,
    silentIntents: m.silentIntents,
  };
}

/** One input's record (state, decision, attempts, outcome); from the store when no longer in memory. */
export async function getInput(
  ctx: RuntimeContext,
  sessionId: string,
  inputId: string,
): Promise<InputRecord | null> {
  const entry = await activeEntry(ctx, sessionId);
  const inMemory = findInput(entry.ledger, inputId);
  if (inMemory !== undefined) return inMemory;
  return ctx.store === null ? null : ctx.store.readInput(entry.runtimeId, inputId);
}

/** The committed transcript, oldest first. */
export async function getTranscript(
  ctx: RuntimeContext,
  sessionId: string,
  range: { offset?: number; limit?: number } = {},
): Promise<TranscriptMessage[]> {
  const entry = await activeEntry(ctx, sessionId);
  const offset = Math.max(0, range.offset ?? 0);
  const limit = Math.max(0, Math.min(range.limit ?? 1000, 10_000));
  if (entry.transcriptCache !== null) {
    return entry.transcriptCache
      .slice(offset, offset + limit)
      .map((e, i) => ({ index: offset + i, runId: e.runId, message: e.message }));
  }
  if (ctx.store === null) return [];
  return ctx.store.readTranscript(entry.runtimeId, offset, limit);
}

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

/**
 * The inputs the runtime holds for a session (live ones and retained terminal ones), newest admission
 * first, one page at a time, and how many it holds. Older inputs are in the store (`getInput`).
 */
export async function listInputs(
  ctx: RuntimeContext,
  sessionId: string,
  range: { offset?: number; limit?: number } = {},
): Promise<InputPage> {
  const { ledger } = await activeEntry(ctx, sessionId);
  const offset = Math.max(0, range.offset ?? 0);
  const limit = Math.max(0, Math.min(range.limit ?? 100, 1000));
  const all = [...ledger.live.values(), ...ledger.terminal.values()].sort((a, b) => b.seq - a.seq);
  return { inputs: all.slice(offset, offset + limit), total: all.length };
}
