// Read-only operations on one session: queries, snapshot, inputs, transcript, and the wake nudge
// (the list of sessions is operations/session-list.ts).

import { BurrowError } from '../../core/errors.js';
import type { InputRecord } from '../../core/ledger/input-record.js';
import { activeInputIds, countByStatus, findInput } from '../../core/ledger/input-ledger.js';
import { visiblePhase } from '../../core/machine/classifiers.js';
import { activeEntry } from '../session/access.js';
import type { InputPage, SessionSnapshot, TranscriptMessage } from '../runtime-views.js';
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
