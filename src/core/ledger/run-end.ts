// Planning the end of a run for its inputs (consumed, retried, abandoned, rolled back), abandoning
// pending inputs for a control operation, and pruning retained terminal inputs.

import type { AbandonReason, ErrorInfo, InputOutcome, InputRecord } from './input-record.js';
import type { Ledger, LedgerOp, LedgerPatch } from './input-ledger.js';
import { runMembers } from './input-ledger.js';

/** How a run ended, as far as its inputs are concerned. */
export type RunEnd =
  | { readonly type: 'consumed'; readonly outcome: InputOutcome }
  | {
      readonly type: 'failed';
      readonly retryable: boolean;
      readonly maxAttempts: number;
      readonly error: ErrorInfo;
    }
  | { readonly type: 'cancelled'; readonly reason: string }
  | { readonly type: 'rollback' };

/** A plan over some inputs: the records as they will be, and the patch. */
export interface EndPlan {
  readonly records: readonly InputRecord[];
  readonly patch: LedgerPatch;
}

function plan(records: InputRecord[], ops?: LedgerOp[]): EndPlan {
  return { records, patch: { ops: ops ?? records.map((record) => ({ op: 'put', record })) } };
}

/**
 * The fate of a run's inputs. A failed run puts retryable inputs back in their lane behind any
 * backlog, and settles nothing until their attempts (the runs they took part in, counted when they
 * joined the run) reach `maxAttempts` (the seed settles them at the first failure); a non-retryable
 * error abandons them at once. A rollback requeues them at the front in their order and gives the
 * attempt back: nothing was consumed.
 */
export function planRunEnd(ledger: Ledger, runId: string, end: RunEnd, now: string): EndPlan {
  const members = runMembers(ledger, runId);
  switch (end.type) {
    case 'consumed':
      return plan(
        members.map((r) => ({
          ...r,
          state: { status: 'consumed', runId },
          outcome: end.outcome,
          updatedAt: now,
        })),
      );
    case 'cancelled':
      return plan(
        members.map((r) => ({
          ...r,
          state: { status: 'abandoned', reason: 'cancelled' },
          outcome: { status: 'cancelled', runId, reason: end.reason },
          updatedAt: now,
        })),
      );
    case 'failed': {
      const records = members.map((r): InputRecord => {
        if (!end.retryable) {
          return {
            ...r,
            state: { status: 'abandoned', reason: 'failed' },
            outcome: { status: 'failed', runId, error: end.error },
            updatedAt: now,
          };
        }
        if (r.attempts >= end.maxAttempts) {
          const outcome: InputOutcome = {
            status: 'abandoned',
            reason: 'max_attempts_exhausted',
            error: end.error,
          };
          return {
            ...r,
            state: { status: 'abandoned', reason: 'max_attempts_exhausted' },
            outcome,
            updatedAt: now,
          };
        }
        return { ...r, state: { status: 'queued' }, updatedAt: now };
      });
      return plan(
        records,
        records.map((record) => ({ op: 'put', record, placement: 'back' })),
      );
    }
    case 'rollback': {
      const records = members.map((r): InputRecord => ({
        ...r,
        state: { status: 'queued' },
        attempts: Math.max(0, r.attempts - 1),
        updatedAt: now,
      }));
      // Front placement, applied last-first, keeps the batch in its order at the head of the lane.
      return plan(
        records,
        [...records].reverse().map((record) => ({ op: 'put', record, placement: 'front' })),
      );
    }
  }
}

/** The outcome a caller sees for an input abandoned by a control operation, with the operation's words. */
export function abandonOutcome(reason: AbandonReason, message: string): InputOutcome {
  switch (reason) {
    case 'stopped':
    case 'destroyed':
    case 'unregistered':
      return { status: 'runtime_terminated', reason: message };
    default:
      return { status: 'abandoned', reason, message };
  }
}

/** Abandons pending inputs: only queued ones, or every live one (a run that is going away too). */
export function planAbandonPending(
  ledger: Ledger,
  reason: AbandonReason,
  scope: 'queued' | 'all',
  message: string,
  now: string,
): EndPlan {
  const targets = [...ledger.live.values()]
    .filter((r) => scope === 'all' || r.state.status === 'queued')
    .sort((a, b) => a.seq - b.seq);
  const outcome = abandonOutcome(reason, message);
  return plan(
    targets.map((r) => ({ ...r, state: { status: 'abandoned', reason }, outcome, updatedAt: now })),
  );
}

/**
 * Drops retained terminal inputs that are both older than `olderThan` (ISO time) and beyond the newest
 * `keep` (02: 24 h or 10,000 per session, whichever keeps more); their idempotency keys go with them.
 */
export function planPrune(ledger: Ledger, olderThan: string, keep: number): LedgerPatch {
  const terminal = [...ledger.terminal.values()];
  const candidates = terminal.slice(0, Math.max(0, terminal.length - keep));
  const ops: LedgerOp[] = candidates
    .filter((r) => r.updatedAt < olderThan)
    .map((r) => ({ op: 'drop', inputId: r.header.inputId }));
  return { ops };
}
