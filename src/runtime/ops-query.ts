// Read-only operations: queries, snapshot, inputs, transcript, session list, and the wake nudge.

import { BurrowError } from '../core/errors.js';
import type { InputRecord } from '../core/input-record.js';
import { activeInputIds, countByStatus, findInput } from '../core/input-ledger.js';
import { visiblePhase } from '../core/machine-classifiers.js';
import { PHASES } from '../core/machine-state.js';
import { requireEntry } from './machine-errors.js';
import type {
  InputPage,
  SessionPage,
  SessionQuery,
  SessionSnapshot,
  SessionSummary,
  TranscriptMessage,
} from './runtime-api.js';
import type { RuntimeContext } from './runtime-context.js';
import type { SessionEntry } from './session-entry.js';

function hasLiveLoop(entry: SessionEntry): boolean {
  return entry.loop !== null && entry.loop.state !== 'stopped';
}

/** True when the session has a live runtime loop or an attachment in progress. */
export function sessionHasExecutor(ctx: RuntimeContext, sessionId: string): boolean {
  const entry = requireEntry(ctx, sessionId);
  return hasLiveLoop(entry) && entry.machine.registration !== 'queuing';
}

/** True when the session's comms drain is running. */
export function sessionHasComms(ctx: RuntimeContext, sessionId: string): boolean {
  return requireEntry(ctx, sessionId).machine.commsDrain.status === 'running';
}

/** Wakes the loop when work is queued; true if woken. Without a live loop: `not_ready`. */
export function wakeRuntimeIfActiveInputs(ctx: RuntimeContext, sessionId: string): boolean {
  const entry = requireEntry(ctx, sessionId);
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
export function snapshot(ctx: RuntimeContext, sessionId: string): SessionSnapshot {
  const entry = requireEntry(ctx, sessionId);
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
  const entry = requireEntry(ctx, sessionId);
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
  const entry = requireEntry(ctx, sessionId);
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

/** Registered sessions, sorted by id, paginated. */
export function listSessions(
  ctx: RuntimeContext,
  range: { offset?: number; limit?: number } = {},
): SessionSummary[] {
  return querySessions(ctx, range).sessions;
}

function summaryOf(sessionId: string, entry: SessionEntry): SessionSummary {
  return {
    sessionId,
    phase: visiblePhase(entry.machine),
    queue: entry.ledger.lanes.queue.length,
    steer: entry.ledger.lanes.steer.length,
    running: entry.machine.run !== null,
  };
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

/** One page of the registered sessions that match `query`, and how many match in all. */
export function querySessions(ctx: RuntimeContext, query: SessionQuery = {}): SessionPage {
  const offset = Math.max(0, query.offset ?? 0);
  const limit = Math.max(0, Math.min(query.limit ?? 100, 1000));
  const sort = query.sort ?? 'id';
  const { search, phase } = query;
  const ids = [...ctx.sessions.keys()].filter((id) => search === undefined || id.includes(search));
  const summary = (id: string): SessionSummary =>
    summaryOf(id, ctx.sessions.get(id) as SessionEntry);
  // By id and without a phase filter (the common case, and what metrics page through), only the
  // page is summarised: a runtime may hold 100,000 sessions.
  if (phase === undefined && (sort === 'id' || sort === '-id')) {
    ids.sort();
    if (sort === '-id') ids.reverse();
    return { sessions: ids.slice(offset, offset + limit).map(summary), total: ids.length };
  }
  const matches = ids.map(summary).filter((s) => phase === undefined || s.phase === phase);
  matches.sort(SORTS[sort]);
  return { sessions: matches.slice(offset, offset + limit), total: matches.length };
}

/**
 * The inputs the runtime holds for a session (live ones and retained terminal ones), newest admission
 * first, one page at a time, and how many it holds. Older inputs are in the store (`getInput`).
 */
export function listInputs(
  ctx: RuntimeContext,
  sessionId: string,
  range: { offset?: number; limit?: number } = {},
): InputPage {
  const { ledger } = requireEntry(ctx, sessionId);
  const offset = Math.max(0, range.offset ?? 0);
  const limit = Math.max(0, Math.min(range.limit ?? 100, 1000));
  const all = [...ledger.live.values(), ...ledger.terminal.values()].sort((a, b) => b.seq - a.seq);
  return { inputs: all.slice(offset, offset + limit), total: all.length };
}
