// Reading the completion feed, moving its forward-only cursors, and evaluating `waitAll` barriers.

import type { JsonValue } from '../json.js';
import type { OpsRefusal } from './guards.js';
import { isSequence, opsRefusal } from './guards.js';
import type { OpKind, TerminalOpStatus } from './kinds.js';
import { isTerminalOpStatus } from './kinds.js';
import type { OpsCursorName, OpsState } from './state.js';
import { feedEnd, findOperation, OPS_CURSORS } from './state.js';

/** One notice of the completion feed: what finished, how, and with which sequence number. */
export interface FeedNotice {
  readonly seq: number;
  readonly operationId: string;
  readonly kind: OpKind;
  readonly status: TerminalOpStatus;
  readonly result: JsonValue;
  readonly reason: string | null;
  readonly finishedAt: string;
}

/** The feed notices with `seq > since`, in sequence order (every one when `since` is 0). */
export function feedSince(
  state: OpsState,
  since: number,
):
  | { readonly ok: true; readonly notices: readonly FeedNotice[] }
  | { readonly ok: false; readonly refusal: OpsRefusal } {
  if (!isSequence(since)) return { ok: false, refusal: opsRefusal('ReadFeed', 'valid_sequence') };
  const notices: FeedNotice[] = [];
  for (const entry of state.feed) {
    if (entry.seq <= since) continue;
    const op = findOperation(state, entry.operationId);
    // The invariants tie every feed entry to a finished operation; skip rather than throw on a bug.
    if (op === undefined || !isTerminalOpStatus(op.status) || op.finishedAt === null) continue;
    notices.push({
      seq: entry.seq,
      operationId: op.operationId,
      kind: op.kind,
      status: op.status,
      result: op.result,
      reason: op.reason,
      finishedAt: op.finishedAt,
    });
  }
  return { ok: true, notices };
}

/** The result of {@link advanceCursor}: `moved` is false for an advance to where the cursor already is. */
export type CursorResult =
  | { readonly ok: true; readonly state: OpsState; readonly moved: boolean }
  | { readonly ok: false; readonly refusal: OpsRefusal };

/**
 * Moves a cursor to `seq`. Refused backwards (`cursor_forward`) and past the last sequence number
 * handed out (`cursor_within_feed`); an advance to the current position is accepted and moves nothing.
 */
export function advanceCursor(state: OpsState, cursor: OpsCursorName, seq: number): CursorResult {
  const refuse = (guard: Parameters<typeof opsRefusal>[1]): CursorResult => ({
    ok: false,
    refusal: opsRefusal('AdvanceCursor', guard),
  });
  if (!state.open) return refuse('registry_open');
  if (!(OPS_CURSORS as readonly string[]).includes(cursor)) return refuse('known_cursor');
  if (!isSequence(seq)) return refuse('valid_sequence');
  const current = state.cursors[cursor];
  if (seq < current) return refuse('cursor_forward');
  if (seq > feedEnd(state)) return refuse('cursor_within_feed');
  if (seq === current) return { ok: true, state, moved: false };
  return {
    ok: true,
    state: { ...state, cursors: { ...state.cursors, [cursor]: seq } },
    moved: true,
  };
}

/** The result of {@link evaluateWaitAll}. */
export type WaitAllResult =
  | { readonly ok: true; readonly pending: readonly string[] }
  | { readonly ok: false; readonly refusal: OpsRefusal };

/**
 * A `waitAll` barrier over `operationIds`: which are still in flight (none: the barrier is open).
 * Unknown ids are refused (`known_operations`, naming the first), so a typo never waits forever.
 * Duplicates count once; the pending list keeps the order of first appearance.
 */
export function evaluateWaitAll(state: OpsState, operationIds: readonly string[]): WaitAllResult {
  const pending: string[] = [];
  for (const id of new Set(operationIds)) {
    const op = findOperation(state, id);
    if (op === undefined)
      return { ok: false, refusal: opsRefusal('WaitAll', 'known_operations', id) };
    if (!isTerminalOpStatus(op.status)) pending.push(id);
  }
  return { ok: true, pending };
}

/**
 * Feed entries past the `observed` cursor, in sequence order: completions whose wake (for a kind that
 * wakes) the runtime has not yet delivered. After a crash these are delivered again, so a notice may
 * arrive twice but is never lost.
 */
export function unobserved(state: OpsState): readonly FeedNotice[] {
  const read = feedSince(state, state.cursors.observed);
  return read.ok ? read.notices : [];
}
