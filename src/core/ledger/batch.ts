// Planning what one turn receives (02, "Batches"), steer injection at a boundary, and expiry.

import type { InputRecord } from './input-record.js';
import type { Ledger, LedgerPatch } from './input-ledger.js';
import { laneRecords } from './input-ledger.js';

/** A staged batch: its records (already staged with the run id) and the patch that stages them. */
export interface BatchPlan {
  readonly records: readonly InputRecord[];
  readonly patch: LedgerPatch;
}

/**
 * Picks the next batch (pure). The steer lane goes first: the longest prefix whose boundary and
 * execution kind equal the head's. Otherwise the queue lane: a prompt runs alone unless it is a
 * `merge` prompt, in which case every queued merge prompt runs with it; other inputs run as a run
 * of consecutive inputs with the head's execution kind, stopping before the next prompt.
 */
export function selectBatch(ledger: Ledger): InputRecord[] {
  const steer = laneRecords(ledger, 'steer');
  const head = steer[0];
  if (head !== undefined) {
    const batch: InputRecord[] = [];
    for (const record of steer) {
      if (
        record.decision.boundary !== head.decision.boundary ||
        record.decision.executionKind !== head.decision.executionKind
      )
        break;
      batch.push(record);
    }
    return batch;
  }
  const queue = laneRecords(ledger, 'queue');
  const first = queue[0];
  if (first === undefined) return [];
  if (first.payload.kind === 'prompt') {
    if (first.decision.queueMode !== 'merge') return [first];
    return queue.filter((r) => r.payload.kind === 'prompt' && r.decision.queueMode === 'merge');
  }
  const batch: InputRecord[] = [];
  for (const record of queue) {
    if (
      record.payload.kind === 'prompt' ||
      record.decision.executionKind !== first.decision.executionKind
    )
      break;
    batch.push(record);
  }
  return batch;
}

/**
 * Stages the next batch for `runId` atomically (every member or none), or returns null when nothing is
 * queued. Each member's `attempts` counts this run.
 */
export function planStageBatch(ledger: Ledger, runId: string, now: string): BatchPlan | null {
  const batch = selectBatch(ledger);
  if (batch.length === 0) return null;
  const records = batch.map((r): InputRecord => ({
    ...r,
    state: { status: 'staged', runId },
    attempts: r.attempts + 1,
    updatedAt: now,
  }));
  return { records, patch: { ops: records.map((record) => ({ op: 'put', record })) } };
}

/**
 * At a boundary: every queued steer-lane input is handed to the running turn and becomes `applied`
 * for `runId` (its `attempts` counts the run it joined). Returns null when there is nothing to inject.
 */
export function planInjectSteer(ledger: Ledger, runId: string, now: string): BatchPlan | null {
  const steer = laneRecords(ledger, 'steer');
  if (steer.length === 0) return null;
  const records = steer.map((r): InputRecord => ({
    ...r,
    state: { status: 'applied', runId },
    attempts: r.attempts + 1,
    updatedAt: now,
  }));
  return { records, patch: { ops: records.map((record) => ({ op: 'put', record })) } };
}

/** Abandons queued inputs whose time to live has passed (`expiresAt < now`, ISO strings compare in order). */
export function planExpire(ledger: Ledger, now: string): BatchPlan | null {
  const expired = [...laneRecords(ledger, 'queue'), ...laneRecords(ledger, 'steer')]
    .filter((r) => r.expiresAt !== null && r.expiresAt < now)
    .map((r): InputRecord => ({
      ...r,
      state: { status: 'abandoned', reason: 'expired' },
      outcome: { status: 'abandoned', reason: 'expired' },
      updatedAt: now,
    }));
  return expired.length === 0
    ? null
    : { records: expired, patch: { ops: expired.map((record) => ({ op: 'put', record })) } };
}
